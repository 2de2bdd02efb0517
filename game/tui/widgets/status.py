"""The one-line status bar of the situation room: turn, date, season, days to the next named date."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from game.engine import Decision, Engine
from game.stakes import Warning
from game.text import format_shown


def next_named_date(days_to: dict[str, int]) -> tuple[str, int] | None:
    """The nearest named date that is today or still ahead, e.g. ("election", 5)."""
    ahead = [(days, name) for name, days in days_to.items() if days >= 0]
    if not ahead:
        return None
    days, name = min(ahead)
    return name, days


def countdown(days_to: dict[str, int]) -> str:
    """'5 days to election', 'Election day', or '' when every named date has passed."""
    upcoming = next_named_date(days_to)
    if upcoming is None:
        return ""
    name, days = upcoming
    words = name.replace("_", " ")
    if days == 0:
        return f"{words.capitalize()} day" if " " not in words else f"Today: {words}"
    return f"{days} day{'s' if days != 1 else ''} to {words}"


def alert_text(engine: Engine, warnings: Sequence[Warning]) -> str:
    """'⚠ Political capital ≤ 0, 8 away': the warning nearest its zone, and how many more there are."""
    nearest = min(warnings, key=lambda warning: warning.distance)
    stat = engine.content.stats[nearest.stat]
    where = nearest.zone.describe(stat.min, stat.max)
    if nearest.distance <= 0:
        text = f"⚠ {nearest.label} {'may be ' if nearest.estimated else ''}{where}"
    else:
        text = f"⚠ {nearest.label} {where}, {format_shown(nearest.distance, stat.min, stat.max)} away"
    return text + (f" (+{len(warnings) - 1})" if len(warnings) > 1 else "")


class StatusBar(Static):
    """Where and when the player is."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show(self, engine: Engine, decision: Decision, warnings: Sequence[Warning] = ()) -> None:
        """The turn, the date, the countdown and the season; and with `warnings` (given when the dashboard
        is folded away) the meter nearest a danger zone, right after the turn."""
        scenario = engine.content.scenario
        season = next((s.label for s in scenario.seasons if s.id == decision.season), "")
        # most important first: a narrow terminal cuts the end of the line
        parts: list[str | tuple[str, str]] = [
            (f"Turn {decision.turn}/{scenario.last_turn}", "bold"),
        ]
        if warnings:
            parts.append((alert_text(engine, warnings), "bold $text-warning"))
        parts.append(decision.date.strftime("%a %d %b %Y"))
        count = countdown(decision.days_to)
        if count:
            parts.append((count, "bold"))
        if season:
            parts.append(season)
        pieces: list[str | tuple[str, str]] = []
        for index, part in enumerate(parts):
            if index:
                pieces.append(" │ ")
            pieces.append(part)
        self.update(Content.assemble(*pieces))
