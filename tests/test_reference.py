"""The engine plays every game exactly as the reference engine (game/reference.py), the plain
statement of the rules: the same states byte for byte, the same logs, the same rolls, through
`choose`, `choose_state` and `autoplay`, on every fixture scenario that loads and the shipped one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import game.engine as engine_module
from game.content import Content
from game.engine import Decide, Engine, GameState, InvalidChoice
from game.loader import ContentError, load_scenario
from game.reference import Reference, pick
from game.seeds import MAX_SEED
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [*sorted(p for p in FIXTURES.iterdir() if (p / "scenario.toml").is_file()), ROOT / "content" / "red-line"]
#: rolls that only show the player an estimate: not part of what a turn does
SHOWN_ONLY = ("estimate", "estimate bias")


def _loaded() -> list[tuple[str, Content]]:
    loaded = []
    for folder in SCENARIOS:
        try:
            loaded.append((folder.name, load_scenario(folder)))
        except ContentError:
            continue
    return loaded


LOADED = _loaded()


def test_the_shipped_scenario_and_the_fixtures_are_checked() -> None:
    names = [name for name, _content in LOADED]
    assert "red-line" in names and "mini" in names and len(names) >= 3


@contextmanager
def engine_rolls() -> Iterator[list[str]]:
    """The keys of the rolls the engine makes inside the block (but those for estimates)."""
    keys: list[str] = []
    real = engine_module._roll_key

    def record(key: str) -> float:
        if key.split("|")[1] not in SHOWN_ONLY:
            keys.append(key)
        return real(key)

    with patch.object(engine_module, "_roll_key", record):
        yield keys


def taken(reference: Reference) -> list[str]:
    """The rolls the reference made since last asked, as the keys `roll` hashes."""
    keys = ["|".join(map(str, parts)) for parts in reference.rolls]
    reference.rolls.clear()
    return keys


def as_bytes(state: GameState, stat_ids: tuple[str, ...] | None = None) -> str:
    data = state.to_dict()
    if stat_ids is not None:  # an engine keeping history rows as tuples
        data["history"] = [dict(zip(stat_ids, row, strict=True)) for row in data["history"]]
    return json.dumps(data)


def play_both(content: Content, seed: int, draw: Any,
              ) -> tuple[GameState, list[str], list[tuple[str, list[tuple[str, int, bool]]]], list[str]]:
    """Play one game with the reference and `Engine.choose` (and `choose_state`) side by side,
    choosing by drawn indices among the available options. Gives the final state, the choices taken,
    the event and options of each decision, and every roll."""
    reference = Reference(content)
    engine = Engine(content)
    expected = reference.new_game(seed)
    with engine_rolls() as keys:
        state = engine.new_game(seed)
    rolls = taken(reference)
    assert keys == rolls
    assert as_bytes(state) == as_bytes(expected)
    picks: list[str] = []
    seen = []
    while not expected.over and len(picks) < 500:
        options = reference.options(expected)
        assert engine.choice_options(state) == options
        decision = engine.decision(state)
        assert decision is not None and decision.event.id == expected.event
        assert [(c.id, c.posture, c.available) for c in decision.choices] == options
        available = [ident for ident, _posture, ok in options if ok]
        if not available:
            break
        pick_id = available[draw(st.integers(0, len(available) - 1))]
        picks.append(pick_id)
        seen.append((state.event or "", options))
        step = reference.choose(expected, pick_id)
        with engine_rolls() as keys:
            resolution = engine.choose(state, pick_id)
        new_rolls = taken(reference)
        assert keys == new_rolls
        rolls += new_rolls
        assert as_bytes(resolution.state) == as_bytes(step.state), f"after {picks}"
        assert resolution.outcome == step.outcome
        assert list(resolution.scheduled) == step.scheduled
        assert list(resolution.notes) == step.notes
        assert resolution.ending == step.state.ending
        assert as_bytes(engine.choose_state(state, pick_id)) == as_bytes(step.state)
        state, expected = resolution.state, step.state
    return expected, picks, seen, rolls


@pytest.mark.parametrize("name,content", LOADED, ids=[name for name, _content in LOADED])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, MAX_SEED), data=st.data())
def test_the_engine_plays_as_the_reference(name: str, content: Content, seed: int, data: st.DataObject) -> None:
    expected, picks, seen, rolls = play_both(content, seed, data.draw)
    # automated play, with the same decisions, ends in the same state, through the same rolls
    for rows in (False, True):
        engine = Engine(content, history_rows=rows)
        decide, asked = replaying(picks)
        with engine_rolls() as keys:
            final, decisions, _stopped = engine.autoplay(seed, decide, max_decisions=len(picks))
        assert decisions == len(picks) and asked == seen
        assert as_bytes(final, tuple(content.stats) if rows else None) == as_bytes(expected)
        assert keys == rolls


def replaying(picks: list[str]) -> tuple[Decide, list[tuple[str, list[tuple[str, int, bool]]]]]:
    """A `decide` for autoplay taking `picks` in turn, and the list of what it was asked."""
    asked: list[tuple[str, list[tuple[str, int, bool]]]] = []

    def decide(event: str, options: list[tuple[str, int, bool]], state: GameState, env: dict[str, Any]) -> str | None:
        asked.append((event, list(options)))
        return picks[len(asked) - 1] if len(asked) <= len(picks) else None

    return decide, asked


def test_a_choice_not_available_is_refused_by_both() -> None:
    content = dict(LOADED)["mini"]
    reference, engine = Reference(content), Engine(content)
    state = engine.new_game(1)
    for ident, _posture, available in reference.options(state):
        if not available:
            with pytest.raises(InvalidChoice):
                reference.choose(state, ident)
            with pytest.raises(InvalidChoice):
                engine.choose(state, ident)
            break
    else:
        pytest.fail("the mini scenario's opening has no unavailable choice")


@given(weights=st.lists(st.one_of(st.integers(0, 5), st.floats(0, 5)), min_size=1, max_size=6),
       r=st.floats(0, 1, exclude_max=True))
def test_the_reference_pick_is_the_engines(weights: list[float], r: float) -> None:
    items = list(range(len(weights)))
    assert pick(items, weights, r) == engine_module._pick(items, weights, r)
