"""Advisors who remember: the engine keeps how often each one's counsel was heeded or overruled, content
reads it, and an advisor can leave, after which their counsel is gone; as a player or author meets it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.debrief import advisor_lines, debrief_markdown
from game.engine import Engine, GameState
from game.loader import check_scenario, load_scenario
from game.reference import Reference
from game.text import passages

Edit = Callable[[str, str, str], Path]

# in the mini scenario the hawk backs "warn" at the opening and the dove opposes it
LEAVES = 'stance = "hawk"\n'
HAWK_LEAVES = ('stance = "hawk"\nleaves_when = \'overruled("hawk") >= 1\'\n'
               'leaving = "The hawk resigns, saying the next provocation is now invited."\n')


def test_the_record_follows_the_counsel_with_no_bookkeeping(mini_copy: Path) -> None:
    engine = Engine(load_scenario(mini_copy))
    state = engine.new_game(1)
    assert state.event == "opening"
    warned = engine.choose(state, "warn").state
    assert engine.advisor_record(warned) == ({"hawk": 1}, {"dove": 1})
    waited = engine.choose(state, "wait").state
    assert engine.advisor_record(waited) == ({}, {"hawk": 1})


def test_expressions_read_the_record_and_a_misspelt_advisor_is_a_located_error(edit: Edit) -> None:
    folder = edit("events/main.toml", 'trigger = "turn >= 2 and season != \\"\\""',
                  'trigger = "turn >= 2 and season != \\"\\" and heeded(\\"hawk\\") + overruled(\\"dove\\") >= 0"')
    assert check_scenario(folder).content is not None
    edit("events/main.toml", 'heeded(\\"hawk\\")', 'heeded(\\"hwak\\")')
    report = check_scenario(folder)
    messages = [str(p) for p in report.problems]
    assert any("unknown advisor 'hwak'" in m and "did you mean 'hawk'" in m and "main.toml:" in m for m in messages), \
        messages


def test_an_advisor_who_leaves_is_gone_from_the_counsel_and_the_record_says_when(edit: Edit) -> None:
    folder = edit("scenario.toml", LEAVES, HAWK_LEAVES)
    engine = Engine(load_scenario(folder))
    start = engine.new_game(1)
    kept = engine.choose(start, "warn")
    assert kept.departures == () and not kept.state.left
    gone = engine.choose(start, "wait")
    assert gone.departures == ("hawk",)
    assert gone.state.left == {"hawk": 1}
    decision = engine.decision(gone.state)
    assert decision is not None
    assert all(c.advisor != "hawk" for choice in decision.choices for c in choice.counsel)
    # nothing counts for an advisor after they left
    state = gone.state
    while not state.over:
        options = [c for c in engine.choice_options(state) if c[2]]
        state = engine.choose(state, options[0][0]).state
    assert engine.advisor_record(state)[1]["hawk"] == 1
    assert "H. Awk (hawk): heeded 0, overruled 1; left on " in "\n".join(advisor_lines(engine, state))
    assert "## Your advisors" in debrief_markdown(engine, state)
    # the state round-trips, and a game where nobody leaves reads as before
    assert GameState.from_dict(state.to_dict()).left == {"hawk": 1}
    assert "left" not in kept.state.to_dict()


def test_the_reference_engine_agrees_on_departures(edit: Edit) -> None:
    folder = edit("scenario.toml", LEAVES, HAWK_LEAVES)
    content = load_scenario(folder)
    engine, reference = Engine(content), Reference(content)
    fast, plain = engine.new_game(1), reference.new_game(1)
    for choice in ("wait", "accept"):
        if fast.event is None:
            break
        fast = engine.choose(fast, choice).state if choice in {c for c, _p, ok in engine.choice_options(fast) if ok} \
            else engine.choose(fast, engine.choice_options(fast)[0][0]).state
        options = [c for c, _p, ok in reference.options(plain) if ok]
        plain = reference.choose(plain, choice if choice in options else options[0]).state
        assert fast.to_dict() == plain.to_dict()
    assert fast.left == {"hawk": 1}


@pytest.mark.parametrize("seed", [3, 11])
def test_a_saved_game_with_a_departure_replays_and_verifies(edit: Edit, tmp_path: Path, seed: int) -> None:
    folder = edit("scenario.toml", LEAVES, HAWK_LEAVES)
    saves = tmp_path / "saves"
    played = subprocess.run([sys.executable, "-m", "game", "play", str(folder), "--plain", "--seed", str(seed),
                             "--saves", str(saves)], input="2\n" * 60, capture_output=True, text=True, check=False)
    assert "H. Awk (Hawk) has left your staff. The hawk resigns" in played.stdout
    assert "Your advisors:" in played.stdout
    final = sorted(saves.glob("autosave-*.json"))[-1]
    from game.saves import open_record, read_save

    engine = Engine(load_scenario(folder))
    loaded = open_record(read_save(final), engine)  # every decision re-run and compared with the record
    assert loaded.status == "ok" and loaded.state.left == {"hawk": 1}


def test_the_shipped_hawk_can_resign() -> None:
    from game.paths import scenario_folder

    content = load_scenario(scenario_folder("red-line"))
    assert "castellano" in content.leaving and "".join(passages(content.advisors["castellano"].leaving)).strip()


RED_LINE = load_scenario(Path(__file__).resolve().parent.parent / "content" / "red-line")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_record_counted_as_a_game_goes_is_the_record_counted_whole(data: st.DataObject) -> None:
    """The engine counts only the choices made since it last counted; whatever happens to the state
    in between (choices added, an advisor leaving, the choices rewritten), it gives what counting
    them all gives."""
    from game.engine import verdicts
    from game.expr import HEEDED_KEY, OVERRULED_KEY

    engine = Engine(RED_LINE)
    reference = Reference(RED_LINE)
    keys = sorted(verdicts(RED_LINE))
    advisors = sorted(RED_LINE.advisors)
    state = engine.new_game(1)
    for _ in range(data.draw(st.integers(1, 12))):
        step = data.draw(st.sampled_from(["choose", "choose", "choose", "leave", "rewrite", "record", "copy"]))
        if step == "choose":
            state.chose.extend(data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4)))
        elif step == "leave":
            state.left[data.draw(st.sampled_from(advisors))] = data.draw(st.integers(0, len(state.chose)))
        elif step == "rewrite" and state.chose:
            state.chose[data.draw(st.integers(0, len(state.chose) - 1))] = data.draw(st.sampled_from(keys))
        elif step == "record":
            counts = [data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))]
            state.record[data.draw(st.sampled_from(advisors))] = counts
        else:
            state = state.copy()
        whole = reference.env(state)  # (the plain engine counts every choice, every time)
        assert engine.advisor_record(state) == (whole[HEEDED_KEY], whole[OVERRULED_KEY])


def test_counsel_on_a_choice_the_player_was_not_shown_counts_for_nobody(edit: Edit) -> None:
    # the hawk backs "strike", a choice shown only once tension is high: at the opening it is hidden
    folder = edit("events/main.toml", '  available_if = "tension >= 60"\n',
                  '  visible_if = "tension >= 60"\n')
    edit("events/main.toml", '  effects = ["strikes += 1"]\n',
         '  effects = ["strikes += 1"]\n\n    [[event.choice.counsel]]\n    advisor = "dove"\n'
         '    position = "for"\n    says = "Strike now."\n')
    content = load_scenario(folder)
    engine, reference = Engine(content), Reference(content)
    state = engine.new_game(1)
    assert [c.id for c in engine.decision(state).choices] == ["warn", "wait"]  # type: ignore[union-attr]
    waited = engine.choose(state, "wait").state
    # the dove's case for striking was never made, so waiting does not overrule the dove
    heeded, overruled = engine.advisor_record(waited)
    assert not any(heeded.values()) and overruled.get("dove", 0) == 0 and overruled["hawk"] == 1
    assert reference.choose(reference.new_game(1), "wait").state.to_dict() == waited.to_dict()
    # shown, the same counsel counts: with tension high enough, waiting overrules the dove too
    state.values["tension"] = 70.0
    assert "strike" in [c.id for c in engine.decision(state).choices]  # type: ignore[union-attr]
    heeded, overruled = engine.advisor_record(engine.choose(state, "wait").state)
    assert overruled["dove"] == 1 and overruled["hawk"] == 1
