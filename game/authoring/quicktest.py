"""`redline quicktest`: every event, choice and outcome forced once from a state where it can happen,
and what goes wrong reported with its place (like ChoiceScript's quicktest, for a game of chance).

States come from automated play (the `explore` policy, steering toward what was not reached); an
event no game reached is placed, as `play --dev --jump` does, where its trigger held (in up to
STATES_PER_EVENT games) or at the first decision. From each state every available choice is taken
for real through the engine, and each of its outcomes is forced by applying its effects in order to
the state's values, so that an effect that always runs into a stat's bound, an outcome whose chance
is 0 wherever its choice is taken (each "always" claimed from at least MIN_EVIDENCE states), or an
expression that cannot be worked out is found even when chance never picks it.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from game.content import CompiledAction, CompiledChoice, CompiledEvent, Content
from game.engine import COUNTER_LIMIT, Engine, GameState
from game.expr import Effect

#: states kept for each event (one a game at most), to try its choices and outcomes in
STATES_PER_EVENT = 24
#: A finding that something holds in every state tried ("always cut short", "chance always 0") needs
#: at least this many states: one or two states say little about "always".
MIN_EVIDENCE = 3
#: `{name}` in a text: a value the text names (the `{{` of a literal brace excepted)
_NAMED = re.compile(r"(?<!\{)\{([^{}\s]*)\}(?!\})")


@dataclass
class Finding:
    """One thing quicktest found wrong, where."""

    where: str  # file:line
    what: str  # "event 'x' choice 'y' outcome 'z'"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.message}"


@dataclass
class Report:
    events: int = 0
    placed: list[str] = field(default_factory=list)  # events no automated game reached
    choices: int = 0
    outcomes: int = 0
    untried: list[str] = field(default_factory=list)  # choices (and "action:ID") never available in a state tried
    findings: list[Finding] = field(default_factory=list)
    actions: int = 0


def _env(engine: Engine, state: GameState) -> dict[str, Any]:
    return engine.environment(state)


def find_states(engine: Engine, games: int, seed: int) -> tuple[dict[str, list[GameState]], set[str]]:
    """States in front of each event (up to STATES_PER_EVENT), and the events that had to be placed."""
    from game.devmode import force_event
    from game.policies import Explorer

    content = engine.content
    found: dict[str, list[GameState]] = {ident: [] for ident in content.events}
    # events no game has reached yet: states where their trigger held (one a game), to place them in
    could: dict[str, list[GameState]] = {}
    first: GameState | None = None
    policy = Explorer(content)
    for game in range(games):
        rng = random.Random(seed + game)
        state = engine.new_game(seed + game)
        kept: set[str] = set()
        held: set[str] = set()
        while not state.over and state.event is not None:
            if first is None:
                first = state.copy()
            here = found[state.event]
            if len(here) < STATES_PER_EVENT and state.event not in kept:
                kept.add(state.event)
                here.append(state.copy())
            env = _env(engine, state)
            for ident, event in content.events.items():
                if (found[ident] or ident in held or event.trigger is None
                        or len(could.get(ident, ())) >= STATES_PER_EVENT):
                    continue
                if (not event.model.once or ident not in state.fired) and _holds(event, env):
                    held.add(ident)
                    could.setdefault(ident, []).append(state.copy())
            options = engine.choice_options(state)
            ids = tuple(cid for cid, _posture, ok in options if ok)
            if not ids:
                break
            picked = policy(state.event, options, ids, rng, engine.environment(state))
            state = engine.choose_state(state, picked, in_place=True)
        policy.reached.update(state.fired)
    placed: set[str] = set()
    for ident, states in found.items():
        if not states:
            starts = could.get(ident) or ([first] if first is not None else [])
            states.extend(force_event(start, ident) for start in starts)
            if starts:
                placed.add(ident)
    return found, placed


def _holds(event: CompiledEvent, env: Mapping[str, Any]) -> bool:
    try:
        return event.trigger is not None and bool(event.trigger(env))
    except Exception:
        return False


def quicktest(content: Content, seed: int = 1, games: int = 200) -> Report:
    """Force every event, choice and outcome of the content; what went wrong, with places."""
    engine = Engine(content)
    report = Report()
    states, placed = find_states(engine, games, seed)
    report.placed = sorted(placed)

    def where(key: str) -> str:
        location = content.where.get(key)
        return f"{location.file}:{location.line}" if location else content.scenario.id

    for ident, event in content.events.items():
        if not states[ident]:
            continue
        report.events += 1
        for state in states[ident][:STATES_PER_EVENT]:
            try:  # (the brief, the counsel and the actions' texts, rendered as the player reads them)
                engine.decision(state)
            except Exception as exc:
                report.findings.append(Finding(where(f"event:{ident}"), f"event '{ident}'",
                                               f"reading its texts fails: {type(exc).__name__}: {exc}"))
                break
        for choice in event.choices:
            report.choices += 1
            ckey = f"{ident}.{choice.id}"
            usable = [s for s in states[ident] if (choice.id, choice.posture, True) in engine.choice_options(s)]
            if usable:
                try:
                    engine.choose(usable[0], choice.id)
                except Exception as exc:
                    report.findings.append(Finding(where(f"choice:{ckey}"), f"event '{ident}' choice '{choice.id}'",
                                                   f"taking it fails: {type(exc).__name__}: {exc}"))
            else:
                report.untried.append(ckey)
                usable = states[ident][:1]  # forced all the same: its effects are still worth trying
            _force_outcomes(content, engine, ident, choice, usable, report, where)
    pool = [state for ident in content.events for state in states[ident][:4]]
    for action in content.actions.values():
        _force_action(content, engine, action, pool, report, where)
    _texts(content, report, where)
    return report


def _force_action(content: Content, engine: Engine, action: CompiledAction, pool: list[GameState], report: Report,
                  where: Any) -> None:
    """Take a standing action for real from a state where it can be taken, and force its outcomes in every
    state of the pool where it can be (an outcome may be in season only part of the game); or, when it
    could be taken in none of them, its effects and outcomes anyway, without its cost."""
    ident = action.id
    report.actions += 1
    usable = [s for s in pool if any(v.id == ident and v.available for v in engine.action_views(s))]
    if usable:
        try:
            engine.act(usable[0], ident)
        except Exception as exc:
            report.findings.append(Finding(where(f"action:{ident}"), f"action '{ident}'",
                                           f"taking it fails: {type(exc).__name__}: {exc}"))
    else:
        report.untried.append(f"action:{ident}")
        usable = pool[:1]
    effects = (*action.cost_effects, *action.effects) if f"action:{ident}" not in report.untried else action.effects
    _force_outcomes(content, engine, ident, action, usable, report, where, effects=effects,
                    keys=(f"action:{ident}", f"action_outcome:{ident}"), what=f"action '{ident}'")


def _force_outcomes(content: Content, engine: Engine, ident: str, choice: CompiledChoice | CompiledAction,
                    states: list[GameState], report: Report, where: Any, effects: tuple[Effect, ...] | None = None,
                    keys: tuple[str, str] | None = None, what: str = "") -> None:
    """Each outcome of a choice (or, with `effects`, `keys` and `what`, of an action) forced in each state."""
    ckey = f"{ident}.{choice.id}"
    owner_key, outcome_prefix = keys or (f"choice:{ckey}", f"outcome:{ckey}")
    what = what or f"event '{ident}' choice '{choice.id}'"
    clamps: dict[str, list[bool]] = {}
    shares: dict[str, list[float]] = {o.id: [] for o in choice.outcomes}
    failed: set[str] = set()

    def apply(effects: tuple[Effect, ...], env: dict[str, Any], owner: str) -> None:
        for effect in effects:
            try:
                if effect.advisor:  # (a move of an advisor's record: nothing to clamp)
                    engine.apply((effect,), env)
                    continue
                value = effect.value(env)
                old = env[effect.target]
                raw = value if effect.op == "=" else old + value if effect.op == "+=" else old - value
                if effect.target in content.stats:
                    stat = content.stats[effect.target]
                    low, high = stat.min, stat.max
                elif effect.target in content.counters:
                    raw = round(raw)
                    low, high = -COUNTER_LIMIT, COUNTER_LIMIT
                else:
                    env[effect.target] = value
                    continue
                changes = effect.op == "=" or value != 0
                clamps.setdefault(f"{owner}|{effect.text}", []).append(changes and not low <= raw <= high)
                env[effect.target] = min(high, max(low, raw))
            except Exception as exc:
                if owner not in failed:
                    failed.add(owner)
                    report.findings.append(Finding(where(owner), what,
                                                   f"effect '{effect.text}' fails: {type(exc).__name__}: {exc}"))

    for state in states:
        env = _env(engine, state)
        apply(choice.effects if effects is None else effects, env, owner_key)
        weights = {}
        for outcome in choice.outcomes:
            try:
                weights[outcome.id] = max(0.0, float(outcome.chance(env)))
            except Exception as exc:
                weights[outcome.id] = 0.0
                report.findings.append(Finding(where(f"{outcome_prefix}.{outcome.id}"),
                                               f"{what} outcome '{outcome.id}'",
                                               f"its chance fails: {type(exc).__name__}: {exc}"))
        total = sum(weights.values())
        for outcome in choice.outcomes:
            shares[outcome.id].append(weights[outcome.id] / total if total > 0 else 0.0)
            apply(outcome.effects, dict(env), f"{outcome_prefix}.{outcome.id}")
    for outcome in choice.outcomes:
        report.outcomes += 1
        seen = shares[outcome.id]
        if len(seen) >= MIN_EVIDENCE and max(seen) == 0:
            report.findings.append(Finding(
                where(f"{outcome_prefix}.{outcome.id}"), f"{what} outcome '{outcome.id}'",
                f"its chance is 0 in every state the {'action' if keys else 'choice'} was tried in ({len(seen)})"))
    for key, clamped in clamps.items():
        owner, text = key.split("|", 1)
        if len(clamped) >= MIN_EVIDENCE and all(clamped):
            report.findings.append(Finding(where(owner), _what(owner), f"effect '{text}' runs into its stat's bound in "
                                           f"every state it was tried in ({len(clamped)}), so it is always cut short"))


def _texts(content: Content, report: Report, where: Any) -> None:
    """Titles, labels, reasons, a rule's note and the intro that name a value (`{name}`): values are
    filled in only in texts (briefs, counsel, outcomes, epilogues; the loader checks their slots), so
    the player would see these as written."""
    texts: list[tuple[str, str, str]] = [("scenario", "intro", content.scenario.intro)]
    texts += [(f"rule:{rule.model.id}", "text", rule.model.text) for rule in content.rules]
    for ident, event in content.events.items():
        model = event.model
        texts += [(f"event:{ident}", "title", model.title)]
        for choice in model.choice:
            key = f"choice:{ident}.{choice.id}"
            texts += [(key, "label", choice.label), (key, "unavailable_reason", choice.unavailable_reason)]
    for ident, action in content.actions.items():
        key = f"action:{ident}"
        texts += [(key, "label", action.model.label), (key, "unavailable_reason", action.model.unavailable_reason)]
    for key, name, text in texts:
        for match in _NAMED.finditer(text):
            report.findings.append(Finding(where(key), _what(key),
                                           f"its {name} names '{{{match.group(1)}}}', but values are filled in "
                                           "only in texts (briefs, counsel, outcomes, epilogues): the player would "
                                           "see it as written"))


def _what(key: str) -> str:
    """"event 'e' choice 'c' outcome 'o'" for a key of Content.where ("outcome:e.c.o"); "action 'a'
    outcome 'o'" for one of an action ("action_outcome:a.o")."""
    kind, _, ident = key.partition(":")
    if kind == "scenario":
        return "the scenario"
    if kind == "rule":
        return f"rule '{ident}'"
    if kind.startswith("action"):
        return " ".join(f"{word} '{part}'" for word, part in zip(("action", "outcome"), ident.split("."),
                                                                   strict=False))
    return " ".join(f"{word} '{part}'" for word, part in zip(("event", "choice", "outcome"), ident.split("."),
                                                               strict=False))


def command(content: Content, seed: int, games: int, as_json: bool) -> int:
    """`redline quicktest`: print the findings; exit 1 when there are any."""
    report = quicktest(content, seed, games)
    if as_json:
        print(json.dumps({
            "events": report.events, "choices": report.choices, "outcomes": report.outcomes,
            "actions": report.actions,
            "placed": report.placed, "untried": report.untried,
            "findings": [{"where": f.where, "what": f.what, "message": f.message} for f in report.findings],
        }, indent=2))
    else:
        for finding in report.findings:
            print(finding)
        if report.placed:
            print(f"note: no automated game reached {len(report.placed)} event(s); each was placed where its "
                  f"trigger held, or at the first decision: {', '.join(report.placed)}")
        if report.untried:
            print(f"note: {len(report.untried)} choice(s) were never available in the states tried; their effects "
                  f"were tried all the same: {', '.join(report.untried)}")
        actions = f", {report.actions} actions" if report.actions else ""
        print(f"quicktest: {report.events} events, {report.choices} choices{actions} and {report.outcomes} outcomes "
              f"forced; {len(report.findings)} problem(s)")
    return 1 if report.findings else 0
