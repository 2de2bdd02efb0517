"""The debrief: histories of the meters, the timeline, and the Markdown export. Hidden stats stay
estimates until the debrief reveals them."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.content import Content
from game.debrief import debrief_markdown, history_turns, meter_series, sparkline, timeline, truth_rows
from game.engine import Engine, GameState
from game.loader import load_scenario

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def engine() -> Engine:
    content: Content = load_scenario(MINI)
    return Engine(content)


def play(engine: Engine, seed: int, picks: list[str]) -> GameState:
    state = engine.new_game(seed)
    for pick in picks:
        state = engine.choose(state, pick).state
    return state


def finished(engine: Engine, seed: int) -> GameState:
    state = engine.new_game(seed)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
    return state


def test_history_turns_match_the_history(engine: Engine) -> None:
    state = finished(engine, 3)
    turns = history_turns(state)
    assert len(turns) == len(state.history)
    assert turns[0] == 1 and turns == sorted(turns)


def test_hidden_stat_is_charted_as_estimates_until_revealed(engine: Engine) -> None:
    state = play(engine, 42, ["warn", "gamble"])
    shown = meter_series(engine, state, "threat")
    truth = meter_series(engine, state, "threat", reveal=True)
    assert truth == [h["threat"] for h in state.history] + [state.values["threat"]]
    expected = [engine.estimate(dict(h), "threat", state.seed, t)[0]
                for h, t in zip(state.history, history_turns(state), strict=True)]
    assert shown[:-1] == expected
    assert shown[-1] == engine.estimate(state.values, "threat", state.seed, state.turn)[0]
    assert shown != truth


def test_visible_stat_is_charted_as_it_is(engine: Engine) -> None:
    state = play(engine, 42, ["warn"])
    assert meter_series(engine, state, "tension") == [h["tension"] for h in state.history] + [state.values["tension"]]


def test_sparkline_is_scaled_to_the_stat_bounds() -> None:
    assert sparkline([0, 50, 100], 0, 100) == "▁▅█"
    assert sparkline([0, 50, 100, 100], 0, 100, width=2) == "██"
    assert sparkline([5, 500], 0, 0) == "▁▁"


def test_timeline_names_events_choices_and_outcomes(engine: Engine) -> None:
    state = play(engine, 42, ["warn", "gamble"])
    entries = timeline(engine, state)
    assert [(e.kind, e.title, e.choice) for e in entries][:2] == [
        ("decision", "Opening", "Warn them"), ("decision", "Reply", "Gamble")]
    assert entries[1].outcome in ("It worked.", "It failed.")


def test_debrief_reveals_truth_beside_the_last_estimate(engine: Engine) -> None:
    state = finished(engine, 7)
    [(view, truth)] = truth_rows(engine, state)
    assert view.id == "threat" and truth == state.values["threat"]
    text = debrief_markdown(engine, state)
    ending = engine.ending(state)
    assert ending is not None and f"## {ending.title}" in text
    assert f"| Threat | ≈{view.value:.0f} ±{(view.high - view.low) / 2:.0f}% | {truth:.0f}% |" in text
    assert text.count("- **") == len(state.decisions) + 1  # each decision, and the ending


def test_an_estimate_reads_the_same_on_every_page(engine: Engine) -> None:
    """The debrief, the replay transcript and the plain game show a hidden stat's estimate in one form."""
    from game.plain import format_stat
    from game.replay import meter_lines
    from game.text import estimate_figure

    state = finished(engine, 7)
    [(view, _truth)] = truth_rows(engine, state)
    figure = estimate_figure(view.value, (view.high - view.low) / 2, view.min, view.max, view.unit)
    assert figure.startswith("≈") and " ±" in figure
    assert f"| {figure} |" in debrief_markdown(engine, state)
    assert any(line.startswith(f"Threat: {figure} ") for line in meter_lines(engine, state))
    assert format_stat(view) == f"Threat: {figure} (estimate)"
