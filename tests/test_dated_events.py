"""Dated events (`on`): a real event comes on the first turn from its date, ahead of follow-ups and
the draw, or on the turn after when another dated event took that one; a date off the calendar is a located
error; the engine and the reference agree on games with dated events."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.authoring.why import why_not_now
from game.content import Content
from game.engine import Engine
from game.loader import check_scenario, load_scenario
from game.seeds import MAX_SEED
from tests.conftest import MINI
from tests.test_loader import only_problem
from tests.test_reference import play_both

Edit = Callable[[str, str, str], Path]

ROUTINE = 'id = "routine"\ntitle = "Routine"\nbrief = "A routine matter."\ntrigger = "turn >= 2 and season != \\"\\""'


def dated(edit: Edit, on: str, trigger: str | None = None) -> Path:
    """The mini scenario with its repeatable `routine` event dated, with or without a trigger."""
    new = f'id = "routine"\ntitle = "Routine"\nbrief = "A routine matter."\non = {on}'
    if trigger is not None:
        new += f"\ntrigger = {trigger!r}".replace("'", '"')
    return edit("events/main.toml", ROUTINE, new)


def test_a_dated_event_comes_before_a_follow_up_due_on_its_turn(edit: Edit) -> None:
    engine = Engine(load_scenario(dated(edit, "2024-10-30")))
    state = engine.new_game(1)
    assert state.event == "opening"
    state = engine.choose(state, "warn").state  # schedules `reply` for turn 2
    assert (state.turn, state.event) == (2, "routine")
    state = engine.choose(state, "handle").state
    assert (state.turn, state.event) == (3, "reply")


def test_a_dated_event_comes_on_the_first_turn_from_its_date_then_is_gone(edit: Edit) -> None:
    folder = dated(edit, "2024-10-24")  # (turn 2 is the first to start on or after it)
    text = (folder / "events/main.toml").read_text(encoding="utf-8")
    text = text.replace('trigger = "turn == 1"\npriority = 10', 'on = 2024-10-23\npriority = 10')
    (folder / "events/main.toml").write_text(text, encoding="utf-8")
    engine = Engine(load_scenario(folder))
    state = engine.choose(engine.new_game(2), "wait").state
    assert (state.turn, state.event) == (2, "routine")  # the first turn from its date
    state = engine.choose(state, "handle").state
    assert state.event != "routine" and "routine" in state.fired  # its window has passed


def test_a_dated_event_whose_trigger_fails_gives_way(edit: Edit) -> None:
    engine = Engine(load_scenario(dated(edit, "2024-10-30", "tension > 90")))
    state = engine.choose(engine.new_game(1), "warn").state
    assert (state.turn, state.event) == (2, "reply")
    lines = "\n".join(why_not_now(engine, state, "routine"))
    assert "dated 2024-10-30" in lines and "tension > 90" in lines


def test_a_date_off_the_calendar_is_a_located_error(edit: Edit) -> None:
    problem = only_problem(dated(edit, "2025-06-01"))
    assert "main.toml:" in problem
    assert ("the date 2025-06-01 is outside the scenario's calendar "
            "(its turns start from 2024-10-23 to 2024-11-27)") in problem


def test_a_dated_event_without_a_trigger_is_not_called_unreachable(edit: Edit) -> None:
    report = check_scenario(dated(edit, "2024-10-30"))
    assert report.content is not None
    # (the one note it may have is about its choices' missing texts, which a date does not change)
    assert not [note for note in report.notes if "'routine'" in str(note) and "reads nothing" not in str(note)]


@pytest.fixture(scope="module")
def dated_contents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Content]:
    """The mini scenario with `routine` dated, on three dates, with a trigger that comes and goes."""
    contents = {}
    for on in ("2024-10-30", "2024-11-06", "2024-11-27"):
        folder = tmp_path_factory.mktemp("dated") / "mini"
        shutil.copytree(MINI, folder)
        path = folder / "events" / "main.toml"
        text = path.read_text(encoding="utf-8")
        dated_routine = ROUTINE.split("\ntrigger")[0] + f'\non = {on}\ntrigger = "tension >= 30"'
        path.write_text(text.replace(ROUTINE, dated_routine), encoding="utf-8")
        contents[on] = load_scenario(folder)
    return contents


@pytest.mark.parametrize("on", ["2024-10-30", "2024-11-06", "2024-11-27"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, MAX_SEED), data=st.data())
def test_the_engine_plays_dated_events_as_the_reference(dated_contents: dict[str, Content], on: str, seed: int,
                                                        data: st.DataObject) -> None:
    content = dated_contents[on]
    assert content.events["routine"].turn is not None
    play_both(content, seed, data.draw)
