"""The stakes as a player notices them: danger zones and warnings, leanings, choices that end the game,
the account of a decision told apart, and estimates that hold still."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from game.engine import Engine
from game.loader import check_scenario
from game.plain import format_decision, format_resolution, play
from game.stakes import Stakes

FIXTURE = Path(__file__).parent / "fixtures" / "stakes"
RED_LINE = Path(__file__).parent.parent / "content" / "red-line"


@pytest.fixture(scope="module")
def engine() -> Engine:
    report = check_scenario(FIXTURE)
    assert report.content is not None, report.problems
    return Engine(report.content)


def plain_game(engine: Engine, answers: list[str], seed: int = 3) -> str:
    out = io.StringIO()
    feed = iter(answers)
    play(engine, engine.new_game(seed), lambda: next(feed, None), out)
    return out.getvalue()


# --- danger zones ------------------------------------------------------------------------------


def test_capital_at_zero_is_a_danger_zone_read_from_the_ending(engine: Engine) -> None:
    (zone,) = Stakes(engine).zones["capital"]
    assert (zone.title, zone.describe(0, 100), zone.condition) == ("Dismissed", "≤ 0", "")
    assert zone.contains(0) and not zone.contains(0.5)


def test_zones_of_the_shipped_scenario_include_conditions_by_their_description() -> None:
    report = check_scenario(RED_LINE)
    assert report.content is not None
    zones = Stakes(Engine(report.content)).zones
    assert {z.describe(0, 100) for z in zones["capital"]} == {"≤ 0"}
    conditional = next(z for z in zones["front"] if z.condition)
    assert conditional.describe(0, 100) == "≤ 15" and "aid" in conditional.condition_text
    assert "escalation" not in zones  # (no ending reads it against a constant)


def test_plain_game_shows_the_zone_and_warns_only_when_capital_nears_it(engine: Engine) -> None:
    text = plain_game(engine, ["1", "1"])
    first, later = text.split("## Later", 1)
    assert "Political capital: 20  [game ends at ≤ 0: Dismissed]" in first
    assert "Warning: Political capital" not in first  # 20 is beyond the margin of 10
    assert "Warning: Political capital nears ≤ 0 (it is 8 away): “Dismissed” ends the game there." in later


def test_a_hidden_stat_is_warned_of_from_its_band_not_its_truth(engine: Engine) -> None:
    stakes = Stakes(engine)
    state = engine.new_game(3)
    assert not [w for w in stakes.warnings(state) if w.stat == "threat"]
    state.values["threat"] = 75.0
    view = next(v for v in engine.stats(state) if v.id == "threat")
    (warning,) = [w for w in stakes.warnings(state) if w.stat == "threat"]
    assert warning.estimated and warning.distance == pytest.approx(95 - view.high)  # the band's edge, not 75
    assert warning.text(0, 100).startswith("Threat nears ≥ 95 (its estimate is ")
    state.values["threat"] = 90.0
    (warning,) = [w for w in stakes.warnings(state) if w.stat == "threat"]
    assert warning.text(0, 100) == "Threat may be at ≥ 95: “Overrun” ends the game there"


# --- leanings and choices that end the game -----------------------------------------------------


def test_choices_show_their_leanings_and_which_end_the_game(engine: Engine) -> None:
    text = plain_game(engine, [])
    assert "1. Spend capital\n     Leans: Political capital down a lot; Threat down a lot (uncertain)" in text
    assert "2. Resign in protest" in text
    assert "Warning: Ends the game at once: “Dismissed”." in text
    assert "Warning: Can end the game at once (about " in text and "by estimate): “War”." in text
    assert "4. Wait\n  5. Send" in text  # a choice that moves nothing leans nowhere


def test_a_choice_that_leaves_a_meter_near_its_zone_says_so(engine: Engine) -> None:
    text = plain_game(engine, [])
    assert ("1. Spend capital\n     Leans: Political capital down a lot; Threat down a lot (uncertain)\n"
            "     Warning: Brings an ending within reach: “Dismissed”.") in text
    leanings = Stakes(engine).leanings(engine.new_game(3))
    assert leanings["wait"].nears == () and leanings["resign"].nears == ()  # (resigning ends it outright)


def test_the_odds_of_ending_come_from_the_estimate_never_the_truth(engine: Engine) -> None:
    stakes = Stakes(engine)
    state = engine.new_game(3)
    estimate = engine.estimate(state.values, "threat", state.seed)[0]
    for truth in (5.0, 80.0):
        state.values["threat"] = truth
        shown = engine.estimate(state.values, "threat", state.seed)[0]
        gamble = stakes.leanings(state)["gamble"]
        assert gamble.uncertain and gamble.ending_chance == pytest.approx(shown / 100)
        assert shown != estimate  # (the estimate follows the truth, by as much)


def test_the_player_may_hide_leanings_in_the_plain_game(engine: Engine) -> None:
    text = plain_game(engine, ["l"])
    shown, hidden = text.split("Your choice", 1)
    assert "Leans:" in shown
    again = hidden.split("Your choice")[0]
    assert "Leans:" not in again and "Ends the game at once" in again


def test_a_scenario_may_turn_leanings_off(tmp_path: Path) -> None:
    folder = tmp_path / "stakes"
    folder.mkdir()
    text = (FIXTURE / "scenario.toml").read_text(encoding="utf-8")
    (folder / "scenario.toml").write_text(text.replace('timeout_ending = "held"',
                                                       'timeout_ending = "held"\nleanings = false'), encoding="utf-8")
    report = check_scenario(folder)
    assert report.content is not None and not report.content.scenario.leanings
    engine = Engine(report.content)
    state = engine.new_game(3)
    decision = engine.decision(state)
    assert decision is not None
    shown = format_decision(engine, decision, Stakes(engine).view(state, show_leanings=True))
    assert "Leans:" not in shown and "Ends the game at once" in shown


# --- the account of a decision --------------------------------------------------------------------


def test_the_resolution_tells_the_choice_chance_and_drift_apart(engine: Engine) -> None:
    resolution = engine.choose(engine.new_game(3), "spend")
    assert [(c.stat, c.before, c.after) for c in resolution.choice_changes] == [
        ("capital", 20, 10), ("threat", resolution.choice_changes[1].before, resolution.choice_changes[1].after)]
    assert resolution.outcome is None and resolution.outcome_changes == () and resolution.odds is None
    rule = next(d for d in resolution.drift if not d.quiet)
    assert rule.text == "Every week in office costs a little capital." and rule.turns == (3, 4)
    assert [(c.stat, c.before, c.after) for c in resolution.drift_changes] == [("capital", 10, 8)]
    text = format_resolution(engine, resolution)
    assert "What your choice did:\n  Political capital: 20 -> 10" in text
    assert "  · Over 2 turns: Every week in office costs a little capital.\n" in text
    assert "  Political capital: 10 -> 8" in text
    assert text.count("costs a little capital") == 1


def test_a_note_told_under_the_last_account_is_folded_into_one_line(engine: Engine) -> None:
    resolution = engine.choose(engine.new_game(3), "spend")
    told = frozenset(d.text for d in resolution.drift if not d.quiet)
    again = format_resolution(engine, resolution, told)
    assert "costs a little capital" not in again
    assert "  · 1 note as after your last decision" in again or "  · and 1 more as after your last decision" in again
    assert "  Political capital: 10 -> 8" in again, "the meters it moved are still shown"


def test_chance_is_shown_with_its_odds_by_the_estimate(engine: Engine) -> None:
    for seed in range(40):
        state = engine.new_game(seed)
        resolution = engine.choose(state, "gamble")
        if resolution.outcome == "calm":
            break
    estimate = engine.estimate(state.values, "threat", seed)[0]
    assert resolution.odds_estimated and resolution.odds == pytest.approx((100 - estimate) / 100)
    text = format_resolution(engine, resolution)
    assert f"What chance decided (it had about a {round(100 - estimate)}% chance, by your estimates):" in text
    assert "  Political capital: 20 -> 25" in text


# --- estimates that hold still ---------------------------------------------------------------------


def test_an_estimate_holds_still_while_neither_truth_nor_confidence_moves(engine: Engine) -> None:
    state = engine.new_game(3)
    before = engine.estimate(state.values, "threat", state.seed)
    resolution = engine.choose(state, "wait")  # turns pass; threat and intel are untouched
    assert resolution.state.turn > state.turn
    assert engine.estimate(resolution.state.values, "threat", state.seed) == before
    assert resolution.estimate_notes == ()


def test_an_estimate_moves_with_events_by_as_much_and_says_so(engine: Engine) -> None:
    state = engine.new_game(3)
    before = engine.estimate(state.values, "threat", state.seed)[0]
    resolution = engine.choose(state, "spend")  # threat -= 10
    assert engine.estimate(resolution.state.values, "threat", state.seed)[0] == pytest.approx(before - 10)
    assert resolution.estimate_notes == (
        f"The estimate of Threat moved with events: ≈{before:.0f} → ≈{before - 10:.0f}.",)


def test_new_information_changes_the_estimate_and_says_why(engine: Engine) -> None:
    state = engine.new_game(3)
    values = dict(state.values, intel=90.0)
    assert engine.estimate(values, "threat", state.seed)[1] < engine.estimate(state.values, "threat", state.seed)[1]
    resolution = engine.choose(state, "investigate")  # intel 20 -> 70
    after = engine.estimate(resolution.state.values, "threat", state.seed)
    before = engine.estimate(state.values, "threat", state.seed)
    assert after[1] < before[1]
    assert resolution.estimate_notes == (
        "New information: a fresh assessment; confidence in the estimate of Threat rose: "
        f"≈{after[0]:.0f} ±{after[1]:.0f} (was ≈{before[0]:.0f} ±{before[1]:.0f}).",)


def test_estimate_and_band_read_what_the_gauge_shows(engine: Engine) -> None:
    from game.expr import compile_expr
    names = engine.content.names
    state = engine.new_game(3)
    env = engine.environment(state)
    assert compile_expr('estimate("threat")', names, "num")(env) == engine.estimate(state.values, "threat", 3)[0]
    assert compile_expr('band("threat")', names, "num")(env) == engine.estimate(state.values, "threat", 3)[1]


@pytest.mark.parametrize(("text", "message"), [
    ('estimate("capital")', "'capital' is not a hidden stat"),
    ('band("treat")', "unknown hidden stat 'treat'; did you mean 'threat'?"),
    ("band(threat)", 'write band("stat_id")'),
])
def test_estimate_and_band_take_a_hidden_stat(engine: Engine, text: str, message: str) -> None:
    from game.expr import ExprError, compile_expr
    with pytest.raises(ExprError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        compile_expr(text, engine.content.names, "num")


# --- the shipped scenario -------------------------------------------------------------------------


@pytest.mark.parametrize(("intel", "follows"), [(30.0, "intel_picture_murky"), (85.0, "intel_picture_clears")])
def test_what_the_analyst_can_say_after_waiting_follows_the_band_the_player_sees(intel: float, follows: str) -> None:
    report = check_scenario(RED_LINE)
    assert report.content is not None
    engine = Engine(report.content)
    state = engine.new_game(5)
    state.event, state.values["intel"] = "intel_gaps", intel
    band = engine.estimate(state.values, "dprk_troops", 5)[1]
    assert (band <= 4) == (follows == "intel_picture_clears")
    state = engine.choose(state, "wait_and_watch").state
    for _ in range(12):
        if state.over or state.event == follows:
            break
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, next(c.id for c in decision.choices if c.available)).state
    assert follows in [entry.event for entry in state.decisions] + [state.event]
    other = {"intel_picture_murky", "intel_picture_clears"} - {follows}
    assert not other & {entry.event for entry in state.decisions}


def test_odds_that_turn_on_a_threshold_are_judged_across_the_band(tmp_path: Path) -> None:
    """War breaks out only if the hidden threat is at 60 or more. With an estimate below 60 whose band
    reaches past it, the odds shown are the share of the band at or past the threshold, not the 0
    the estimate alone would give (which would call what happened impossible)."""
    import shutil
    folder = tmp_path / "stakes"
    shutil.copytree(FIXTURE, folder)
    events = folder / "scenario.toml"
    text = events.read_text(encoding="utf-8")
    assert 'chance = "threat"' in text and 'chance = "100 - threat"' in text
    text = text.replace('chance = "threat"', 'chance = "1 if threat >= 60 else 0"')
    events.write_text(text.replace('chance = "100 - threat"', 'chance = "0 if threat >= 60 else 1"'), encoding="utf-8")
    report = check_scenario(folder)
    assert report.content is not None, report.problems
    engine = Engine(report.content)
    for seed in range(200):
        state = engine.new_game(seed)
        estimate, band = engine.estimate(state.values, "threat", seed)
        if estimate < 60 <= estimate + band:
            resolution = engine.choose(state, "gamble")
            break
    else:
        raise AssertionError("no game with the threshold inside the band")
    assert resolution.odds_estimated and resolution.odds is not None and 0 < resolution.odds < 1
    from game.engine import BAND_POINTS
    past = sum(1 for share in BAND_POINTS if estimate + share * band >= 60) / len(BAND_POINTS)
    expected = past if resolution.outcome == "war" else 1 - past
    assert resolution.odds == pytest.approx(expected)
