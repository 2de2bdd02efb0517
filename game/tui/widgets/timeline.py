"""The timeline: past decisions and how they turned out, newest at the bottom, scrollable."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

from game.debrief import TimelineEntry

DATE_WIDTH = 7  # "23 Oct "


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap with a first-line prefix and a hanging indent, so the lines of one entry line up."""
    if width <= len(rest) + 8:
        return [first + text]
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest) or [first]


def timeline_lines(entries: Sequence[TimelineEntry], width: int) -> list[Content]:
    """Each entry: its date and event, the choice taken, and what came of it, wrapped to the width."""
    if not entries:
        return [Content.styled("No decisions yet.", "dim italic")]
    lines: list[Content] = []
    pad = " " * DATE_WIDTH
    for entry in entries:
        date = entry.date.strftime("%d %b ")
        if entry.kind == "ending":
            head_style = "bold $text-primary"
            title = f"Ending: {entry.title}"
        else:
            head_style = "dim" if entry.kind == "quiet" else ""
            title = entry.title
        head = _wrap(title, width, pad, pad)
        lines.append(Content.assemble((date, "bold"), (head[0][DATE_WIDTH:], head_style)))
        lines.extend(Content.styled(line, head_style) for line in head[1:])
        if entry.kind == "decision":
            for index, line in enumerate(_wrap(entry.choice, width, "  → ", "    ")):
                lines.append(Content.assemble(("  → ", "$text-accent"), line[4:]) if index == 0 else Content(line))
            if entry.outcome:
                lines.extend(Content.styled(line, "italic dim") for line in _wrap(entry.outcome, width, "    ", "    "))
        elif entry.kind == "action" and entry.outcome:
            lines.extend(Content.styled(line, "italic dim") for line in _wrap(entry.outcome, width, "    ", "    "))
    return lines


class TimelineText(Widget):
    """The entries, laid out for the width the widget is given."""

    DEFAULT_CSS = """
    TimelineText {
        height: auto;
    }
    """

    def __init__(self, entries: Sequence[TimelineEntry] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries = tuple(entries)

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        self.entries = tuple(entries)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(timeline_lines(self.entries, width))

    def render(self) -> Content:
        return Content("\n").join(timeline_lines(self.entries, self.content_region.width or self.size.width))


class Timeline(VerticalScroll):
    """The record of the game so far, scrolled to the newest entry."""

    def compose(self) -> ComposeResult:
        yield TimelineText()

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        self.query_one(TimelineText).show(entries)
        self.call_after_refresh(self.scroll_end, animate=False)
