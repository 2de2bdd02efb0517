"""The expression language: what it computes, what it refuses, and that it never escapes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.expr import CHOSE_KEY, FIRED_KEY, ExprError, Names, compile_effect, compile_expr

ELECTION = dt.date(2024, 11, 5).toordinal()

NAMES = Names(
    types={
        "escalation": "num",
        "intel": "num",
        "strikes": "num",
        "declassified": "bool",
        "turn": "num",
        "date": "date",
        "season": "str",
        "calendar_over": "bool",
        "election": "date",
        "days_to_election": "num",
    },
    constants={"election": ELECTION},
    string_values={"season": ("", "mud", "winter")},
    events=frozenset({"opening"}),
    choices={"opening": frozenset({"warn", "wait"})},
    assignable={"escalation": "stat", "intel": "stat", "strikes": "counter", "declassified": "flag"},
)


def env(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "escalation": 40.0,
        "intel": 20.0,
        "strikes": 0,
        "declassified": False,
        "turn": 3,
        "date": dt.date(2024, 10, 31).toordinal(),
        "season": "mud",
        "calendar_over": False,
        "days_to_election": 5,
        FIRED_KEY: {"opening": 1},
        CHOSE_KEY: {"opening.warn"},
    }
    base.update(values)
    return base


@pytest.mark.parametrize(
    ("text", "want", "expected"),
    [
        ("escalation >= 40 and not declassified", "bool", True),
        ("10 <= escalation <= 39", "bool", False),
        ("escalation / 0", "num", 0),
        ("escalation % 0", "num", 0),
        ("clamp(escalation * 3, 0, 100)", "num", 100),
        ("max(intel, 25, 3) - min(intel, 5)", "num", 20),
        ("abs(intel - escalation)", "num", 20),
        ("round(intel / 3)", "num", 7),
        ('season == "mud"', "bool", True),
        ("date < election and days_until(election) == 5", "bool", True),
        ("days_since(election) == -5", "bool", True),
        ("days_to_election", "num", 5),
        ("1 if declassified else 2", "num", 2),
        ('fired("opening") == 1 and chose("opening", "warn") and not chose("opening", "wait")', "bool", True),
        ("-escalation + +5", "num", -35),
        ("(turn - 1) * 7", "num", 14),
    ],
)
def test_expressions_compute_what_an_author_expects(text: str, want: str, expected: object) -> None:
    assert compile_expr(text, NAMES, want)(env()) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("escalaton > 3", "unknown name 'escalaton'; did you mean 'escalation'?"),
        ("escalation and true", "each side of 'and' must be true/false"),
        ('season == "summer"', "'season' is never \"summer\""),
        ("declassified > 1", "cannot compare true/false with a number"),
        ("date + date", "cannot use '+' on a date and a date"),
        ("True", "write 'true' in lower case"),
        ("mx(1, 2)", "unknown function 'mx'; did you mean 'max'?"),
        ("clamp(1, 2)", "clamp() takes 3 argument(s), not 2"),
        ('fired("nothing")', "unknown event 'nothing'"),
        ('chose("opening", "wiat")', "event 'opening' has no choice 'wiat'; did you mean 'wait'?"),
        ("escalation >", "cannot read the expression"),
        ("", "empty expression"),
        ("1 if true else false", "both branches must have the same type"),
    ],
)
def test_mistakes_get_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ExprError) as error:
        compile_expr(text, NAMES, "bool" if "if" not in text else "num")
    assert message in error.value.message


def test_error_column_points_at_the_mistake() -> None:
    with pytest.raises(ExprError) as error:
        compile_expr("intel > 3 and escalaton > 3", NAMES, "bool")
    assert error.value.col == 14


def test_condition_must_give_true_or_false() -> None:
    with pytest.raises(ExprError, match="expected true/false, but this expression gives a number"):
        compile_expr("escalation + 1", NAMES, "bool")


SANDBOX_ESCAPES = [
    "__import__('os').system('true')",
    "().__class__.__bases__[0].__subclasses__()",
    "escalation.__class__",
    "open('/etc/passwd').read()",
    "eval('1')",
    "exec('x=1')",
    "getattr(escalation, 'real')",
    "globals()",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "{'a': 1}['a']",
    "intel[0]",
    "f'{intel}'",
    "9**9**9",
    "2**100000",
    "(x := 3)",
    "intel @ intel",
    "b'bytes'",
    "1j",
    "None",
    "__builtins__",
    "compile('1', 'x', 'eval')",
    "max(*[1, 2])",
    "min(a=1)",
    "'a' * 10**8",
    "escalation if __debug__ else 0",
    "99999999999999999999",
    "1e400",
]


@pytest.mark.parametrize("text", SANDBOX_ESCAPES)
def test_known_sandbox_escapes_are_rejected(text: str) -> None:
    with pytest.raises(ExprError):
        compile_expr(text, NAMES, "num")


def test_depth_and_length_are_bounded() -> None:
    with pytest.raises(ExprError, match="too long"):
        compile_expr("1 + " * 200 + "1", NAMES, "num")
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("(1 + " * 40 + "1" + ")" * 40, NAMES, "num")
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("not " * 60 + "true", NAMES, "bool")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_text_only_ever_gives_an_expression_error(text: str) -> None:
    for want in ("num", "bool"):
        try:
            compile_expr(text, NAMES, want)
        except ExprError as error:
            assert error.message
            assert 0 <= error.col <= max(len(text), 400)
    try:
        compile_effect(text, NAMES)
    except ExprError as error:
        assert error.message


EXPRESSION_PARTS = st.sampled_from(
    ["escalation", "intel", "turn", "1", "0", "2.5", "(", ")", "+", "-", "*", "/", "%", " and ", " or ",
     "not ", "<", ">=", "==", "true", "declassified", "min(", "max(", ",", "clamp(", '"mud"', "season",
     " if ", " else ", "days_until(", "election", "date", "**", ".", "[", "]", "abs("]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(EXPRESSION_PARTS, max_size=25).map("".join))
def test_near_miss_expressions_compile_or_fail_cleanly(text: str) -> None:
    for want in ("num", "bool"):
        try:
            function = compile_expr(text, NAMES, want)
        except ExprError:
            continue
        result = function(env())
        assert isinstance(result, bool) if want == "bool" else isinstance(result, (int, float))


def test_effects_parse_to_target_operator_and_value() -> None:
    effect = compile_effect("escalation += intel / 2", NAMES)
    assert (effect.target, effect.op, effect.value(env())) == ("escalation", "+=", 10)
    assert compile_effect("declassified = true", NAMES).value(env()) is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("declassified += 1", "'declassified' is a flag"),
        ("turn += 1", "'turn' cannot be changed by an effect"),
        ("escalaton += 1", "did you mean 'escalation'?"),
        ("escalation += true", "expected a number"),
        ("declassified = 1", "expected true/false"),
        ("escalation == 3", "an effect is 'name += value'"),
        ("escalation += ", "empty expression"),
    ],
)
def test_bad_effects_are_explained(text: str, message: str) -> None:
    with pytest.raises(ExprError) as error:
        compile_effect(text, NAMES)
    assert message in error.value.message


SIMPLE_PART = st.one_of(
    st.tuples(st.sampled_from(["escalation", "intel", "strikes"]), st.sampled_from([">=", "<=", "==", "!=", ">", "<"]),
              st.one_of(st.integers(-200, 200), st.floats(-200, 200).map(lambda f: round(f, 2))))
    .map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    st.sampled_from(["declassified", "not declassified", "not  declassified"]),
)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(SIMPLE_PART, min_size=1, max_size=4),
    escalation=st.floats(0, 100),
    intel=st.integers(0, 100),
    strikes=st.integers(-5, 5),
    declassified=st.booleans(),
)
def test_fast_path_for_simple_conditions_agrees_with_the_full_parser(
    parts: list[str], escalation: float, intel: int, strikes: int, declassified: bool
) -> None:
    from game.expr import _compile_simple, _Compiler, _parse

    text = " and ".join(parts)
    fast = _compile_simple(text, NAMES, "bool")
    assert fast is not None, text
    full = _Compiler(NAMES).compile(_parse(text)).fn
    values = env(escalation=escalation, intel=intel, strikes=strikes, declassified=declassified)
    assert fast[0](values) == full(values)


CALENDAR = frozenset({"turn", "date", "season", "days_to_election"})


@pytest.mark.parametrize(
    ("text", "calendar_parts"),
    [
        ("turn >= 3 and escalation > 10 and date < election", 2),
        ('season == "mud"', 1),
        ("escalation > 10", 0),
        ("days_until(election) > 2 and not declassified", 1),
        ('fired("opening") == 1 and turn > 1', 1),
    ],
)
def test_condition_splits_off_its_calendar_parts_and_keeps_its_meaning(text: str, calendar_parts: int) -> None:
    from game.expr import compile_condition

    condition = compile_condition(text, NAMES, CALENDAR)
    assert len(condition.calendar) == calendar_parts
    for values in (env(), env(turn=1), env(escalation=5.0), env(declassified=True, season="winter")):
        split = all(part(values) for part in condition.calendar) and condition.rest(values)
        assert split == condition(values) == compile_expr(text, NAMES, "bool")(values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("round(escalation / 10) + max(intel, 1)", {"escalation", "intel"}),
        ("abs(escalation - 40) > 5 and clamp(intel, 0, 10) < 3", {"escalation", "intel"}),
        ("days_until(election) > 2", {"date"}),
        ('fired("opening") + (1 if chose("opening", "warn") else 0)', {FIRED_KEY, CHOSE_KEY}),
        ("round(turn / 2) == 3", {"turn"}),
    ],
)
def test_an_expression_reads_only_the_names_and_history_it_uses(text: str, expected: set[str]) -> None:
    """Only the date functions read the date: an effect using round() is not worked out again every turn."""
    from game.expr import reads

    assert reads(text, NAMES) == expected


# --- every specialised closure computes exactly what the plain operations compute ------------------

_PLAIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else 0, "%": lambda a, b: a % b if b else 0,
}
_Expr = tuple[str, object]  # (text, the value worked out step by step in plain Python)


def _arithmetic(values: dict[str, object]) -> st.SearchStrategy[_Expr]:
    leaves = st.one_of(
        st.sampled_from(["escalation", "intel", "strikes"]).map(lambda name: (name, values[name])),
        st.sampled_from([0, 1, 2, 3, 10, 40, 0.5, 2.5, 120]).map(lambda c: (repr(c), c)),
    )

    def extend(inner: st.SearchStrategy[_Expr]) -> st.SearchStrategy[_Expr]:
        binary = st.tuples(inner, st.sampled_from(sorted(_PLAIN)), inner).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", _PLAIN[t[1]](t[0][1], t[2][1])))
        holds = {"declassified": values["declassified"], "true": True,
                 "escalation > 30": values["escalation"] > 30}  # type: ignore[operator]
        choice = st.tuples(inner, st.sampled_from(sorted(holds)), inner).map(
            lambda t: (f"({t[0][0]} if {t[1]} else {t[2][0]})", t[0][1] if holds[t[1]] else t[2][1]))
        # round() of an infinity (1 / a subnormal escalation) is undefined in plain Python too
        finite: st.SearchStrategy[_Expr] = inner.filter(lambda e: math.isfinite(e[1]))  # type: ignore[arg-type]
        call = finite.map(lambda e: (f"round({e[0]})", round(e[1])))  # type: ignore[call-overload]
        return st.one_of(binary, choice, call)

    return st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), escalation=st.floats(0, 100), intel=st.integers(0, 100), strikes=st.integers(-5, 5),
       declassified=st.booleans())
def test_compiled_arithmetic_equals_the_plain_operations_in_the_same_order(
    data: st.DataObject, escalation: float, intel: int, strikes: int, declassified: bool
) -> None:
    values = env(escalation=escalation, intel=intel, strikes=strikes, declassified=declassified)
    text, expected = data.draw(_arithmetic(values))
    got = compile_expr(text, NAMES, "num")(values)
    same = got == expected or (got != got and expected != expected)  # NaN (from inf - inf) is NaN
    assert same and type(got) is type(expected), text
