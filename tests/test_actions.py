"""Standing actions as an author and a player meet them: declared in TOML, checked with located
errors, offered beside every decision with their cost and why not, taken without moving the turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content import Content
from game.engine import Engine, GameState, InvalidAction
from game.loader import check_scenario, load_scenario
from game.paths import scenario_folder
from game.reference import Reference
from tests.test_reference import as_bytes, engine_rolls, taken

ROOT = Path(__file__).resolve().parent.parent

ACTIONS = """
[[action]]
id = "study"
label = "Study the problem"
text = "Analysts look again."
cost = ["tension += 4"]
effects = ["intel += 10"]
cooldown = 1
uses = 2

  [[action.counsel]]
  advisor = "dove"
  position = "for"
  says = "Look before you leap."

[[action]]
id = "gamble"
label = "Take a gamble"
cost = ["intel -= 5"]
when = "not warned"
unavailable_reason = "After the warning, nobody will take the call."
followups = [{ event = "reply", after = 1 }]

  [[action.outcome]]
  id = "won"
  chance = 1
  effects = ["tension -= 10"]

  [[action.outcome]]
  id = "lost"
  chance = 1
  effects = ["tension += 10"]
"""


def with_actions(folder: Path, text: str = ACTIONS, per_turn: int | None = None) -> Path:
    (folder / "actions.toml").write_text(text, encoding="utf-8")
    if per_turn is not None:
        scenario = folder / "scenario.toml"
        scenario.write_text(scenario.read_text(encoding="utf-8").replace(
            'hypothetical_from = 2024-10-30', f'hypothetical_from = 2024-10-30\nactions_per_turn = {per_turn}'),
            encoding="utf-8")
    return folder


@pytest.fixture
def engine(mini_copy: Path) -> Engine:
    return Engine(load_scenario(with_actions(mini_copy)))


def test_an_action_is_offered_with_its_cost_and_limits(engine: Engine) -> None:
    decision = engine.decision(engine.new_game(1))
    assert decision is not None
    study = {a.id: a for a in decision.actions}["study"]
    assert study.available and study.cost_text == "Tension +4"
    assert study.limits_text == "2 of 2 uses left; then 1 turn before it can be taken again"
    assert [c.advisor for c in study.counsel] == ["dove"]


def test_taking_an_action_pays_applies_and_leaves_the_event_to_decide(engine: Engine) -> None:
    state = engine.new_game(1)
    resolution = engine.act(state, "study")
    after = resolution.state
    assert resolution.action and resolution.choice == "study"
    assert after.event == state.event == "opening" and after.turn == state.turn
    assert after.values["tension"] == state.values["tension"] + 4
    assert after.values["intel"] == state.values["intel"] + 10
    assert state.values["intel"] == 20, "the state given is not changed"
    assert {c.stat for c in resolution.changes} == {"tension", "intel", "threat"} - {"threat"}
    # the turn moves on only with the event's choice
    assert engine.choose(after, "wait").state.turn == 2


def test_one_action_a_turn_by_default_and_the_reason_is_given(engine: Engine) -> None:
    after = engine.act(engine.new_game(1), "study").state
    views = {a.id: a for a in engine.action_views(after)}
    assert views["study"].reason == "already taken this turn"
    assert views["gamble"].reason == "an action was already taken this turn (one a turn)"
    with pytest.raises(InvalidAction, match="one a turn"):
        engine.act(after, "gamble")


def test_the_scenario_sets_how_many_actions_a_turn_allows(mini_copy: Path) -> None:
    engine = Engine(load_scenario(with_actions(mini_copy, per_turn=2)))
    state = engine.act(engine.act(engine.new_game(1), "study").state, "gamble").state
    assert state.actions_this_turn == 2


def test_cooldown_blocks_an_action_with_a_reason(engine: Engine) -> None:
    state = engine.act(engine.new_game(1), "study").state
    state = engine.choose(state, "wait").state
    assert state.turn == 2
    study = {a.id: a for a in engine.action_views(state)}["study"]
    assert not study.available
    assert study.reason.startswith("taken 1 turn ago; available again in 1 turn")
    with pytest.raises(InvalidAction, match="available again"):
        engine.act(state, "study")


def test_uses_run_out(engine: Engine) -> None:
    state = engine.new_game(1)
    taken = 0
    while not state.over and taken < 2:
        if {a.id: a for a in engine.action_views(state)}["study"].available:
            state = engine.act(state, "study").state
            taken += 1
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
    assert state.used["study"] == 2
    if not state.over:
        assert {a.id: a for a in engine.action_views(state)}["study"].reason.startswith("used 2 of 2 times")


def test_when_and_cost_say_why_not(engine: Engine) -> None:
    warned = engine.choose(engine.new_game(1), "warn").state
    gamble = {a.id: a for a in engine.action_views(warned)}["gamble"]
    assert gamble.reason == "After the warning, nobody will take the call."
    poor = engine.new_game(1)
    poor.values["intel"] = 5.0
    gamble = {a.id: a for a in engine.action_views(poor)}["gamble"]
    assert gamble.reason == "it costs Intel −5, and it stands at 5"


def test_action_outcomes_are_rolled_like_choices_and_schedule_follow_ups(engine: Engine) -> None:
    outcomes = {engine.act(engine.new_game(seed), "gamble").outcome for seed in range(1, 30)}
    assert outcomes == {"won", "lost"}
    first = engine.act(engine.new_game(7), "gamble")
    assert first.outcome == engine.act(engine.new_game(7), "gamble").outcome
    assert first.scheduled == (("reply", 2),)
    state = engine.choose(first.state, "wait").state
    assert state.event == "reply", "the action's follow-up fires like a choice's"


def test_a_state_with_actions_round_trips_and_one_without_is_unchanged(engine: Engine) -> None:
    from game.engine import GameState

    plain = engine.new_game(1)
    assert "used" not in plain.to_dict()
    acted = engine.act(plain, "study").state
    again = GameState.from_dict(acted.to_dict())
    assert again.used == {"study": 1} and again.last_used == {"study": 1}


@pytest.mark.parametrize(("cost", "message"), [
    ('"warned = true"', "a cost is paid from a stat or a counter, and 'warned' is a flag"),
    ('"tension = 5"', "a cost takes an amount from a value"),
    ('"tension -= intel"', "a cost is a positive number"),
    ('"tension -= 0"', "a cost is a positive number"),
    ('"threat -= 5"', "'threat' is hidden from the player"),
    ('"tenson -= 5"', "unknown name 'tenson'"),
])
def test_a_bad_cost_is_one_located_problem(mini_copy: Path, cost: str, message: str) -> None:
    with_actions(mini_copy, f'[[action]]\nid = "x"\nlabel = "X"\ncost = [{cost}]\n')
    report = check_scenario(mini_copy)
    assert report.content is None
    assert len(report.problems) == 1, report.problems
    problem = str(report.problems[0])
    assert problem.endswith(message) or message in problem
    assert "actions.toml:4:" in problem


def test_unknown_names_in_an_action_are_located(mini_copy: Path) -> None:
    with_actions(mini_copy, '[[action]]\nid = "x"\nlabel = "X"\nfollowups = [{ event = "replly" }]\n'
                            '\n  [[action.counsel]]\n  advisor = "dover"\n  position = "for"\n  says = "Yes."\n')
    problems = [str(p) for p in check_scenario(mini_copy).problems]
    assert any("actions.toml:4:" in p and "unknown event 'replly'; did you mean 'reply'?" in p for p in problems)
    assert any("actions.toml:7:" in p and "unknown advisor 'dover'; did you mean 'dove'?" in p for p in problems)


def test_when_needs_a_reason(mini_copy: Path) -> None:
    with_actions(mini_copy, '[[action]]\nid = "x"\nlabel = "X"\nwhen = "warned"\n')
    (problem,) = check_scenario(mini_copy).problems
    assert "needs an unavailable_reason" in str(problem)


def test_the_shipped_scenario_has_actions_that_spend_something() -> None:
    content = load_scenario(scenario_folder("red-line"))
    assert len(content.actions) >= 6
    assert content.scenario.actions_per_turn == 1
    for action in content.actions.values():
        assert action.cost, f"{action.id} is free"
        assert action.model.cooldown or action.model.uses


# --- actions in the record: saved, replayed, verified --------------------------------------------


def play_with_actions(engine: Engine, seed: int = 5, decisions: int = 12) -> tuple[GameState, int]:
    """A game of the shipped scenario where an action is taken whenever one can be, first choice otherwise."""
    state = engine.new_game(seed)
    taken = 0
    for _ in range(decisions):
        if state.over:
            break
        open_ = [a for a in engine.action_views(state) if a.available]
        if open_:
            state = engine.act(state, open_[0].id).state
            taken += 1
        decision = engine.decision(state)
        if decision is None:
            break
        state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
    return state, taken


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return Engine(load_scenario(scenario_folder("red-line")))


#: What tasking the intelligence community can turn up in the shipped scenario: outcome -> its report
REPORTS = {
    "report_donetsk": "intel_report_donetsk", "report_second_wave": "intel_report_second_wave",
    "report_general": "intel_report_general", "report_to_front": "dprk_to_front",
    "report_rotation": "korea_rotation", "report_axis": "tehran_moscow_link",
}


def first_choices_until(engine: Engine, state: GameState, turn: int) -> GameState:
    while not state.over and state.turn < turn:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
    return state


def test_tasking_the_agencies_brings_the_report_it_promises(shipped: Engine) -> None:
    """An outcome of the intelligence tasking that promises a report brings that report within two
    turns (a dated event may come first); one that promises nothing schedules nothing; and a report
    that has come is not promised again."""
    assert {o.id for o in shipped.content.actions["task_intel"].outcomes} == {*REPORTS, "nothing_new"}
    promised = 0
    for seed in range(1, 40):
        state = first_choices_until(shipped, shipped.new_game(seed), 14)
        if state.over or not next(a for a in shipped.action_views(state) if a.id == "task_intel").available:
            continue
        done = shipped.act(state, "task_intel")
        if done.outcome == "nothing_new":
            assert not done.scheduled
            continue
        report = REPORTS[str(done.outcome)]
        assert report not in state.fired
        promised += 1
        state, came = done.state, []
        for _ in range(2):
            state = first_choices_until(shipped, state, state.turn + 1)
            came.append(state.event)
        assert report in came, (seed, done.outcome, came)
        # (asked again on a later turn, the agencies do not promise the same report twice)
        later = first_choices_until(shipped, state, state.turn + 2)
        if not later.over and next(a for a in shipped.action_views(later) if a.id == "task_intel").available:
            assert shipped.act(later, "task_intel").outcome != done.outcome
    assert promised >= 5


def test_a_save_with_actions_loads_replays_and_verifies(shipped: Engine, tmp_path: Path) -> None:
    import json

    from game import saves
    from game.replay import check

    state, taken = play_with_actions(shipped)
    assert taken >= 3
    path = saves.save_as(tmp_path, "with actions", shipped, state)
    data = json.loads(path.read_text(encoding="utf-8"))
    steps = data["decisions"]
    assert len(steps) == len(state.decisions) and sum(1 for s in steps if s.get("action")) == taken
    assert all("action" not in s for s in steps if s["choice"] not in shipped.content.actions), \
        "steps of choices are written as before"
    record = saves.read_save(path)
    assert check(shipped, record.seed, record.steps, record.start) is None
    loaded = saves.open_record(record, shipped)
    assert loaded.status == saves.OK and loaded.divergence is None
    assert loaded.state.used == state.used and loaded.state.to_dict() == state.to_dict()


def test_an_edited_action_in_a_save_is_found(shipped: Engine, tmp_path: Path) -> None:
    from game import saves
    from game.replay import verify

    state, _ = play_with_actions(shipped)
    record = saves.make_record(shipped, state, "x", saves.GameInfo.new())
    index = next(i for i, s in enumerate(record.steps) if s.action)
    other = next(a for a in shipped.content.actions if a != record.steps[index].choice)
    from dataclasses import replace

    forged = list(record.steps)
    forged[index] = replace(forged[index], choice=other)
    divergence = verify(shipped, record.seed, forged, record.start).divergence
    assert divergence is not None and divergence.matched == index
    assert f"action {other}" in divergence.where


def test_autosaves_extend_the_record_through_actions(shipped: Engine) -> None:
    from game import saves
    from game.replay import check

    state = shipped.new_game(9)
    recorder = saves.Recorder(shipped, saves.GameInfo.new())
    recorder.record(state, "a")
    for _ in range(4):
        state = shipped.act(state, next(a.id for a in shipped.action_views(state) if a.available)).state
        recorder.record(state, "a")
        decision = shipped.decision(state)
        assert decision is not None
        state = shipped.choose(state, decision.choices[0].id).state
        made = recorder.record(state, "a")
    assert len(made.steps) == 8 and [s.action for s in made.steps[:2]] == [True, False]
    assert check(shipped, made.seed, made.steps, made.start) is None


def test_the_transcript_shows_actions(shipped: Engine) -> None:
    from game.replay import record, replay, transcript

    state, _ = play_with_actions(shipped, decisions=4)
    from game.replay import choices_of

    start, steps, _final = record(shipped, state.seed, choices_of(state))
    text = transcript(shipped, replay(shipped, state.seed, steps, start))
    assert "Action: Task the intelligence community" in text
    assert "Cost: Middle East strain +2" in text


# --- the plain game --------------------------------------------------------------------------------


def redline(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_plain_game_takes_an_action_and_returns_to_the_same_decision(tmp_path: Path) -> None:
    done = redline("play", "--plain", "--seed", "3", "--saves", str(tmp_path), stdin="a\n1\n1\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "a. Actions of your own (6 of 6 open now)" in out
    assert "1. Task the intelligence community" in out and "Cost: Middle East strain +2" in out
    assert "Ruth Adebayo (analyst) recommends it:" in out
    assert "Action: Task the intelligence community (cost: Middle East strain +2)" in out
    assert "Intelligence confidence: 35 -> 43" in out
    assert "confidence in the estimate of North Korean troops in Russia rose" in out, "the estimates it narrowed"
    assert "Still to decide: Going public" in out
    assert "a. Actions of your own (0 of 6 open now)" in out
    assert out.index("Still to decide") < out.index("Turn 2 ·")
    saved = sorted(tmp_path.glob("autosave-*.json"))[-1]
    verified = redline("replay", str(saved), "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "identical: 2 decisions re-run" in verified.stdout


def test_plain_game_says_why_an_action_is_blocked_by_its_cooldown(tmp_path: Path) -> None:
    done = redline("play", "--plain", "--seed", "3", "--saves", str(tmp_path), stdin="a 1\n1\na 1\n\n1\n")
    assert done.returncode == 0, done.stderr
    assert "That action cannot be taken now: taken 1 turn ago; available again in 2 turns (04 Nov)" in done.stdout
    assert "Turn 3 ·" in done.stdout, "Enter goes back to the choices, and a number still decides"


def test_piped_numbers_still_play_the_shipped_game_to_an_ending(tmp_path: Path) -> None:
    done = redline("play", "--plain", "--seed", "1", "--saves", str(tmp_path), stdin="1\n" * 400)
    assert done.returncode == 0, done.stderr
    assert "ENDING:" in done.stdout


# --- automated play ----------------------------------------------------------------------------------


def test_simulate_takes_actions_and_covers_them(mini_copy: Path) -> None:
    from game.sim import simulate
    from game.simreport import format_report

    content = load_scenario(with_actions(mini_copy))
    report = simulate(content, runs=200, policy="random")
    assert report["coverage"]["summary"]["actions"] == {"reached": 2, "total": 2}
    by_id = {a["id"]: a for a in report["coverage"]["actions"]}
    assert by_id["study"]["count"] > 0 and by_id["study"]["blocked"]["cooldown"] > 0
    assert {o["id"] for o in report["coverage"]["action_outcomes"] if o["count"]} == {"gamble.won", "gamble.lost"}
    assert report["length"]["actions"]["max"] > 0
    text = format_report(report)
    assert "standing actions taken at chance 0.3" in text
    assert "  action study: " in text and "Actions taken per game: median" in text
    fates = report["followups"]["fates"]
    assert any(f["from"] == "action gamble" and f["event"] == "reply" for f in fates)


def test_an_action_never_taken_is_reported_with_why(mini_copy: Path) -> None:
    from game.sim import simulate

    with_actions(mini_copy, ACTIONS.replace('cost = ["intel -= 5"]', 'cost = ["intel -= 500"]'))
    report = simulate(load_scenario(mini_copy), runs=50, policy="random")
    (missed,) = [u for u in report["unreached"] if u["kind"] == "action"]
    assert missed["id"] == "gamble" and missed["where"].endswith("actions.toml:16")
    assert missed["reason"].startswith("never open: its cost could not be paid at ")
    cautious = simulate(load_scenario(mini_copy), runs=20, policy="cautious")
    study = next(u for u in cautious["unreached"] if u["id"] == "study")
    assert study["reason"].endswith("but the cautious player takes no actions")


def test_without_taking_actions_the_games_are_those_of_the_scenario_without_them(mini_copy: Path) -> None:
    from game.sim import run_games

    plain = run_games(load_scenario(mini_copy), 200, policy="random")
    acting = load_scenario(with_actions(mini_copy))
    still = run_games(acting, 200, policy="random", act_chance=0)
    assert still.endings == plain.endings and still.decisions == plain.decisions
    assert run_games(acting, 200, policy="random").decisions != plain.decisions


# --- the author's tools ---------------------------------------------------------------------------


def test_check_counts_actions_and_names_lists_them() -> None:
    from game.names import names_of, names_text

    done = redline("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ", 6 actions, " in done.stdout.splitlines()[-1]
    content = load_scenario(scenario_folder("red-line"))
    actions = {a["id"]: a for a in names_of(content)["actions"]}
    assert actions["task_intel"]["cost"] == ["mideast += 2"]
    assert actions["task_intel"]["where"].endswith("actions.toml:8")
    text = names_text(content)
    assert "Standing actions:" in text and "backchannel_moscow  capital -= 4" in text


def test_graph_shows_actions_their_follow_ups_and_gates() -> None:
    from game.authoring.graph import dot, mermaid

    content = load_scenario(scenario_folder("red-line"))
    chart = mermaid(content)
    assert 'n_action_backchannel_moscow>"action backchannel_moscow: Open a back channel to Moscow"]' in chart
    assert "n_action_backchannel_moscow -->|" in chart and "| n_event_talks_feelers" in chart
    assert 'n_flag_nuclear_use -.->|"gates"| n_action_backchannel_moscow' in chart
    assert '"action:task_intel" [label="action task_intel: Task the intelligence community", shape=parallelogram]' \
        in dot(content)


def test_quicktest_forces_actions_and_finds_their_problems(mini_copy: Path) -> None:
    from game.authoring.quicktest import quicktest

    won = 'chance = 1\n  effects = ["tension -= 10"]'
    never = 'chance = "0 * intel"\n  effects = ["tension -= 10"]'
    clamps = ACTIONS.replace('effects = ["intel += 10"]', 'effects = ["intel -= 1000"]')
    with_actions(mini_copy, clamps.replace(won, never))
    report = quicktest(load_scenario(mini_copy), games=30)
    assert report.actions == 2
    found = [str(f) for f in report.findings]
    assert any("actions.toml:2: action 'study': effect 'intel -= 1000' runs into its stat's bound" in f for f in found)
    assert any("action 'gamble' outcome 'won': its chance is 0 in every state the action was tried in" in f
               for f in found), found


def test_quicktest_of_the_shipped_scenario_forces_its_actions_cleanly() -> None:
    done = redline("quicktest")
    assert done.returncode == 0, done.stdout
    assert "6 actions and" in done.stdout.splitlines()[-1]


# --- the record of a game as the player reads it -----------------------------------------------------


def test_the_timeline_and_the_debrief_name_the_actions_taken(shipped: Engine) -> None:
    from game.debrief import debrief_markdown, history_turns, timeline

    state = shipped.act(shipped.new_game(3), "call_allies").state
    entries = timeline(shipped, state)
    assert entries[-1].kind == "action" and entries[-1].title == "Action: Call the allied capitals"
    assert entries[-1].outcome, "the first sentence of how it turned out"
    assert history_turns(state) == [1, 1], "the meters' history has a point for the action, on its turn"
    decision = shipped.decision(state)
    assert decision is not None
    state = shipped.choose(state, decision.choices[0].id).state
    assert "**23 Oct 2024, Action: Call the allied capitals.**" in debrief_markdown(shipped, state)


def test_dev_mode_replays_actions_when_the_content_reloads(shipped: Engine) -> None:
    from game.devmode import decisions_of, rerun

    state, taken = play_with_actions(shipped, decisions=5)
    assert taken and any(choice.startswith("action:") for _event, choice in decisions_of(state))
    again, count, went = rerun(shipped, state.seed, decisions_of(state))
    assert went is None and count == len(state.decisions)
    assert again.to_dict() == state.to_dict()


def test_check_warns_of_an_action_whose_when_never_holds(mini_copy: Path) -> None:
    with_actions(mini_copy, '[[action]]\nid = "x"\nlabel = "X"\nwhen = "tension > 200"\nunavailable_reason = "No."\n')
    done = redline("check", str(mini_copy))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "actions.toml:4:8: warning: action 'x': its 'when' can never hold" in done.stdout
    assert ", 1 action, " in done.stdout.splitlines()[-1]


def test_a_damaged_action_mark_in_a_save_is_one_clear_line(shipped: Engine, tmp_path: Path) -> None:
    import json

    from game import saves

    state = shipped.act(shipped.new_game(3), "task_intel").state
    path = saves.save_as(tmp_path, "acted", shipped, state)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["decisions"][0]["action"] is True
    data["decisions"][0]["action"] = "yes"
    data["checksum"] = saves.checksum(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(saves.SaveError, match=r"^damaged: decisions\[0\]\.action: "):
        saves.read_save(path)
    data["decisions"][0]["action"] = False  # a choice, says the record; the log says an action
    data["checksum"] = saves.checksum(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(saves.SaveError, match="does not match the decision log"):
        saves.read_save(path)


# --- held to the reference engine -------------------------------------------------------------------


def _play_both_with_actions(content: Content, seed: int, draw: Any) -> tuple[list[str], GameState]:
    """One game by the reference and the engine side by side, taking an open action (drawn) or a choice
    at each step; every state the same byte for byte, with the same rolls. Gives the steps taken
    (actions written "action:ID") and the final state."""
    reference, engine = Reference(content), Engine(content)
    expected = reference.new_game(seed)
    state = engine.new_game(seed)
    taken(reference)
    steps: list[str] = []
    while not expected.over and len(steps) < 400:
        kinds = [(a.id, reference.why_not(expected, a)) for a in content.actions.values()]
        assert [(i, why) for i, _posture, why in engine.action_states(state)] == kinds
        open_ = [ident for ident, why in kinds if not why]
        if open_ and draw(st.booleans()):
            ident = open_[draw(st.integers(0, len(open_) - 1))]
            step = reference.act(expected, ident)
            with engine_rolls() as keys:
                resolution = engine.act(state, ident)
            steps.append(f"action:{ident}")
        else:
            options = [i for i, _posture, ok in reference.options(expected) if ok]
            if not options:
                break
            ident = options[draw(st.integers(0, len(options) - 1))]
            step = reference.choose(expected, ident)
            with engine_rolls() as keys:
                resolution = engine.choose(state, ident)
            steps.append(ident)
        assert keys == [k for k in taken(reference)], f"after {steps}"
        assert as_bytes(resolution.state) == as_bytes(step.state), f"after {steps}"
        assert resolution.outcome == step.outcome and list(resolution.scheduled) == step.scheduled
        state, expected = resolution.state, step.state
    return steps, expected


def _with_actions_content() -> list[Content]:
    import shutil
    import tempfile

    from tests.conftest import MINI

    folder = Path(tempfile.mkdtemp()) / "mini"
    shutil.copytree(MINI, folder)
    mini = load_scenario(with_actions(folder, per_turn=2))
    shutil.rmtree(folder.parent)
    return [mini, load_scenario(scenario_folder("red-line"))]


WITH_ACTIONS = _with_actions_content()


@pytest.mark.parametrize("content", WITH_ACTIONS, ids=["mini with actions", "red-line"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), data=st.data())
def test_actions_play_as_the_reference_says(content: Content, seed: int, data: st.DataObject) -> None:
    steps, expected = _play_both_with_actions(content, seed, data.draw)
    # automated play taking the same actions and choices ends in the same state
    queue = list(steps)

    def act(event: str, options: list[tuple[str, int, str]], state: GameState, env: dict[str, Any]) -> str | None:
        return queue.pop(0).removeprefix("action:") if queue and queue[0].startswith("action:") else None

    def decide(event: str, options: list[tuple[str, int, bool]], state: GameState, env: dict[str, Any]) -> str | None:
        return queue.pop(0) if queue else None

    final, decisions, _stopped = Engine(content).autoplay(seed, decide, max_decisions=len(steps), act=act)
    assert decisions == len(steps) and not queue
    assert as_bytes(final) == as_bytes(expected)
