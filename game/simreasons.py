"""Why something was never reached in automated play: read the condition that kept it out and
compare each part with the values the games actually saw ("needs escalation >= 80; the highest
seen was 62")."""

from __future__ import annotations

import ast
import datetime as dt
from typing import TYPE_CHECKING, Any

from game.content import Content

if TYPE_CHECKING:
    from game.sim import Tally

_OPS: dict[type[ast.cmpop], str] = {
    ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!=",
}
_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq,
}


class Observed:
    """The lowest and highest value of each name the games saw, and what was reached."""

    def __init__(self, content: Content, tally: Tally, event: str | None = None) -> None:
        self.content = content
        self.tally = tally
        self.event = event
        scenario = content.scenario
        self.first_turn_seen = 1
        self.last_turn_seen = max(tally.turns, default=1)
        if event is not None and f"{event}|turn" in tally.event_low:
            self.first_turn_seen = int(tally.event_low[f"{event}|turn"])
            self.last_turn_seen = int(tally.event_high[f"{event}|turn"])
        self.calendar_ran_out = max(tally.turns, default=1) >= scenario.last_turn
        self.types = content.names.types
        self.constants = content.names.constants

    def range(self, name: str) -> tuple[Any, Any] | None:
        """(lowest, highest) seen of a name, or None when nothing was seen."""
        tally = self.tally
        if not tally.games:
            return None
        if self.event is not None:
            key = f"{self.event}|{name}"
            if key in tally.event_low:
                return tally.event_low[key], tally.event_high[key]
        if name in tally.low:
            return tally.low[name], tally.high[name]
        first, last = self.first_turn_seen, self.last_turn_seen
        if name == "turn":
            return first, last
        if name == "date":
            return self._ordinal(first), self._ordinal(last)
        if name.startswith("days_to_") and name[8:] in self.constants:
            target = self.constants[name[8:]]
            return target - self._ordinal(last), target - self._ordinal(first)
        if name == "calendar_over":
            return False, self.calendar_ran_out
        return None

    def seasons(self) -> list[str]:
        seen = []
        for turn in range(self.first_turn_seen, self.last_turn_seen + 1):
            season = self.content.season_of(self.content.day(turn))
            if season not in seen:
                seen.append(season)
        return seen

    def _ordinal(self, turn: int) -> int:
        return self.content.day(turn).toordinal()

    def show(self, name: str, value: Any) -> str:
        if self.types.get(name) == "date" or name == "date":
            return dt.date.fromordinal(int(value)).isoformat()
        if self.types.get(name) == "bool":
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
        return str(value)

    def describe(self, name: str) -> str:
        """`escalation seen 10..62`, `declassified always false`."""
        if name == "season":
            return "season seen: " + ", ".join(f'"{s}"' for s in self.seasons())
        seen = self.range(name)
        if seen is None:
            return f"{name} never seen"
        low, high = seen
        if self.types.get(name) == "bool":
            return f"{name} always {self.show(name, low)}" if low == high else f"{name} seen true and false"
        if low == high:
            return f"{name} always {self.show(name, low)}"
        return f"{name} seen {self.show(name, low)}..{self.show(name, high)}"


class Reasons:
    """Explanations for the events, choices, outcomes and endings a run never reached."""

    def __init__(self, content: Content, observed: Observed, policy: str) -> None:
        self.content = content
        self.observed = observed
        self.tally = observed.tally
        self.policy = policy
        # event -> where it is scheduled from: ("choice"|"outcome", key, taken or happened count)
        self.schedulers: dict[str, list[tuple[str, str]]] = {}
        for event in content.events.values():
            for choice in event.choices:
                key = f"{event.id}.{choice.id}"
                for follow in choice.followups:
                    self.schedulers.setdefault(follow.event, []).append(("choice", key))
                for outcome in choice.outcomes:
                    for follow in outcome.followups:
                        self.schedulers.setdefault(follow.event, []).append(("outcome", f"{key}.{outcome.id}"))

    # --- the four kinds ------------------------------------------------------------------------

    def event(self, ident: str) -> str:
        event = self.content.events[ident]
        model = event.model
        held = self.tally.held.get(ident, 0)
        parts = []
        if event.trigger_text is not None:
            if held:
                parts.append(
                    f"its trigger held at {held} decision point(s), but it never won the draw there "
                    f"(dated events come first, then follow-ups, then the highest priority, then chance by weight; "
                    f"its priority is {model.priority}, its weight {model.weight!r})"
                )
            else:
                parts.append("its trigger never held: " + self.condition(event.trigger_text))
        sources = self.schedulers.get(ident, [])
        if sources:
            parts.append(self._scheduled(sources))
        elif event.trigger_text is None:
            parts.append("it has no trigger and nothing schedules it")
        return "; ".join(parts)

    def _scheduled(self, sources: list[tuple[str, str]]) -> str:
        counts = []
        for kind, key in sources:
            count = self.tally.taken.get(key, 0) if kind == "choice" else self.tally.outcomes.get(key, 0)
            counts.append((kind, key, count))
        never = [f"{kind} {key}" for kind, key, count in counts if not count]
        if len(never) == len(counts):
            if all(kind == "choice" for kind, _key, _count in counts):
                verb = "was" if len(never) == 1 else "were"
                return f"only scheduled by {_join(never)}, which {verb} never taken"
            return f"only scheduled by {_join(never)}, none of which ever happened"
        happened = [f"{kind} {key} ({count} times)" for kind, key, count in counts if count]
        return (f"scheduled by {_join(happened)}, but its follow-up condition never held when due, "
                "or the games ended first")

    def choice(self, event_id: str, choice_id: str) -> str:
        if not self.tally.fired.get(event_id):
            return f"its event '{event_id}' never fired"
        scoped = Reasons(self.content, Observed(self.content, self.tally, event_id), self.policy)
        return scoped._choice(event_id, choice_id)

    def _choice(self, event_id: str, choice_id: str) -> str:
        key = f"{event_id}.{choice_id}"
        model = self.content.events[event_id].model.choice_by_id(choice_id)
        offered = self.tally.offered.get(key, 0)
        if not offered:
            return f"hidden every time its event fired: visible_if never held: {self.condition(model.visible_if or '')}"
        available = self.tally.available.get(key, 0)
        if not available:
            return (f"shown {offered} times but never available: available_if never held: "
                    f"{self.condition(model.available_if or '')}")
        return (f"available {available} times, but the '{self.policy}' policy never picked it "
                f"(posture {model.posture})")

    def outcome(self, event_id: str, choice_id: str, outcome_id: str) -> str:
        key = f"{event_id}.{choice_id}"
        taken = self.tally.taken.get(key, 0)
        if not taken:
            return f"its choice '{key}' was never taken"
        choice = self.content.events[event_id].model.choice_by_id(choice_id)
        outcome = next(o for o in choice.outcome if o.id == outcome_id)
        if isinstance(outcome.chance, (int, float)):
            total = sum(o.chance for o in choice.outcome if isinstance(o.chance, (int, float)))
            if not outcome.chance:
                return "its chance is 0"
            if all(isinstance(o.chance, (int, float)) for o in choice.outcome) and total:
                share = outcome.chance / total
                return (f"the choice was taken {taken} times but this outcome never came up "
                        f"(its chance is {share:.0%}, so about {taken * share:.1f} were expected)")
        return f"the choice was taken {taken} times but this outcome never came up (chance {outcome.chance!r})"

    def ending(self, ident: str) -> str:
        ending = next(e for e in self.content.endings if e.model.id == ident).model
        observed = self.observed
        if ending.when is None:
            last = self.content.scenario.last_turn
            if not observed.calendar_ran_out:
                return (f"it is the timeout ending, reached only when the calendar runs out after turn {last}; "
                        f"no game got that far (the longest reached turn {observed.last_turn_seen})")
            return "it is the timeout ending, but whenever the calendar ran out another ending's condition held"
        reason = self.condition(ending.when)
        outranked = any(e.model.priority > ending.priority and e.when is not None for e in self.content.endings)
        if reason.startswith("`") and outranked:
            reason += f", or an ending of higher priority than {ending.priority} held first"
        return "its condition never held: " + reason

    # --- reading a condition ------------------------------------------------------------------

    def condition(self, text: str) -> str:
        """What kept `text` from holding, judged from the values seen."""
        try:
            tree = ast.parse(text.strip(), mode="eval").body
        except SyntaxError:
            return f"`{text}`"
        unmet = self._unmet(tree)
        if unmet:
            return unmet
        names = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {"true", "false"}
                       - set(self.observed.constants))
        seen = "; ".join(self.observed.describe(n) for n in names)
        when = f"when '{self.observed.event}' fired" if self.observed.event else "at a decision point"
        return f"`{text.strip()}` never held {when}, though each part did at some time" + (
            f" ({seen})" if seen else "")

    def _unmet(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.BoolOp):
            parts = [self._unmet(v) for v in node.values]
            if isinstance(node.op, ast.And):
                found = [p for p in parts if p]
                return "; ".join(found) if found else None
            if all(parts):
                return "none of its alternatives held: " + " / ".join(p for p in parts if p)
            return None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self._flag(node.operand, want=False)
        if isinstance(node, ast.Name):
            return self._flag(node, want=True)
        if isinstance(node, ast.Call):
            return self._history(node, want=True)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, type(node.ops[0]), node.comparators[0])
        return None

    def _flag(self, node: ast.AST, want: bool) -> str | None:
        if isinstance(node, ast.Call):
            return self._history(node, want)
        if not isinstance(node, ast.Name) or self.observed.types.get(node.id) != "bool":
            return None
        seen = self.observed.range(node.id)
        if seen is None:
            return None
        low, high = seen
        if want and not high:
            return f"needs {node.id}, which was never true"
        if not want and low:
            return f"needs not {node.id}, but it was always true"
        return None

    def _history(self, node: ast.Call, want: bool) -> str | None:
        if not isinstance(node.func, ast.Name) or node.func.id != "chose" or len(node.args) != 2:
            return None
        args = [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
        if len(args) != 2:
            return None
        key = f"{args[0]}.{args[1]}"
        if want and not self.tally.taken.get(key):
            return f'needs chose("{args[0]}", "{args[1]}"); that choice was never taken'
        return None

    def _value(self, node: ast.AST) -> tuple[str, Any, Any] | None:
        """(shown, lowest, highest) of a side of a comparison, when known."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return (repr(node.value), node.value, node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self._value(node.operand)
            if inner is not None and inner[1] == inner[2]:
                return (f"-{inner[0]}", -inner[1], -inner[1])
            return None
        if isinstance(node, ast.Name):
            if node.id in self.observed.constants:
                value = self.observed.constants[node.id]
                return (node.id, value, value)
            seen = self.observed.range(node.id)
            if seen is None or self.observed.types.get(node.id) not in ("num", "date"):
                return None
            return (node.id, seen[0], seen[1])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "fired" \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
            event = str(node.args[0].value)
            games = self.tally.games
            most = self.tally.fired.get(event, 0) if games else 0
            return (f'fired("{event}")', 0, most)
        return None

    def _compare(self, left: ast.AST, op: type[ast.cmpop], right: ast.AST) -> str | None:
        a, b = self._value(left), self._value(right)
        if a is None or b is None:
            return None
        if a[1] != a[2] and b[1] == b[2]:
            pass
        elif b[1] != b[2] and a[1] == a[2]:
            a, b, op = b, a, _FLIP[op]
        elif not (a[1] == a[2] and b[1] == b[2]):
            return None
        name, low, high = a
        target = b[1]
        symbol = _OPS[op]
        want = f"needs {name} {symbol} {self._shown(b[0], target)}"
        if name.startswith("fired(") and high == 0 and not (op in (ast.Lt, ast.LtE, ast.NotEq) or target == 0):
            return f"{want}; that event never fired"
        seen_name = "date reached" if name == "date" else "seen"
        if op in (ast.Gt, ast.GtE) and not (high > target if op is ast.Gt else high >= target):
            return f"{want}; the highest {seen_name} was {self._shown(name, high)}"
        if op in (ast.Lt, ast.LtE) and not (low < target if op is ast.Lt else low <= target):
            return f"{want}; the lowest {seen_name} was {self._shown(name, low)}"
        if op is ast.Eq and not low <= target <= high:
            return f"{want}; {seen_name} only {self._shown(name, low)}..{self._shown(name, high)}"
        if op is ast.NotEq and low == high == target:
            return f"{want}; it was always {self._shown(name, low)}"
        return None

    def _shown(self, name: str, value: Any) -> str:
        if name == "date" or self.observed.types.get(name) == "date":
            return dt.date.fromordinal(int(value)).isoformat()
        if name.startswith("fired(") or name.startswith("days_to_") or name == "turn":
            return str(int(value))
        if name in self.observed.types or not isinstance(value, (int, float)):
            return self.observed.show(name, value)
        return name


def _join(items: list[str]) -> str:
    if len(items) <= 3:
        return ", ".join(items)
    return ", ".join(items[:3]) + f" and {len(items) - 3} more"
