"""Interval reasoning over the expression language: the values an expression can take when every
name it reads stays within its declared range (a stat between its min and max, a flag true or false).

Sound but not exact: "cannot hold" is said only when no values within the ranges make it hold, so a
warning built on it is never wrong; a condition it cannot judge is taken as one that may hold.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Union

INF = math.inf


@dataclass(frozen=True)
class Span:
    """The numbers (or dates, as day ordinals) a value can take: from `lo` to `hi`, inclusive."""

    lo: float
    hi: float


#: the truth values a condition can take
Truth = frozenset[bool]
#: the texts a value can take (None: any)
Texts = Union[frozenset[str], None]  # noqa: UP007 (a runtime alias)
Abstract = Union[Span, Truth, Texts]  # noqa: UP007

ANY = Span(-INF, INF)
BOTH: Truth = frozenset({True, False})
YES: Truth = frozenset({True})
NO: Truth = frozenset({False})


def evaluate(text: str, ranges: Mapping[str, Abstract]) -> Abstract:
    """What `text` can give when each name stays within `ranges` (names not there may be anything)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    return _Evaluator(ranges).visit(tree)


def never_holds(text: str, ranges: Mapping[str, Abstract]) -> str | None:
    """Why a condition can never hold within the ranges (the part that cannot), or None if it may."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    evaluator = _Evaluator(ranges)
    if evaluator.visit(tree) != NO:
        return None
    culprit = tree
    while isinstance(culprit, ast.BoolOp) and isinstance(culprit.op, ast.And):
        culprit = next(part for part in culprit.values if evaluator.visit(part) == NO)
    names = sorted({n.id for n in ast.walk(culprit) if isinstance(n, ast.Name) and n.id in ranges})
    known = "; ".join(_describe(name, ranges[name]) for name in names)
    return f"`{ast.unparse(culprit)}` cannot hold" + (f" ({known})" if known else "")


def _describe(name: str, value: Abstract) -> str:
    if isinstance(value, Span):
        return f"{name} is between {value.lo:g} and {value.hi:g}"
    if value in (YES, NO):
        return f"{name} is always {'true' if value == YES else 'false'}"
    return f"{name} may be anything"


def _safe_mul(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b


class _Evaluator:
    def __init__(self, ranges: Mapping[str, Abstract]) -> None:
        self.ranges = ranges

    def visit(self, node: ast.AST) -> Abstract:
        visit: Callable[[ast.AST], Abstract] | None = getattr(self, f"visit_{type(node).__name__}", None)
        return visit(node) if visit is not None else None

    def num(self, node: ast.AST) -> Span:
        value = self.visit(node)
        return value if isinstance(value, Span) else ANY

    def truth(self, node: ast.AST) -> Truth:
        value = self.visit(node)
        if isinstance(value, frozenset) and value and value <= BOTH:
            return frozenset(bool(v) for v in value)
        return BOTH

    def visit_Constant(self, node: ast.Constant) -> Abstract:
        if isinstance(node.value, bool):
            return None
        if isinstance(node.value, (int, float)):
            return Span(node.value, node.value)
        if isinstance(node.value, str):
            return frozenset({node.value})
        return None

    def visit_Name(self, node: ast.Name) -> Abstract:
        if node.id == "true":
            return YES
        if node.id == "false":
            return NO
        return self.ranges.get(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Abstract:
        if isinstance(node.op, ast.Not):
            return frozenset(not t for t in self.truth(node.operand))
        inner = self.num(node.operand)
        return Span(-inner.hi, -inner.lo) if isinstance(node.op, ast.USub) else inner

    def visit_BinOp(self, node: ast.BinOp) -> Abstract:
        a, b = self.num(node.left), self.num(node.right)
        if isinstance(node.op, ast.Add):
            return Span(a.lo + b.lo, a.hi + b.hi)
        if isinstance(node.op, ast.Sub):
            return Span(a.lo - b.hi, a.hi - b.lo)
        if isinstance(node.op, ast.Mult):
            corners = [_safe_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
            return Span(min(corners), max(corners))
        if isinstance(node.op, ast.Div) and (b.lo > 0 or b.hi < 0):
            corners = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if not math.isinf(y)]
            corners += [0.0] if any(math.isinf(y) for y in (b.lo, b.hi)) else []
            if any(math.isinf(x) for x in (a.lo, a.hi)):
                return ANY
            return Span(min(corners), max(corners))
        return ANY

    def visit_BoolOp(self, node: ast.BoolOp) -> Abstract:
        parts = [self.truth(v) for v in node.values]
        if isinstance(node.op, ast.And):
            can_hold = all(True in p for p in parts)
            can_fail = any(False in p for p in parts)
        else:
            can_hold = any(True in p for p in parts)
            can_fail = all(False in p for p in parts)
        return frozenset({*([True] if can_hold else []), *([False] if can_fail else [])})

    def visit_IfExp(self, node: ast.IfExp) -> Abstract:
        test = self.truth(node.test)
        branches = [self.visit(node.body)] * (True in test) + [self.visit(node.orelse)] * (False in test)
        if all(isinstance(b, Span) for b in branches) and branches:
            spans = [b for b in branches if isinstance(b, Span)]
            return Span(min(s.lo for s in spans), max(s.hi for s in spans))
        if all(isinstance(b, frozenset) and b <= BOTH and b for b in branches) and branches:
            return frozenset(bool(v) for b in branches if isinstance(b, frozenset) for v in b)
        return None

    def visit_Compare(self, node: ast.Compare) -> Abstract:
        operands = [node.left, *node.comparators]
        results = [self._compare(op, self.visit(operands[i]), self.visit(operands[i + 1]))
                   for i, op in enumerate(node.ops)]
        can_hold = all(True in r for r in results)
        can_fail = any(False in r for r in results)
        return frozenset({*([True] if can_hold else []), *([False] if can_fail else [])})

    @staticmethod
    def _compare(op: ast.cmpop, left: Abstract, right: Abstract) -> Truth:
        if isinstance(left, Span) and isinstance(right, Span):
            a, b = left, right
            if isinstance(op, ast.Lt):
                return frozenset({*([True] if a.lo < b.hi else []), *([False] if a.hi >= b.lo else [])})
            if isinstance(op, ast.LtE):
                return frozenset({*([True] if a.lo <= b.hi else []), *([False] if a.hi > b.lo else [])})
            if isinstance(op, ast.Gt):
                return frozenset({*([True] if a.hi > b.lo else []), *([False] if a.lo <= b.hi else [])})
            if isinstance(op, ast.GtE):
                return frozenset({*([True] if a.hi >= b.lo else []), *([False] if a.lo < b.hi else [])})
            overlap = a.lo <= b.hi and b.lo <= a.hi
            same_point = a.lo == a.hi == b.lo == b.hi
            if isinstance(op, ast.Eq):
                return frozenset({*([True] if overlap else []), *([False] if not same_point else [])})
            if isinstance(op, ast.NotEq):
                return frozenset({*([True] if not same_point else []), *([False] if overlap else [])})
        if isinstance(left, frozenset) and isinstance(right, frozenset) and isinstance(op, (ast.Eq, ast.NotEq)):
            meet = bool(left & right)
            fixed = len(left) == 1 and left == right
            equal = frozenset({*([True] if meet else []), *([False] if not fixed else [])})
            return equal if isinstance(op, ast.Eq) else frozenset(not t for t in equal)
        return BOTH

    def visit_Call(self, node: ast.Call) -> Abstract:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name in ("chose", "present"):
            return BOTH
        if name in ("fired", "heeded", "overruled"):
            return Span(0, INF)
        if name in ("estimate", "band") and node.args and isinstance(node.args[0], ast.Constant):
            # an estimate stays within its stat's bounds; a band is a half-width
            stat = self.ranges.get(str(node.args[0].value))
            return (stat if isinstance(stat, Span) else ANY) if name == "estimate" else Span(0, INF)
        args = [self.num(a) for a in node.args]
        if name in ("min", "max") and args:
            pick = min if name == "min" else max
            return Span(pick(a.lo for a in args), pick(a.hi for a in args))
        if name == "abs" and len(args) == 1:
            a = args[0]
            least = 0.0 if a.lo <= 0 <= a.hi else min(abs(a.lo), abs(a.hi))
            return Span(least, max(abs(a.lo), abs(a.hi)))
        if name == "clamp" and len(args) == 3:
            x, bottom, top = args
            return Span(min(bottom.lo, top.lo, max(x.lo, bottom.lo)), max(bottom.hi, top.hi, min(x.hi, top.hi)))
        if name == "round" and len(args) == 1:
            return Span(math.floor(args[0].lo) if math.isfinite(args[0].lo) else -INF,
                        math.ceil(args[0].hi) if math.isfinite(args[0].hi) else INF)
        return ANY
