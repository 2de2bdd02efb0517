"""Automated play's fast path gives exactly the games the engine gives, or is not used."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import Engine
from game.fastcode import Translator, Unsupported
from game.fastplay import AutoPlayer, EnginePlayer, player_for
from game.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "fixtures" / "mini", ROOT / "tests" / "fixtures" / "toolkit", ROOT / "content" / "red-line"]


@pytest.fixture(scope="module", params=FOLDERS, ids=lambda p: p.name)
def content(request):
    return load_scenario(request.param)


def _policy(picks: int, lowest: bool):
    rng = random.Random(picks)

    def decide(event, options, state, env):
        ids = [cid for cid, _posture, ok in options if ok]
        if not ids:
            return None
        if lowest:
            return min((p, cid) for cid, p, ok in options if ok)[1]
        return ids[int(rng.random() * len(ids))]

    return decide


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**40), picks=st.integers(0, 2**32), lowest=st.booleans())
def test_fast_games_equal_the_engines_games(content, seed, picks, lowest):
    fast, fast_count, fast_stop = AutoPlayer(content).play(seed, _policy(picks, lowest))
    slow, slow_count, slow_stop = EnginePlayer(Engine(content)).play(seed, _policy(picks, lowest))
    assert (fast_count, fast_stop) == (slow_count, slow_stop)
    assert fast.to_dict() == slow.to_dict()


def test_the_fast_player_is_used_when_it_agrees(content):
    assert isinstance(player_for(content), AutoPlayer)


def test_the_engine_is_used_when_the_fast_player_disagrees(content, monkeypatch):
    monkeypatch.setattr(AutoPlayer, "agrees", lambda self, seeds=(): False)
    assert isinstance(player_for(content), EnginePlayer)


@pytest.mark.parametrize("text", ["a.b", "x[1]", "f(1)", "lambda: 1", "[1, 2]", "2 ** 3"])
def test_anything_outside_the_language_is_not_rewritten(text):
    with pytest.raises(Unsupported):
        Translator({}).expression(text)
