"""Pauses of the garbage collector always end, leaving it as it was: after a block that raised, a
start of the game that failed, and pauses that overlap."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from game.cli import main
from game.gcpause import Pause, paused_gc


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_in_the_block_and_back_after_it_raised() -> None:
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_resume_it_when_the_last_ends() -> None:
    first, second = Pause(), Pause()
    first.end()  # (out of order, as two threads may)
    assert not gc.isenabled()
    second.end()
    second.end()  # ending twice changes nothing
    assert gc.isenabled()


def test_a_pause_ended_early_is_not_ended_again_by_its_block() -> None:
    with paused_gc() as outer:
        outer.end(settle=True)
        assert gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()


def test_a_failing_start_of_the_game_leaves_the_collector_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--scenario", "no-such-scenario"]) == 1
    assert "no scenario 'no-such-scenario'" in capsys.readouterr().err
    assert gc.isenabled()


def test_a_start_that_raises_leaves_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import game.tui.app

    def broken(*args: object) -> int:
        assert not gc.isenabled()
        raise RuntimeError("the interface broke")

    monkeypatch.setattr(game.tui.app, "run", broken)
    with pytest.raises(RuntimeError):
        main(["play", "--seed", "1"])
    assert gc.isenabled()
