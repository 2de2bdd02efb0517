"""The report of automated playthroughs: from the tallies of many games (`sim.Tally`) to what
`redline simulate` tells, as plain data (`--json`) and as text for a terminal."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from game.content import Content
from game.debrief import format_number
from game.policies import ACT_CHANCE
from game.simreasons import Observed, Reasons
from game.text import CompiledCounsel, Part, conditional, conditioned

if TYPE_CHECKING:
    from game.sim import Tally

#: What keeps an action from being taken, as the engine names it, in words for the report.
BLOCKED = {"uses": "none of its uses left", "turn": "a turn's actions already taken",
           "cooldown": "cooling down", "when": "its 'when' did not hold", "cost": "its cost could not be paid"}

#: per event, its texts read at a decision that follow the game: (key, paragraphs, counsel) each,
#: one of the two given, and the indices of what to count
TextsAtDecision = dict[str, list[tuple[str, tuple[Part, ...], tuple[CompiledCounsel, ...], frozenset[int]]]]


def texts_at_decision(content: Content) -> TextsAtDecision:
    """The brief paragraphs shown only as the game goes (`when`, `otherwise`) and the counsel given
    under conditions (each entry with `when`, and the entries of the same advisor after one), by event."""
    found: TextsAtDecision = {}
    for ident, event in content.events.items():
        texts = found.setdefault(ident, [])
        if conditioned(event.brief):
            counted = frozenset(i for i, part in enumerate(event.brief) if part.when is not None or part.otherwise)
            texts.append((f"{ident}.brief", event.brief, (), counted))
        for choice in event.choices:
            if conditional(choice.counsel):
                after_condition: set[str] = set()
                counted_counsel: set[int] = set()
                for index, entry in enumerate(choice.counsel):
                    if entry.when is not None or entry.advisor in after_condition:
                        counted_counsel.add(index)
                    if entry.when is not None:
                        after_condition.add(entry.advisor)
                texts.append((f"{ident}.{choice.id}.counsel", (), choice.counsel, frozenset(counted_counsel)))
        if not texts:
            del found[ident]
    return found


def spread(histogram: dict[int, int]) -> dict[str, float]:
    """The median, quartiles and range of a histogram (value -> how many games had it)."""
    values: list[int] = []
    for value in sorted(histogram):
        values.extend([value] * histogram[value])
    if not values:
        return {"median": 0, "q1": 0, "q3": 0, "min": 0, "max": 0}
    if len(values) == 1:
        q1 = q3 = float(values[0])
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"median": statistics.median(values), "q1": q1, "q3": q3, "min": values[0], "max": values[-1]}


def build_report(content: Content, tally: Tally, *, runs: int, seed: int, policy: str, jobs: int) -> dict[str, Any]:
    """Everything `simulate` tells, as plain data (what --json prints)."""
    where = content.where
    reasons = Reasons(content, Observed(content, tally), policy)
    games = max(tally.games, 1)

    def place(key: str) -> str:
        location = where.get(key)
        return f"{location.file}:{location.line}" if location else ""

    endings = []
    ending_ids = [e.model.id for e in content.endings]
    for ident in [*ending_ids, *sorted(set(tally.endings) - set(ending_ids))]:
        count = tally.endings.get(ident, 0)
        item: dict[str, Any] = {"id": ident, "count": count, "share": round(count / games, 4),
                                "where": place(f"ending:{ident}")}
        if not count and ident in ending_ids:
            item["reason"] = reasons.ending(ident)
        endings.append(item)

    events, choices, outcomes = [], [], []
    for ident, event in content.events.items():
        count = tally.fired.get(ident, 0)
        item = {"id": ident, "count": count, "games": tally.fired_games.get(ident, 0),
                "where": place(f"event:{ident}")}
        if not count:
            item["reason"] = reasons.event(ident)
        events.append(item)
        for choice in event.choices:
            key = f"{ident}.{choice.id}"
            taken = tally.taken.get(key, 0)
            item = {"id": key, "count": taken, "offered": tally.offered.get(key, 0),
                    "available": tally.available.get(key, 0), "where": place(f"choice:{key}")}
            if not taken:
                item["reason"] = reasons.choice(ident, choice.id)
            choices.append(item)
            for outcome in choice.outcomes:
                okey = f"{key}.{outcome.id}"
                happened = tally.outcomes.get(okey, 0)
                item = {"id": okey, "count": happened, "where": place(f"outcome:{okey}")}
                if not happened:
                    item["reason"] = reasons.outcome(ident, choice.id, outcome.id)
                outcomes.append(item)

    actions, action_outcomes = _action_coverage(content, tally, place, policy)
    texts = []
    for ident, found in texts_at_decision(content).items():
        for key, _parts, _counsel, counted in found:
            for index in sorted(counted):
                count = tally.told.get(f"{key}.{index}", 0)
                item = {"id": f"{key}.{index}", "count": count, "where": place(f"event:{ident}")}
                if not count:
                    what = "paragraph" if key.endswith(".brief") else "counsel"
                    item["reason"] = ("its condition never held when the event came up" if tally.fired.get(ident)
                                      else f"the event never came up, so the {what} was never read")
                texts.append(item)

    unreached = []
    for kind, items in (("event", events), ("choice", choices), ("outcome", outcomes), ("ending", endings),
                        ("action", actions), ("action outcome", action_outcomes), ("text", texts)):
        for item in items:
            if "reason" in item:
                unreached.append({"kind": kind, "id": item["id"], "where": item["where"], "reason": item["reason"]})

    stats = []
    for ident, stat in content.stats.items():
        stats.append({
            "id": ident,
            "label": stat.label,
            "min": stat.min,
            "max": stat.max,
            "initial": stat.initial,
            "low": tally.low.get(ident, stat.initial),
            "high": tally.high.get(ident, stat.initial),
            "mean_final": round(tally.final_sum.get(ident, stat.initial) / games, 2),
            "moved": ident in tally.moved,
            "where": place(f"stat:{ident}"),
        })

    problems = [
        {"kind": "stuck", "id": ident, "where": place(f"event:{ident}"), "games": count,
         "message": f"event '{ident}' offered no available choice in {count} game(s); those games stopped there"}
        for ident, count in sorted(tally.stuck.items())
    ]

    repeated = [
        {"id": ident, "games": count, "share": round(count / games, 4), "where": place(f"event:{ident}")}
        for ident, count in sorted(tally.repeated.items(), key=lambda item: (-item[1], item[0]))
    ]

    def covered(items: list[dict[str, Any]]) -> dict[str, int]:
        return {"reached": sum(1 for i in items if i["count"]), "total": len(items)}

    summary = {"events": covered(events), "choices": covered(choices), "outcomes": covered(outcomes),
               "endings": covered([e for e in endings if e["id"] in ending_ids])}
    length = {"decisions": spread(tally.decisions), "turns": spread(tally.turns)}
    if content.actions:
        summary["actions"] = covered(actions)
        length["actions"] = spread(tally.actions)
    if texts:
        summary["texts"] = covered(texts)
    return {
        "scenario": content.scenario.id,
        "title": content.scenario.title,
        "policy": policy,
        "runs": tally.games,
        "seed": seed,
        "jobs": jobs,
        "endings": endings,
        "length": length,
        "coverage": {
            "summary": summary,
            "events": events,
            "choices": choices,
            "outcomes": outcomes,
            "actions": actions,
            "action_outcomes": action_outcomes,
            "texts": texts,
        },
        "unreached": unreached,
        "stats": stats,
        "repeated": repeated,
        "problems": problems,
    }


def _action_coverage(content: Content, tally: Tally, place: Callable[[str], str], policy: str,
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each standing action: how often taken, in how many games, how often open at a decision, and
    what kept it closed; with a reason when it was never taken. And each of its outcomes."""
    actions: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    for ident, action in content.actions.items():
        count = tally.acted.get(ident, 0)
        blocked = {kind: tally.action_blocked.get(f"{ident}|{kind}", 0) for kind in BLOCKED}
        item: dict[str, Any] = {"id": ident, "count": count, "games": tally.acted_games.get(ident, 0),
                                "open": tally.action_open.get(ident, 0),
                                "blocked": {kind: n for kind, n in blocked.items() if n},
                                "where": place(f"action:{ident}")}
        if not count:
            asked = item["open"] + sum(blocked.values())
            if item["open"]:
                item["reason"] = (f"open at {item['open']} of {asked} decisions, but the {policy} player "
                                  + ("takes no actions" if not ACT_CHANCE.get(policy) else "never took it"))
            elif asked:
                why = sorted(item["blocked"].items(), key=lambda kv: -kv[1])
                item["reason"] = "never open: " + ", ".join(f"{BLOCKED[kind]} at {n} of {asked} decisions"
                                                            for kind, n in why)
            else:
                item["reason"] = "no decision was ever asked"
        actions.append(item)
        for outcome in action.outcomes:
            key = f"{ident}.{outcome.id}"
            happened = tally.action_outcomes.get(key, 0)
            found: dict[str, Any] = {"id": key, "count": happened, "where": place(f"action_outcome:{key}")}
            if not happened:
                found["reason"] = ("the action was never taken" if not count
                                   else f"never happened in the {count} times the action was taken")
            outcomes.append(found)
    return actions, outcomes



def format_report(report: dict[str, Any]) -> str:
    """The report as text for a terminal."""
    acting = f", standing actions taken at chance {report['act_chance']:g}" if "act_chance" in report else ""
    lines = [
        f"{report['title']} ({report['scenario']}): {report['runs']} games, policy {report['policy']}, "
        f"seeds {report['seed']}..{report['seed'] + report['runs'] - 1}{acting}",
        "",
        "Endings",
    ]
    width = max((len(e["id"]) for e in report["endings"]), default=0)
    for ending in report["endings"]:
        lines.append(f"  {ending['id']:<{width}}  {ending['count']:>7}  {ending['share'] * 100:5.1f}%")
    for name, figures in report["length"].items():
        title = f"Game length ({name})" if name != "actions" else "Actions taken per game"
        lines.append(
            f"{title}: median {format_number(figures['median'])}, quartiles {format_number(figures['q1'])}"
            f"–{format_number(figures['q3'])}, min {format_number(figures['min'])}, max {format_number(figures['max'])}"
        )
    summary = report["coverage"]["summary"]
    lines += ["", "Coverage: " + ", ".join(f"{kind} {c['reached']}/{c['total']}" for kind, c in summary.items())]
    outcomes_of: dict[str, list[dict[str, Any]]] = {}
    for outcome in report["coverage"]["outcomes"]:
        outcomes_of.setdefault(outcome["id"].rsplit(".", 1)[0], []).append(outcome)
    choices_of: dict[str, list[dict[str, Any]]] = {}
    for choice in report["coverage"]["choices"]:
        choices_of.setdefault(choice["id"].split(".", 1)[0], []).append(choice)
    for event in report["coverage"]["events"]:
        shown = f"{event['count']} times in {event['games']} games" if event["count"] else "never"
        lines.append(f"  event {event['id']}: {shown}")
        for choice in choices_of.get(event["id"], []):
            label = choice["id"].split(".", 1)[1]
            lines.append(f"    choice {label}: {choice['count'] or 'never'}")
            for outcome in outcomes_of.get(choice["id"], []):
                lines.append(f"      outcome {outcome['id'].rsplit('.', 1)[1]}: {outcome['count'] or 'never'}")
    action_outcomes: dict[str, list[dict[str, Any]]] = {}
    for outcome in report["coverage"].get("action_outcomes", []):
        action_outcomes.setdefault(outcome["id"].rsplit(".", 1)[0], []).append(outcome)
    for action in report["coverage"].get("actions", []):
        shown = f"{action['count']} times in {action['games']} games" if action["count"] else "never"
        closed = ", ".join(f"{BLOCKED[kind]} {n}" for kind, n in action["blocked"].items())
        lines.append(f"  action {action['id']}: {shown}; open at {action['open']} decisions"
                     + (f"; closed: {closed}" if closed else ""))
        for outcome in action_outcomes.get(action["id"], []):
            lines.append(f"    outcome {outcome['id'].rsplit('.', 1)[1]}: {outcome['count'] or 'never'}")
    if report["unreached"]:
        lines += ["", f"Never reached ({len(report['unreached'])})"]
        for item in report["unreached"]:
            lines.append(f"  {item['where']}: {item['kind']} '{item['id']}': {item['reason']}")
    lines += ["", "Stats (lowest .. highest seen over all games; mean at the end)"]
    width = max((len(s["id"]) for s in report["stats"]), default=0)
    for stat in report["stats"]:
        note = "" if stat["moved"] else "  never moved"
        lines.append(
            f"  {stat['id']:<{width}}  {format_number(stat['low']):>6} .. {format_number(stat['high']):<6} "
            f"(of {format_number(stat['min'])}..{format_number(stat['max'])})  "
            f"mean end {format_number(stat['mean_final'])}{note}"
        )
    if report.get("repeated"):
        lines += ["", f"Told again word for word ({len(report['repeated'])})"]
        for item in report["repeated"]:
            lines.append(
                f"  {item['where']}: event '{item['id']}' came again in {item['games']} game(s) "
                f"({item['share'] * 100:.1f}%) and its brief read as the first time; a paragraph for its return "
                f"(when = 'fired(\"{item['id']}\") >= 2') would tell the player it has happened before"
            )
    if report.get("followups"):
        from game.authoring.followups import format_fates

        dropped = format_fates(report["followups"]["fates"], report["followups"]["games"])
        lines += ["", *dropped] if dropped else []
    if report["problems"]:
        lines += ["", "Problems"]
        for problem in report["problems"]:
            lines.append(f"  {problem['where']}: {problem['message']}")
    return "\n".join(lines)


