"""The turn engine: decisions, consequences, endings, fog of war, and determinism."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import Engine, GameState, InvalidChoice, roll
from game.loader import load_scenario
from tests.conftest import FIXTURES, MINI

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_scenario(MINI))


def play(engine: Engine, seed: int, picks: list[str] | None = None, rng_seed: int = 0) -> GameState:
    """Play to the end: the given choice ids first, then random available choices."""
    rng = random.Random(rng_seed)
    state = engine.new_game(seed)
    queue = list(picks or [])
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        options = [c.id for c in decision.choices if c.available]
        pick = queue.pop(0) if queue else rng.choice(options)
        state = engine.choose(state, pick).state
    return state


def test_first_decision_is_the_opening_with_counsel(engine: Engine) -> None:
    decision = engine.decision(engine.new_game(1))
    assert decision is not None
    assert decision.event.id == "opening" and decision.turn == 1
    assert str(decision.date) == "2024-10-23" and decision.season == "mud"
    assert decision.days_to == {"election": 13}
    warn = decision.choice("warn")
    assert warn is not None and [c.advisor for c in warn.counsel] == ["hawk", "dove"]


def test_unavailable_choice_shows_its_reason_and_cannot_be_taken(engine: Engine) -> None:
    state = engine.new_game(1)
    decision = engine.decision(state)
    assert decision is not None
    strike = decision.choice("strike")
    assert strike is not None and not strike.available
    assert strike.reason == "Tension is too low to justify it."
    with pytest.raises(InvalidChoice, match="not available"):
        engine.choose(state, "strike")
    with pytest.raises(InvalidChoice):
        engine.choose(state, "no_such_choice")


def test_choose_does_not_change_the_given_state(engine: Engine) -> None:
    state = engine.new_game(1)
    before = json.dumps(state.to_dict(), sort_keys=True)
    engine.choose(state, "warn")
    assert json.dumps(state.to_dict(), sort_keys=True) == before


def test_effects_flags_and_follow_ups(engine: Engine) -> None:
    state = engine.new_game(1)
    resolution = engine.choose(state, "warn")
    tension = next(c for c in resolution.changes if c.stat == "tension")
    assert (tension.before, tension.after) == (40, 50)
    assert resolution.flags_set == ("warned",)
    assert resolution.scheduled == (("reply", 2),)
    assert "Tension creeps up." in resolution.notes  # the per-turn rule of turn 2
    new = resolution.state
    assert new.turn == 2 and new.event == "reply" and new.values["tension"] == 52


def test_visibility_condition_hides_a_choice(engine: Engine) -> None:
    warned = engine.choose(engine.new_game(1), "warn").state
    decision = engine.decision(warned)
    assert decision is not None and [c.id for c in decision.choices] == ["accept", "gamble"]


def test_outcome_chance_depends_on_state_and_is_reproducible(engine: Engine) -> None:
    outcomes = set()
    for seed in range(40):
        state = engine.choose(engine.new_game(seed), "warn").state
        resolution = engine.choose(state, "gamble")
        again = engine.choose(state, "gamble")
        assert resolution.outcome == again.outcome
        outcomes.add(resolution.outcome)
    assert outcomes == {"win", "lose"}


def test_conditional_follow_up_fires_only_when_its_condition_holds(engine: Engine) -> None:
    fired, skipped = 0, 0
    for seed in range(60):
        state = engine.choose(engine.new_game(seed), "warn").state
        resolution = engine.choose(state, "gamble")
        if resolution.outcome != "lose":
            continue
        # crisis is due next turn only if tension > 50 then (it always is after a lost gamble)
        if resolution.state.event == "crisis":
            fired += 1
        else:
            skipped += 1
    assert fired > 0 and skipped == 0


def test_stats_are_clamped_to_their_bounds(engine: Engine) -> None:
    state = engine.choose(engine.new_game(3), "warn").state
    state.values["tension"] = 95.0  # a test may set up any situation
    state.values["tension"] = 100.0
    resolution = engine.choose(state, "accept")
    assert 0 <= resolution.state.values["tension"] <= 100


def test_ending_by_condition_with_priority(engine: Engine) -> None:
    state = engine.choose(engine.new_game(3), "warn").state
    state.values["tension"] = 100.0
    resolution = engine.choose(state, "gamble")
    if resolution.outcome == "lose":
        assert resolution.ending == "war"
        assert engine.ending(resolution.state) is not None
        assert engine.decision(resolution.state) is None


def test_calendar_end_uses_conditions_then_the_timeout_ending(engine: Engine) -> None:
    endings = {play(engine, seed, rng_seed=seed).ending for seed in range(60)}
    assert "stalemate" in endings and "calm" in endings
    for seed in range(10):
        state = play(engine, seed, rng_seed=seed)
        assert state.turn <= engine.content.scenario.last_turn


def test_quiet_turns_are_logged(engine: Engine) -> None:
    kinds = {entry.kind for seed in range(30) for entry in play(engine, seed, rng_seed=seed).log}
    assert {"decision", "ending", "quiet"} <= kinds


def test_repeatable_event_respects_its_cooldown(engine: Engine) -> None:
    for seed in range(30):
        turns = [e.turn for e in play(engine, seed, rng_seed=seed).decisions if e.event == "routine"]
        assert all(b - a > 1 for a, b in itertools.pairwise(turns)), turns


def test_once_events_fire_once(engine: Engine) -> None:
    for seed in range(30):
        events = [e.event for e in play(engine, seed, rng_seed=seed).decisions]
        assert events.count("opening") == 1 and events.count("late") <= 1


def test_hidden_stat_estimate_band_contains_truth_and_narrows_with_intel(engine: Engine) -> None:
    for seed in range(200):
        state = engine.new_game(seed)
        low_intel = engine.estimate(state.values, "threat", seed, 1)
        assert abs(low_intel[0] - state.values["threat"]) <= low_intel[1] + 0.1
        values = dict(state.values, intel=100.0)
        high_intel = engine.estimate(values, "threat", seed, 1)
        assert high_intel[1] < low_intel[1]
        assert abs(high_intel[0] - values["threat"]) <= high_intel[1] + 0.1


def test_hidden_start_value_varies_by_seed_within_its_spread(engine: Engine) -> None:
    starts = {engine.new_game(seed).values["threat"] for seed in range(100)}
    assert len(starts) > 5 and min(starts) >= 40 and max(starts) <= 60


def test_hidden_changes_are_reported_as_estimates(engine: Engine) -> None:
    differing = 0
    for seed in range(40):
        state = engine.choose(engine.new_game(seed), "warn").state
        resolution = engine.choose(state, "gamble")
        threat = next(c for c in resolution.changes if c.stat == "threat")
        assert threat.hidden
        assert threat.shown_before == engine.estimate(state.values, "threat", seed)[0]
        # (an estimate's error may round to nothing, by chance, in a few games)
        differing += (threat.shown_before, threat.shown_after) != (threat.before, threat.after)
    assert differing >= 30


def test_state_round_trips_through_json_exactly(engine: Engine) -> None:
    state = engine.choose(engine.new_game(11), "warn").state
    text = json.dumps(state.to_dict())
    again = GameState.from_dict(json.loads(text))
    assert again.to_dict() == state.to_dict()
    assert json.dumps(again.to_dict()) == text


def test_a_state_written_with_whole_numbers_plays_on_exactly_like_the_original(engine: Engine) -> None:
    """A state file may hold `50` where the game wrote `50.0` (or `2.0` for a counter)."""
    state = engine.choose(engine.new_game(5), "warn").state
    data = json.loads(json.dumps(state.to_dict()))
    data["values"] = {k: (int(v) if isinstance(v, float) and v.is_integer() else float(v) if type(v) is int else v)
                      for k, v in data["values"].items()}
    kinds = {type(v) for v in data["values"].values()}
    assert int in kinds and float in kinds
    edited = GameState.from_dict(data)
    for _ in range(3):
        if state.over:
            break
        pick = next(o[0] for o in engine.choice_options(state) if o[2])
        state, edited = engine.choose(state, pick).state, engine.choose(edited, pick).state
        assert json.dumps(edited.to_dict()) == json.dumps(state.to_dict())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), picks=st.lists(st.integers(0, 5), max_size=8), cut=st.integers(0, 8))
def test_saving_mid_game_and_continuing_is_the_same_game(seed: int, picks: list[int], cut: int) -> None:
    engine = Engine(load_scenario(MINI))

    def run(state: GameState, start: int, stop: int | None) -> GameState:
        for i, pick in enumerate(picks[start:stop]):
            if state.over:
                break
            decision = engine.decision(state)
            assert decision is not None
            options = [c.id for c in decision.choices if c.available]
            state = engine.choose(state, options[pick % len(options)]).state
            if stop is not None and start + i + 1 >= stop:
                break
        return state

    straight = run(engine.new_game(seed), 0, None)
    half = run(engine.new_game(seed), 0, cut)
    restored = GameState.from_dict(json.loads(json.dumps(half.to_dict())))
    resumed = run(restored, min(cut, len(picks)), None)
    assert resumed.to_dict() == straight.to_dict()


def test_rolls_depend_only_on_their_parts() -> None:
    assert roll(7, "draw", 3) == roll(7, "draw", 3)
    assert roll(7, "draw", 3) != roll(8, "draw", 3)
    assert 0 <= roll(1, "x") < 1


SCRIPT = """
import json, random, sys
from pathlib import Path
from typing import Any
from game.engine import Engine
from game.loader import load_scenario
engine = Engine(load_scenario(Path(sys.argv[1])))
out = []
for seed in range(25):
    rng = random.Random(seed)
    state = engine.new_game(seed)
    while not state.over:
        options = [c.id for c in engine.decision(state).choices if c.available]
        state = engine.choose(state, rng.choice(options)).state
    out.append(state.to_dict())
print(json.dumps(out, sort_keys=True))
"""


def test_same_seed_and_choices_give_the_same_game_in_any_process() -> None:
    outputs = []
    for hash_seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(MINI)], capture_output=True, text=True, env=env, cwd=ROOT, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])) == 25


def test_engine_core_does_not_import_textual_or_touch_files() -> None:
    code = (
        "import sys, builtins\n"
        "import game.engine, game.expr, game.model\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "assert 'rich' not in sys.modules, 'rich imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("folder", [MINI, ROOT / "content" / "red-line"])
def test_automated_play_gives_exactly_the_games_of_choose(folder: Path) -> None:
    engine = Engine(load_scenario(folder))
    for seed in range(15):
        rng_a, rng_b = random.Random(seed), random.Random(seed)

        def decide(event: str, options: list[tuple[str, int, bool]], state: GameState, env: dict[str, object],
                   rng: random.Random = rng_a) -> str:
            return rng.choice([choice for choice, _posture, ok in options if ok])

        auto, decisions, stopped = engine.autoplay(seed, decide)
        state = engine.new_game(seed)
        while not state.over:
            state = engine.choose(state, rng_b.choice([o[0] for o in engine.choice_options(state) if o[2]])).state
        assert stopped is None and decisions == len(state.decisions)
        assert auto.to_dict() == state.to_dict()


class _EveryEndingEngine(Engine):
    """The engine testing every ending of the turn at every check, knowing nothing of the checks before."""

    def _table(self, turn: int) -> Any:
        table = super()._table(turn)
        full = self._tables[turn] = table._replace(endings_after_rules=table.endings)
        return full

    def _endings_after(self, table: Any, choice: Any) -> Any:
        return table.endings


@pytest.mark.parametrize("folder", [MINI, FIXTURES / "toolkit", ROOT / "content" / "red-line"])
def test_endings_skipped_as_unaffected_would_not_have_held(folder: Path) -> None:
    content = load_scenario(folder)
    lean, full = Engine(content), _EveryEndingEngine(content)
    for seed in range(40):
        games = []
        for engine in (lean, full):
            rng = random.Random(seed)

            def decide(event: str, options: list[tuple[str, int, bool]], state: GameState, env: dict[str, object],
                       rng: random.Random = rng) -> str:
                return rng.choice([choice for choice, _posture, ok in options if ok])

            games.append(engine.autoplay(seed, decide)[0].to_dict())
        assert games[0] == games[1], seed
        rng = random.Random(seed)
        state = lean.new_game(seed)
        while not state.over:
            state = lean.choose(state, rng.choice([o[0] for o in lean.choice_options(state) if o[2]])).state
        assert state.to_dict() == games[1], seed


def test_rule_effects_settled_per_turn_agree_with_the_full_effects() -> None:
    content = load_scenario(ROOT / "content" / "red-line")
    engine = Engine(content)
    settled = 0
    for seed in range(6):
        rng = random.Random(seed)
        state = engine.new_game(seed)
        while not state.over:
            env = engine.environment(state)
            table = engine._table(state.turn)
            rules = [rule for rule in content.rules if all(part(env) for part in rule.when.calendar)]
            assert len(rules) == len(table.rules)
            for rule, (_rest, apply, _text) in zip(rules, table.rules, strict=True):
                settled += any(engine._on_calendar(effect, table.calendar) is not effect for effect in rule.effects)
                mine, theirs = dict(env), dict(env)
                apply(mine)
                for effect in rule.effects:
                    engine._applier(effect)(theirs)
                assert mine == theirs, (rule.model.id, state.turn)
            state = engine.choose(state, rng.choice([o[0] for o in engine.choice_options(state) if o[2]])).state
    assert settled  # the scenario has rules whose effects read the calendar


def test_calendar_parts_settled_per_turn_agree_with_the_full_conditions() -> None:
    content = load_scenario(ROOT / "content" / "red-line")
    engine = Engine(content)
    for seed in range(12):
        rng = random.Random(seed)
        state = engine.new_game(seed)
        while not state.over:
            env = engine.environment(state)
            # every drawable event: the table's verdict equals the whole trigger's
            table = engine._table(state.turn)
            drawable = {ident for ident, rest in table.triggers.items() if rest(env)}
            drawable |= {ident for ident, rest in table.dated if rest(env)}
            full = {i for i, e in content.events.items() if e.trigger is not None and e.trigger(env)}
            assert drawable == full, (seed, state.turn)
            rules = [text for rest, _effects, text in table.rules if rest is None or rest(env)]
            assert len(rules) <= len(content.rules)
            assert rules == [r.model.text for r in content.rules if r.when(env)]
            endings = [ident for ident, rest in table.endings if rest(env)]
            assert endings == [e.model.id for e in content.endings if e.when is not None and e.when(env)]
            options = [o[0] for o in engine.choice_options(state) if o[2]]
            state = engine.choose(state, rng.choice(options)).state


def test_a_scenario_with_a_single_stat_plays_to_its_end(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(
        '[scenario]\nid = "one"\ntitle = "One"\nrole = "R"\nstart_date = 2024-10-23\ndays_per_turn = 7\n'
        'last_turn = 3\ntimeout_ending = "end"\n'
        '[[stat]]\nid = "only"\nlabel = "Only"\ninitial = 5\n'
        '[[ending]]\nid = "end"\ntitle = "End"\nepilogue = "Done."\n'
        '[[event]]\nid = "e"\ntitle = "E"\nbrief = "B"\ntrigger = "true"\nonce = false\n'
        '[[event.choice]]\nid = "a"\nlabel = "A"\neffects = ["only += 1"]\n',
        encoding="utf-8",
    )
    engine = Engine(load_scenario(tmp_path))
    state = engine.new_game(1)
    while not state.over:
        state = engine.choose(state, "a").state
    assert state.ending == "end" and state.values == {"only": 8.0}
    assert [h["only"] for h in state.history] == [5.0, 6.0, 7.0, 8.0]


def test_a_weighted_pick_adds_the_weights_left_to_right_on_every_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.12 changed how sum() rounds a list of floats. A pick made with sum() would change
    with the Python version, and an old save would replay differently."""
    import builtins
    import math

    from game.engine import _pick

    items = list(range(10))
    weights = [0.1] * 10  # one by one: 0.9999999999999999 in all; math.fsum and Python 3.12's sum(): 1.0
    assert _pick(items, weights, 0.5) == 4
    monkeypatch.setattr(builtins, "sum", lambda values, start=0: math.fsum(values) + start)
    assert _pick(items, weights, 0.5) == 4


@settings(max_examples=200, deadline=None)
@given(weights=st.lists(st.one_of(st.integers(0, 5), st.floats(0, 10)), min_size=1, max_size=6),
       r=st.floats(0, 1, exclude_max=True))
def test_a_weighted_pick_is_the_first_item_whose_running_total_passes_the_roll(weights: list[float], r: float) -> None:
    from game.engine import _pick

    total = 0.0
    for weight in weights:
        total += weight
    expected = len(weights) - 1
    if total > 0:
        running = 0.0
        for index, weight in enumerate(weights):
            running += weight
            if r * total < running:
                expected = index
                break
    assert _pick(list(range(len(weights))), weights, r) == expected


def _views(engine: Engine, state: GameState) -> tuple[Any, ...]:
    """Everything a decision shows, read at once."""
    decision = engine.decision(state)
    assert decision is not None
    return (decision.brief, decision.stats, decision.actions,
            [(c.id, c.available, c.reason, c.counsel) for c in decision.choices])


def test_a_decision_read_late_shows_the_game_as_it_stood() -> None:
    """A decision's views are worked out when first read; read after a choice has been taken from
    the same state (and the game played on), they show what was in front of the player then."""
    engine = Engine(load_scenario(ROOT / "content" / "red-line"))
    state = engine.new_game(4)
    for step in range(12):
        early = _views(engine, state)
        decision = engine.decision(state)
        assert decision is not None
        available = [c.id for c in decision.choices if c.available]
        pick = available[step % len(available)]
        resolution = engine.choose(state, pick)
        following = engine.decision(resolution.state)
        if following is not None:
            engine.choose(resolution.state, next(c.id for c in following.choices if c.available))
        late = (decision.brief, decision.stats, decision.actions,
                [(c.id, c.available, c.reason, c.counsel) for c in decision.choices])
        assert late == early
        # and the account of a choice, read late, is the account read at once
        again = engine.choose(state, pick)
        assert (again.changes, again.notes, again.drift, again.estimate_notes, again.flags_set) == (
            resolution.changes, resolution.notes, resolution.drift, resolution.estimate_notes, resolution.flags_set)
        state = resolution.state
        if state.over:
            break
