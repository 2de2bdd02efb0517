"""The keys screen: every key binding of the game with its keys; Enter and a key press change one, and the
game remembers it in the settings file."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text as RichText
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from game.safetext import shown
from game.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from game.tui.app import RedLineApp


@dataclass(frozen=True)
class GameBinding:
    """A key binding that a player can change: its id, where it works, what it does, its keys by default."""

    id: str
    where: str
    description: str
    default: str


def _where(cls: type) -> str:
    """'SituationRoom' -> 'Situation room', 'NewGameDialog' -> 'New game dialog', the app -> 'Everywhere'."""
    from game.tui.app import RedLineApp

    if issubclass(cls, RedLineApp):
        return "Everywhere"
    words = re.findall(r"[A-Z][a-z]*", cls.__name__.removesuffix("Screen"))
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else cls.__name__


def game_bindings() -> list[GameBinding]:
    """Every binding with an id on the app and on the screens and widgets of the game, found by walking
    their modules, so that a new screen's keys are listed without being named here."""
    from game.tui import screens, widgets
    from game.tui.app import RedLineApp

    classes: list[type] = [RedLineApp]
    for package in (screens, widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            classes += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                        if cls.__module__ == module.__name__ and issubclass(cls, DOMNode)]
    found: dict[str, GameBinding] = {}
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = GameBinding(binding.id, _where(cls), binding.description or binding.action,
                                                binding.key)
    return list(found.values())


class KeyCatcher(Static, can_focus=True):
    """Takes the next key pressed while it has focus, before any binding sees it, and hands it on."""

    @dataclass
    class Caught(Message):
        key: str

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.post_message(self.Caught(event.key))


class KeysScreen(ModalScreen[None]):
    """Lists the bindings; Enter then a key sets that binding's key, Delete puts its default back."""

    DEFAULT_CSS = """
    KeysScreen {
        align: center middle;
    }
    #keys-panel {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    #keys-table {
        height: 1fr;
    }
    #keys-note {
        height: auto;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="keys_close"),
        Binding("delete,backspace", "reset", "Default key", id="keys_reset"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.bindings_list = game_bindings()
        #: the binding waiting for its new key, if any
        self.capturing: GameBinding | None = None

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-panel"):
            yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
            yield KeyCatcher(id="keys-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#keys-panel").border_title = "Keys"
        table = self.query_one("#keys-table", DataTable)
        table.add_columns("Keys", "What", "Where", "Id")
        self._fill()
        table.focus()
        self._say("Enter, then press a key, to change the keys of a line; Delete puts its default back. "
                  f"Remembered in {shown(self.game.settings_path or 'this game only')}.")

    def _fill(self) -> None:
        table = self.query_one("#keys-table", DataTable)
        row = table.cursor_row
        table.clear()
        keymap = self.game.keymap_in_force
        for item in self.bindings_list:
            keys = keymap.get(item.id, item.default)
            # as the footer shows keys ("?", "^q"), the ones changed from their default in bold
            display = ", ".join(self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(","))
            shown = RichText(display, style="bold" if item.id in keymap else "")
            table.add_row(shown, item.description, item.where, item.id, key=item.id)
        table.move_cursor(row=min(row, len(self.bindings_list) - 1))

    def _say(self, text: str, style: str = "dim") -> None:
        self.query_one("#keys-note", Static).update(Content.styled(text, style))

    def _highlighted(self) -> GameBinding | None:
        table = self.query_one("#keys-table", DataTable)
        if not self.bindings_list or table.cursor_row < 0:
            return None
        return self.bindings_list[min(table.cursor_row, len(self.bindings_list) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.capturing = self._highlighted()
        if self.capturing is not None:
            self._say(f"Press the new key for '{self.capturing.description}' ({self.capturing.where}); "
                      "Escape keeps it as it is.", "bold $text-accent")
            self.query_one(KeyCatcher).focus()

    def on_key_catcher_caught(self, event: KeyCatcher.Caught) -> None:
        event.stop()
        chosen, self.capturing = self.capturing, None
        self.query_one("#keys-table", DataTable).focus()
        if chosen is None or event.key == "escape":
            self._say("Nothing was changed.")
            return
        self.game.set_binding_keys(chosen.id, event.key)
        self._fill()
        self._say(f"'{chosen.description}' is now {event.key}.")

    def action_reset(self) -> None:
        item = self._highlighted()
        if item is None or self.capturing is not None:
            return
        self.game.set_binding_keys(item.id, None)
        self._fill()
        self._say(f"'{item.description}' is back to its default, {item.default}.")

    def action_close(self) -> None:
        if self.capturing is None:
            self.dismiss(None)
