"""The timeline: past decisions and how they turned out, newest at the bottom, scrollable."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from game.debrief import TimelineEntry


def timeline_content(entries: Sequence[TimelineEntry]) -> Content:
    """One paragraph per entry: date, the event, the choice taken, and what came of it."""
    if not entries:
        return Content.styled("No decisions yet.", "dim italic")
    parts: list[str | tuple[str, str]] = []
    for entry in entries:
        if parts:
            parts.append("\n")
        parts.append((entry.date.strftime("%d %b "), "bold"))
        if entry.kind == "decision":
            parts.append(entry.title)
            parts.append(("\n  → ", "$text-accent"))
            parts.append(entry.choice)
            if entry.outcome:
                parts.append((f"\n    {entry.outcome}", "italic dim"))
        elif entry.kind == "quiet":
            parts.append((entry.title, "dim"))
        else:
            parts.append((f"Ending: {entry.title}", "bold $text-primary"))
    return Content.assemble(*parts)


class Timeline(VerticalScroll):
    """The record of the game so far."""

    DEFAULT_CSS = """
    Timeline > Static {
        width: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(timeline_content(()))

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        self.query_one(Static).update(timeline_content(entries))
        self.call_after_refresh(self.scroll_end, animate=False)
