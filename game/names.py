"""`redline names`: every name an author can use in the content's expressions, counsel and follow-ups."""

from __future__ import annotations

from typing import Any

from game.content import Content
from game.debrief import format_number
from game.expr import BUILTINS, FUNCTION_NAMES

#: the names every scenario has, and what each means
CALENDAR = {name: builtin.meaning for name, builtin in BUILTINS.items()}


def names_of(content: Content) -> dict[str, Any]:
    """The names of a content, by kind, with what an author needs to know of each (the JSON form)."""

    def where(key: str) -> str:
        location = content.where.get(key)
        return f"{location.file}:{location.line}" if location else ""

    scenario = content.scenario
    return {
        "stats": [
            {"id": ident, "label": stat.label, "min": stat.min, "max": stat.max, "initial": stat.initial,
             "hidden": stat.hidden is not None, "unit": stat.unit, "where": where(f"stat:{ident}")}
            for ident, stat in content.stats.items()
        ],
        "flags": [
            {"id": ident, "initial": flag.initial, "description": flag.description, "where": where(f"flag:{ident}")}
            for ident, flag in content.flags.items()
        ],
        "counters": [
            {"id": ident, "initial": counter.initial, "description": counter.description,
             "where": where(f"counter:{ident}")}
            for ident, counter in content.counters.items()
        ],
        "dates": [{"id": ident, "date": day.isoformat(), "days_to": f"days_to_{ident}"}
                  for ident, day in scenario.dates.items()],
        "seasons": [{"id": season.id, "label": season.label, "start": season.start.isoformat(),
                     "end": season.end.isoformat()} for season in scenario.seasons],
        "calendar": [{"id": ident, "meaning": meaning} for ident, meaning in CALENDAR.items()],
        "functions": list(FUNCTION_NAMES),
        "slots": [{"id": ident, "shown": shown} for ident, shown in slots_of(content)],
        "advisors": [{"id": ident, "name": advisor.name, "title": advisor.title, "where": where(f"advisor:{ident}")}
                     for ident, advisor in content.advisors.items()],
        "events": [{"id": ident, "choices": [choice.id for choice in event.choices], "where": where(f"event:{ident}")}
                   for ident, event in content.events.items()],
        "actions": [{"id": ident, "label": action.model.label, "cost": list(action.model.cost),
                     "outcomes": [outcome.id for outcome in action.outcomes], "where": where(f"action:{ident}")}
                    for ident, action in content.actions.items()],
    }


def names_text(content: Content) -> str:
    """The same as readable text, a section per kind."""
    names = names_of(content)
    lines: list[str] = []

    def section(title: str, rows: list[tuple[str, ...]]) -> None:
        lines.append(title)
        if not rows:
            lines.append("  (none)")
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)] if rows else []
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
            lines.append("  " + "  ".join(cells).rstrip())
        lines.append("")

    section("Meters (stats): read them, and change them with +=, -= or =", [
        (s["id"], s["label"], f"{format_number(s['min'])}..{format_number(s['max'])} {s['unit']}".rstrip(),
         "hidden" if s["hidden"] else "", s["where"]) for s in names["stats"]])
    section("Flags (true or false): test them, and set them with = true or = false", [
        (f["id"], "starts true" if f["initial"] else "starts false", _short(f["description"]), f["where"])
        for f in names["flags"]])
    section("Counters (whole numbers): read them, and change them with +=, -= or =", [
        (c["id"], f"starts at {c['initial']}", _short(c["description"]), c["where"]) for c in names["counters"]])
    section("Named dates: compare them with date, or use days_to_<name>, days_until() and days_since()", [
        (d["id"], d["date"], d["days_to"]) for d in names["dates"]])
    section("Seasons: the values season can take", [
        (s["id"], s["label"], f"{s['start']} to {s['end']}") for s in names["seasons"]])
    section("The calendar, the same in every scenario", [(c["id"], c["meaning"]) for c in names["calendar"]])
    lines += ["Functions", "  " + ", ".join(names["functions"]), ""]
    section("Values a text can show in braces, {name} ({{ and }} write a brace)", [
        ("{" + s["id"] + "}", s["shown"]) for s in names["slots"]])
    section('Advisors: for counsel, heeded("id"), overruled("id") and present("id"); effects may move a record, '
            'heeded("id") += 1', [(a["id"], f"{a['name']}, {a['title']}", a["where"]) for a in names["advisors"]])
    section('Events and their choices: for follow-ups, fired("event") and chose("event", "choice")', [
        (e["id"], ", ".join(e["choices"]), e["where"]) for e in names["events"]])
    if names["actions"]:
        section("Standing actions: their ids (in saves and reports), costs and outcomes", [
            (a["id"], ", ".join(a["cost"]) or "free", ", ".join(a["outcomes"]), a["where"]) for a in names["actions"]])
    return "\n".join(lines).rstrip() + "\n"


def slots_of(content: Content) -> list[tuple[str, str]]:
    """Each name a text may show in braces, and how it is shown."""
    found = []
    for ident, stat in content.stats.items():
        unit = f" in {stat.unit}" if stat.unit else ""
        found.append((ident, f"the player's estimate{unit}, as the gauge shows it: about 38 (±11), never the truth"
                      if stat.hidden else f"its value{unit}"))
    found += [(ident, "yes or no") for ident in content.flags]
    found += [(ident, "a whole number") for ident in content.counters]
    for ident in content.scenario.dates:
        found += [(ident, "the date, e.g. 3 December 2024"), (f"days_to_{ident}", "a whole number of days")]
    found += [(name, builtin.shown) for name, builtin in BUILTINS.items()]
    return found


def _short(text: str, width: int = 56) -> str:
    """The first line of a description, cut to fit a column."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"
