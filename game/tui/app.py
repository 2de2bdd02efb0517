"""The Textual app of Red Line, and the factory that loads and checks content before building it.

`run(args)` is what `redline` calls. Tests build the app with the same `build_app` factory.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual.app import App
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.reactive import Reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from game import paths
from game.content import Content
from game.debrief import debrief_markdown
from game.engine import Decision, Engine, GameState, Resolution
from game.safetext import shown
from game.seeds import seed_or_fresh
from game.settings import Settings
from game.tui.commands import GameCommands
from game.tui.screens.situation import SituationRoom
from game.tui.screens.too_small import TooSmallScreen
from game.tui.theme import DEFAULT_THEME, THEMES

# The other screens are imported where they are first opened, so that the game starts sooner.
if TYPE_CHECKING:
    import argparse

    from game.analyst.rollouts import Analyst
    from game.analyst.shaping import Shaping
    from game.gcpause import Pause
    from game.saves import Autosaver, GameInfo, Listing, Loaded, Recorder, SaveRecord, SaveStatus
    from game.stakes import Stakes
    from game.tui.dev import DevMode
    from game.tui.screens.dialogs import NewGameRequest
    from game.tui.screens.load import LoadRequest
    from game.tui.screens.replay import TakeOver

MIN_WIDTH = 80
#: futures of each option at each of the player's decisions, for the debrief's "decisions that shaped this ending"
SHAPING_FUTURES = 100
MIN_HEIGHT = 24
#: Remaps keys by binding id, e.g. REDLINE_KEYS="quit=ctrl+x;help=f1,question_mark"; over the settings file
KEYMAP_VARIABLE = "REDLINE_KEYS"
GAME_THEMES = {theme.name: theme for theme in THEMES}

Start = Literal["title", "intro", "room"]


def parse_keymap(text: str) -> dict[str, str]:
    """'id=keys;id=keys' as a Textual keymap; entries without an '=' are ignored."""
    keymap = {}
    for entry in text.split(";"):
        ident, sep, keys = entry.partition("=")
        if sep and ident.strip() and keys.strip():
            keymap[ident.strip()] = keys.strip()
    return keymap


class GameRecord:
    """The saves of one game: its GameInfo and autosaver, made on first use (from a worker thread,
    so that loading the save code never holds up the interface). `record` is the record of the
    game as loaded, which the autosaves extend."""

    def __init__(self, saves_dir: Path, engine: Engine, info: GameInfo | None = None,
                 record: SaveRecord | None = None) -> None:
        self.saves_dir = saves_dir
        self.engine = engine
        self._info = info
        self._record = record
        self._autosaver: Autosaver | None = None
        self._lock = threading.Lock()

    def info(self) -> GameInfo:
        with self._lock:
            if self._autosaver is not None:
                return self._autosaver.info  # (it may have gone on under a new id)
            if self._info is None:
                from game.saves import GameInfo

                self._info = GameInfo.new()
            return self._info

    def autosaver(self) -> Autosaver:
        info = self.info()
        with self._lock:
            if self._autosaver is None:
                from game.saves import Autosaver

                self._autosaver = Autosaver(self.saves_dir, self.engine, info, record=self._record)
            return self._autosaver

    def autosave(self, state: GameState) -> Path:
        return self.autosaver()(state)

    def recorder(self) -> Recorder:
        """The record of the game kept between saves, so that a save never replays the game."""
        return self.autosaver().recorder

    def status(self, state: GameState) -> SaveStatus | None:
        """What of the game the autosaves hold, once it has been autosaved (or tried to be)."""
        autosaver = self._autosaver
        return autosaver.status(state) if autosaver is not None else None

    def take_notice(self) -> str | None:
        """What the autosaver has to say once (that the game went on under a new id), if anything."""
        autosaver = self._autosaver
        if autosaver is None or not autosaver.notice:
            return None
        notice, autosaver.notice = autosaver.notice, None
        return notice

    def kept_analysis(self) -> dict[str, Any] | None:
        """The analysis of the finished game that the save it was loaded from keeps, if any."""
        return self._record.analysis if self._record is not None else None

    def keep_analysis(self, analysis: dict[str, Any]) -> None:
        """Keep the analysis of the finished game in its last autosave (SaveError if it cannot be)."""
        from game.saves import with_analysis

        path = self._autosaver.path if self._autosaver is not None else None
        if path is not None:
            with_analysis(path, analysis)

    def close(self) -> None:
        """The game is put down: let go of its claim on its saves."""
        if self._autosaver is not None:
            self._autosaver.close()

    @property
    def last_autosave(self) -> Path | None:
        return self._autosaver.path if self._autosaver is not None else None


class RedLineApp(App[int]):
    """The game in the terminal. Holds one engine and the game in progress, if any.

    Screens read `engine`, `state` and `decision` from here and call back with `take_choice` and
    the actions. A screen that hands over a game (a loaded save, a replay taken over, a reload in
    dev mode) calls `resume(state, content=..., info=...)`.
    """

    CSS_PATH = "app.tcss"
    TITLE = "Red Line"
    # The game's theme from the start, the one Textual builds the first stylesheet with; a theme
    # set once the app runs makes it parse all the CSS read so far again and restyle the app.
    theme: Reactive[str] = Reactive(DEFAULT_THEME)
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+q", "request_quit", "Quit", id="quit", priority=True),
        Binding("f5", "quicksave", "Quicksave", show=False, id="quicksave"),
        Binding("f9", "quickload", "Quickload", show=False, id="quickload"),
    ]

    def __init__(
        self,
        content: Content,
        *,
        saves_dir: Path | None = None,
        seed: int | None = None,
        start: Start = "title",
        extra: Sequence[Path] = (),
        autosave: bool = True,
        settings: Settings | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__()
        for theme in THEMES:
            self.register_theme(theme)
        self.engine = Engine(content)
        saves_dir = paths.saves_folder(saves_dir)
        self.saves_dir = saves_dir
        #: the player's settings, and the file they are remembered in (None: not remembered, as in tests)
        self.settings = settings if settings is not None else Settings()
        self._stakes: Stakes | None = None
        self.settings_path = settings_path
        #: one line saying why the settings file could not be used, shown once the game is up
        self.settings_problem: str | None = None
        self._settings_lock = threading.Lock()
        self.extra = tuple(extra)
        self.start = start
        self.start_seed = seed
        self.autosave_enabled = autosave
        self.state: GameState | None = None
        #: True while the game in progress has decisions that no save holds
        self.unsaved = False
        self._game = GameRecord(saves_dir, self.engine)
        self._watching_size = False
        self._contents: dict[str, Content] = {content.scenario.id: content}
        self._saving: dict[Worker[Any], GameState] = {}
        self._on_done: dict[Worker[Any], Callable[[Any], None]] = {}
        #: the pause of garbage collection to end once the first frame is drawn (see build_app)
        self.collect_once_drawn: Pause | None = None
        #: a screen to open once the app is up (e.g. the replay viewer for `redline replay FILE`)
        self.first_screen: Callable[[], None] | None = None
        #: live content for `redline play --dev` (see game/tui/dev.py), None otherwise
        self.dev: DevMode | None = None
        #: the folder each scenario in play was loaded from, when not the shipped one (for the analyst's processes)
        self.content_folders: dict[str, Path] = {}
        self._analyst: tuple[Content, Analyst] | None = None
        #: (game id, decision number) of each decision the analyst was consulted at
        self.consulted: set[tuple[str, int]] = set()
        #: the decisions that shaped a finished game's ending, by its seed and choices (worked out once)
        self.shaping: dict[tuple[int, tuple[tuple[str, str], ...]], Shaping] = {}
        #: futures of each option at each decision for that
        self.shaping_futures = SHAPING_FUTURES

    # --- lifecycle --------------------------------------------------------------------------

    def get_theme(self, theme_name: str) -> Theme | None:
        # the game's themes are known before App.__init__, which builds the first stylesheet
        return GAME_THEMES.get(theme_name) or super().get_theme(theme_name)

    def get_default_screen(self) -> Screen[Any]:
        # a game started from the command line needs no title screen until the player asks for it
        if self.start == "title" and self.first_screen is None:
            from game.tui.screens.title import TitleScreen

            return TitleScreen()
        return Screen()

    def on_mount(self) -> None:
        if self.keymap_in_force:
            self.set_keymap(self.keymap_in_force)
        if self.settings.theme is not None and self.settings.theme != self.theme:
            self.theme = self.settings.theme
        # from here on, a theme the player picks is remembered
        self.theme_changed_signal.subscribe(self, lambda theme: self._remember(self.settings.with_theme(theme.name)))
        if self.settings_problem is not None:
            self.notify(self.settings_problem, title="Settings", severity="warning", timeout=12, markup=False)
        if self.first_screen is not None:
            self.first_screen()
        elif self.start != "title":
            seed = seed_or_fresh(self.start_seed)
            self.new_game(seed, intro=self.start == "intro")
        # from here on, any screen that comes up in a terminal too small for it is covered at once
        self._watching_size = True
        self.screen_change_signal.subscribe(self, lambda _: self.call_later(self._fit_to_size))
        self.call_after_refresh(self._fit_to_size)
        pause = self.collect_once_drawn
        if pause is not None:
            self.call_after_refresh(lambda: pause.end(settle=True))

    def on_resize(self, event: Resize) -> None:
        if self._watching_size:
            self._fit_to_size(event.size.width, event.size.height)

    def _fit_to_size(self, width: int | None = None, height: int | None = None) -> None:
        """Cover the game with a notice while the terminal is too small; uncover it when it grows."""
        width = self.size.width if width is None else width
        height = self.size.height if height is None else height
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        top = self.screen
        if small and isinstance(top, TooSmallScreen):
            if top.is_mounted:
                top.show_size(width, height)
        elif small:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif isinstance(top, TooSmallScreen):
            # popping publishes a screen change, which comes back here until no notice is left on top
            self.pop_screen()

    # --- the game ---------------------------------------------------------------------------

    @property
    def content(self) -> Content:
        return self.engine.content

    @property
    def decision(self) -> Decision | None:
        return None if self.state is None else self.engine.decision(self.state)

    @property
    def stakes(self) -> Stakes:
        """The danger zones and leanings of the content being played (made once per engine)."""
        from game.stakes import Stakes

        made = self._stakes
        if made is None or made.engine is not self.engine:
            made = self._stakes = Stakes(self.engine)
        return made

    @property
    def leanings_shown(self) -> bool:
        """Whether the player wants the choices' leanings shown (the settings' default: yes)."""
        return self.settings.leanings is not False

    def toggle_leanings(self) -> None:
        """Show or hide the choices' leanings, now and in the settings file."""
        self._remember(self.settings.with_leanings(not self.leanings_shown))

    @property
    def in_game(self) -> bool:
        return self.state is not None and not self.state.over

    def new_game(self, seed: int, intro: bool = True) -> None:
        """Start a game of the loaded scenario; the intro first unless asked not to."""
        self.state = self.engine.new_game(seed)
        self._set_game(None)
        if intro and not self.state.over:
            from game.tui.screens.intro import IntroScreen

            self._pop_to_base()
            self.push_screen(IntroScreen(self.content.scenario, seed), lambda _: self._enter_game())
        else:
            self._enter_game()

    def resume(self, state: GameState, content: Content | None = None, info: GameInfo | None = None,
               record: SaveRecord | None = None) -> None:
        """Play on from a state (a loaded save, a replay taken over), with its scenario's content;
        `record` is the record of the game up to that state, when there is one."""
        if content is not None and content is not self.content:
            self.engine = Engine(content)
            self._contents[content.scenario.id] = content
        self.state = state
        self._set_game(info, record)
        self._enter_game()

    def _set_game(self, info: GameInfo | None, record: SaveRecord | None = None) -> None:
        self._game.close()
        self._game = GameRecord(self.saves_dir, self.engine, info, record)
        self.unsaved = False

    def _pop_to_base(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _clear_to_title(self) -> None:
        from game.tui.screens.title import TitleScreen

        self._pop_to_base()
        if len(self.screen_stack) == 1 and not isinstance(self.screen, TitleScreen):
            self.push_screen(TitleScreen())

    def _enter_game(self) -> None:
        """Show the game in progress: the situation room, or the debrief of a finished game."""
        self._pop_to_base()
        if self.state is None:
            return
        if self.state.over:
            from game.tui.screens.debrief import DebriefScreen

            self.push_screen(DebriefScreen())
        else:
            self.push_screen(SituationRoom())

    def take_choice(self, choice_id: str) -> Resolution | None:
        """Take a choice of the current decision, save, and show what came of it."""
        if self.state is None or self.state.over or not isinstance(self.screen, SituationRoom):
            return None
        from game.tui.screens.outcome import OutcomeScreen

        before = self.state
        resolution = self.engine.choose(self.state, choice_id)
        self.state = resolution.state
        if self.dev is not None:
            self.dev.after_choice(before, choice_id, resolution.outcome)
        self.unsaved = True
        self.autosave()
        room = self.screen
        self.push_screen(OutcomeScreen(self.content, resolution, room.notes_read), self._after_outcome)
        room.notes_read = frozenset(d.text for d in resolution.drift if not d.quiet)
        return resolution

    def take_action(self, action_id: str) -> Resolution | None:
        """Take a standing action in front of the current decision, save, and show what came of it;
        the same decision is shown again after (or the debrief, if it ended the game)."""
        if self.state is None or self.state.over or not isinstance(self.screen, SituationRoom):
            return None
        from game.engine import InvalidAction
        from game.tui.screens.outcome import OutcomeScreen

        try:
            resolution = self.engine.act(self.state, action_id)
        except InvalidAction as exc:
            self.notify(str(exc), title="Not now", severity="warning", markup=False)
            return None
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
                from game.tui.screens.debrief import DebriefScreen

                self.switch_screen(DebriefScreen())
            return
        if isinstance(self.screen, SituationRoom):
            self.screen.show_decision()

    # --- work off the interface thread ------------------------------------------------------

    def _in_worker(self, name: str, work: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run disk work in a thread; `done(result)` back on the interface thread, errors as notices."""
        worker = self.run_worker(work, thread=True, group=name, name=name, exit_on_error=False)
        if done is not None:
            self._on_done[worker] = done

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        done = self._on_done.pop(worker, None)
        saved = self._saving.pop(worker, None)
        if event.state != WorkerState.SUCCESS:
            if worker.name in ("autosave", "quicksave"):
                self.unsaved = True
            if event.state == WorkerState.ERROR:
                status = self._game.status(saved) if worker.name == "autosave" and saved is not None else None
                message = status.unsaved_line() if status is not None and status.error else \
                    f"{_what(worker.name)} failed: {worker.error}"
                self.notify(shown(message), severity="error", timeout=20, markup=False)
            return
        if saved is not None and saved is self.state:
            self.unsaved = False
        notice = self._game.take_notice() if worker.name == "autosave" else None
        if notice:
            self.notify(notice, title="A new game", severity="warning", timeout=15)
        if done is not None:
            done(worker.result)

    # --- saves ------------------------------------------------------------------------------

    def autosave(self) -> None:
        """Save the game after a decision, in a worker so the interface never waits on the disk."""
        game, state = self._game, self.state
        if not self.autosave_enabled or state is None:
            return
        self._saving_worker("autosave", state, lambda: game.autosave(state))

    def _saving_worker(self, name: str, state: GameState, work: Callable[[], Any],
                       done: Callable[[Any], None] | None = None) -> None:
        worker = self.run_worker(work, thread=True, group=name, name=name, exit_on_error=False)
        self._saving[worker] = state
        if done is not None:
            self._on_done[worker] = done

    def action_quicksave(self) -> None:
        from game.saves import quicksave

        if self.state is None:
            self.notify("There is no game to save.", severity="warning")
            return
        state, game, folder = self.state, self._game, self.saves_dir
        self._saving_worker("quicksave", state, lambda: quicksave(folder, game.recorder(), state),
                            lambda path: self.notify(f"Saved to {shown(path.name)}.", title="Quicksave", timeout=4,
                                                     markup=False))

    def action_quickload(self) -> None:
        from game.saves import quickload

        engine, folder = self.engine, self.saves_dir
        self._in_worker("quickload", lambda: quickload(folder, engine), self._play_loaded)

    def _play_loaded(self, loaded: Loaded) -> None:
        if loaded.status != "ok":
            self.notify(loaded.summary, title="Content changed", severity="warning", timeout=10,
                        markup=False)
        self.resume(loaded.state, info=loaded.info, record=loaded.continued)

    def find_latest_autosave(self, done: Callable[[Listing | None], None]) -> None:
        """Look for the newest autosave in a worker; `done(listing or None)` on the interface thread."""
        from game.saves import latest_autosave

        folder = self.saves_dir
        self._in_worker("find-autosave", lambda: latest_autosave(folder), done)

    def action_continue_game(self) -> None:
        """Play on from the newest autosave."""

        def found(listing: Listing | None) -> None:
            if listing is None or listing.record is None:
                self.notify("There is no autosave to continue yet.", severity="warning")
                return
            self._open_record(listing.record)

        self.find_latest_autosave(found)

    def _open_record(self, record: SaveRecord) -> None:
        from game.saves import open_record

        content_for = self.content_for

        def check() -> tuple[Content, Loaded]:
            content = content_for(record.scenario)
            return content, open_record(record, Engine(content))

        def open_it(result: tuple[Content, Loaded]) -> None:
            content, loaded = result
            if loaded.status != "ok":
                self.notify(loaded.summary, title="Content changed", severity="warning", timeout=10,
                        markup=False)
            self.resume(loaded.state, content, loaded.info, loaded.continued)

        self._in_worker("open-save", check, open_it)

    def content_for(self, scenario: str) -> Content:
        """Checked content by scenario id (loading it if needed); SaveError when it cannot be had.

        Safe to call from a worker thread: loading is pure, and the cache only ever gains entries.
        """
        from game.loader import check_scenario
        from game.saves import SaveError

        if scenario in self._contents:
            return self._contents[scenario]
        folder = paths.scenario_folder(scenario)
        if not folder.is_dir():
            raise SaveError(f"scenario '{scenario}' is not installed")
        report = check_scenario(folder, self.extra)
        if report.content is None:
            raise SaveError(f"scenario '{scenario}' has {len(report.problems)} problem(s) in its content "
                            f"(see 'redline check --scenario {scenario}')")
        self._contents[scenario] = report.content
        return report.content

    def action_load(self) -> None:
        """The list of saves; Enter plays on from the one chosen."""
        from game.tui.screens.load import LoadScreen

        def chosen(request: LoadRequest | None) -> None:
            if request is None:
                return
            if request.loaded.status != "ok":
                self.notify(request.loaded.summary, title="Content changed", severity="warning", timeout=10,
                        markup=False)
            self.resume(request.state, request.content, request.info, request.loaded.continued)

        self.push_screen(LoadScreen(self.saves_dir, self.content_for), chosen)

    def action_replay(self) -> None:
        """Pick a saved game from the list, then step through it in the replay viewer."""
        from game.tui.screens.load import LoadScreen

        def chosen(request: LoadRequest | None) -> None:
            if request is not None:
                self.open_replay(Engine(request.content), request.loaded.record)

        self.notify("Choose the game to replay, then press Enter.", timeout=5)
        self.push_screen(LoadScreen(self.saves_dir, self.content_for), chosen)

    def action_replay_this_game(self) -> None:
        """The replay of the game just played, from its newest autosave."""
        from game.saves import SaveError, read_save

        path = self._game.last_autosave
        if path is None:
            self.notify("This game has no autosave to replay.", severity="warning")
            return
        engine = self.engine
        try:
            record = read_save(path)
        except SaveError as error:
            self.notify(f"Cannot replay: {error}", severity="error", markup=False)
            return
        self.open_replay(engine, record)

    def open_replay(self, engine: Engine, record: SaveRecord, exit_on_close: bool = False) -> None:
        """The replay viewer; taking over there plays on as a new game, the original untouched."""
        from game.tui.screens.replay import ReplayScreen

        def taken(take: TakeOver | None) -> None:
            if take is not None:
                self.notify(f"New game from decision {take.kept + 1}, saved as {shown(take.path.name)}.", timeout=6,
                            markup=False)
                self.resume(take.state, engine.content, take.info)
            elif exit_on_close:
                self.exit(0)

        self.push_screen(ReplayScreen(engine, record, self.saves_dir), taken)

    # --- the other actions ------------------------------------------------------------------

    def action_new_game(self) -> None:
        from game.tui.screens.dialogs import NewGameDialog

        # the shipped scenarios, and first the one being played when it was opened from elsewhere
        current = self.content.scenario.id
        scenarios = [(ident, self.content.scenario.title if ident == current else paths.scenario_title(ident))
                     for ident in paths.scenario_ids()]
        if current not in [ident for ident, _ in scenarios]:
            scenarios.insert(0, (current, self.content.scenario.title))

        def start(request: NewGameRequest | None) -> None:
            if request is None:
                return
            seed = seed_or_fresh(request.seed)
            if request.scenario is None or request.scenario == current:
                self.new_game(seed)
                return
            scenario = request.scenario

            def loaded(content: Content) -> None:
                self.engine = Engine(content)
                self.new_game(seed)

            self._in_worker("load-scenario", lambda: self.content_for(scenario), loaded)

        self.push_screen(NewGameDialog(scenarios, current), start)

    def action_export_debrief(self) -> None:
        if self.state is None:
            self.notify("There is no game to write a debrief of.", severity="warning")
            return
        text = debrief_markdown(self.engine, self.state)
        stem = f"debrief-{self.content.scenario.id}-{self.state.seed}-{self.state.ending or 'unfinished'}"
        folder = self.saves_dir

        def write() -> Path:
            from game.files import write_file

            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{stem}.md"
            number = 2
            while os.path.lexists(path):
                path = folder / f"{stem}-{number}.md"
                number += 1
            write_file(path, text.encode())
            return path

        self._in_worker("export-debrief", write,
                        lambda path: self.notify(f"Written to {shown(path)}", title="Debrief exported", timeout=10,
                                                     markup=False))

    # --- settings -------------------------------------------------------------------------

    @property
    def keymap_in_force(self) -> dict[str, str]:
        """The keys changed from their defaults: the settings file's, then $REDLINE_KEYS over them."""
        return {**self.settings.keys, **parse_keymap(os.environ.get(KEYMAP_VARIABLE, ""))}

    def set_binding_keys(self, binding: str, keys: str | None) -> None:
        """Give a binding other keys (None: its default ones), now and in the settings file."""
        self._remember(self.settings.with_keys(binding, keys))
        keymap = self.keymap_in_force
        if keys is None and binding not in keymap:
            # a keymap only ever replaces keys, so the default comes back by naming it
            from game.tui.screens.keys import game_bindings

            keymap[binding] = next(b.default for b in game_bindings() if b.id == binding)
        self.set_keymap(keymap)

    def _remember(self, settings: Settings) -> None:
        """Use these settings and write them to the settings file (in a worker), unless that file could not
        be read: then it is left as it is, and the player is told once."""
        if settings == self.settings:
            return
        self.settings = settings
        path = self.settings_path
        if path is None:
            return
        if self.settings_problem is not None:
            self.notify(f"Not remembered: {shown(path)} could not be read when the game started; fix or remove it.",
                        title="Settings", severity="warning", timeout=10, markup=False)
            self.settings_path = None
            return
        from game.settings import write_settings

        def write_the_latest() -> None:
            # changes made in quick succession start a writer each; whichever takes the lock last
            # writes what is in force by then, so the file never ends up with an older setting
            with self._settings_lock:
                write_settings(path, self.settings)

        self._in_worker("settings", write_the_latest)

    def fold_dashboard(self, folded: bool) -> None:
        """Remember whether the player folded the situation room's dashboard away."""
        self._remember(self.settings.with_dashboard(folded))

    def action_keys(self) -> None:
        from game.tui.screens.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen())

    def action_toggle_theme(self) -> None:
        dark = self.current_theme.dark
        self.theme = next(t.name for t in THEMES if t.dark != dark)

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen | TooSmallScreen):
            return
        self.push_screen(HelpScreen(self.content))

    def action_to_title(self) -> None:
        self._clear_to_title()

    def action_request_quit(self) -> None:
        """Quit, asking first when the game in progress has decisions no save holds."""
        from game.tui.screens.dialogs import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog):
            return
        if self.in_game and self.unsaved:
            self.push_screen(
                ConfirmDialog("Quit the game?", self.unsaved_line(), "Quit", "Stay"),
                lambda yes: self.exit(0) if yes else None,
            )
        else:
            self.exit(0)

    def put_down(self) -> None:
        """The app has closed: let go of the game's claim on its saves, and of the analyst's processes."""
        self._game.close()
        if self._analyst is not None:
            self._analyst[1].close()
            self._analyst = None

    # --- the analyst --------------------------------------------------------------------------

    def analyst(self) -> Analyst:
        """The analyst of the content in play (made once per content; its processes are kept)."""
        from game.analyst.rollouts import Analyst
        from game.sim import default_jobs

        content = self.engine.content
        if self._analyst is None or self._analyst[0] is not content:
            if self._analyst is not None:
                self._analyst[1].close()
            folder = self.content_folders.get(content.scenario.id) or paths.scenario_folder(content.scenario.id)
            source = (folder, self.extra) if folder.is_dir() else None
            self._analyst = (content, Analyst(content, "counsel", jobs=default_jobs(), source=source))
        return self._analyst[1]

    def analyst_refusal(self) -> str | None:
        """Why the analyst cannot be consulted at this decision, or None if it can."""
        allowed = self.engine.content.scenario.analyst
        if not allowed.available:
            return "This scenario has no analyst: it is meant to be played on judgement alone."
        if not self.settings.analyst:
            return "The analyst is switched off (shift+O switches it back on)."
        if self.state is None or self.state.over:
            return "There is no decision to weigh."
        key = (self._game_key(), len(self.state.chose))
        if allowed.uses and key not in self.consulted and \
                sum(1 for game, _n in self.consulted if game == key[0]) >= allowed.uses:
            return (f"The analyst has been consulted at {allowed.uses} decisions this game; "
                    "this scenario allows no more.")
        return None

    def action_consult_analyst(self) -> None:
        from game.tui.screens.analyst import AnalystScreen

        refusal = self.analyst_refusal()
        decision = self.decision
        if refusal is not None or decision is None or self.state is None:
            self.notify(refusal or "There is no decision to weigh.", title="Analyst", severity="warning")
            return
        self.consulted.add((self._game_key(), len(self.state.chose)))
        self.push_screen(AnalystScreen(self.state, decision))

    def action_toggle_analyst(self) -> None:
        self._remember(replace(self.settings, analyst=not self.settings.analyst))
        self.notify("The analyst is on." if self.settings.analyst else "The analyst is off: a pure game.",
                    title="Analyst")

    @property
    def game_record(self) -> GameRecord:
        """The saves of the game in play."""
        return self._game

    def _game_key(self) -> str:
        return self._game.info().game

    def unsaved_line(self) -> str:
        """What of the game in progress no save holds, in one line (when `unsaved`)."""
        status = self._game.status(self.state) if self.state is not None else None
        if status is not None and status.error:
            return shown(status.unsaved_line())
        return "Your last decision has not been saved yet."

    def closing_message(self) -> str | None:
        """Said on the terminal once the game has closed, when decisions of it were not saved."""
        status = self._game.status(self.state) if self.state is not None else None
        if status is None or status.error is None:
            return None
        return status.unsaved_line()

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


def _what(name: str | None) -> str:
    return {
        "autosave": "Autosave",
        "quicksave": "Quicksave",
        "quickload": "Quickload",
        "find-autosave": "Looking for the autosave",
        "open-save": "Opening the save",
        "load-scenario": "Loading the scenario",
        "export-debrief": "Exporting the debrief",
        "settings": "Saving the settings",
    }.get(name or "", "A background task")


def build_app(
    content: Content,
    *,
    saves_dir: Path | None = None,
    seed: int | None = None,
    start: Start = "title",
    extra: Sequence[Path] = (),
    autosave: bool = True,
    settle_heap: Pause | None = None,
    remember_settings: bool = False,
) -> RedLineApp:
    """The app for content that has already been loaded and checked.

    With `settle_heap`, a pause of the garbage collector (the `redline` command starts one before it
    imports the interface at all), the collector is kept out of the start: nearly everything made
    until the first frame (modules, the content, the widgets) lives as long as the game, so
    collecting would only rescan it. Everything alive now is moved out of the collector's way; once
    the first frame is drawn, so is everything made since, and the pause ends.
    """
    if settle_heap is not None:
        settle_heap.settle()
    settings, settings_path, problem = _player_settings() if remember_settings else (None, None, None)
    app = RedLineApp(content, saves_dir=saves_dir, seed=seed, start=start, extra=extra, autosave=autosave,
                     settings=settings, settings_path=settings_path)
    app.settings_problem = problem
    app.collect_once_drawn = settle_heap
    return app


def _player_settings() -> tuple[Settings, Path, str | None]:
    """The settings file's settings, where it is, and one line on what is wrong with it (printed at once too,
    so that it stays in the terminal after the game)."""
    from textual.theme import BUILTIN_THEMES

    from game.settings import read_settings

    path = paths.settings_file()
    settings, problem = read_settings(path, {*BUILTIN_THEMES, *GAME_THEMES})  # the problem is shown safely
    if problem is not None:
        print(f"redline: warning: {problem}", file=sys.stderr)
    return settings, path, problem


class StartError(Exception):
    """The game cannot start; the message is one line, the exit code 2 for a bad argument, 1 for bad content."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def load_app(args: argparse.Namespace, pause: Pause | None = None) -> RedLineApp:
    """Load and check what the arguments name, then build the app (ending `pause` once it is drawn).
    Raises StartError (already reported when it is about the content) on problems."""
    from game.bootstrap import load_or_report, scenario_given

    saves = getattr(args, "saves", None)
    saves_dir = paths.saves_folder(Path(saves) if saves is not None else None)
    if saves_dir.exists() and not saves_dir.is_dir():
        raise StartError(f"save folder: {saves_dir} is a file, not a folder")
    scenario = getattr(args, "scenario", None)
    folder = scenario_given(args)
    extra = list(getattr(args, "content", None) or [])
    autosave = not getattr(args, "no_autosave", False)
    load = getattr(args, "load", None)
    if load is not None:
        return _load_app_for_save(Path(load), scenario, folder, extra, saves_dir, autosave,
                                  getattr(args, "seed", None), pause)
    content = load_or_report(scenario, extra, folder)
    if content is None:
        raise StartError("", code=1)
    # `redline play` starts a game at once; `redline` alone opens the title screen
    start: Start = "intro" if getattr(args, "plain", None) is not None else "title"
    app = build_app(content, saves_dir=saves_dir, seed=getattr(args, "seed", None), start=start, extra=extra,
                    autosave=autosave, settle_heap=pause, remember_settings=True)
    if folder is not None:
        app.content_folders[content.scenario.id] = folder
    return app


def _load_app_for_save(path: Path, scenario: str | None, folder: Path | None, extra: list[Path], saves_dir: Path,
                       autosave: bool, seed: int | None, pause: Pause | None) -> RedLineApp:
    """`redline play --load FILE`: check the save against its scenario first, then open the game."""
    from game.bootstrap import load_or_report
    from game.saves import SaveError, open_record, read_save

    if seed is not None:
        raise StartError("--seed and --load do not go together: a save keeps its own seed")
    try:
        record = read_save(path)
    except SaveError as error:
        raise StartError(f"{path}: {error}") from None
    content = load_or_report(scenario or record.scenario, extra, folder)
    if content is None:
        raise StartError("", code=1)
    try:
        loaded = open_record(record, Engine(content))
    except SaveError as error:
        raise StartError(f"{path}: {error}") from None
    app = build_app(content, saves_dir=saves_dir, extra=extra, autosave=autosave, settle_heap=pause,
                    remember_settings=True)

    def play_loaded() -> None:
        if loaded.status != "ok":
            app.notify(loaded.summary, title="Content changed", severity="warning", timeout=10,
                        markup=False)
        app.resume(loaded.state, content, loaded.info, loaded.continued)

    app.first_screen = play_loaded
    return app


def run(args: argparse.Namespace, pause: Pause | None = None) -> int:
    """Run the game in the terminal; the exit code of the `redline` command. `pause`, a pause of the
    garbage collector, ends once the first frame is drawn."""
    from game.bootstrap import has_terminal

    try:
        app = load_app(args, pause)
        if not has_terminal():
            return 2
        # a save folder asked for that does not exist yet is made, now that the game is about to start
        paths.make_folder(app.saves_dir)
    except StartError as error:
        if str(error):
            print(f"redline: error: {error}", file=sys.stderr)
        return error.code
    except paths.FolderError as error:
        print(f"redline: error: save folder: {error}", file=sys.stderr)
        return 2
    if getattr(args, "dev", False):
        from game.tui.dev import attach

        attach(app, args)
    if app.engine.content.scenario.analyst.available and app.settings.analyst:
        # the analyst's processes need multiprocessing's helper process, which can only be started while
        # this process still has its own standard error (the interface takes it over)
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    try:
        app.run()
    finally:
        app.put_down()
    closing = app.closing_message()
    if closing:
        print(f"redline: {shown(closing)}", file=sys.stderr)
    return app.return_code or (1 if closing else 0)


def run_replay(args: argparse.Namespace, engine: Engine, record: SaveRecord, saves_dir: Path) -> int:
    """`redline replay FILE`: the replay viewer inside the game, so taking over plays on at once."""
    app = build_app(engine.content, saves_dir=saves_dir, extra=list(getattr(args, "content", None) or []),
                    remember_settings=True)
    app.first_screen = lambda: app.open_replay(engine, record, exit_on_close=True)
    app.run()
    return app.return_code or 0
