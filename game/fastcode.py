"""Checked content expressions rewritten as Python source, so automated play can run a whole phase
of a turn (every rule, every ending, one priority group of the draw) as one function call.

Only content that the loader has already checked comes here, and only the node kinds of the
language are rewritten: names become lookups in the environment (`v["escalation"]`), the fixed
functions become calls of the same Python functions the language uses, and anything else raises
`Unsupported`, in which case automated play keeps to the engine's own closures. The functions
run with no builtins but those named below.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from typing import Any

from game.expr import CHOSE_KEY, FIRED_KEY

_EFFECT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))(.*)$", re.DOTALL)
_BINARY: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}


class Unsupported(Exception):
    """An expression this module does not rewrite; the caller keeps the engine's closures."""


def _div(a: float, b: float) -> float:
    return a / b if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


#: What generated code may call: the language's functions, as the expression module defines them.
GLOBALS: dict[str, Any] = {
    "__builtins__": {},
    "min": min, "max": max, "abs": abs, "round": round, "float": float, "int": int, "bool": bool,
    "_div": _div, "_mod": _mod, "_clamp": _clamp,
}


class Translator:
    """Rewrites one scenario's expressions as Python source over an environment `v`."""

    def __init__(self, constants: Mapping[str, Any]) -> None:
        self.constants = constants

    def expression(self, text: str | float | int) -> str:
        if isinstance(text, bool):
            raise Unsupported("a bare true/false where a number or expression was expected")
        if isinstance(text, (int, float)):
            return repr(text)
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            raise Unsupported(str(exc)) from None
        return self._node(tree.body)

    def _node(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
                raise Unsupported("constant")
            return repr(node.value)
        if isinstance(node, ast.Name):
            if node.id == "true":
                return "True"
            if node.id == "false":
                return "False"
            if node.id in self.constants:
                return repr(self.constants[node.id])
            return f"v[{node.id!r}]"
        if isinstance(node, ast.UnaryOp):
            inner = self._node(node.operand)
            if isinstance(node.op, ast.Not):
                return f"(not {inner})"
            if isinstance(node.op, ast.USub):
                return f"(-{inner})"
            if isinstance(node.op, ast.UAdd):
                return inner
            raise Unsupported("unary operator")
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + word.join(self._node(n) for n in node.values) + ")"
        if isinstance(node, ast.BinOp):
            left, right = self._node(node.left), self._node(node.right)
            op = type(node.op)
            if op in _BINARY:
                return f"({left} {_BINARY[op]} {right})"
            if op is ast.Div:
                divisor = node.right
                if isinstance(divisor, ast.Constant) and isinstance(divisor.value, (int, float)) \
                        and not isinstance(divisor.value, bool) and divisor.value:
                    return f"({left} / {right})"
                return f"_div({left}, {right})"
            if op is ast.Mod:
                return f"_mod({left}, {right})"
            raise Unsupported("operator")
        if isinstance(node, ast.Compare):
            parts = [self._node(node.left)]
            for comparison, operand in zip(node.ops, node.comparators, strict=True):
                if type(comparison) not in _COMPARE:
                    raise Unsupported("comparison")
                parts += [_COMPARE[type(comparison)], self._node(operand)]
            return "(" + " ".join(parts) + ")"
        if isinstance(node, ast.IfExp):
            return f"({self._node(node.body)} if {self._node(node.test)} else {self._node(node.orelse)})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self._call(node.func.id, node.args)
        raise Unsupported(type(node).__name__)

    def _call(self, name: str, args: list[ast.expr]) -> str:
        if name in ("fired", "chose"):
            ids = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "fired" and len(ids) == len(args) == 1:
                return f"v[{FIRED_KEY!r}].get({ids[0]!r}, 0)"
            if name == "chose" and len(ids) == len(args) == 2:
                return f"({ids[0] + '.' + ids[1]!r} in v[{CHOSE_KEY!r}])"
            raise Unsupported(name)
        inner = [self._node(a) for a in args]
        if name == "days_until" and len(inner) == 1:
            return f"({inner[0]} - v['date'])"
        if name == "days_since" and len(inner) == 1:
            return f"(v['date'] - {inner[0]})"
        if name in ("min", "max", "abs", "round") or (name == "clamp" and len(inner) == 3):
            function = "_clamp" if name == "clamp" else name
            return f"{function}({', '.join(inner)})"
        raise Unsupported(name)

    def effect(self, text: str, kind: str, bounds: tuple[float, float] | None, indent: str) -> str:
        """One effect as a statement; `kind` is "stat", "counter" or "flag"."""
        match = _EFFECT.match(text)
        if match is None:
            raise Unsupported("effect")
        target, op, rest = match.group(1), match.group(2), match.group(3)
        value = self.expression(rest)
        slot = f"v[{target!r}]"
        if op == "+=":
            value = f"{slot} + {value}"
        elif op == "-=":
            value = f"{slot} - {value}"
        if kind == "stat":
            assert bounds is not None
            # the same as float(min(high, max(low, x))), without two calls
            low, high = bounds
            value = f"float({low!r} if (x := {value}) < {low!r} else {high!r} if x > {high!r} else x)"
        elif kind == "counter":
            assert bounds is not None
            value = f"int(min({bounds[1]!r}, max({bounds[0]!r}, round({value}))))"
        return f"{indent}{slot} = {value}\n"


def build(source: str, name: str) -> Callable[..., Any]:
    """Compile generated source that defines one function called `name`."""
    scope: dict[str, Any] = {}
    exec(compile(source, f"<content:{name}>", "exec"), dict(GLOBALS), scope)
    function: Callable[..., Any] = scope[name]
    return function
