"""The Textual app of Red Line, and the factory that loads and checks content before building it.

`run(args)` is what `redline` calls. Tests build the app with the same `build_app` factory.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from textual.app import App
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from game import paths
from game.content import Content
from game.debrief import debrief_markdown
from game.engine import Decision, Engine, GameState, Resolution
from game.tui.commands import GameCommands
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.dialogs import ConfirmDialog, NewGameDialog, NewGameRequest, TooSmallScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.intro import IntroScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.situation import SituationRoom
from game.tui.screens.title import TitleScreen
from game.tui.theme import DEFAULT_THEME, THEMES

MIN_WIDTH = 80
MIN_HEIGHT = 24

Start = Literal["title", "intro", "room"]


def random_seed() -> int:
    return int.from_bytes(os.urandom(4), "big")


def saves_module() -> ModuleType | None:
    """game.saves when it is installed; the interface works without saves, only less safely."""
    try:
        return importlib.import_module("game.saves")
    except ImportError:
        return None


class RedLineApp(App[int]):
    """The game in the terminal. Holds one engine and the game in progress, if any.

    Screens read `engine`, `state` and `decision` from here and call back with `take_choice`,
    `resume` and the actions. Other screens (loading saves, replays) hand a game over with
    `resume(state)`, or `resume(state, content=...)` for a game of another scenario.
    """

    CSS_PATH = "app.tcss"
    TITLE = "Red Line"
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+q", "request_quit", "Quit", id="quit", priority=True),
        Binding("f5", "quicksave", "Quicksave", show=False, id="quicksave"),
        Binding("f9", "quickload", "Quickload", show=False, id="quickload"),
    ]

    def __init__(
        self,
        content: Content,
        *,
        saves_dir: Path = paths.SAVES,
        seed: int | None = None,
        start: Start = "title",
        scenario_folder: Path | None = None,
        extra: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.engine = Engine(content)
        self.saves_dir = saves_dir
        self.scenario_folder = scenario_folder
        self.extra = tuple(extra)
        self.start = start
        self.start_seed = seed
        self.state: GameState | None = None
        #: True while the game in progress has decisions that no save holds
        self.unsaved = False
        self._too_small: TooSmallScreen | None = None
        self._saving: dict[Worker[Any], GameState] = {}
        self._pending_scenarios: dict[Worker[Any], tuple[str, int]] = {}

    # --- lifecycle --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return TitleScreen()

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        if self.start != "title":
            seed = self.start_seed if self.start_seed is not None else random_seed()
            self.new_game(seed, intro=self.start == "intro")
        self.call_after_refresh(self._check_size, self.size.width, self.size.height)

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        """Cover the game with a notice while the terminal is too small; uncover it when it grows."""
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small and self._too_small is None:
            self._too_small = TooSmallScreen(MIN_WIDTH, MIN_HEIGHT)
            self.push_screen(self._too_small)
        elif small and self._too_small is not None and self._too_small.is_mounted:
            self._too_small.show_size(width, height)
        elif not small and self._too_small is not None:
            screen, self._too_small = self._too_small, None
            if self.screen is screen:
                self.pop_screen()

    # --- the game ---------------------------------------------------------------------------

    @property
    def content(self) -> Content:
        return self.engine.content

    @property
    def decision(self) -> Decision | None:
        return None if self.state is None else self.engine.decision(self.state)

    @property
    def in_game(self) -> bool:
        return self.state is not None and not self.state.over

    def new_game(self, seed: int, intro: bool = True) -> None:
        """Start a game of the loaded scenario; the intro first unless asked not to."""
        self.state = self.engine.new_game(seed)
        self.unsaved = False
        if intro and not self.state.over:
            self._clear_to_title()
            self.push_screen(IntroScreen(self.content.scenario, seed), lambda _: self._enter_game())
        else:
            self._enter_game()

    def resume(self, state: GameState, content: Content | None = None) -> None:
        """Play on from a state (a loaded save, a replay taken over); another scenario's content if given."""
        if content is not None and content is not self.content:
            self.engine = Engine(content)
        self.state = state
        self.unsaved = False
        self._enter_game()

    def _clear_to_title(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self._too_small:
            self.pop_screen()

    def _enter_game(self) -> None:
        """Show the game in progress: the situation room, or the debrief of a finished game."""
        self._clear_to_title()
        if self.state is None:
            return
        self.push_screen(DebriefScreen() if self.state.over else SituationRoom())

    def take_choice(self, choice_id: str) -> Resolution | None:
        """Take a choice of the current decision, save, and show what came of it."""
        if self.state is None or self.state.over or not isinstance(self.screen, SituationRoom):
            return None
        resolution = self.engine.choose(self.state, choice_id)
        self.state = resolution.state
        self.unsaved = True
        self.autosave()
        self.push_screen(OutcomeScreen(self.content, resolution), self._after_outcome)
        return resolution

    def _after_outcome(self, _: None = None) -> None:
        if self.state is None:
            return
        if self.state.over:
            if isinstance(self.screen, SituationRoom):
                self.switch_screen(DebriefScreen())
            return
        if isinstance(self.screen, SituationRoom):
            self.screen.show_decision()

    # --- saves (game.saves, when installed) -------------------------------------------------

    def autosave(self) -> None:
        """Save the game after a decision, in a worker so the interface never waits on the disk."""
        saves = saves_module()
        if saves is None or self.state is None or not hasattr(saves, "autosave"):
            return
        state, content = self.state, self.content
        self._save_in_worker("autosave", state, lambda: saves.autosave(self.saves_dir, content, state))

    def _save_in_worker(self, name: str, state: GameState, save: Any) -> None:
        worker = self.run_worker(save, thread=True, group="save", name=name)
        self._saving[worker] = state

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if worker in self._saving:
            state = self._saving.pop(worker)
            if event.state == WorkerState.SUCCESS:
                if state is self.state:
                    self.unsaved = False
                if worker.name == "quicksave":
                    self.notify("Game saved.", timeout=3)
            else:
                self.notify(f"The game could not be saved: {worker.error}", severity="error", timeout=10)
        elif worker.name == "export-debrief":
            if event.state == WorkerState.SUCCESS:
                self.notify(f"Debrief written to {worker.result}", title="Exported", timeout=8)
            else:
                self.notify(f"The debrief could not be written: {worker.error}", severity="error", timeout=10)
        elif worker.name == "load-scenario" and worker in self._pending_scenarios:
            scenario, seed = self._pending_scenarios.pop(worker)
            report = worker.result if event.state == WorkerState.SUCCESS else None
            if report is None or report.content is None:
                problems = list(getattr(report, "problems", [])) or [worker.error]
                self.notify(f"{scenario}: {len(problems)} problem(s) in the content, the first: {problems[0]}",
                            severity="error", timeout=10)
                return
            self.engine = Engine(report.content)
            self.scenario_folder = paths.scenario_folder(scenario)
            self.new_game(seed)

    def latest_autosave_label(self) -> str | None:
        """A short description of the newest autosave for the title screen, or None if there is none."""
        saves = saves_module()
        if saves is None or not hasattr(saves, "latest_autosave"):
            return None
        try:
            latest = saves.latest_autosave(self.saves_dir)
        except Exception:
            return None
        return None if latest is None else str(getattr(latest, "label", latest))

    def action_continue_game(self) -> None:
        saves = saves_module()
        if saves is None or not hasattr(saves, "latest_autosave"):
            self.notify("There is no autosave to continue yet.", severity="warning")
            return
        self.notify("Continuing from the autosave is not wired yet.", severity="warning")

    def action_quicksave(self) -> None:
        saves = saves_module()
        if self.state is None:
            self.notify("There is no game to save.", severity="warning")
            return
        if saves is None or not hasattr(saves, "quicksave"):
            self.notify("Saving is not available in this version.", severity="warning")
            return
        state, content = self.state, self.content
        self._save_in_worker("quicksave", state, lambda: saves.quicksave(self.saves_dir, content, state))

    def action_quickload(self) -> None:
        saves = saves_module()
        if saves is None or not hasattr(saves, "quickload"):
            self.notify("There is no quicksave to load.", severity="warning")
            return
        self.notify("Quickload is not wired yet.", severity="warning")

    def action_load(self) -> None:
        try:
            module = importlib.import_module("game.tui.screens.load")
        except ImportError:
            self.notify("Loading saved games is not available in this version.", severity="warning")
            return
        self.push_screen(module.LoadScreen())

    def action_replay(self) -> None:
        try:
            module = importlib.import_module("game.tui.screens.replay")
        except ImportError:
            self.notify("Replays are not available in this version.", severity="warning")
            return
        self.push_screen(module.ReplayScreen())

    # --- the other actions ------------------------------------------------------------------

    def action_new_game(self) -> None:
        scenarios = []
        current = self.content.scenario.id
        for ident in paths.scenario_ids():
            scenarios.append((ident, self.content.scenario.title if ident == current else ident))
        if current not in [ident for ident, _ in scenarios]:
            scenarios.insert(0, (current, self.content.scenario.title))

        def start(request: NewGameRequest | None) -> None:
            if request is None:
                return
            seed = request.seed if request.seed is not None else random_seed()
            if request.scenario is None or request.scenario == current:
                self.new_game(seed)
            else:
                self._load_scenario_then_start(request.scenario, seed)

        self.push_screen(NewGameDialog(scenarios, current), start)

    def _load_scenario_then_start(self, scenario: str, seed: int) -> None:
        """Load another scenario in a worker (it may be large), then start it."""
        from game.loader import check_scenario

        folder = paths.scenario_folder(scenario)
        worker = self.run_worker(lambda: check_scenario(folder, self.extra), thread=True, group="scenario",
                                 name="load-scenario")
        self._pending_scenarios[worker] = (scenario, seed)

    def action_export_debrief(self) -> None:
        if self.state is None:
            self.notify("There is no game to write a debrief of.", severity="warning")
            return
        text = debrief_markdown(self.engine, self.state)
        ending = self.state.ending or "unfinished"
        stem = f"debrief-{self.content.scenario.id}-{self.state.seed}-{ending}"
        folder = self.saves_dir

        def write() -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{stem}.md"
            number = 2
            while path.exists():
                path = folder / f"{stem}-{number}.md"
                number += 1
            path.write_text(text, encoding="utf-8")
            return path

        self.run_worker(write, thread=True, group="export", name="export-debrief")

    def action_toggle_theme(self) -> None:
        dark = self.current_theme.dark
        self.theme = next(t.name for t in THEMES if t.dark != dark)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen | TooSmallScreen):
            return
        self.push_screen(HelpScreen(self.content))

    def action_to_title(self) -> None:
        self._clear_to_title()

    def action_request_quit(self) -> None:
        """Quit, asking first when the game in progress has decisions no save holds."""
        if isinstance(self.screen, ConfirmDialog):
            return
        if self.in_game and (self.unsaved or saves_module() is None):
            self.push_screen(
                ConfirmDialog("Quit the game?", "Your decisions since the last save will be lost.", "Quit", "Stay"),
                lambda yes: self.exit(0) if yes else None,
            )
        else:
            self.exit(0)

    def can_run(self, action: str) -> bool:
        """Whether a command palette entry makes sense now."""
        if action in ("quicksave", "export_debrief"):
            return self.state is not None
        if action == "to_title":
            return len(self.screen_stack) > 1
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quicksave":
            return self.state is not None
        return True


def build_app(
    content: Content,
    *,
    saves_dir: Path = paths.SAVES,
    seed: int | None = None,
    start: Start = "title",
    scenario_folder: Path | None = None,
    extra: Sequence[Path] = (),
) -> RedLineApp:
    """The app for content that has already been loaded and checked."""
    return RedLineApp(content, saves_dir=saves_dir, seed=seed, start=start, scenario_folder=scenario_folder,
                      extra=extra)


def load_app(args: argparse.Namespace) -> RedLineApp | None:
    """Load and check the content the arguments name, then build the app; None (reported) on problems."""
    from game.cli import load_or_report

    scenario = getattr(args, "scenario", None)
    extra = list(getattr(args, "content", None) or [])
    content = load_or_report(scenario, extra)
    if content is None:
        return None
    # `redline play` starts a game at once; `redline` alone opens the title screen
    start: Start = "intro" if getattr(args, "plain", None) is not None else "title"
    saves_dir = getattr(args, "saves", None) or paths.SAVES
    return build_app(content, saves_dir=Path(saves_dir), seed=getattr(args, "seed", None), start=start,
                     scenario_folder=paths.scenario_folder(scenario), extra=extra)


def run(args: argparse.Namespace) -> int:
    """Run the game in the terminal; the exit code of the `redline` command."""
    app = load_app(args)
    if app is None:
        return 1
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
