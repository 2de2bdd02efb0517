"""The draw's index of triggers (game/triggers.py) against testing every trigger: over random
conditions of every shape the language has and random walks of the values they read, the memo says
a trigger holds exactly when testing it says so, the candidates of a draw are those a plain scan
finds, in the same order, with the same weights, and the event drawn is the one a weighted pick of them
gives."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import _pick
from game.expr import (
    CHOSE_KEY,
    FIRED_KEY,
    HEEDED_KEY,
    LEFT_KEY,
    Condition,
    Names,
    compile_condition,
    compile_expr,
    watch,
)
from game.triggers import Memo, TriggerIndex

NAMES = Names(
    types={"alpha": "num", "beta": "num", "gamma": "num", "flag": "bool", "turn": "num", "season": "str",
           "date": "date", "days_to_election": "num", "election": "date"},
    constants={"election": 739195},
    string_values={"season": ("", "autumn", "winter")},
    events=frozenset({"e0", "e1", "e2"}),
    choices={"e0": frozenset({"a", "b"}), "e1": frozenset({"a"}), "e2": frozenset({"a"})},
    advisors=frozenset({"hawk"}),
)

ATOMS = [
    "alpha >= {n}", "alpha < {n}", "beta > {n}", "beta <= {n}", "{n} <= gamma", "{n} > alpha",
    "alpha == {n}", "beta != {n}", "-{n} < gamma - 50", "alpha + beta > {n}", "max(alpha, beta) < {n}",
    "flag", "not flag", "turn >= {t}", "turn == {t}", "{t} > turn", 'season == "winter"',
    "date >= election", "days_to_election < {t}", 'fired("e1") >= 1', 'fired("e2") == 0',
    'chose("e0", "a")', 'not chose("e0", "b")', 'heeded("hawk") > 1', 'present("hawk")',
]

# (constants near where the values start, so that a walk often lands exactly on one)
atom = st.builds(lambda shape, n, t: shape.format(n=n, t=t), st.sampled_from(ATOMS),
                 st.one_of(st.integers(44, 56), st.integers(0, 100)), st.integers(1, 12))


@st.composite
def condition(draw: Any) -> str:
    parts = draw(st.lists(atom, min_size=1, max_size=4))
    text = parts[0]
    for part in parts[1:]:
        joined = f"{text} {draw(st.sampled_from(['and', 'or']))} {part}"
        text = f"({joined})" if draw(st.booleans()) else joined
    return str(text)


@st.composite
def walk(draw: Any) -> list[dict[str, Any]]:
    """Environments one after another, each a few values moved from the one before."""
    env: dict[str, Any] = {"alpha": 50.0, "beta": 50.0, "gamma": 50.0, "flag": False, "turn": 1,
                           "season": "autumn", "date": 739180, "days_to_election": 15,
                           FIRED_KEY: {}, CHOSE_KEY: set(), HEEDED_KEY: {}, LEFT_KEY: {}}
    steps = [dict(env)]
    for _ in range(draw(st.integers(1, 12))):
        env = {**env, FIRED_KEY: dict(env[FIRED_KEY]), CHOSE_KEY: set(env[CHOSE_KEY])}
        for _ in range(draw(st.integers(0, 4))):
            name = draw(st.sampled_from(["alpha", "beta", "gamma", "flag", "calendar", "fired", "chose", "heeded"]))
            if name == "flag":
                env["flag"] = not env["flag"]
            elif name == "calendar":
                env["turn"] += 1
                env["date"] += 2
                env["days_to_election"] -= 2
                env["season"] = "winter" if env["turn"] > 6 else "autumn"
            elif name == "fired":
                event = draw(st.sampled_from(["e0", "e1", "e2"]))
                env[FIRED_KEY][event] = env[FIRED_KEY].get(event, 0) + 1
            elif name == "chose":
                env[CHOSE_KEY].add(draw(st.sampled_from(["e0.a", "e0.b", "e1.a"])))
            elif name == "heeded":
                env[HEEDED_KEY] = {"hawk": env[HEEDED_KEY].get("hawk", 0) + 1}
            else:
                step = draw(st.sampled_from([-30, -7, -2, -1, 0, 1, 2, 2.5, 9, 40]))
                env[name] = float(min(100, max(0, env[name] + step)))
        steps.append(env)
    return steps


def index_of(groups: list[list[tuple[str, str, str]]]) -> TriggerIndex:
    """An index of events given as (id, trigger, weight) texts, by priority."""
    return TriggerIndex([[(ident, compile_condition(trigger, NAMES, frozenset()), trigger, (repr(weight), weight),
                           compile_expr(weight, NAMES, "num")) for ident, trigger, weight in group]
                         for group in groups], NAMES)


WEIGHTS = st.sampled_from(["1", "2", "alpha / 10", "beta - 40", "1 + gamma / 50", "turn"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(condition(), WEIGHTS), min_size=1, max_size=6), min_size=1, max_size=3),
       walk(), st.sets(st.integers(0, 17)), st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=3))
def test_the_index_draws_from_the_events_a_scan_finds(groups: Any, steps: list[dict[str, Any]], closed_at: set[int],
                                                     rolls: list[float]) -> None:
    numbered = [[(f"event_{g}_{i}", trigger, weight) for i, (trigger, weight) in enumerate(group)]
                for g, group in enumerate(groups)]
    index = index_of(numbered)
    closed = {g: [i for i in range(len(group)) if g * 6 + i in closed_at] for g, group in enumerate(numbered)}
    memo: Memo | None = None
    for env in steps:
        for g, group in enumerate(numbered):
            memo, ids, weights = index.candidates(memo, g, env, closed)
            expected = [(ident, compile_expr(weight, NAMES, "num")(env))
                        for i, (ident, trigger, weight) in enumerate(group)
                        if i not in closed[g] and compile_expr(trigger, NAMES, "bool")(env)]
            expected = [(ident, weight) for ident, weight in expected if weight > 0]
            assert list(zip(ids, weights, strict=True)) == expected
            # and the draw gives the event a weighted pick of them gives, for any roll
            for r in rolls:
                _, drawn = index.draw(memo, [g], env, closed, partial(float, r))
                assert drawn == (_pick(ids, weights, r) if ids else None)
            # a game new to the index (no memo) starts from what the first game saw, and agrees too
            _, ids, weights = index.candidates(None, g, env, closed)
            assert list(zip(ids, weights, strict=True)) == expected
        # a draw over all the groups takes the first that has an event to draw
        first = next((found for g in range(len(numbered)) if (found := index.candidates(memo, g, env, closed)[1:])[0]),
                     None)
        _, drawn = index.draw(memo, range(len(numbered)), env, closed, partial(float, rolls[0]))
        assert drawn == (None if first is None else _pick(first[0], first[1], rolls[0]))


def test_a_comparison_with_a_constant_is_indexed_by_its_threshold() -> None:
    read = watch('alpha >= 37 and 12 > turn or beta + 1 > 3 or fired("e1") > 0 or chose("e0", "a")', NAMES)
    assert set(read.thresholds) == {("alpha", ">=", 37.0), ("turn", "<", 12.0)}
    assert read.keys == {"beta"}
    assert read.fired == {"e1"} and read.chose == {"e0.a"}


def test_a_memo_of_another_index_is_not_trusted() -> None:
    first = index_of([[("a", "alpha > 10", "1")]])
    second = index_of([[("a", "alpha < 10", "1")]])
    env = {"alpha": 50.0, FIRED_KEY: {}, CHOSE_KEY: set()}
    memo, ids, _ = first.candidates(None, 0, env, {})
    assert ids == ["a"]
    _, ids, _ = second.candidates(memo, 0, env, {})
    assert ids == []


def test_an_operand_is_tested_again_only_when_what_it_reads_changed_and_a_crossing_is_not_tested() -> None:
    """Each top-level operand of a trigger is tested on its own, only when what it reads changed; one
    that changes its value whenever that happens (a comparison with a constant, whose constant was
    crossed; a flag, which changed) is turned round without a test."""
    tested: list[str] = []

    def counted(ident: str, trigger: str) -> Condition:
        condition = compile_condition(trigger, NAMES, frozenset())

        def run(label: str, test: Any) -> Any:
            def call(env: Any) -> Any:
                tested.append(label)
                return test(env)
            return call
        return dataclasses.replace(condition, operands=tuple(
            run(f"{ident}.{i}", test) for i, test in enumerate(condition.operands)))

    events = [("low", "alpha < 20"), ("high", "alpha >= 80"), ("flag", "flag"), ("sum", "alpha + beta > 120 or flag"),
              ("winter", 'season == "winter" and beta > 50')]
    index = TriggerIndex([[(ident, counted(ident, trigger), trigger, ("'1'", "1"), compile_expr("1", NAMES, "num"))
                           for ident, trigger in events]], NAMES)
    env = {"alpha": 50.0, "beta": 0.0, "flag": False, "season": "autumn", FIRED_KEY: {}, CHOSE_KEY: set()}
    memo, _, _ = index.candidates(None, 0, env, {})
    assert sorted(tested) == ["flag.0", "high.0", "low.0", "sum.0", "sum.1", "winter.0", "winter.1"]
    tested.clear()
    memo, ids, _ = index.candidates(memo, 0, env := {**env, "alpha": 60.0}, {})
    assert tested == ["sum.0"] and ids == []  # (alpha crossed no constant; the sum reads it)
    tested.clear()
    memo, ids, _ = index.candidates(memo, 0, env := {**env, "alpha": 85.0}, {})
    assert tested == ["sum.0"] and ids == ["high"]  # (alpha crossed 80: turned round)
    tested.clear()
    memo, ids, _ = index.candidates(memo, 0, env := {**env, "flag": True}, {})
    assert tested == [] and ids == ["high", "flag", "sum"]  # (a flag that changed: turned round)
    memo, ids, _ = index.candidates(memo, 0, env := {**env, "season": "winter", "beta": 60.0}, {})
    assert sorted(tested) == ["sum.0", "winter.0"] and ids == ["high", "flag", "sum", "winter"]


def test_every_comparison_is_tested_again_when_its_value_reaches_leaves_or_crosses_the_constant() -> None:
    """Each operator, with the constant on either side, as the value moves between any two points
    around the constant (on it, half a step and a step either side): the index agrees with the test."""
    points = [48.0, 49.0, 49.5, 50.0, 50.5, 51.0, 52.0]
    for op in ("<", "<=", ">", ">=", "==", "!="):
        for text in (f"alpha {op} 50", f"50 {op} alpha"):
            index = index_of([[("e", text, "1")]])
            test = compile_expr(text, NAMES, "bool")
            for start in points:
                for end in points:
                    before = {"alpha": start, FIRED_KEY: {}, CHOSE_KEY: set()}
                    after = {**before, "alpha": end}
                    memo, _, _ = index.candidates(None, 0, before, {})
                    _, ids, _ = index.candidates(memo, 0, after, {})
                    assert (ids == ["e"]) == bool(test(after)), (text, start, end)
