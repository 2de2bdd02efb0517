"""The dev-mode problems panel: what is wrong with the content after a reload, docked at the bottom
of the screen while the game goes on with the last good content."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from game.devmode import Reloaded
from game.loader import Problem


class ProblemsPanel(VerticalScroll):
    """Content problems (file:line:col: message), one per line; hidden while there are none."""

    DEFAULT_CSS = """
    ProblemsPanel {
        dock: bottom;
        height: auto;
        max-height: 40%;
        background: $panel;
        border-top: heavy $error;
        padding: 0 1;
        display: none;
    }
    ProblemsPanel.-shown {
        display: block;
    }
    ProblemsPanel.-info {
        border-top: heavy $warning;
    }
    ProblemsPanel > Static {
        height: auto;
    }
    ProblemsPanel > #problems-title {
        text-style: bold;
    }
    """

    def __init__(self, *, id: str = "dev-problems") -> None:
        super().__init__(id=id)
        self.problems: tuple[Problem, ...] = ()
        # made here, not in compose, so the panel can be filled before it is mounted
        self._title = Static("", id="problems-title")
        self._body = Static("", id="problems-body")

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._body

    def show_problems(self, problems: Sequence[Problem], summary: str, notes: Sequence[Problem] = ()) -> None:
        """Show every problem (and note) under a one-line summary."""
        self.problems = tuple(problems)
        self.remove_class("-info")
        self._fill(summary, [*problems, *notes])

    def show_info(self, summary: str, notes: Sequence[Problem] = ()) -> None:
        """Not a problem, but worth the author's eye (e.g. where a reload made the game go differently)."""
        self.problems = ()
        self.add_class("-info")
        self._fill(summary, list(notes))

    def show_reload(self, result: Reloaded) -> None:
        """What a reload did: its problems, where the game went differently, or nothing at all."""
        if not result.ok:
            self.show_problems(result.problems, result.summary, result.notes)
        elif result.divergence:
            self.show_info(result.summary, result.notes)
        else:
            self.clear()

    def clear(self) -> None:
        self.problems = ()
        self.remove_class("-shown", "-info")

    def _fill(self, summary: str, items: Sequence[Problem]) -> None:
        self._title.update(Content(summary))
        lines: list[str | tuple[str, str]] = []
        for index, item in enumerate(items):
            if index:
                lines.append("\n")
            lines.append((f"{item.file}:{item.line}:{item.col}", "bold"))
            tag = "" if item.severity == "error" else f"{item.severity}: "
            lines.append(f"  {tag}{item.message}")
        self._body.update(Content.assemble(*lines))
        self.add_class("-shown")


def problems_panel(screen: Screen[object]) -> ProblemsPanel:
    """The screen's problems panel, mounted on it the first time it is needed."""
    found = screen.query(ProblemsPanel)
    if found:
        return found.first()
    panel = ProblemsPanel()
    screen.mount(panel)
    return panel
