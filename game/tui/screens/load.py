"""The load screen: every save in the folder with its progress and status; one bad file hides no other.

Dismisses with a LoadRequest (the state to play on and the content it belongs to) or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content as Text
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from game.content import Content
from game.engine import GameState
from game.safetext import shown
from game.saves import (
    CHANGED,
    EDITED,
    NO_CONTENT,
    OK,
    ContentFor,
    GameInfo,
    Listing,
    Loaded,
    SaveError,
    list_saves,
    local_time,
    progress,
)
from game.tui.widgets.footer import KeyFooter


@dataclass(frozen=True)
class LoadRequest:
    """A save the player chose: where to play on from, as which game, with which content."""

    path: Path
    loaded: Loaded
    content: Content

    @property
    def state(self) -> GameState:
        return self.loaded.state

    @property
    def info(self) -> GameInfo:
        return self.loaded.info


Purpose = Literal["load", "replay"]
ENTER: dict[str, str] = {"load": "Press Enter to play on from here.", "replay": "Press Enter to replay it."}

# Rich styles: DataTable measures Rich text to size its columns (a Textual Content is not measured).
STATUS_STYLE = {OK: "green", CHANGED: "yellow", EDITED: "bold yellow", NO_CONTENT: "red"}


class LoadScreen(Screen[LoadRequest | None]):
    """Lists the saves of a folder, newest first. Enter loads the highlighted save; Escape goes back."""

    DEFAULT_CSS = """
    LoadScreen {
        layout: vertical;
    }
    LoadScreen #load-heading {
        padding: 0 1;
        text-style: bold;
        color: $text-primary;
    }
    LoadScreen #load-table {
        height: 1fr;
        min-height: 5;
    }
    LoadScreen #load-details {
        height: auto;
        max-height: 8;
        border: round $primary;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="load_back"),
        Binding("r", "refresh", "Refresh", id="load_refresh"),
    ]

    def __init__(self, folder: Path, content_for: ContentFor, purpose: Purpose = "load") -> None:
        super().__init__()
        self.folder = folder
        #: "load" to play on from the save, "replay" to pick a save for the replay viewer
        self.purpose = purpose
        self._content_for = content_for
        self._contents: dict[str, Content | None] = {}
        self.listings: list[Listing] = []

    def compose(self) -> ComposeResult:
        verb = "Replay a saved game" if self.purpose == "replay" else "Saved games"
        yield Static(Text(f"{verb} from {shown(self.folder)}"), id="load-heading")
        table: DataTable[Any] = DataTable(id="load-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Scenario", "Progress", "Saved", "Status", "Game")
        yield table
        with Vertical(id="load-details"):
            yield Static("Reading the save folder…", id="load-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#load-details").border_title = "Details"
        self.action_refresh()

    # --- reading the folder in a worker: the disk and replays never hold up the interface --------

    def _content(self, scenario: str) -> Content | None:
        if scenario not in self._contents:
            self._contents[scenario] = self._content_for(scenario)
        return self._contents[scenario]

    def action_refresh(self) -> None:
        self.run_worker(lambda: list_saves(self.folder, self._content), thread=True, exclusive=True,
                        group="load-list", name="load-list", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "load-list":
            return
        if event.state == WorkerState.SUCCESS:
            self._show(event.worker.result or [])
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            reason = shown(error) if isinstance(error, SaveError) else shown(f"{type(error).__name__}: {error}")
            self._show([])
            self.query_one("#load-detail", Static).update(Text.styled(f"Cannot list the saves: {reason}",
                                                                      "$text-error"))

    def _show(self, listings: list[Listing]) -> None:
        self.listings = listings
        table = self.query_one("#load-table", DataTable)
        table.clear()
        for index, item in enumerate(listings):
            saved = item.record
            status = RichText(item.status, style=STATUS_STYLE.get(item.status, "bold red"))
            # Rich text, not markup: names from files are shown as they are, control characters escaped
            if saved is None:
                table.add_row(RichText(item.name), "—", "—", "—", status, "—", key=str(index))
            else:
                table.add_row(RichText(shown(saved.slot)), RichText(shown(saved.title)), RichText(progress(saved)),
                              RichText(local_time(saved.saved)), status, game_label(saved.info), key=str(index))
        detail = self.query_one("#load-detail", Static)
        if not listings:
            detail.update(Text.styled("No saved games yet.", "dim"))
        else:
            table.focus()
            table.move_cursor(row=0)
            self._describe(0)

    # --- the highlighted save ---------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if not 0 <= row < len(self.listings):
            return
        self.query_one("#load-detail", Static).update(describe(self.listings[row], self.purpose))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.load(event.cursor_row)

    def load(self, row: int) -> None:
        """Load the save on this row, or say why it cannot be loaded."""
        if not 0 <= row < len(self.listings):
            return
        item = self.listings[row]
        if item.loaded is None or item.record is None:
            self.notify(f"{item.name} cannot be loaded: {shown(item.reason)}", severity="error", timeout=8,
                        markup=False)
            return
        content = self._contents.get(item.record.scenario)
        if content is None:
            self.notify(f"{item.name}: scenario '{item.record.scenario}' is not available", severity="error",
                        markup=False)
            return
        self.dismiss(LoadRequest(item.path, item.loaded, content))

    def action_back(self) -> None:
        self.dismiss(None)


def game_label(info: GameInfo) -> str:
    """A short name for the game a save belongs to: the saves of one game share it."""
    return f"#{info.game[:4]}" + (" (branch)" if info.branched_from else "")


def describe(item: Listing, purpose: Purpose = "load") -> Text:
    """What loading (or replaying) this save means, in a few lines."""
    saved = item.record
    if saved is None:
        return Text.assemble((f"{item.name}\n", "bold"), ("Unreadable: ", "bold $text-error"), shown(item.reason))
    head = Text.assemble((shown(saved.slot), "bold"), (f"  {item.name}\n", "dim"),
                         f"{shown(saved.title)} · seed {saved.seed} · {progress(saved)} · "
                         f"game {game_label(saved.info)}, begun {local_time(saved.info.created)}\n")
    if item.status == OK:
        if purpose == "load" and saved.state.over:
            return head + Text.styled("This game is over. Press Enter to read its debrief.", "$text-success")
        return head + Text.styled(ENTER[purpose], "$text-success")
    if item.status == NO_CONTENT:
        return head + Text.assemble(("Cannot be loaded: ", "bold $text-error"), shown(item.reason))
    assert item.loaded is not None
    loaded = item.loaded
    if loaded.divergence is None:
        return head + Text.assemble((loaded.summary[:1].upper() + loaded.summary[1:] + ".\n", "$text-warning"),
                                    ENTER[purpose])
    divergence = loaded.divergence
    where = "the start" if divergence.matched == 0 else f"after decision {divergence.matched}"
    label = "Edited or damaged since it was saved: " if item.status == EDITED else "Changed since this save: "
    if purpose == "replay":
        return head + Text.assemble((label, "bold $text-warning"),
                                    shown(f"it goes differently {divergence}.") + "\n",
                                    "Press Enter to replay it up to that point.")
    return head + Text.assemble(
        (label, "bold $text-warning"),
        shown(f"it goes differently {divergence}.") + "\n",
        (f"Press Enter to continue from {where}", "bold"),
        " (as a new game; this save stays as it is).",
    )
