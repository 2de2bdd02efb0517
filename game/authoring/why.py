"""For `play --dev`: why an event is not the one in front of the player now (each part of its trigger
with its current value), and at what odds a choice's outcomes stood when it was taken."""

from __future__ import annotations

import ast
import datetime as dt
from typing import Any

from game.engine import COUNTER_LIMIT, Engine, GameState
from game.expr import Effect, ExprError, compile_expr, reads


def _shown(engine: Engine, name: str, value: Any) -> str:
    kind = engine.content.names.types.get(name)
    if kind == "date" or name == "date":
        return dt.date.fromordinal(int(value)).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def why_not_now(engine: Engine, state: GameState, event_id: str) -> list[str]:
    """Lines that say whether `event_id` can come up now, and what keeps it out."""
    content = engine.content
    event = content.events[event_id]
    model = event.model
    if state.event == event_id:
        return [f"'{event_id}' is the event in front of you now"]
    lines: list[str] = []
    blocked = state.over
    if state.over:
        lines.append(f"the game is over (ending '{state.ending}')")
    if event_id in state.fired:
        last = state.last_fired.get(event_id, 0)
        blocked = blocked or model.once or state.turn - last <= model.cooldown
        if model.once:
            lines.append(f"it happens once, and it happened on turn {last}")
        elif state.turn - last <= model.cooldown:
            lines.append(f"it is cooling down: it happened on turn {last}, cooldown {model.cooldown}, "
                         f"so it can come up again from turn {last + model.cooldown + 1}")
    waiting = [item for item in state.scheduled if item[2] == event_id]
    for item in waiting:
        lines.append(f"it is scheduled as a follow-up of {'.'.join(str(p) for p in item[3][:3] if p)}, "
                     f"due on turn {item[0]}")
    env = engine.environment(state)
    if event.trigger_text is None:
        if not waiting:
            lines.append("it has no trigger: it comes only as a follow-up, and none is scheduled")
        return lines
    if event.turn is not None:
        assert model.on is not None
        lines.append(f"it is dated {model.on.isoformat()}: it comes on turn {event.turn} or {event.turn + 1}, "
                     "before follow-ups and the draw")
    lines.append(f"its trigger, on turn {state.turn}:")
    for part in _parts(event.trigger_text):
        try:
            holds = bool(compile_expr(part, content.names, "bool")(env))
            names = sorted(n for n in reads(part, content.names) if not n.startswith("@"))
        except (ExprError, KeyError, ArithmeticError):
            lines.append(f"  ? {part}")
            continue
        values = ", ".join(f"{n} = {_shown(engine, n, env[n])}" for n in names if n in env)
        lines.append(f"  {'yes' if holds else 'NO '} {part}" + (f"   ({values})" if values else ""))
    try:
        weight = float(event.weight(env))
    except (KeyError, ArithmeticError, TypeError):
        weight = 0.0
    if weight <= 0:
        lines.append(f"its weight is {weight:g} now, so it is not drawn")
    elif event.trigger is not None and event.trigger(env) and not blocked and not waiting:
        lines.append(f"it can be drawn now (weight {weight:g}, priority {model.priority}); the draw takes "
                     "dated events first, then due follow-ups, then the highest priority, then chance by weight")
    return lines


def _parts(text: str) -> list[str]:
    """The top-level `and` parts of a condition, as written."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return [text]
    if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And):
        return [ast.get_source_segment(text.strip(), part) or ast.unparse(part) for part in tree.values]
    return [text.strip()]


def outcome_odds(engine: Engine, state: GameState, choice_id: str) -> list[tuple[str, float]]:
    """(outcome, chance from 0 to 1) of each outcome of a choice, as they stood when it was taken in
    `state` (after the choice's own effects, as the engine weighs them)."""
    content = engine.content
    assert state.event is not None
    choice = content.events[state.event].choice(choice_id)
    if choice is None or not choice.outcomes:
        return []
    env = engine.environment(state)
    apply_effects(engine, choice.effects, env)
    weights = [max(0.0, float(outcome.chance(env))) for outcome in choice.outcomes]
    total = sum(weights)
    return [(o.id, (w / total) if total > 0 else 0.0) for o, w in zip(choice.outcomes, weights, strict=True)]


def apply_effects(engine: Engine, effects: tuple[Effect, ...], env: dict[str, Any]) -> None:
    """Effects applied to an environment as the engine applies them: in order, kept within bounds."""
    content = engine.content
    for effect in effects:
        if effect.advisor:  # (a move of an advisor's record)
            engine.apply((effect,), env)
            continue
        value = effect.value(env)
        if effect.target in content.flags:
            env[effect.target] = value
            continue
        old = env[effect.target]
        raw = value if effect.op == "=" else old + value if effect.op == "+=" else old - value
        if effect.target in content.stats:
            stat = content.stats[effect.target]
            env[effect.target] = float(min(stat.max, max(stat.min, raw)))
        else:
            env[effect.target] = int(min(COUNTER_LIMIT, max(-COUNTER_LIMIT, round(raw))))


def odds_line(engine: Engine, state: GameState, choice_id: str, happened: str | None) -> str | None:
    """"outcome 'win' happened (it stood at 60%; lose 40%)", or None for a choice without outcomes."""
    odds = outcome_odds(engine, state, choice_id)
    if not odds or happened is None:
        return None
    mine = dict(odds).get(happened, 0.0)
    others = "; ".join(f"{ident} {share:.0%}" for ident, share in odds if ident != happened)
    return f"outcome '{happened}' happened (it stood at {mine:.0%}" + (f"; {others})" if others else ")")
