"""Texts that react, everywhere: a brief, counsel, an action's text and an advisor's farewell may be
conditioned paragraphs and may name values in braces (`{capital}`); a hidden stat is named by the
player's estimate, never the truth; counsel may be given under a condition, and then its vote is
counted as given; content effects move an advisor's record. Rendered once, in the engine, so every
front end shows the same words; a bad slot is a located load error."""

from __future__ import annotations

import functools
import io
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.authoring.workspace import ContentWorkspace
from game.content import Content
from game.debrief import debrief_markdown
from game.engine import Engine, GameState
from game.loader import ContentError, load_scenario
from game.names import names_of
from game.paths import scenario_folder
from game.plain import play
from game.policies import Counsel
from game.reference import Reference
from game.replay import record, replay, transcript
from game.text import format_shown, render

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = '''[scenario]
id = "texts"
title = "Texts"
role = "R"
start_date = 2024-10-23
days_per_turn = 7
last_turn = 3
timeout_ending = "end"

[[stat]]
id = "capital"
label = "Political capital"
initial = 40

[[stat]]
id = "intel"
label = "Intelligence"
initial = 30

[[stat]]
id = "threat"
label = "Threat"
initial = 50
spread = 30
hidden = { confidence = "intel", error = 20, min_error = 2 }

[[stat]]
id = "troops"
label = "Troops"
min = 0
max = 20
initial = 11
unit = "k"
hidden = { confidence = "intel", error = 6 }

[[flag]]
id = "warned"

[[counter]]
id = "rebukes"

[[advisor]]
id = "hawk"
name = "Hawk"
title = "Director"
stance = "hawk"
leaves_when = 'overruled("hawk") >= 2'
leaving = [
  "The hawk resigns.",
  { when = "warned", text = "The warning he opposed went out all the same." },
  { otherwise = true, text = "No warning was ever given." },
]

[[advisor]]
id = "dove"
name = "Dove"
title = "Planner"
stance = "restraint"

[[ending]]
id = "end"
title = "End"
epilogue = "Over on {date}, with {rebukes} rebuke(s); {{as written}}."

[[event]]
id = "opening"
title = "Opening"
trigger = "turn == 1"
brief = [
  "Capital stands at {capital}; the threat is put at {threat}; troops {troops}.",
  { when = "warned", text = "You warned them." },
  { otherwise = true, text = "No warning yet." },
]

[[event.choice]]
id = "warn"
label = "Warn"
effects = ["warned = true"]

  [[event.choice.counsel]]
  advisor = "hawk"
  position = "for"
  when = "capital >= 50"
  says = "With capital at {capital}, warn them."

  [[event.choice.counsel]]
  advisor = "hawk"
  position = "against"
  says = "Not with capital at {capital}."

[[event.choice]]
id = "wait"
label = "Wait"
effects = ['heeded("dove") += 2']

  [[event.choice.counsel]]
  advisor = "dove"
  position = "for"
  says = ["Wait.", { when = 'heeded("dove") >= 1', text = "As before." }]

[[event]]
id = "second"
title = "Second"
trigger = "turn == 2"
brief = [
  { when = "warned", text = "A week after your warning: {date}." },
  { otherwise = true, text = "Silence, on {date}." },
]

[[event.choice]]
id = "rebuke"
label = "Rebuke the hawk in public"
effects = ['overruled("hawk") += 1', "rebukes += 1"]

[[event.choice]]
id = "go"
label = "Go on"

[[action]]
id = "ask"
label = "Ask"
text = ["Ask the agencies.", { when = "intel >= 50", text = "They know a lot already: {intel}." }]
cost = ["capital -= 1"]

  [[action.counsel]]
  advisor = "dove"
  position = "for"
  says = "Ask while capital is {capital}."
'''


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    (tmp_path / "texts.toml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def _engine(folder: Path) -> Engine:
    return Engine(load_scenario(folder))


_FOLDER = tempfile.TemporaryDirectory(prefix="texts-")


@functools.cache
def _shared() -> Engine:
    """The scenario's engine, for tests that take no fixtures (hypothesis's)."""
    folder = Path(_FOLDER.name)
    (folder / "texts.toml").write_text(SCENARIO, encoding="utf-8")
    return _engine(folder)


def _at(engine: Engine, seed: int = 1, **values: float | bool) -> GameState:
    state = engine.new_game(seed)
    state.values.update(values)
    return state


# --- what the player reads ------------------------------------------------------------------------

def test_a_brief_names_values_and_follows_an_earlier_decision(texts: Path) -> None:
    engine = _engine(texts)
    decision = engine.decision(engine.new_game(1))
    assert decision is not None
    assert decision.brief.startswith("Capital stands at 40; the threat is put at about ")
    assert decision.brief.endswith("No warning yet.")
    warned = engine.choose(engine.new_game(1), "warn").state
    later = engine.decision(warned)
    assert later is not None and later.brief == "A week after your warning: 30 October 2024."
    waited = engine.decision(engine.choose(engine.new_game(1), "wait").state)
    assert waited is not None and waited.brief == "Silence, on 30 October 2024."


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31), intel=st.integers(min_value=0, max_value=100))
def test_a_hidden_stat_in_a_text_reads_as_the_gauge_never_the_truth(seed: int, intel: int) -> None:
    engine = _shared()
    state = _at(engine, seed, intel=float(intel))
    decision = engine.decision(state)
    assert decision is not None
    shown = {view.id: view for view in decision.stats}
    threat, troops = shown["threat"], shown["troops"]
    gauge = f"about {format_shown(threat.value, 0, 100)} (±{format_shown((threat.high - threat.low) / 2, 0, 100)})"
    assert f"the threat is put at {gauge};" in decision.brief
    band = format_shown((troops.high - troops.low) / 2, 0, 20)
    assert f"troops about {format_shown(troops.value, 0, 20)}k (±{band})." in decision.brief
    truth = format_shown(float(state.values["threat"]), 0, 100)
    if truth != format_shown(threat.value, 0, 100):
        assert f"put at about {truth} " not in decision.brief


def test_counsel_under_a_condition_gives_its_words_and_its_vote(texts: Path) -> None:
    engine = _engine(texts)
    low = engine.decision(_at(engine, capital=40.0))
    high = engine.decision(_at(engine, capital=60.0))
    assert low is not None and high is not None
    said = {(c.advisor, c.position, c.says) for c in low.choices[0].counsel}
    assert said == {("hawk", "against", "Not with capital at 40.")}
    assert [(c.advisor, c.position, c.says) for c in high.choices[0].counsel] == [
        ("hawk", "for", "With capital at 60, warn them.")]
    # the vote counts as given: heeded when it backed the choice, overruled when it opposed it
    for capital, counts in ((60.0, (1, 0)), (40.0, (0, 1))):
        heeded, overruled = engine.advisor_record(engine.choose(_at(engine, capital=capital), "warn").state)
        assert (heeded.get("hawk", 0), overruled.get("hawk", 0)) == counts
    # and the player who follows counsel reads it the same way
    import random

    policy = Counsel(engine.content)
    for capital, expected in ((60.0, "warn"), (40.0, "wait")):
        env = engine.environment(_at(engine, capital=capital))
        assert policy("opening", [("warn", 0, True), ("wait", 0, True)], ("warn", "wait"), random.Random(1),
                      env) == expected


def test_effects_move_an_advisors_record_and_the_debrief_shows_it(texts: Path) -> None:
    engine = _engine(texts)
    state = engine.choose(engine.new_game(1), "wait").state
    assert engine.advisor_record(state)[0] == {"dove": 3}  # heeded once by the choice, twice by its effect
    assert state.record == {"dove": [2, 0]}
    assert engine.decision(state) is not None
    ended = engine.choose(state, "rebuke").state
    while not ended.over:
        ended = engine.choose(ended, engine.choice_options(ended)[0][0]).state
    assert engine.advisor_record(ended)[1] == {"hawk": 1}
    report = debrief_markdown(engine, ended)
    assert "- Dove (restraint): heeded 3, overruled 0" in report
    assert "- Hawk (hawk): heeded 0, overruled 1" in report
    assert "Over on 6 November 2024, with 1 rebuke(s); {as written}." in report


def test_a_record_move_reads_in_conditions_and_ends_with_the_advisor(texts: Path) -> None:
    engine = _engine(texts)
    state = engine.choose(_at(engine, capital=40.0), "warn").state  # overruled once by his own counsel
    resolution = engine.choose(state, "rebuke")  # and once by the rebuke: he leaves
    assert resolution.departures == ("hawk",)
    assert resolution.farewells == ("The hawk resigns.\n\nThe warning he opposed went out all the same.",)
    # once he has left, his record no longer moves
    assert engine.advisor_record(resolution.state)[1]["hawk"] == 2


def test_the_plain_game_shows_the_rendered_texts(texts: Path) -> None:
    engine = _engine(texts)
    answers: Iterator[str] = iter(["a", "1", "1", "1", "1", "1"])
    out = io.StringIO()
    play(engine, _at(engine, capital=40.0, intel=60.0), lambda: next(answers, None), out)
    shown = out.getvalue()
    assert "Capital stands at 40; the threat is put at about" in shown and "No warning yet." in shown
    assert "Not with capital at 40." in shown
    assert "Ask the agencies." in shown and "They know a lot already: 60." in shown
    assert "Ask while capital is 40." in shown
    assert "A week after your warning: 30 October 2024." in shown
    assert "Hawk (Director) has left your staff. The hawk resigns." in shown


def test_the_transcript_shows_the_brief_as_the_player_read_it(texts: Path) -> None:
    engine = _engine(texts)
    start, steps, _final = record(engine, 1, [("opening", "warn"), ("second", "go")])
    text = transcript(engine, replay(engine, 1, steps, start))
    assert "Capital stands at 40; the threat is put at about" in text
    assert "A week after your warning: 30 October 2024." in text and "{date}" not in text


def test_the_engine_moves_the_record_as_the_reference_does(texts: Path) -> None:
    content = load_scenario(texts)
    engine, reference = Engine(content), Reference(content)
    for seed in range(12):
        for capital in (40.0, 60.0):
            for picks in (("warn", "rebuke"), ("wait", "rebuke"), ("warn", "go"), ("wait", "go")):
                ours = _at(engine, seed, capital=capital)
                theirs = ours.copy()
                for pick in picks:
                    if ours.over:
                        break
                    ours = engine.choose(ours, pick).state
                    theirs = reference.choose(theirs, pick).state
                    assert ours.to_dict() == theirs.to_dict()
                    assert list(ours.to_dict()) == list(theirs.to_dict())


# --- what the author is told ----------------------------------------------------------------------

def test_quicktest_reads_every_brief_as_the_player_would(texts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.authoring.quicktest import quicktest

    content = load_scenario(texts)
    assert not quicktest(content, games=10).findings
    real = Engine.decision

    def broken(self: Engine, state: GameState) -> object:
        if state.event == "second":
            raise ValueError("a slot failed")
        return real(self, state)

    monkeypatch.setattr(Engine, "decision", broken)
    found = [str(f) for f in quicktest(content, games=10).findings]
    assert len(found) == 1 and "event 'second': reading its texts fails: ValueError: a slot failed" in found[0]


def test_quicktest_points_out_a_value_named_where_values_are_not_filled_in(texts: Path) -> None:
    from game.authoring.quicktest import quicktest

    (texts / "texts.toml").write_text(SCENARIO.replace('role = "R"', 'role = "R"\nintro = "Capital: {capital}."')
                                      .replace('label = "Go on"', 'label = "Go on at {capital}"'), encoding="utf-8")
    found = sorted(str(f) for f in quicktest(load_scenario(texts), games=10).findings)
    assert len(found) == 2
    assert "the scenario: its intro names '{capital}'" in found[1]
    assert "event 'second' choice 'go': its label names '{capital}'" in found[0]


def test_simulate_counts_the_paragraphs_and_counsel_given(texts: Path) -> None:
    from game.sim import simulate

    report = simulate(load_scenario(texts), runs=30, seed=1, policy="random")
    told = {item["id"]: item for item in report["coverage"]["texts"]}
    # the brief's two cases, and the hawk's counsel under a condition and the one after it
    assert set(told) == {"opening.brief.1", "opening.brief.2", "second.brief.0", "second.brief.1",
                         "opening.warn.counsel.0", "opening.warn.counsel.1"}
    assert told["opening.brief.2"]["count"] == 30 and told["opening.brief.1"]["count"] == 0
    assert told["opening.brief.1"]["reason"] == "its condition never held when the event came up"
    assert told["opening.warn.counsel.0"]["count"] == 0 and told["opening.warn.counsel.1"]["count"] == 30
    assert report["coverage"]["summary"]["texts"] == {"reached": 4, "total": 6}
    assert any(item["kind"] == "text" and item["id"] == "opening.warn.counsel.0" for item in report["unreached"])


def _check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", "check", str(folder)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def _where(text: str, needle: str) -> tuple[int, int]:
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("Capital stands at {capital}", "Capital stands at {capitol}", "capitol"),
    ('says = "Not with capital at {capital}."', 'says = """\nNot with capital\nat {capitl}."""', "capitl"),
    ('text = "They know a lot already: {intel}."', 'text = "They know a lot already: {intell}."', "intell"),
])
def test_an_unknown_slot_is_a_located_error(tmp_path: Path, old: str, new: str, needle: str) -> None:
    text = SCENARIO.replace(old, new)
    assert text != SCENARIO
    (tmp_path / "texts.toml").write_text(text, encoding="utf-8")
    done = _check(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line, col = _where(text, needle)
    problems = [row for row in (done.stdout + done.stderr).splitlines() if "in a slot" in row]
    assert len(problems) == 1, done.stdout + done.stderr
    assert re.search(rf"texts\.toml:{line}:{col}: unknown name '{needle}' in a slot; did you mean '", problems[0])


@pytest.mark.parametrize(("written", "message"), [
    ("a lone { brace", "a '{' that opens no slot"),
    ("a lone } brace", "a '}' that closes no slot"),
    ("an empty {} slot", "an empty slot"),
    ("{true}", "unknown name 'true' in a slot"),
])
def test_a_brace_out_of_place_is_a_located_error(texts: Path, written: str, message: str) -> None:
    text = SCENARIO.replace('"No warning yet."', f'"{written}"')
    (texts / "texts.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_scenario(texts)
    line, _col = _where(text, written)
    assert f"texts.toml:{line}:" in str(caught.value) and message in str(caught.value)


def test_a_brief_that_reads_a_hidden_stat_itself_is_warned_of(texts: Path) -> None:
    from game.loader import check_scenario

    assert not [n for n in check_scenario(texts).notes if "hidden stat" in str(n)]
    text = SCENARIO.replace('{ when = "warned", text = "You warned them." }',
                            '{ when = "threat > 60", text = "They are cornered." }')
    (texts / "texts.toml").write_text(text, encoding="utf-8")
    line, _col = _where(text, 'when = "threat > 60"')
    notes = [str(n) for n in check_scenario(texts).notes if "hidden stat 'threat'" in str(n)]
    assert len(notes) == 1 and f"texts.toml:{line}:" in notes[0] and 'estimate(\"threat\")' in notes[0]


def test_a_counter_shown_only_in_a_text_counts_as_read(texts: Path) -> None:
    from game.loader import check_scenario

    assert not [n for n in check_scenario(texts).notes if "'rebukes'" in str(n)]
    (texts / "texts.toml").write_text(SCENARIO.replace("with {rebukes} rebuke(s)", "with rebukes"), encoding="utf-8")
    assert any("counter 'rebukes' is set but nothing reads it" in str(n) for n in check_scenario(texts).notes)


def test_braces_are_written_doubled(texts: Path) -> None:
    engine = _engine(texts)
    parts = engine.content.compiled_ending("end").epilogue
    assert render(parts, engine.environment(engine.new_game(1))).endswith("; {as written}.")


def test_names_lists_what_a_text_can_show(texts: Path) -> None:
    slots = {s["id"]: s["shown"] for s in names_of(load_scenario(texts))["slots"]}
    assert "never the truth" in slots["threat"] and "in k" in slots["troops"]
    assert slots["capital"] == "its value" and slots["warned"] == "yes or no" and "date" in slots


def test_the_language_server_completes_slot_names_in_a_text(texts: Path) -> None:
    workspace = ContentWorkspace(texts)
    path = texts / "texts.toml"
    for old, new, typed in (('"No warning yet."', '"No warning, capital at {ca', "capital at {ca"),
                            ('says = "Ask while', 'says = "Ask for {tr', "Ask for {tr"),
                            ('"Capital stands at {capital}; the', '"""\nCapital stands\nat {cap', "at {cap")):
        text = SCENARIO.replace(old, new)
        workspace.set_buffer(path, text)
        line, col = _where(text, typed)
        found = {label for label, _kind, _detail in workspace.completions(path, line, col + len(typed))}
        assert {"capital", "threat", "warned", "rebukes", "date"} <= found and "fired" not in found, typed
    text = SCENARIO.replace('label = "Wait"', 'label = "Wait {ca')
    workspace.set_buffer(path, text)
    line, col = _where(text, "Wait {ca")
    assert "threat" not in {label for label, _kind, _detail in workspace.completions(path, line, col + 8)}


# --- the shipped scenario -------------------------------------------------------------------------

def test_the_shipped_strike_limits_brief_says_what_washington_had_said() -> None:
    engine = Engine(load_scenario(scenario_folder("red-line")))
    brief = engine.content.events["strike_limits"].brief
    state = engine.new_game(3)
    env = engine.environment(state)
    env.update(deployment_red_line=True, declassified=True)
    said = render(brief, env)
    assert "would lift these limits" in said and "has not yet said" not in said and "confirmed" not in said
    env.update(deployment_red_line=False, declassified=False)
    said = render(brief, env)
    assert "has not yet said anything in public" in said
    view = next(v for v in engine.stats(state) if v.id == "dprk_combat")
    band = format_shown((view.high - view.low) / 2, view.min, view.max)
    assert f"stands at about {format_shown(view.value, view.min, view.max)} (±{band})." in said


def test_the_shipped_counsel_and_effects_use_the_record() -> None:
    content: Content = load_scenario(scenario_folder("red-line"))
    engine = Engine(content)
    whitaker = next(c for c in content.actions["brief_congress"].counsel if c.advisor == "whitaker")
    state = engine.new_game(3)
    env = engine.environment(state)
    words = render(whitaker.says, env)
    assert f"Our political capital stands at {format_shown(float(state.values['capital']), 0, 100)};" in words
    assert "more often than not" not in words
    env["@heeded"] = {"whitaker": 4}
    assert "more often than not" in render(whitaker.says, env)
    leak = next(o for c in content.events["election_timing"].choices for o in c.outcomes if o.id == "briefing_leaks")
    assert [e.advisor for e in leak.effects if e.advisor] == ["whitaker"]
    broad = content.events["strike_limits"].choice("lift_broadly")
    assert broad is not None and any(c.advisor == "donnelly" and c.when is not None for c in broad.counsel)



def test_a_paused_strike_licence_comes_back_to_the_desk() -> None:
    """The advisors who argue for the pause after the doctrine say it can be lifted again: Kyiv
    asks for the licence back a few turns later, and giving it back ends the pause."""
    from game.paths import scenario_folder
    engine = Engine(load_scenario(scenario_folder("red-line")))
    state = engine.new_game(5)
    state.event = "doctrine_update"
    state.values["strikes_kursk"] = True
    first = engine.choose(state, "pause_strikes")
    assert ("strikes_resume_request", state.turn + 5) in first.scheduled
    state = first.state
    while not state.over and state.event != "strikes_resume_request":
        options = [ident for ident, _posture, ok in engine.choice_options(state) if ok]
        state = engine.choose(state, options[-1]).state
        assert state.values["strikes_paused"]
    assert state.event == "strikes_resume_request" and state.turn == dict(first.scheduled)["strikes_resume_request"]
    lifted = engine.choose(state, "lift_the_pause").state
    assert not lifted.values["strikes_paused"]
    kept = engine.choose(state, "keep_the_pause").state
    assert kept.values["strikes_paused"]
