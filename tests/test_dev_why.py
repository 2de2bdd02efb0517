"""`play --dev`: why an event is not the one now, part by part, and the odds an outcome stood at."""

from __future__ import annotations

import io
from pathlib import Path

from game.authoring.why import odds_line, outcome_odds, why_not_now
from game.devmode import DevSession, play_plain
from game.engine import Engine
from game.loader import check_scenario, load_scenario
from tests.conftest import MINI


def test_why_not_now_shows_each_part_of_the_trigger_with_its_value() -> None:
    engine = Engine(load_scenario(MINI))
    state = engine.new_game(1)
    lines = why_not_now(engine, state, "late")
    assert lines[0] == "its trigger, on turn 1:"
    assert any(line.startswith("  NO  date > election") and "date = 2024-10-23" in line for line in lines)
    assert any(line.startswith('  NO  chose("opening", "warn")') for line in lines)
    assert why_not_now(engine, state, "opening") == ["'opening' is the event in front of you now"]


def test_why_not_now_names_a_follow_up_and_an_event_that_happened_once() -> None:
    engine = Engine(load_scenario(MINI))
    state = engine.choose(engine.new_game(1), "warn").state
    assert any("it happens once, and it happened on turn 1" in line for line in why_not_now(engine, state, "opening"))
    if state.event != "reply":
        assert any("scheduled as a follow-up" in line for line in why_not_now(engine, state, "reply"))


def test_the_odds_of_the_outcomes_as_they_stood() -> None:
    engine = Engine(load_scenario(MINI))
    state = engine.choose(engine.new_game(2), "warn").state
    assert state.event == "reply"
    odds = dict(outcome_odds(engine, state, "gamble"))
    intel = engine.environment(state)["intel"]
    win = 0.5 + intel / 200
    assert abs(odds["win"] - win / (win + 0.5)) < 1e-9 and abs(sum(odds.values()) - 1) < 1e-9
    happened = engine.choose(state, "gamble").outcome
    line = odds_line(engine, state, "gamble", happened)
    assert line is not None and line.startswith(f"outcome '{happened}' happened (it stood at ")
    assert odds_line(engine, state, "accept", None) is None


def test_the_plain_dev_player_answers_why_and_gives_odds(mini_copy: Path) -> None:
    report = check_scenario(mini_copy)
    assert report.content is not None
    session = DevSession(mini_copy, (), report.content)
    answers = iter(["w late", "w nosuch", "1", "2", "q"])
    out = io.StringIO()
    play_plain(session, session.new_game(2), lambda: next(answers, None), out)
    text = out.getvalue()
    assert "[dev]   NO  date > election" in text and "[dev] no event 'nosuch'" in text
    assert "[dev] outcome '" in text and "happened (it stood at" in text


def test_simulate_reports_follow_ups_dropped_and_why(edit: object, mini_copy: Path) -> None:
    from game.sim import simulate
    from game.simreport import format_report

    path = mini_copy / "events/main.toml"
    path.write_text(path.read_text().replace('followups = [{ event = "reply", after = 1 }]',
                                             'followups = [{ event = "reply", after = 1, when = "tension > 95" }]'))
    report = simulate(load_scenario(mini_copy), runs=60, seed=1, policy="explore")
    fate = next(f for f in report["followups"]["fates"] if f["from"] == "opening.warn")
    assert fate["scheduled"] > 0 and fate["dropped"] == fate["scheduled"] and fate["fired"] == 0
    text = format_report(report)
    assert "Follow-ups scheduled but dropped (in the first 60 games)" in text
    assert f"opening.warn -> reply: scheduled {fate['scheduled']}, fired 0; {fate['dropped']} dropped because its " \
           "'when' (tension > 95) did not hold when due" in text
