"""What became of the follow-ups automated play scheduled: fired, dropped because their `when` did not
hold when due, or still waiting when the game ended. For `redline simulate`'s report.

The games are played again step by step through the engine's public calls, with the same seeds
and a fresh policy as the simulator's first chunk of games, so they are the same games.
"""

from __future__ import annotations

import random
from typing import Any

from game import log
from game.content import Content
from game.engine import ACTION_ORIGIN, Engine


def followup_fates(content: Content, games: int, seed: int, policy_name: str,
                   act_chance: float | None = None) -> list[dict[str, Any]]:
    """Each follow-up (by where it is scheduled and what it schedules) that was scheduled in the
    games: how often, and how often it fired, was dropped, or was left waiting at the end."""
    from game.policies import Explorer, act_rng, make_act_policy, make_policy

    engine = Engine(content)
    policy = make_policy(policy_name, content)
    act_policy = make_act_policy(policy_name, act_chance) if content.actions else None
    fates: dict[tuple[str, str, str, int], dict[str, Any]] = {}

    def fate(origin: list[Any]) -> dict[str, Any]:
        event, choice, outcome, index = origin
        key = (str(event), str(choice), str(outcome), int(index))
        if key not in fates:
            fates[key] = {"from": ".".join(p for p in (event, choice, outcome) if p), "index": index,
                          "scheduled": 0, "fired": 0, "dropped": 0, "ended_first": 0}
        return fates[key]

    for game in range(games):
        rng = random.Random(seed + game)
        actions_rng = act_rng(seed + game)
        state = engine.new_game(seed + game)
        while not state.over and state.event is not None:
            # the standing actions the simulator takes first (their follow-ups wait: none is due mid-turn)
            while act_policy is not None and not state.over:
                action = act_policy(state.event, engine.action_states(state), actions_rng)
                if action is None:
                    break
                sequence = state.sequence
                state = engine.act(state, action).state
                for item in state.scheduled:
                    if item[1] > sequence:
                        fate(item[3])["scheduled"] += 1
            if state.over or state.event is None:
                break
            options = engine.choice_options(state)
            ids = tuple(cid for cid, _posture, ok in options if ok)
            if not ids:
                break
            waiting = {item[1]: item for item in state.scheduled}
            event: str = state.event
            turn, sequence = state.turn, state.sequence
            picked = policy(event, options, ids, rng, engine.environment(state))
            state = engine.choose_state(state, picked)
            after = {item[1] for item in state.scheduled}
            # what the choice scheduled, in the engine's order: its own follow-ups, then its outcome's
            # (some may have been dropped before the step ended, so they are not all still waiting)
            decision = next(entry for entry in reversed(state.log) if isinstance(entry, log.Decided))
            taken = content.events[event].choice(picked)
            assert taken is not None
            made = [(f, [event, picked, "", i]) for i, f in enumerate(taken.followups)]
            happened = next((o for o in taken.outcomes if o.id == decision.outcome), None)
            if happened is not None:
                made += [(f, [event, picked, happened.id, i]) for i, f in enumerate(happened.followups)]
            for number, (follow, origin) in enumerate(made, start=sequence + 1):
                fate(origin)["scheduled"] += 1
                waiting[number] = [turn + follow.after, number, follow.event, origin]
            gone = sorted((item for sequence, item in waiting.items() if sequence not in after),
                          key=lambda item: (item[0], item[1]))
            for number, item in enumerate(gone):
                fired = number == len(gone) - 1 and item[2] == state.event and not state.over
                fate(item[3])["fired" if fired else "dropped"] += 1
        for item in state.scheduled:
            fate(item[3])["ended_first"] += 1
        if isinstance(policy, Explorer):
            policy.reached.update(state.fired)
    found = []
    for (event, choice, outcome, index), counts in fates.items():
        if event == ACTION_ORIGIN:
            found += _action_fate(content, choice, outcome, index, counts)
            continue
        compiled = content.events[event].choice(choice) if event in content.events else None
        if compiled is None:
            continue
        holder = next((o for o in compiled.outcomes if o.id == outcome), None) if outcome else compiled
        if holder is None or index >= len(holder.followups):
            continue
        follow = holder.followups[index]
        model = content.events[event].model.choice_by_id(choice)
        written = (next(o for o in model.outcome if o.id == outcome).followups if outcome else model.followups)[index]
        key = f"outcome:{event}.{choice}.{outcome}" if outcome else f"choice:{event}.{choice}"
        location = content.where.get(key)
        found.append({**counts, "event": follow.event, "when": written.when, "after": follow.after,
                      "where": f"{location.file}:{location.line}" if location else ""})
    return found


def _action_fate(content: Content, action_id: str, outcome: str, index: int,
                 counts: dict[str, Any]) -> list[dict[str, Any]]:
    """The fate of a follow-up a standing action scheduled, as `followup_fates` gives it."""
    action = content.actions.get(action_id)
    if action is None:
        return []
    holder = next((o for o in action.outcomes if o.id == outcome), None) if outcome else action
    model_holder = next((o for o in action.model.outcome if o.id == outcome), None) if outcome else action.model
    if holder is None or model_holder is None or index >= len(holder.followups):
        return []
    follow = holder.followups[index]
    key = f"action_outcome:{action_id}.{outcome}" if outcome else f"action:{action_id}"
    location = content.where.get(key)
    return [{**counts, "from": f"action {action_id}" + (f".{outcome}" if outcome else ""), "event": follow.event,
             "when": model_holder.followups[index].when, "after": follow.after,
             "where": f"{location.file}:{location.line}" if location else ""}]


def format_fates(fates: list[dict[str, Any]], games: int) -> list[str]:
    """The follow-ups some of which were dropped or left waiting, as lines of text."""
    lines = []
    for fate in fates:
        if not fate["dropped"] and not fate["ended_first"]:
            continue
        why = []
        if fate["dropped"]:
            why.append(f"{fate['dropped']} dropped because its 'when' ({fate['when']}) did not hold when due")
        if fate["ended_first"]:
            why.append(f"{fate['ended_first']} still waiting when the game ended")
        lines.append(f"  {fate['where']}: {fate['from']} -> {fate['event']}: scheduled {fate['scheduled']}, "
                     f"fired {fate['fired']}; " + "; ".join(why))
    if lines:
        lines.insert(0, f"Follow-ups scheduled but dropped (in the first {games} games)")
    return lines
