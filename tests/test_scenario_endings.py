"""Every ending of the shipped Red Line scenario can be reached by a player with a purpose.

Each test plays games with a scripted player that always takes the choice whose expected
immediate effects best serve one goal (e.g. "raise tension with Moscow", "get a guarded
ceasefire"), with a few choices it prefers or refuses by id. The player is deterministic, so a
game is fixed by its seed; each test tries seeds in order and asserts that one of the first few
reaches the ending. Steering by effects rather than by a fixed list of choices keeps the tests
meaningful as events are added or retuned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from game.content import CompiledChoice, Content
from game.engine import Engine, GameState
from game.loader import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "content" / "red-line"
#: How many seeds each goal may try before the test gives up.
SEEDS = 120

#: Flags whose setting ends the game at once: a goal that is not about them steers clear.
CATASTROPHES = ("nuclear_use", "nato_clash", "us_dprk_combat", "dismissed")


@dataclass(frozen=True)
class Goal:
    """What a scripted player wants: weights on stats and flags, and choices by id."""

    weights: Mapping[str, float]
    prefer: Sequence[str] = ()
    avoid: Sequence[str] = ()
    spare: Sequence[str] = field(default_factory=tuple)  # catastrophe flags this goal does not fear

    def weight(self, name: str) -> float:
        if name in self.weights:
            return self.weights[name]
        if name in CATASTROPHES and name not in self.spare:
            return -1000.0
        return 0.0


@pytest.fixture(scope="module")
def content() -> Content:
    return load_scenario(SCENARIO)


def _expected_changes(choice: CompiledChoice, env: dict[str, Any]) -> dict[str, float]:
    """The change each name can expect from a choice: its effects plus its outcomes by chance."""
    changes: dict[str, float] = {}

    def add(effects: Sequence[Any], share: float) -> None:
        for effect in effects:
            value = effect.value(env)
            if isinstance(value, bool):
                delta = float(value) - float(bool(env[effect.target]))
            elif effect.op == "+=":
                delta = float(value)
            elif effect.op == "-=":
                delta = -float(value)
            else:
                delta = float(value) - float(env[effect.target])
            changes[effect.target] = changes.get(effect.target, 0.0) + share * delta

    add(choice.effects, 1.0)
    chances = [max(0.0, float(o.chance(env))) for o in choice.outcomes]
    total = sum(chances)
    for outcome, chance in zip(choice.outcomes, chances, strict=True):
        if total > 0:
            add(outcome.effects, chance / total)
    return changes


def _pick(engine: Engine, state: GameState, goal: Goal) -> str:
    assert state.event is not None
    event = engine.content.events[state.event]
    env = engine.environment(state)
    best_id, best_score = "", float("-inf")
    for choice_id, _posture, ok in engine.choice_options(state):
        if not ok:
            continue
        choice = event.choice(choice_id)
        assert choice is not None
        score = sum(goal.weight(name) * delta for name, delta in _expected_changes(choice, env).items())
        if choice_id in goal.prefer:
            score += 10_000 - goal.prefer.index(choice_id)
        if choice_id in goal.avoid:
            score -= 10_000
        if score > best_score:
            best_id, best_score = choice_id, score
    return best_id


def _play(engine: Engine, seed: int, goal: Goal) -> tuple[str | None, list[str]]:
    state = engine.new_game(seed)
    taken: list[str] = []
    while not state.over:
        choice_id = _pick(engine, state, goal)
        taken.append(f"{state.event}.{choice_id}")
        state = engine.choose(state, choice_id).state
    return state.ending, taken


def _reach(content: Content, ending: str, goal: Goal) -> tuple[int, list[str]]:
    engine = Engine(content)
    seen: dict[str, int] = {}
    for seed in range(1, SEEDS + 1):
        reached, taken = _play(engine, seed, goal)
        if reached == ending:
            return seed, taken
        seen[str(reached)] = seen.get(str(reached), 0) + 1
    pytest.fail(f"no seed in 1..{SEEDS} reached '{ending}'; the player reached {seen}")


GOALS: dict[str, Goal] = {
    "nuclear_use": Goal(
        weights={"kremlin_threat": 1.0, "escalation": 1.0, "nuclear_signals": 5.0, "nuclear_use": 1000.0},
        prefer=("conventional_threat", "visible_signal", "raise_readiness"),
        spare=("nuclear_use",),
    ),
    "nato_war": Goal(
        weights={"escalation": 1.0, "kremlin_threat": 1.0, "nato_clash": 1000.0},
        prefer=("strike_launcher", "extend_air_defence"),
        avoid=("conventional_threat",),
        spare=("nato_clash",),
    ),
    "us_dprk_war": Goal(
        weights={"escalation": 1.0, "front": -1.0, "capital": 1.0, "us_dprk_combat": 1000.0, "ceasefire": -50.0},
        prefer=("strike_dprk_now", "strike_dprk_troops"),
        spare=("us_dprk_combat",),
    ),
    "dismissed": Goal(
        weights={"trust": -1.0, "capital": -1.0, "transition_hostility": 5.0, "dismissed": 1000.0},
        prefer=("memo_continuity", "argue_inside"),
        spare=("dismissed",),
    ),
    "collapse": Goal(
        weights={"front": -1.0, "kyiv_trust": -0.5, "aid_cut": 100.0, "trust": 0.5, "capital": 0.5,
                 "ceasefire": -100.0},
        prefer=("memo_deal_fast", "europe_bridges"),
    ),
    "korea_spillover": Goal(
        weights={"peninsula": 1.0, "dmz_crisis": 50.0, "front": 0.3, "trust": 0.3, "capital": 0.3,
                 "ceasefire": -50.0},
    ),
    "kursk_leverage": Goal(
        weights={"kursk": 0.1, "kursk_on_table": 60.0, "ceasefire_talks": 40.0, "ceasefire": 40.0,
                 "front": 0.5, "trust": 0.3, "capital": 0.3, "aid_cut": -100.0, "kursk_withdrawn": -100.0},
        prefer=("prisoners_and_power", "hold_chip"),
    ),
    "armistice": Goal(
        weights={"ceasefire": 100.0, "reassurance_force": 100.0, "ceasefire_talks": 40.0, "cohesion": 0.5,
                 "front": 0.5, "kremlin_threat": -0.3, "aid_cut": -100.0, "kursk_on_table": -60.0},
        prefer=("armistice_with_guarantors", "us_backstop"),
    ),
    "fragile_truce": Goal(
        weights={"ceasefire": 100.0, "ceasefire_talks": 40.0, "reassurance_force": -100.0,
                 "kursk_on_table": -60.0, "front": 0.5, "aid_cut": -100.0, "kremlin_threat": -0.3},
        prefer=("thirty_day_truce", "no_foreign_troops", "monitors_investigate"),
    ),
    "line_holds": Goal(
        weights={"ceasefire": -100.0, "ceasefire_talks": -40.0, "aid_cut": -100.0, "front": 3.0, "kyiv_trust": 1.5,
                 "cohesion": 1.5, "capital": 3.0, "trust": 2.0, "kremlin_threat": -0.3, "peninsula": -1.0,
                 "kursk_on_table": -60.0},
    ),
    "alliance_frayed": Goal(
        weights={"ceasefire": -100.0, "ceasefire_talks": -40.0, "aid_cut": -100.0, "kyiv_trust": -1.0,
                 "cohesion": -1.0, "credibility": -1.0, "capital": 0.5, "trust": 0.5, "front": 0.3},
    ),
    "grind": Goal(
        weights={"ceasefire": -100.0, "ceasefire_talks": -40.0, "aid_cut": -100.0, "front": -0.5, "trust": 0.5,
                 "capital": 0.5, "credibility": 1.0, "kyiv_trust": 0.5, "cohesion": 0.5, "peninsula": -0.5,
                 "kremlin_threat": -0.5, "kursk_on_table": -60.0},
    ),
}


def test_every_ending_has_a_goal(content: Content) -> None:
    assert {e.model.id for e in content.endings} == set(GOALS)


@pytest.mark.parametrize("ending", sorted(GOALS))
def test_ending_is_reachable(content: Content, ending: str) -> None:
    seed, taken = _reach(content, ending, GOALS[ending])
    # Replaying the same decisions from the same seed must end the same way.
    engine = Engine(content)
    state = engine.new_game(seed)
    for step in taken:
        state = engine.choose(state, step.split(".", 1)[1]).state
    assert state.ending == ending
    # every epilogue ends by setting what the player decided against what happened in history
    text = engine.epilogue(state)
    decided, history = text.find("**What you decided.**"), text.find("**What happened in history.**")
    assert 0 <= decided < history, ending


#: (ending, a phrase of a paragraph that tells the record, what must then hold at the end)
TOLD: list[tuple[str, str, Callable[[Mapping[str, Any]], bool]]] = [
    ("line_holds", "You lifted the limits on American missiles",
     lambda v: v["strikes_broad"] and v["strikes_paused"] and v["paused_after_licence"]),
    ("line_holds", "stayed where they were all winter", lambda v: not v["strikes_broad"] and not v["strikes_kursk"]),
    ("line_holds", "The limits on American missiles stayed where they were all winter",
     lambda v: not v["strikes_broad"] and not v["strikes_kursk"] and not v["camp_strikes"]),
    ("line_holds", "Apart from one strike on the North Korean camps",
     lambda v: not v["strikes_broad"] and not v["strikes_kursk"] and v["camp_strikes"]),
    ("line_holds", "The brigades that left Kursk", lambda v: v["kursk_withdrawn"]),
    ("line_holds", "stayed threats",
     lambda v: v["strikes_broad"] and not v["strikes_paused"] and not v["poland_struck"]),
    ("line_holds", "with a missile on a Polish rail yard",
     lambda v: v["strikes_broad"] and not v["strikes_paused"] and v["poland_struck"]),
    ("alliance_frayed", '"unreliable"', lambda v: v["kyiv_trust"] < 40),
    ("alliance_frayed", "the coalition has split", lambda v: v["cohesion"] < 55),
    ("alliance_frayed", "lost their edge", lambda v: v["credibility"] < 45),
    ("alliance_frayed", "Moscow answered the licence where the coalition was weakest", lambda v: v["moscow_answered"]),
    ("alliance_frayed", "you told them Washington was against it", lambda v: v["europe_troops_opposed"]),
    # (the closing comparison names the figures that failed, and only those)
    ("alliance_frayed", "Kyiv's trust in Washington ended at", lambda v: v["kyiv_trust"] < 40),
    ("alliance_frayed", "cohesion ended at", lambda v: v["cohesion"] < 55),
    ("alliance_frayed", "credibility ended at", lambda v: v["credibility"] < 45),
    # (how far the line gave follows the front)
    ("grind", "has moved west by a few", lambda v: v["front"] >= 35),
    ("grind", "has given ground all winter", lambda v: 15 <= v["front"] < 35),
    ("grind", "close to breaking", lambda v: v["front"] < 15),
    ("grind", "Apart from one strike on the North Korean camps, you never lifted",
     lambda v: not v["strikes_broad"] and not v["strikes_kursk"] and v["camp_strikes"]),
    ("grind", "You never lifted the limits",
     lambda v: not v["strikes_broad"] and not v["strikes_kursk"] and not v["camp_strikes"]),
    # (what the epilogue says of Washington's line on the Kursk salient follows what the player advised)
    ("grind", "never took a clear line on the Kursk salient",
     lambda v: not (v["kursk_on_table"] or v["kursk_abandoned"] or v["kursk_backed"] or v["kursk_doubted"])),
    ("grind", "You backed Kyiv's fight for the Kursk salient",
     lambda v: not (v["kursk_on_table"] or v["kursk_abandoned"] or v["kursk_doubted"]) and v["kursk_backed"]),
    ("grind", "You advised Kyiv to spend less on the Kursk salient",
     lambda v: not (v["kursk_on_table"] or v["kursk_abandoned"] or v["kursk_backed"]) and v["kursk_doubted"]),
    ("grind", "Your advice on the Kursk salient changed",
     lambda v: not (v["kursk_on_table"] or v["kursk_abandoned"]) and v["kursk_backed"] and v["kursk_doubted"]),
]


@pytest.mark.parametrize("ending", ["line_holds", "alliance_frayed", "grind"])
def test_an_epilogue_tells_only_what_the_record_holds(content: Content, ending: str) -> None:
    """Each paragraph of an epilogue that tells what the player did is there exactly when it happened, and
    its closing comparison names the figures the game ended with."""
    engine = Engine(content)
    told = [(phrase, holds) for which, phrase, holds in TOLD if which == ending]
    seen = 0
    for seed in range(1, 41):
        state = engine.new_game(seed)
        while not state.over:
            state = engine.choose(state, _pick(engine, state, GOALS[ending])).state
        if state.ending != ending:
            continue
        seen += 1
        text = engine.epilogue(state)
        values = state.values
        for phrase, holds in told:
            assert (phrase in text) == bool(holds(values)), (seed, phrase)
        assert "**What you decided.**" in text and "**What happened in history.**" in text
        if ending == "alliance_frayed":
            failed = [name for name, edge in (("kyiv_trust", 40), ("cohesion", 55), ("credibility", 45))
                      if values[name] < edge]
            assert failed and all(f"ended at {values[name]:.0f} out of 100" in text for name in failed)
        else:
            assert f"at {values['kyiv_trust']:.0f}" in text and f"cohesion at {values['cohesion']:.0f}" in text
    assert seen >= 3
