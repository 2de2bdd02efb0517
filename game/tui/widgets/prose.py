"""Prose written in Markdown (briefs, outcomes, epilogues) drawn as one widget.

Rich's Markdown renderer in a Static: one widget to restyle instead of one per paragraph, which
keeps a new brief or an outcome quick to show.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.widgets import Static


class Prose(Static):
    """Markdown text, wrapped to the width it is given."""

    DEFAULT_CSS = """
    Prose {
        height: auto;
    }
    """

    def __init__(self, markdown: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = markdown
        self.show(markdown)

    def show(self, markdown: str) -> None:
        self.source = markdown
        self.update(Markdown(markdown.strip(), justify="left", hyperlinks=False))
