"""What a game looked like to the player: meter histories, the timeline, and the debrief as Markdown.

Pure functions of the engine and a game state, shared by the terminal interface and its export.
Until the debrief, hidden stats are shown as the player's estimates, never as the truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from game import log
from game.engine import Engine, GameState, StatView
from game.text import estimate_figure, format_number, format_shown, with_unit

__all__ = ["format_number", "format_shown", "with_unit"]  # (written once, in game.text; imported from here too)

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], low: float, high: float, width: int | None = None) -> str:
    """A one-line chart of values between fixed bounds; with a width, only the latest points."""
    if width is not None:
        values = values[-width:] if width > 0 else []
    span = high - low
    blocks = []
    for value in values:
        share = 0.0 if span <= 0 else (value - low) / span
        index = round(max(0.0, min(1.0, share)) * (len(SPARK_BLOCKS) - 1))
        blocks.append(SPARK_BLOCKS[index])
    return "".join(blocks)


def history_turns(state: GameState) -> list[int]:
    """The turn each entry of `state.history` belongs to (start, then each decision or quiet turn)."""
    turns = [1]
    for entry in state.log:
        if isinstance(entry, (log.Decided, log.Acted, log.Quiet)):
            turns.append(entry.turn)
    if len(turns) != len(state.history):
        # an older or hand-made state: fall back to one point per turn, ending at the current one
        count = len(state.history)
        turns = [max(1, state.turn - count + 1 + i) for i in range(count)]
    return turns


def meter_series(engine: Engine, state: GameState, ident: str, reveal: bool = False) -> list[float]:
    """One stat over the game, ending with its value now.

    A hidden stat is charted as the player's estimate at each point, unless `reveal` (the debrief).
    """
    stat = engine.content.stats[ident]
    hidden = stat.hidden is not None and not reveal
    series = []
    for values, turn in zip(state.history, history_turns(state), strict=True):
        if hidden:
            series.append(engine.estimate(dict(values), ident, state.seed, turn)[0])
        else:
            series.append(float(values[ident]))
    if hidden:
        series.append(engine.estimate(state.values, ident, state.seed, state.turn)[0])
    else:
        series.append(float(state.values[ident]))
    return series


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the record: a decision and how it turned out, a quiet turn, or the ending."""

    turn: int
    date: dt.date
    kind: str  # "decision", "action", "quiet" or "ending"
    title: str
    choice: str = ""
    outcome: str = ""


def timeline(engine: Engine, state: GameState) -> list[TimelineEntry]:
    """The game so far, oldest first, in the content's own words."""
    content = engine.content
    entries = []
    for entry in state.log:
        day = engine.date(entry.turn)
        match entry:
            case log.Decided(turn=turn, event=event_id, choice=choice_id, outcome=outcome_id):
                event = content.events.get(event_id)
                if event is None:
                    entries.append(TimelineEntry(turn, day, "decision", event_id, choice_id))
                    continue
                choice = event.choice(choice_id)
                label = choice.label if choice else choice_id
                outcome_text = ""
                if choice is not None and outcome_id:
                    outcome_text = next((o.text for o in choice.outcomes if o.id == outcome_id), "")
                entries.append(
                    TimelineEntry(turn, day, "decision", event.model.title, label, _first_sentence(outcome_text))
                )
            case log.Acted(turn=turn, action=action_id, outcome=outcome_id):
                action = content.actions.get(action_id)
                label = action.model.label if action is not None else action_id
                outcome_text = ""
                if action is not None and outcome_id:
                    outcome_text = next((o.text for o in action.outcomes if o.id == outcome_id), "")
                entries.append(TimelineEntry(turn, day, "action", f"Action: {label}",
                                             outcome=_first_sentence(outcome_text)))
            case log.Quiet(turn=turn):
                entries.append(TimelineEntry(turn, day, "quiet", "A quiet stretch"))
            case log.Ended(turn=turn, ending=ending):
                try:
                    title = content.ending(ending).title
                except KeyError:
                    title = ending
                entries.append(TimelineEntry(turn, day, "ending", title))
    return entries


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for stop in (". ", "! ", "? "):
        index = text.find(stop)
        if index != -1:
            return text[: index + 1]
    return text


def truth_rows(engine: Engine, state: GameState) -> list[tuple[StatView, float]]:
    """For each hidden stat: the player's last estimate (with its band) and the truth."""
    rows = []
    for view in engine.stats(state):
        if view.hidden:
            rows.append((view, float(state.values[view.id])))
    return rows


def advisor_lines(engine: Engine, state: GameState) -> list[str]:
    """Each advisor's record: how often you took their counsel and went against it, and whether they left."""
    content = engine.content
    heeded, overruled = engine.advisor_record(state)
    decided = [entry for entry in state.log if isinstance(entry, log.Decided)]
    lines = []
    for ident, advisor in content.advisors.items():
        yes, no = heeded.get(ident, 0), overruled.get(ident, 0)
        if not yes and not no and ident not in state.left:
            continue
        line = f"{advisor.name} ({advisor.stance}): heeded {yes}, overruled {no}"
        gone = state.left.get(ident)
        if gone is not None:
            when = decided[gone - 1].date if 0 < gone <= len(decided) else ""
            day = f" on {dt.date.fromisoformat(when).strftime('%d %b')}" if when else ""
            line += f"; left{day}"
        lines.append(line)
    return lines


def debrief_markdown(engine: Engine, state: GameState) -> str:
    """The debrief of a finished (or abandoned) game as a Markdown document."""
    content = engine.content
    scenario = content.scenario
    ending = engine.ending(state)
    lines = [f"# {scenario.title}: debrief", ""]
    lines.append(f"Seed {state.seed} · turn {state.turn} of {scenario.last_turn} · "
                 f"{engine.date(state.turn).strftime('%d %B %Y')}")
    lines.append("")
    if ending is not None:
        grade = f" ({ending.grade})" if ending.grade else ""
        lines += [f"## {ending.title}{grade}", "", engine.epilogue(state).strip(), ""]
    else:
        lines += ["## The game was not finished", ""]
    rows = truth_rows(engine, state)
    if rows:
        lines += ["## What was hidden from you", "", "| Meter | Your last estimate | The truth |", "|---|---|---|"]
        for view, truth in rows:
            estimate = estimate_figure(view.value, (view.high - view.low) / 2, view.min, view.max, view.unit)
            true = with_unit(format_shown(truth, view.min, view.max), view.unit)
            lines.append(f"| {view.label} | {estimate} | {true} |")
        lines.append("")
    lines += ["## The meters over the game", "", "```"]
    width = max(len(stat.label) for stat in content.stats.values()) if content.stats else 0
    for ident, stat in content.stats.items():
        series = meter_series(engine, state, ident, reveal=True)
        start, end = format_shown(series[0], stat.min, stat.max), format_shown(series[-1], stat.min, stat.max)
        lines.append(f"{stat.label:<{width}}  {sparkline(series, stat.min, stat.max)}  "
                     f"{with_unit(start, stat.unit)} → {with_unit(end, stat.unit)}")
    lines.append("```")
    record = advisor_lines(engine, state)
    if record:
        lines += ["", "## Your advisors", "", *[f"- {line}" for line in record]]
    lines += ["", "## Your decisions", ""]
    for entry in timeline(engine, state):
        day = entry.date.strftime("%d %b %Y")
        if entry.kind == "decision":
            outcome = f" {entry.outcome}" if entry.outcome else ""
            lines.append(f"- **{day}, {entry.title}:** {entry.choice}.{outcome}")
        elif entry.kind == "action":
            outcome = f" {entry.outcome}" if entry.outcome else ""
            lines.append(f"- **{day}, {entry.title}.**{outcome}")
        elif entry.kind == "ending":
            lines.append(f"- **{day}:** {entry.title}.")
    lines.append("")
    return "\n".join(lines)
