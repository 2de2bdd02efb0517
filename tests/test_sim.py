"""`redline simulate`: automated playthroughs, coverage with reasons, stat ranges, policies, jobs."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.cli import main
from game.content import Content
from game.engine import Engine
from game.loader import load_scenario
from game.policies import act_rng, make_act_policy, make_policy
from game.sim import run_games, simulate

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
TOOLKIT = FIXTURES / "toolkit"


@pytest.fixture(scope="module")
def mini() -> Content:
    return load_scenario(MINI)


@pytest.fixture(scope="module")
def toolkit() -> Content:
    return load_scenario(TOOLKIT)


def _unreached(report: dict[str, Any], kind: str, ident: str) -> dict[str, Any]:
    unreached: list[dict[str, Any]] = report["unreached"]
    for item in unreached:
        if item["kind"] == kind and item["id"] == ident:
            return item
    raise AssertionError(f"{kind} {ident} not listed as never reached")


def test_every_game_ends_in_a_listed_ending(mini: Content) -> None:
    report = simulate(mini, runs=300, seed=5)
    assert report["runs"] == 300
    assert sum(e["count"] for e in report["endings"]) == 300
    assert {e["id"] for e in report["endings"]} == {"war", "calm", "stalemate"}
    shares = sum(e["share"] for e in report["endings"])
    assert shares == pytest.approx(1.0, abs=0.01)


def test_game_length_is_summarised(mini: Content) -> None:
    length = simulate(mini, runs=200, seed=1)["length"]
    decisions = length["decisions"]
    assert decisions["min"] <= decisions["q1"] <= decisions["median"] <= decisions["q3"] <= decisions["max"]
    assert length["turns"]["max"] <= 6  # the mini calendar has six turns


def test_unavailable_choice_is_listed_with_file_line_and_reason(mini: Content) -> None:
    report = simulate(mini, runs=200, seed=1)
    item = _unreached(report, "choice", "opening.strike")
    assert item["where"].endswith("tests/fixtures/mini/events/main.toml:32")
    # the opening only fires on turn 1, when tension is always 40
    assert "needs tension >= 60; the highest seen was 40" in item["reason"]


def test_event_whose_trigger_never_holds_names_the_highest_value_seen(toolkit: Content) -> None:
    report = simulate(toolkit, runs=200, seed=1)
    item = _unreached(report, "event", "summit")
    assert item["where"].endswith("tests/fixtures/toolkit/scenario.toml:89")
    assert item["reason"].startswith("its trigger never held: needs pressure >= 80; the highest seen was ")
    assert _unreached(report, "choice", "summit.attend")["reason"] == "its event 'summit' never fired"


def test_ending_reasons_name_the_missing_flag_and_value(toolkit: Content) -> None:
    report = simulate(toolkit, runs=200, seed=1)
    assert "needs secret_found, which was never true" in _unreached(report, "ending", "secret_ending")["reason"]
    assert "needs pressure >= 95" in _unreached(report, "ending", "meltdown")["reason"]


def test_outcome_with_zero_chance_is_explained(toolkit: Content) -> None:
    report = simulate(toolkit, runs=100, seed=1)
    assert _unreached(report, "outcome", "meeting.push.never")["reason"] == "its chance is 0"


def test_cautious_policy_always_takes_the_lowest_posture(toolkit: Content) -> None:
    report = simulate(toolkit, runs=100, seed=1, policy="cautious")
    push = _unreached(report, "choice", "meeting.push")
    assert "the 'cautious' policy never picked it (posture 2)" in push["reason"]
    aftermath = _unreached(report, "event", "aftermath")
    assert aftermath["reason"] == "only scheduled by choice meeting.push, which was never taken"


def test_forceful_policy_always_takes_the_highest_posture(mini: Content) -> None:
    report = simulate(mini, runs=100, seed=1, policy="forceful")
    choices = {c["id"]: c for c in report["coverage"]["choices"]}
    assert choices["opening.warn"]["count"] == 100
    assert choices["opening.wait"]["count"] == 0


def test_explore_covers_at_least_what_random_covers(mini: Content) -> None:
    explored = simulate(mini, runs=100, seed=3, policy="explore")["coverage"]["summary"]
    randomly = simulate(mini, runs=100, seed=3, policy="random")["coverage"]["summary"]
    for kind in ("events", "choices", "outcomes"):
        assert explored[kind]["reached"] >= randomly[kind]["reached"]


def test_stat_that_never_moves_is_flagged(toolkit: Content) -> None:
    stats = {s["id"]: s for s in simulate(toolkit, runs=50, seed=1)["stats"]}
    assert stats["frozen"]["moved"] is False
    assert stats["frozen"]["low"] == stats["frozen"]["high"] == 50
    assert stats["pressure"]["moved"] is True
    assert stats["pressure"]["low"] < 30 < stats["pressure"]["high"]


@pytest.mark.parametrize("folder", [MINI, TOOLKIT, Path(__file__).parent.parent / "content" / "red-line"])
def test_ranges_are_the_values_held_at_every_decision_and_end(folder: Path) -> None:
    """The lowest and highest of every stat, flag and counter, worked out the slow way from the same
    games played through `choose`: stats as the game's history has them (at the start and after each
    decision), flags and counters as they were at every decision and at the end."""
    content = load_scenario(folder)
    engine = Engine(content)
    others = [*content.flags, *content.counters]
    seen: dict[str, set[Any]] = {name: set() for name in [*content.stats, *others]}
    for seed in range(3, 3 + 60):
        policy, rng = make_policy("random", content), random.Random(seed)
        act, act_chance = make_act_policy("random"), act_rng(seed)  # (standing actions as the simulator takes them)
        state = engine.new_game(seed)
        while True:
            while act is not None and not state.over and (taken := act("", engine.action_states(state), act_chance)):
                state = engine.act(state, taken).state
            for name in others:
                seen[name].add(state.values[name])
            if state.over:
                break
            decision = engine.decision(state)
            assert decision is not None
            options = [(c.id, c.posture, c.available) for c in decision.choices]
            ids = tuple(c.id for c in decision.choices if c.available)
            state = engine.choose(state, policy(decision.event.id, options, ids, rng, engine.environment(state))).state
        for snapshot in state.history:
            for name, value in snapshot.items():
                seen[name].add(value)
    tally = run_games(content, 60, seed=3, policy="random")
    assert tally.low == {name: min(values) for name, values in seen.items()}
    assert tally.high == {name: max(values) for name, values in seen.items()}


def test_same_report_whatever_the_number_of_jobs(mini: Content) -> None:
    one = simulate(mini, runs=600, seed=9, policy="explore", jobs=1)
    two = simulate(mini, runs=600, seed=9, policy="explore", jobs=2, source=(MINI, ()))
    one.pop("jobs")
    two.pop("jobs")
    assert one == two


def test_event_with_no_available_choice_is_reported_not_looped(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(
        (TOOLKIT / "scenario.toml").read_text()
        + '\n[[event]]\nid = "dead_end"\ntitle = "Dead end"\nbrief = "Nothing to do."\ntrigger = "turn == 1"\n'
        'priority = 9\n\n  [[event.choice]]\n  id = "nothing"\n  label = "Nothing"\n'
        '  available_if = "pressure > 1000"\n  unavailable_reason = "Never."\n'
    )
    report = simulate(load_scenario(tmp_path), runs=20, seed=1)
    assert report["problems"][0]["id"] == "dead_end"
    assert "offered no available choice in 20 game(s)" in report["problems"][0]["message"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), picks=st.integers(0, 2**32))
def test_lean_play_gives_the_same_games_as_choose(mini: Content, toolkit: Content, seed: int, picks: int) -> None:
    for content in (mini, toolkit):
        engine = Engine(content)
        rng = random.Random(picks)
        full = lean = engine.new_game(seed)
        while not full.over:
            options = [cid for cid, _posture, ok in engine.choice_options(full) if ok]
            decision = engine.decision(full)
            assert decision is not None
            assert options == [c.id for c in decision.choices if c.available]
            pick = rng.choice(options)
            full = engine.choose(full, pick).state
            lean = engine.choose_state(lean, pick)
            assert lean.to_dict() == full.to_dict()


def test_cli_simulate_prints_json_for_tools(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(MINI), "--runs", "40", "--seed", "2", "--policy", "cautious", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["policy"] == "cautious" and report["runs"] == 40 and report["seed"] == 2
    assert report["coverage"]["summary"]["endings"]["total"] == 3


def test_cli_simulate_prints_a_readable_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(TOOLKIT), "--runs", "30"]) == 0
    out = capsys.readouterr().out
    assert "Endings" in out and "Never reached" in out
    assert "frozen" in out and "never moved" in out
    assert "scenario.toml:89: event 'summit': its trigger never held" in out


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--runs", "many"], ["--policy", "bold"], ["--jobs", "0"],
                                  ["--seed", "-1"]])
def test_cli_simulate_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["simulate", str(MINI), *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_simulate_missing_folder_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nowhere")]) == 1
    captured = capsys.readouterr()
    assert "no such folder" in captured.err and "nothing was simulated" in captured.err
    assert captured.out == ""


def test_an_event_that_comes_again_with_the_same_brief_is_reported(edit: Any) -> None:
    """`routine` can come on several turns of one game, and its brief reads the same each time: the
    report names it, with where it is and in how many games; a paragraph for its return clears it."""
    from game.simreport import format_report

    report = simulate(load_scenario(MINI), runs=200, seed=1)
    repeated = {item["id"]: item for item in report["repeated"]}
    assert set(repeated) == {"routine"}
    assert repeated["routine"]["games"] > 0 and repeated["routine"]["where"].endswith("main.toml:85")
    assert "event 'routine' came again in" in format_report(report)

    folder = edit("events/main.toml", 'brief = "A routine matter."',
                  '''brief = ["A routine matter.", { when = 'fired("routine") >= 2', text = "Again." }]''')
    again = simulate(load_scenario(folder), runs=200, seed=1)
    assert again["repeated"] == [] and "came again" not in format_report(again)
    counts = [(item["id"], item["count"]) for item in report["coverage"]["events"]]
    assert [(item["id"], item["count"]) for item in again["coverage"]["events"]] == counts  # (the same games)
