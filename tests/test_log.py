"""The game log: one typed record per kind of entry, written to a save and read back in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game import log
from game.engine import Engine, GameState
from game.loader import load_scenario

MINI = Path(__file__).parent / "fixtures" / "mini"

ENTRIES: list[log.Entry] = [
    log.Decided(2, "2024-10-27", "opening", "warn", None),
    log.Decided(3, "2024-10-31", "reply", "gamble", "win"),
    log.Acted(3, "2024-10-31", "reply", "call_ally", "agreed"),
    log.Acted(4, "2024-11-04", None, "brief_congress"),
    log.Quiet(5, "2024-11-08"),
    log.Ended(6, "stalemate"),
    log.Jumped(1, "late"),
]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.kind)
def test_each_kind_reads_back_as_it_was_written(entry: log.Entry) -> None:
    data = log.to_dict(entry)
    assert next(iter(data)) == "kind" and data["kind"] == entry.kind
    assert log.from_dict(data) == entry


def test_a_saved_entry_keeps_the_key_order_of_the_save_format() -> None:
    assert list(log.to_dict(ENTRIES[1])) == ["kind", "turn", "date", "event", "choice", "outcome"]
    assert list(log.to_dict(ENTRIES[2])) == ["kind", "turn", "date", "event", "action", "outcome"]
    assert list(log.to_dict(ENTRIES[5])) == ["kind", "turn", "ending"]


@pytest.mark.parametrize(("data", "said"), [
    ({"kind": "vote", "turn": 1}, "unknown log entry kind 'vote'"),
    ({"turn": 1}, "unknown log entry kind None"),
    ({"kind": "decision", "turn": 1, "date": "2024-10-23", "event": "opening"},
     "a 'decision' entry of the log has no choice"),
    ({"kind": "quiet", "turn": "2", "date": "2024-10-23"},
     "the turn of a 'quiet' entry of the log must be a whole number"),
    ({"kind": "quiet", "turn": True, "date": "2024-10-23"},
     "the turn of a 'quiet' entry of the log must be a whole number"),
    ({"kind": "ending", "turn": 3, "ending": 7}, "the ending of a 'ending' entry of the log must be text, not 7"),
    ({"kind": "decision", "turn": 1, "date": "d", "event": "e", "choice": "c", "outcome": 3},
     "the outcome of a 'decision' entry of the log must be text"),
    (["decision"], "a log entry must be a table, not list"),
])
def test_a_damaged_entry_says_what_is_wrong(data: Any, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        log.from_dict(data)


def test_a_played_game_round_trips_through_its_saved_form() -> None:
    engine = Engine(load_scenario(MINI))
    for seed in range(12):
        state = engine.new_game(seed)
        while not state.over:
            decision = engine.decision(state)
            assert decision is not None
            state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
        again = GameState.from_dict(state.to_dict())
        assert again.log == state.log and again.to_dict() == state.to_dict()
        assert {type(entry) for entry in state.log} >= {log.Decided, log.Ended}
        assert state.decisions == [entry for entry in state.log if isinstance(entry, log.Decided | log.Acted)]
