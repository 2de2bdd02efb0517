"""The content's expression language: parse once, check names and types, compile to closures.

The language is a small subset of Python's expression syntax, parsed with `ast` and then
rebuilt from a whitelist of node kinds. Nothing the author writes is ever evaluated by Python:
every accepted node is compiled into a closure over plain values. No attributes, subscripts,
imports, lambdas or calls other than the fixed functions below; length, depth and literal size
are bounded, and `**` does not exist.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from game.estimates import Fog

Type = Literal["num", "bool", "str", "date"]


@dataclass(frozen=True)
class Builtin:
    """A name every scenario has: its type, what it means (for `names`, the guide and the editor), what a
    text's slot shows for it, and whether its value depends on the turn alone."""

    type: Type
    meaning: str
    shown: str
    calendar: bool = True


#: The one registry of the names every scenario has (besides `true` and `false`, and the `days_to_`
#: name of each of its dates): the loader types them, `names` and the editor explain them.
BUILTINS: dict[str, Builtin] = {
    "turn": Builtin("num", "the turn number, from 1", "a whole number"),
    "date": Builtin("date", "the date at the start of the turn (compare it with a named date)",
                    "the turn's date, e.g. 3 December 2024"),
    "season": Builtin("str", "the id of the season the date falls in, or \"\"", "the season's label"),
    "calendar_over": Builtin("bool", "true once the last turn has been played (for endings)", "yes or no",
                             calendar=False),
}
#: What a compiled expression is: a function of the evaluation environment.
Compiled = Callable[[Mapping[str, Any]], Any]

MAX_LENGTH = 400
MAX_DEPTH = 32
MAX_LITERAL = 1e12
#: Keys of the environment that are not names an author can write.
FIRED_KEY = "@fired"
CHOSE_KEY = "@chose"
#: keys of the environment: how often each advisor's counsel was heeded and overruled, and who has left
HEEDED_KEY = "@heeded"
OVERRULED_KEY = "@overruled"
LEFT_KEY = "@left"
SEED_KEY = "@seed"
#: a key of the environment: the part of each advisor's record content moved or counsel under
#: conditions made, [heeded, overruled] (the state's `record`; the rest is read from the choices)
RECORD_KEY = "@record"

TYPE_WORDS: dict[str, str] = {"num": "a number", "bool": "true/false", "str": "a string", "date": "a date"}


class ExprError(Exception):
    """A problem in an expression, with the 0-based column where it was found."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


@dataclass(frozen=True)
class Names:
    """What an expression may refer to, and the type of each name.

    `constants` are names whose value is known at load time (named dates); `events` and
    `choices` let `fired("id")` and `chose("event", "choice")` be checked at load time.
    """

    types: Mapping[str, Type]
    constants: Mapping[str, Any]
    string_values: Mapping[str, tuple[str, ...]]
    events: frozenset[str] = frozenset()
    choices: Mapping[str, frozenset[str]] | None = None
    assignable: Mapping[str, Literal["stat", "counter", "flag"]] | None = None
    #: how each hidden stat is estimated, for `estimate("id")` and `band("id")`
    hidden: Mapping[str, Fog] | None = None
    #: the advisors, for `heeded("id")`, `overruled("id")` and `present("id")`
    advisors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Effect:
    """A compiled effect statement: `target op value`."""

    target: str
    op: Literal["=", "+=", "-="]
    value: Compiled
    text: str
    constant: Any = None  # the value, when it does not depend on the game
    #: for an effect on an advisor's record (`heeded("hawk") += 1`, target HEEDED_KEY or
    #: OVERRULED_KEY): the advisor
    advisor: str = ""


def suggest(name: str, options: Iterable[str]) -> str:
    """"; did you mean 'X'?" for the option closest to a misspelt name, or "" if none is close."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _div(a: float, b: float) -> float:
    return a / b if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _div,
    ast.Mod: _mod,
}
_ARITH_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_COMPARE_SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


# name -> (argument types or None for "one or more numbers", result type, implementation)
_FUNCTIONS: dict[str, tuple[tuple[Type, ...] | None, Type, Callable[..., Any]]] = {
    "min": (None, "num", min),
    "max": (None, "num", max),
    "abs": (("num",), "num", abs),
    "clamp": (("num", "num", "num"), "num", _clamp),
    "round": (("num",), "num", round),
}
#: Every function the language offers, for error messages and the guide.
FUNCTION_NAMES: tuple[str, ...] = (*_FUNCTIONS, "days_until", "days_since", "fired", "chose", "estimate", "band",
                                   "heeded", "overruled", "present")


def _specialised_compare(op: type, left: Compiled, right: Compiled, lc: Any, rc: Any, lk: Any, rk: Any) -> Compiled:
    """Closures for the most common shapes, `name OP constant`, one Python call each."""
    if lk is not None and rc is not _NOCONST:
        k, c = lk, rc
        if op is ast.GtE:
            return lambda v: v[k] >= c
        if op is ast.Gt:
            return lambda v: v[k] > c
        if op is ast.LtE:
            return lambda v: v[k] <= c
        if op is ast.Lt:
            return lambda v: v[k] < c
        if op is ast.Eq:
            return lambda v: v[k] == c
        return lambda v: v[k] != c
    if rc is not _NOCONST:
        a, c = left, rc
        if op is ast.GtE:
            return lambda v: a(v) >= c
        if op is ast.Gt:
            return lambda v: a(v) > c
        if op is ast.LtE:
            return lambda v: a(v) <= c
        if op is ast.Lt:
            return lambda v: a(v) < c
        if op is ast.Eq:
            return lambda v: a(v) == c
        return lambda v: a(v) != c
    if lk is not None and rk is not None:
        k1, k2 = lk, rk
        if op is ast.GtE:
            return lambda v: v[k1] >= v[k2]
        if op is ast.Gt:
            return lambda v: v[k1] > v[k2]
        if op is ast.LtE:
            return lambda v: v[k1] <= v[k2]
        if op is ast.Lt:
            return lambda v: v[k1] < v[k2]
    f = _COMPARE[op]
    return lambda v: f(left(v), right(v))


#: `name OP constant` as (name, the operator's class in `ast`, constant)
_Step = tuple[str, type, Any]
#: the operators a fused closure applies without a call of its own (division only by a non-zero constant)
_PLAIN_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


def _plain(op: type, constant: Any) -> Callable[[Any, Any], Any] | None:
    """The operator as a plain function when `x OP constant` needs no care (not a division by 0)."""
    if op is ast.Div and not constant:
        return None
    return _PLAIN_ARITH.get(op)


def _on_name(step: _Step, outer: Callable[[Any, Any], Any], c2: Any, constant_first: bool,
             ) -> Compiled:
    """`(name OP c1) OUTER c2` (or `c2 OUTER (name OP c1)`) as one closure, e.g. `(escalation - 40) / 10`.
    The same operations in the same order as the two closures it replaces, so the same result."""
    k, op, c1 = step
    if op is ast.Add:
        return (lambda v: outer(c2, v[k] + c1)) if constant_first else (lambda v: outer(v[k] + c1, c2))
    if op is ast.Sub:
        return (lambda v: outer(c2, v[k] - c1)) if constant_first else (lambda v: outer(v[k] - c1, c2))
    if op is ast.Mult:
        return (lambda v: outer(c2, v[k] * c1)) if constant_first else (lambda v: outer(v[k] * c1, c2))
    return (lambda v: outer(c2, v[k] / c1)) if constant_first else (lambda v: outer(v[k] / c1, c2))


def _specialised_arith(op: type, left: _Node, right: _Node) -> Compiled | None:
    """One-call closures for `name OP constant`, `constant OP x` and `x OP constant`, and for
    `(name OP constant) OP constant` and `constant OP (name OP constant)`."""
    lc, rc = left.const, right.const
    if rc is not _NOCONST and left.step is not None:
        outer = _plain(op, rc)
        if outer is not None:
            return _on_name(left.step, outer, rc, constant_first=False)
    if lc is not _NOCONST and right.step is not None and op is not ast.Div:
        outer = _PLAIN_ARITH.get(op)
        if outer is not None:
            return _on_name(right.step, outer, lc, constant_first=True)
    if rc is not _NOCONST:
        c = rc
        if left.key is not None:
            k = left.key
            if op is ast.Add:
                return lambda v: v[k] + c
            if op is ast.Sub:
                return lambda v: v[k] - c
            if op is ast.Mult:
                return lambda v: v[k] * c
            if op is ast.Div and c:
                return lambda v: v[k] / c
        a = left.fn
        if op is ast.Add:
            return lambda v: a(v) + c
        if op is ast.Sub:
            return lambda v: a(v) - c
        if op is ast.Mult:
            return lambda v: a(v) * c
        if op is ast.Div and c:
            return lambda v: a(v) / c
    if right.key is not None and lc is _NOCONST and left.key is None:
        a, k = left.fn, right.key
        if op is ast.Add:
            return lambda v: a(v) + v[k]
        if op is ast.Sub:
            return lambda v: a(v) - v[k]
        if op is ast.Mult:
            return lambda v: a(v) * v[k]
    if left.key is not None and right.key is not None:
        k1, k2 = left.key, right.key
        if op is ast.Add:
            return lambda v: v[k1] + v[k2]
        if op is ast.Sub:
            return lambda v: v[k1] - v[k2]
        if op is ast.Mult:
            return lambda v: v[k1] * v[k2]
    if right.key is not None and lc is not _NOCONST:
        c, k = lc, right.key
        if op is ast.Add:
            return lambda v: c + v[k]
        if op is ast.Sub:
            return lambda v: c - v[k]
        if op is ast.Mult:
            return lambda v: c * v[k]
    if lc is not _NOCONST:
        c = lc
        b = right.fn
        if op is ast.Add:
            return lambda v: c + b(v)
        if op is ast.Sub:
            return lambda v: c - b(v)
        if op is ast.Mult:
            return lambda v: c * b(v)
    return None


def _chain(tests: list[Compiled], conjunction: bool, keys: list[str | None] | None = None) -> Compiled:
    """`a and b and c ...` (or `or`) as closures of two or three operands, nested: one call a level.

    `keys` names the operands that are plain flags, read straight from the environment.
    """
    if len(tests) == 1:
        return tests[0]
    first = keys[0] if keys else None
    if first is not None:
        k, b = first, _chain(tests[1:], conjunction, keys[1:] if keys else None)
        if conjunction:
            return lambda v: v[k] and b(v)
        return lambda v: v[k] or b(v)
    if len(tests) == 3:
        a, b, c = tests
        if conjunction:
            return lambda v: a(v) and b(v) and c(v)
        return lambda v: a(v) or b(v) or c(v)
    a, b = tests[0], _chain(tests[1:], conjunction)
    if conjunction:
        return lambda v: a(v) and b(v)
    return lambda v: a(v) or b(v)


class _NoConst:
    def __repr__(self) -> str:
        return "<not constant>"


_NOCONST: Any = _NoConst()


@dataclass(slots=True)
class _Node:
    """A checked sub-expression: its type, its closure, and what is known statically."""

    type: Type
    fn: Compiled
    const: Any = _NOCONST  # the value, when known at load time
    key: str | None = None  # the environment key, when the node is a plain name
    step: _Step | None = None  # (key, operator, constant) when the node is `name OP constant`


class _Compiler:
    def __init__(self, names: Names) -> None:
        self.names = names

    def fail(self, message: str, node: ast.AST) -> ExprError:
        return ExprError(message, getattr(node, "col_offset", 0))

    def compile(self, node: ast.AST, depth: int = 0) -> _Node:
        if depth > MAX_DEPTH:
            raise self.fail(f"expression is nested too deeply (at most {MAX_DEPTH} levels)", node)
        visit = _VISITORS.get(type(node))
        if visit is None:
            raise self.fail(_describe_forbidden(node), node)
        result: _Node = visit(self, node, depth + 1)
        return result

    def expect(self, node: ast.AST, want: Type, depth: int, what: str) -> _Node:
        got = self.compile(node, depth)
        if got.type != want:
            raise self.fail(f"{what} must be {TYPE_WORDS[want]}, but this is {TYPE_WORDS[got.type]}", node)
        return got

    # --- leaves -----------------------------------------------------------------------

    def visit_Constant(self, node: ast.Constant, depth: int) -> _Node:
        value = node.value
        if isinstance(value, bool):
            raise self.fail(f"write '{str(value).lower()}' in lower case", node)
        if isinstance(value, (int, float)):
            if not abs(value) <= MAX_LITERAL:
                raise self.fail(f"number too large (at most {MAX_LITERAL:g})", node)
            return _Node("num", lambda v: value, value)
        if isinstance(value, str):
            if len(value) > 64:
                raise self.fail("string too long (at most 64 characters)", node)
            return _Node("str", lambda v: value, value)
        if value is None:
            raise self.fail("'None' is not part of the language", node)
        raise self.fail(f"{type(value).__name__} literals are not part of the language", node)

    def visit_Name(self, node: ast.Name, depth: int) -> _Node:
        name = node.id
        if name == "true":
            return _Node("bool", lambda v: True, True)
        if name == "false":
            return _Node("bool", lambda v: False, False)
        if name in self.names.constants:
            value = self.names.constants[name]
            return _Node(self.names.types[name], lambda v: value, value)
        kind = self.names.types.get(name)
        if kind is None:
            options = [*self.names.types, "true", "false"]
            if name in FUNCTION_NAMES:
                raise self.fail(f"'{name}' is a function; call it as {name}(...)", node)
            raise self.fail(f"unknown name '{name}'{suggest(name, options)}", node)
        return _Node(kind, lambda v: v[name], key=name)

    # --- operators ----------------------------------------------------------------------

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> _Node:
        if isinstance(node.op, ast.Not):
            inner = self.expect(node.operand, "bool", depth, "the operand of 'not'")
            if inner.const is not _NOCONST:
                return _Node("bool", lambda v: not inner.const, not inner.const)
            if inner.key is not None:
                return _Node("bool", _flag_test(inner.key, True))
            f = inner.fn
            return _Node("bool", lambda v: not f(v))
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.expect(node.operand, "num", depth, "a signed value")
            sign = -1 if isinstance(node.op, ast.USub) else 1
            if inner.const is not _NOCONST:
                value = sign * inner.const
                return _Node("num", lambda v: value, value)
            f = inner.fn
            return _Node("num", (lambda v: -f(v)) if sign < 0 else f)
        raise self.fail("'~' is not part of the language", node)

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> _Node:
        word = "and" if isinstance(node.op, ast.And) else "or"
        parts = [self.expect(n, "bool", depth, f"each side of '{word}'") for n in node.values]
        fns = [p.fn for p in parts]
        if all(p.const is not _NOCONST for p in parts):
            value = all(p.const for p in parts) if word == "and" else any(p.const for p in parts)
            return _Node("bool", lambda v: value, value)
        return _Node("bool", _chain(fns, word == "and", [p.key for p in parts]))

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> _Node:
        op = type(node.op)
        if op not in _ARITH:
            symbol = {ast.Pow: "**", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                      ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}.get(op, "?")
            hint = "; use 'and'/'or'" if symbol in ("|", "&") else ""
            raise self.fail(f"'{symbol}' is not part of the language{hint}", node)
        left = self.compile(node.left, depth)
        right = self.compile(node.right, depth)
        symbol = _ARITH_SYMBOL[op]
        result_type: Type
        if left.type == "num" and right.type == "num":
            result_type = "num"
        elif left.type == "date" and right.type == "num" and op in (ast.Add, ast.Sub):
            result_type = "date"
        elif left.type == "date" and right.type == "date" and op is ast.Sub:
            result_type = "num"
        else:
            raise self.fail(
                f"cannot use '{symbol}' on {TYPE_WORDS[left.type]} and {TYPE_WORDS[right.type]}", node
            )
        f = _ARITH[op]
        if left.const is not _NOCONST and right.const is not _NOCONST:
            value = f(left.const, right.const)
            if not math.isfinite(value):
                raise self.fail("this works out to a number too large to hold", node)
            return _Node(result_type, lambda v: value, value)
        special = _specialised_arith(op, left, right)
        if special is not None:
            step = None
            if left.key is not None and right.const is not _NOCONST and _plain(op, right.const) is not None:
                step = (left.key, op, right.const)
            return _Node(result_type, special, step=step)
        a, b = left.fn, right.fn
        if op is ast.Add:
            return _Node(result_type, lambda v: a(v) + b(v))
        if op is ast.Sub:
            return _Node(result_type, lambda v: a(v) - b(v))
        if op is ast.Mult:
            return _Node(result_type, lambda v: a(v) * b(v))
        return _Node(result_type, lambda v: f(a(v), b(v)))

    def visit_Compare(self, node: ast.Compare, depth: int) -> _Node:
        operands = [self.compile(node.left, depth)]
        operands += [self.compile(c, depth) for c in node.comparators]
        if len(operands) == 2:
            left, right = operands
            if left.type == right.type == "num" and left.key is not None and right.const is not _NOCONST \
                    and type(node.ops[0]) in _COMPARE:
                # the commonest shape, `stat OP number`, needs no further checks
                return _Node("bool", _specialised_compare(type(node.ops[0]), left.fn, right.fn, left.const,
                                                          right.const, left.key, right.key))
        tests: list[Compiled] = []
        for i, op_node in enumerate(node.ops):
            op = type(op_node)
            if op not in _COMPARE:
                word = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}.get(op, "?")
                raise self.fail(f"'{word}' is not part of the language", node)
            left, right = operands[i], operands[i + 1]
            symbol = _COMPARE_SYMBOL[op]
            if left.type != right.type:
                raise self.fail(
                    f"cannot compare {TYPE_WORDS[left.type]} with {TYPE_WORDS[right.type]} using '{symbol}'", node
                )
            if left.type in ("bool", "str") and op not in (ast.Eq, ast.NotEq):
                raise self.fail(f"'{symbol}' needs numbers or dates, not {TYPE_WORDS[left.type]}", node)
            if left.type == "str":
                self._check_string_value(left, right, node)
                self._check_string_value(right, left, node)
            tests.append(
                _specialised_compare(op, left.fn, right.fn, left.const, right.const, left.key, right.key)
            )
        if all(o.const is not _NOCONST for o in operands):
            value = all(t({}) for t in tests)
            return _Node("bool", lambda v: value, value)
        if len(tests) == 1:
            return _Node("bool", tests[0])
        return _Node("bool", _chain(tests, True))

    def _check_string_value(self, name: _Node, literal: _Node, node: ast.AST) -> None:
        """`season == "mud"`: the string must be one the name can actually take."""
        if name.key is None or literal.const is _NOCONST:
            return
        allowed = self.names.string_values.get(name.key)
        if allowed is not None and literal.const not in allowed:
            shown = ", ".join(f'"{a}"' for a in allowed)
            raise self.fail(
                f"'{name.key}' is never \"{literal.const}\" (it is one of {shown})"
                + suggest(literal.const, list(allowed)),
                node,
            )

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> _Node:
        test = self.expect(node.test, "bool", depth, "the condition after 'if'")
        yes = self.compile(node.body, depth)
        no = self.compile(node.orelse, depth)
        if yes.type != no.type:
            raise self.fail(
                f"both branches must have the same type ({TYPE_WORDS[yes.type]} vs {TYPE_WORDS[no.type]})", node
            )
        if test.const is not _NOCONST:
            return yes if test.const else no
        t, a, b = test.fn, yes.fn, no.fn
        ca, cb, k = yes.const, no.const, test.key
        # a constant branch or a flag as the test is used as it is, without a call
        if ca is not _NOCONST and cb is not _NOCONST:
            if k is not None:
                return _Node(yes.type, lambda v: ca if v[k] else cb)
            return _Node(yes.type, lambda v: ca if t(v) else cb)
        if k is not None:
            if ca is not _NOCONST:
                return _Node(yes.type, lambda v: ca if v[k] else b(v))
            if cb is not _NOCONST:
                return _Node(yes.type, lambda v: a(v) if v[k] else cb)
            return _Node(yes.type, lambda v: a(v) if v[k] else b(v))
        if ca is not _NOCONST:
            return _Node(yes.type, lambda v: ca if t(v) else b(v))
        if cb is not _NOCONST:
            return _Node(yes.type, lambda v: a(v) if t(v) else cb)
        return _Node(yes.type, lambda v: a(v) if t(v) else b(v))

    def visit_Call(self, node: ast.Call, depth: int) -> _Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the built-in functions can be called: " + ", ".join(FUNCTION_NAMES), node)
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"{name}() takes plain arguments only", node)
        if name in ("fired", "chose"):
            return self._call_history(name, node)
        if name in ("estimate", "band"):
            return self._call_estimate(name, node)
        if name in ("heeded", "overruled", "present"):
            return self._call_memory(name, node)
        if name in ("days_until", "days_since"):
            if len(node.args) != 1:
                raise self.fail(f"{name}() takes one date", node)
            day = self.expect(node.args[0], "date", depth, f"the argument of {name}()")
            d = day.fn
            if name == "days_until":
                return _Node("num", lambda v: d(v) - v["date"])
            return _Node("num", lambda v: v["date"] - d(v))
        spec = _FUNCTIONS.get(name)
        if spec is None:
            raise self.fail(
                f"unknown function '{name}'{suggest(name, list(FUNCTION_NAMES))} "
                f"(the functions are: {', '.join(FUNCTION_NAMES)})",
                node,
            )
        declared, result, impl = spec
        if declared is None:
            if len(node.args) < 2:
                raise self.fail(f"{name}() takes two or more numbers", node)
        elif len(node.args) != len(declared):
            raise self.fail(f"{name}() takes {len(declared)} argument(s), not {len(node.args)}", node)
        number: Type = "num"
        arg_types = declared or (number,) * len(node.args)
        args = [self.expect(a, t, depth, f"each argument of {name}()")
                for a, t in zip(node.args, arg_types, strict=True)]
        if all(a.const is not _NOCONST for a in args):
            value = impl(*(a.const for a in args))
            return _Node(result, lambda v: value, value)
        fns = [a.fn for a in args]
        if len(fns) == 1:
            (a0,) = fns
            return _Node(result, lambda v: impl(a0(v)))
        if len(fns) == 2:
            a0, a1 = fns
            return _Node(result, lambda v: impl(a0(v), a1(v)))
        return _Node(result, lambda v: impl(*(f(v) for f in fns)))

    def _call_estimate(self, name: str, node: ast.Call) -> _Node:
        """`estimate("stat")` and `band("stat")`: what the player's gauge of a hidden stat reads."""
        if len(node.args) != 1 or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            raise self.fail(f'write {name}("stat_id") with the quoted id of a hidden stat', node)
        ident = str(node.args[0].value)
        hidden = self.names.hidden or {}
        fog = hidden.get(ident)
        if fog is None:
            if self.names.types.get(ident) == "num" and (self.names.assignable or {}).get(ident) == "stat":
                raise self.fail(f"'{ident}' is not a hidden stat: the player sees it as it is, so write {ident}", node)
            raise self.fail(f"unknown hidden stat '{ident}'{suggest(ident, sorted(hidden))}", node)
        stat, confidence = fog.stat, fog.confidence
        index = 0 if name == "estimate" else 1
        if confidence is None:
            return _Node("num", lambda v: fog.estimate(v[stat], 0.0, v[SEED_KEY])[index])
        return _Node("num", lambda v: fog.estimate(v[stat], v[confidence], v[SEED_KEY])[index])

    def _call_memory(self, name: str, node: ast.Call) -> _Node:
        """`heeded("advisor")`, `overruled("advisor")`: how often the player took, or went against, the
        advisor's counsel; `present("advisor")`: whether the advisor is still there."""
        if len(node.args) != 1 or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            raise self.fail(f'write {name}("advisor_id") with the quoted id of an advisor', node)
        ident = str(node.args[0].value)
        if ident not in self.names.advisors:
            raise self.fail(f"unknown advisor '{ident}'{suggest(ident, sorted(self.names.advisors))}", node)
        if name == "present":
            return _Node("bool", lambda v: ident not in v[LEFT_KEY])
        key = HEEDED_KEY if name == "heeded" else OVERRULED_KEY
        return _Node("num", lambda v: v[key].get(ident, 0))

    def _call_history(self, name: str, node: ast.Call) -> _Node:
        want = 1 if name == "fired" else 2
        if len(node.args) != want or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args
        ):
            shape = 'fired("event_id")' if name == "fired" else 'chose("event_id", "choice_id")'
            raise self.fail(f"write {shape} with quoted ids", node)
        ids = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
        event = ids[0]
        if event not in self.names.events:
            raise self.fail(f"unknown event '{event}'{suggest(event, sorted(self.names.events))}", node)
        if name == "fired":
            return _Node("num", lambda v: v[FIRED_KEY].get(event, 0))
        choice = ids[1]
        known = (self.names.choices or {}).get(event, frozenset())
        if choice not in known:
            raise self.fail(
                f"event '{event}' has no choice '{choice}'{suggest(choice, sorted(known))}", node
            )
        key = f"{event}.{choice}"
        return _Node("bool", lambda v: key in v[CHOSE_KEY])


_VISITORS: dict[type, Callable[[_Compiler, Any, int], _Node]] = {
    getattr(ast, name[len("visit_"):]): function
    for name, function in vars(_Compiler).items()
    if name.startswith("visit_")
}


def _describe_forbidden(node: ast.AST) -> str:
    kind = type(node).__name__
    words = {
        "Attribute": "attribute access ('.')",
        "Subscript": "subscripts ('[...]')",
        "Lambda": "lambda",
        "NamedExpr": "':='",
        "List": "lists",
        "Tuple": "tuples",
        "Dict": "dictionaries",
        "Set": "sets",
        "ListComp": "comprehensions",
        "SetComp": "comprehensions",
        "DictComp": "comprehensions",
        "GeneratorExp": "comprehensions",
        "JoinedStr": "f-strings",
        "Await": "await",
        "Yield": "yield",
        "YieldFrom": "yield",
        "Starred": "'*'",
        "Slice": "slices",
    }
    return f"{words.get(kind, kind)} is not part of the language"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _parse(text: str) -> ast.expr:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression too long ({len(text)} characters; at most {MAX_LENGTH})", MAX_LENGTH)
    bad = _CONTROL.search(text)
    if bad:
        raise ExprError("control character in expression", bad.start())
    stripped = text.strip()
    if not stripped:
        raise ExprError("empty expression", 0)
    lead = len(text) - len(text.lstrip())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's own hints (e.g. "invalid decimal literal") are not ours
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) - 1 + lead
        reason = (exc.msg or "invalid syntax").split(" (", 1)[0]
        raise ExprError(f"cannot read the expression: {reason}", max(col, 0)) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ExprError("cannot read the expression", 0) from None
    body = tree.body
    _shift_columns(body, lead)
    return body


def _shift_columns(node: ast.AST, lead: int) -> None:
    if lead:
        for child in ast.walk(node):
            if hasattr(child, "col_offset"):
                child.col_offset += lead


def compile_expr(text: str, names: Names, want: Type) -> Compiled:
    """Parse, check and compile `text` as an expression giving `want`. Raises ExprError."""
    return compile_with_constant(text, names, want)[0]


def compile_with_constant(text: str, names: Names, want: Type) -> tuple[Compiled, Any]:
    """Like compile_expr, also giving the value when it does not depend on the game (else None)."""
    fast = _compile_simple(text, names, want)
    if fast is not None:
        return fast
    tree = _parse(text)
    try:
        node = _Compiler(names).compile(tree)
    except RecursionError:
        raise ExprError(f"expression is nested too deeply (at most {MAX_DEPTH} levels)", 0) from None
    if node.type != want:
        raise ExprError(f"expected {TYPE_WORDS[want]}, but this expression gives {TYPE_WORDS[node.type]}", 0)
    return node.fn, (None if node.const is _NOCONST else node.const)


# The commonest conditions, `stat >= 40`, `flag`, `not flag` and `and`s of them, and plain
# numbers, are compiled without the parser. Anything else, and every mistake, takes the full path.
_SIMPLE_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*$")
_SIMPLE_PART = re.compile(
    r"^\s*(?:(not\s+)?([a-z_][a-z0-9_]*)|([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?))\s*$"
)
_AND = re.compile(r"\s+and\s+")
_SIMPLE_OPS: dict[str, type] = {">=": ast.GtE, "<=": ast.LtE, "==": ast.Eq, "!=": ast.NotEq, ">": ast.Gt, "<": ast.Lt}


def _compile_simple(text: str, names: Names, want: Type) -> tuple[Compiled, Any] | None:
    if len(text) > MAX_LENGTH:
        return None
    if want == "num":
        match = _SIMPLE_NUMBER.match(text)
        if match is None:
            return None
        value = float(match.group(1)) if "." in match.group(1) else int(match.group(1))
        if abs(value) > MAX_LITERAL:
            return None
        return (lambda v: value), value
    if want != "bool" or '"' in text or "(" in text:
        return None
    tests: list[Compiled] = []
    for part in _AND.split(text):
        match = _SIMPLE_PART.match(part)
        if match is None:
            return None
        negate, flag, stat, op, number = match.groups()
        if flag is not None:
            if flag in ("true", "false", "and", "or", "not", "if", "else") or names.types.get(flag) != "bool" \
                    or flag in names.constants:
                return None
            tests.append(_flag_test(flag, bool(negate)))
        else:
            if names.types.get(stat) != "num" or stat in names.constants:
                return None
            value = float(number) if "." in number else int(number)
            if abs(value) > MAX_LITERAL:
                return None
            tests.append(_specialised_compare(_SIMPLE_OPS[op], _NOT_USED, _NOT_USED, _NOCONST, value, stat, None))
    return _chain(tests, True), None


def _flag_test(name: str, negate: bool) -> Compiled:
    if negate:
        return lambda v: not v[name]
    return lambda v: v[name]


def _not_used(v: Mapping[str, Any]) -> Any:
    raise AssertionError("a specialised comparison does not call its operands")


_NOT_USED: Compiled = _not_used

@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: the whole test, and its top-level `and` parts split in two.

    The parts that read only the calendar (`date >= election`, `turn <= 12`) can be settled once
    per turn number; `rest` is the other parts as one test. Calling it runs the whole test.
    `operands` are its top-level operands, each a test of its own: it holds when all of them hold,
    or, with `any_of` (an `or`), when one does (a condition that is neither is one operand); what
    each can change with is given by `watch_operands`, in the same order.
    """

    test: Compiled
    calendar: tuple[Compiled, ...]
    rest: Compiled
    operands: tuple[Compiled, ...] = ()
    any_of: bool = False

    def __call__(self, v: Mapping[str, Any]) -> Any:
        return self.test(v)


def _operand_nodes(tree: ast.expr) -> tuple[bool, list[ast.expr]]:
    """A condition's top-level operands, and whether they are joined by `or`."""
    if isinstance(tree, ast.BoolOp):
        return isinstance(tree.op, ast.Or), list(tree.values)
    return False, [tree]


def compile_condition(text: str, names: Names, calendar: frozenset[str], test: Compiled | None = None) -> Condition:
    """Parse, check and compile a condition, splitting off its calendar parts. Raises ExprError.

    `test` is the whole condition when it has already been compiled (by `compile_expr`).
    """
    if test is None:
        test = compile_expr(text, names, "bool")
    tree = _parse(text)
    any_of, nodes = _operand_nodes(tree)
    if len(nodes) == 1:
        operands: tuple[Compiled, ...] = (test,)
    else:
        compiler = _Compiler(names)
        operands = tuple(compiler.compile(node).fn for node in nodes)
    if not (isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And)):
        if _reads(tree, names) <= calendar:
            return Condition(test, (test,), all_of([]), operands, any_of)
        return Condition(test, (), test, operands, any_of)
    on_calendar: list[Compiled] = []
    rest: list[Compiled] = []
    for node, operand in zip(nodes, operands, strict=True):
        (on_calendar if _reads(node, names) <= calendar else rest).append(operand)
    return Condition(test, tuple(on_calendar), all_of(rest), operands, any_of)


def reads(text: str, names: Names) -> frozenset[str]:
    """The names of the environment a checked expression reads (`fired()` and `chose()` as their keys)."""
    return _reads(_parse(text), names)


def reads_directly(text: str, names: Names) -> frozenset[str]:
    """The names a checked expression reads as themselves: a hidden stat read only through
    `estimate("id")` or `band("id")` (which give what the player is shown) is not among them."""
    bare = {node.id for node in ast.walk(_parse(text)) if isinstance(node, ast.Name)}
    return frozenset(bare - set(names.constants) - {"true", "false", *FUNCTION_NAMES})


#: what a call reads besides its arguments (the other functions read only their arguments)
_CALL_READS = {"fired": FIRED_KEY, "chose": CHOSE_KEY, "days_until": "date", "days_since": "date",
               "heeded": HEEDED_KEY, "overruled": OVERRULED_KEY, "present": LEFT_KEY}


def _reads(tree: ast.AST, names: Names) -> frozenset[str]:
    """The names of the environment a checked expression reads."""
    reads: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            reads.add(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            read = _CALL_READS.get(node.func.id)
            if read:
                reads.add(read)
            fog = _estimated(node, names)
            if fog is not None:
                reads.update((fog.stat, SEED_KEY, *([fog.confidence] if fog.confidence else [])))
    return frozenset(reads - set(names.constants) - {"true", "false", *FUNCTION_NAMES})


@dataclass(frozen=True, slots=True)
class Watch:
    """What a checked condition's value can change with, for indexing it: the condition can only
    change its value when one of these changes.

    `thresholds` are its comparisons of a number with a constant (`alpha >= 37`, `date >= election`):
    (name, operator, constant), the constant on the right (`37 <= alpha` is `alpha >= 37`); each can
    change its value only when the name's value reaches or crosses the constant.
    `keys` are the other names it reads; `fired` and `chose` are the arguments of its `fired("id")`
    and `chose("event", "choice")` calls (as "event.choice").
    `flips` says that the condition changes its value whenever one of these changes (it is a single
    comparison of a name with a constant by <, <=, > or >=, or a flag, or `not` a flag), so its
    new value is the old one turned round, without testing it.
    """

    thresholds: tuple[tuple[str, str, float], ...]
    keys: frozenset[str]
    fired: frozenset[str]
    chose: frozenset[str]
    flips: bool = False


_TURNED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def watch(text: str, names: Names) -> Watch:
    """What a checked condition can change with (see `Watch`): the same names as `reads`, with the
    comparisons against a constant and the history calls told apart."""
    return _watch(_parse(text), names)


def watch_operands(text: str, names: Names) -> tuple[Watch, ...]:
    """What each top-level operand of a checked condition can change with (see `Condition.operands`)."""
    return tuple(_watch(node, names) for node in _operand_nodes(_parse(text))[1])


def _watch(tree: ast.expr, names: Names) -> Watch:
    thresholds: list[tuple[str, str, float]] = []
    keys: set[str] = set()
    fired: set[str] = set()
    chose: set[str] = set()

    def number(node: ast.AST) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = number(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.Name) and node.id in names.constants:
            value = names.constants[node.id]
            return float(value) if type(value) in (int, float) else None
        return None

    def variable(node: ast.AST) -> str | None:
        if not isinstance(node, ast.Name) or node.id in names.constants:
            return None
        return node.id if names.types.get(node.id) in ("num", "date") else None

    def walk(node: ast.AST) -> None:
        op = _COMPARE_SYMBOL.get(type(node.ops[0])) if isinstance(node, ast.Compare) and len(node.ops) == 1 else None
        if isinstance(node, ast.Compare) and op is not None:
            left, right = node.left, node.comparators[0]
            for name, bound, symbol in ((variable(left), number(right), op),
                                        (variable(right), number(left), _TURNED[op])):
                if name is not None and bound is not None:
                    thresholds.append((name, symbol, bound))
                    return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("fired", "chose"):
            ids = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "fired":
                fired.add(ids[0])
            else:
                chose.add(".".join(ids))
            return
        if isinstance(node, (ast.Name, ast.Call)):
            keys.update(_reads(node, names))  # (all it reads, its arguments too)
            return
        for child in ast.iter_child_nodes(node):
            walk(child)

    walk(tree)
    flag = tree.operand if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not) else tree
    flips = (len(thresholds) == 1 and thresholds[0][1] in ("<", "<=", ">", ">=") and isinstance(tree, ast.Compare)
             ) or (isinstance(flag, ast.Name) and names.types.get(flag.id) == "bool" and flag.id not in names.constants)
    return Watch(tuple(thresholds), frozenset(keys), frozenset(fired), frozenset(chose), flips)


def _estimated(node: ast.Call, names: Names) -> Fog | None:
    """The hidden stat an `estimate("id")` or `band("id")` call reads, if it is one."""
    if not (isinstance(node.func, ast.Name) and node.func.id in ("estimate", "band") and len(node.args) == 1):
        return None
    arg = node.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return None
    return (names.hidden or {}).get(arg.value)


def always(v: Mapping[str, Any]) -> bool:
    """The condition that always holds (what `all_of` gives for no tests: callers may skip it)."""
    return True


def all_of(tests: list[Compiled]) -> Compiled:
    """One condition that holds when every one of `tests` holds (`always` when there are none)."""
    if not tests:
        return always
    return _chain(tests, True)


_EFFECT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))(.*)$", re.DOTALL)
_RECORD_EFFECT = re.compile(
    r"""^\s*(heeded|overruled)\s*\(\s*(?:"([^"]*)"|'([^']*)')\s*\)\s*(\+=|-=|=(?!=))(.*)$""", re.DOTALL)


def compile_effect(text: str, names: Names) -> Effect:
    """Parse and check an effect statement such as `escalation += 5`. Raises ExprError."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"effect too long ({len(text)} characters; at most {MAX_LENGTH})", MAX_LENGTH)
    record = _RECORD_EFFECT.match(text)
    if record is not None:
        return _record_effect(text, record, names)
    match = _EFFECT.match(text)
    if not match:
        raise ExprError(
            "an effect is 'name += value', 'name -= value' or 'name = value' "
            '(e.g. "escalation += 5", "declassified = true")',
            0,
        )
    target, op, rest = match.group(1), match.group(2), match.group(3)
    assignable = names.assignable or {}
    kind = assignable.get(target)
    if kind is None:
        if target in names.types:
            raise ExprError(f"'{target}' cannot be changed by an effect", match.start(1))
        raise ExprError(f"unknown name '{target}'{suggest(target, list(assignable))}", match.start(1))
    if kind == "flag" and op != "=":
        raise ExprError(f"'{target}' is a flag: write '{target} = true' or '{target} = false'", match.start(2))
    offset = match.start(3)
    try:
        value, constant = compile_with_constant(rest, names, "bool" if kind == "flag" else "num")
    except ExprError as exc:
        raise ExprError(exc.message, exc.col + offset) from None
    return Effect(target, op, value, text.strip(), constant)  # type: ignore[arg-type]


def _record_effect(text: str, match: re.Match[str], names: Names) -> Effect:
    """`heeded("hawk") += 1`, `overruled("dove") -= 1`: a move of an advisor's record, as if their
    counsel had been heeded (a loyalty rewarded) or overruled (a public rebuke) once more or less."""
    which, ident = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
    if ident not in names.advisors:
        at = match.start(2) if match.group(2) is not None else match.start(3)
        raise ExprError(f"unknown advisor '{ident}'{suggest(ident, sorted(names.advisors))}", at)
    offset = match.start(5)
    try:
        value, constant = compile_with_constant(match.group(5), names, "num")
    except ExprError as exc:
        raise ExprError(exc.message, exc.col + offset) from None
    target = HEEDED_KEY if which == "heeded" else OVERRULED_KEY
    return Effect(target, match.group(4), value, text.strip(), constant, ident)  # type: ignore[arg-type]
