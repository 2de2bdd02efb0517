"""`redline play --dev` in the terminal interface: reload the content when a file is saved, show
its problems in a panel, and jump to any event from the command palette."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.worker import get_current_worker

from game.devmode import DevSession, Reloaded, watch
from game.engine import Engine, GameState
from game.loader import LoadReport
from game.seeds import seed_or_fresh
from game.tui.widgets.problems import problems_panel

if TYPE_CHECKING:
    from game.tui.app import RedLineApp

#: How often the watcher thread checks whether the app is closing.
IDLE_MS = 300


class DevMode:
    """Live content for one app: a watcher thread, reloads on the app's thread, and jumps."""

    def __init__(self, app: RedLineApp, folder: Path, extra: Sequence[Path], jump: str | None = None) -> None:
        self.app = app
        self.session = DevSession(folder, tuple(extra), app.content)
        self.first_jump = jump
        self.reloads = 0

    def start(self) -> None:
        """Begin watching; called once the app is running."""
        self.app.COMMANDS = self.app.COMMANDS | {JumpCommands, WhyCommands}  # type: ignore[misc]
        self.app.run_worker(self._watch, thread=True, exclusive=True, group="dev-watch", name="dev-watch")
        self.app.notify("Dev mode: saved content files reload the game; ctrl+p, 'Jump to' starts at an event.",
                        title="Dev mode", timeout=6)
        if self.first_jump is not None:
            self.jump_to(self.first_jump)

    def _watch(self) -> None:
        worker = get_current_worker()
        for changed in watch(self.session.watched, idle_ms=IDLE_MS):
            if worker.is_cancelled:
                return
            if changed:
                report = self.session.load()
                self.app.call_from_thread(self.apply, report)

    def apply(self, report: LoadReport) -> None:
        """Switch to freshly loaded content (or show why not), keeping the game where it was."""
        app = self.app
        state = app.state
        if state is None:  # no game yet: only the content changes
            if report.content is not None:
                self.session.content = report.content
                self.session.engine = app.engine = Engine(report.content)
            result = Reloaded(report.content is not None, tuple(report.problems), tuple(report.notes))
            problems_panel(app.screen).show_reload(result)
            return
        result = self.session.apply(report, state)
        self.reloads += 1
        if result.ok and result.state is not None:
            self._show(result.state)
            app.notify(result.summary, title="Content reloaded", timeout=4)
        # after resume() the screen stack is new: the panel goes on the screen now showing
        app.call_after_refresh(lambda: problems_panel(app.screen).show_reload(result))

    def _show(self, state: GameState) -> None:
        """Put the reloaded game on screen: in place when the situation room shows a question, so
        the screens stay as they were; otherwise through the app's own hand-over."""
        app = self.app
        room = app.screen
        if not state.over and app.state is not None and not app.state.over and hasattr(room, "show_decision"):
            app.engine = self.session.engine
            app.state = state
            room.show_decision()
        else:
            app.resume(state, content=self.session.content)

    def why_not(self, event_id: str) -> list[str]:
        """Why `event_id` is not the event now: each part of its trigger with its current value."""
        from game.authoring.why import why_not_now

        state = self.app.state
        if state is None:
            return ["no game yet"]
        lines = why_not_now(self.session.engine, state, event_id)
        self.app.notify("\n".join(lines), title=f"Why not now: {event_id}", timeout=20)
        return lines

    def after_choice(self, before: GameState, choice_id: str, outcome: str | None) -> str | None:
        """Say which outcome a choice had and at what odds (called by the app after each choice)."""
        from game.authoring.why import odds_line

        line = odds_line(self.session.engine, before, choice_id, outcome)
        if line is not None:
            self.app.notify(line, title="Dev: outcome", timeout=8)
        return line

    def jump_to(self, event_id: str) -> None:
        """Start a game standing at `event_id`."""
        seed = self.app.state.seed if self.app.state is not None else 1
        start = self.session.jump_to(event_id, seed)
        self.app.resume(start.state, content=self.session.content)
        self.app.notify(start.how, title=f"Jumped to {event_id}", timeout=8)


class JumpCommands(Provider):
    """'Jump to <event>' for every event of the content, in dev mode."""

    def _events(self) -> list[tuple[str, str, str]]:
        app = cast("RedLineApp", self.app)
        dev: DevMode | None = getattr(app, "dev", None)
        if dev is None:
            return []
        return [(f"Jump to {ident}", event.model.title, ident) for ident, event in dev.session.content.events.items()]

    def _runner(self, ident: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            dev: DevMode | None = getattr(self.app, "dev", None)
            if dev is not None:
                dev.jump_to(ident)

        return run

    async def discover(self) -> Hits:
        for title, help_text, ident in self._events():
            yield DiscoveryHit(title, self._runner(ident), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, ident in self._events():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(ident), help=help_text)


class WhyCommands(JumpCommands):
    """'Why not now: <event>' for every event of the content, in dev mode."""

    def _events(self) -> list[tuple[str, str, str]]:
        return [(f"Why not now: {ident}", help_text, ident) for _title, help_text, ident in super()._events()]

    def _runner(self, ident: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            dev: DevMode | None = getattr(self.app, "dev", None)
            if dev is not None:
                dev.why_not(ident)

        return run


def attach(app: RedLineApp, args: argparse.Namespace) -> DevMode:
    """Give an app built by `load_app` dev mode, as `redline play --dev` asks; it starts with the app."""
    from game import paths
    from game.bootstrap import scenario_given

    extra = list(getattr(args, "content", None) or [])
    folder = scenario_given(args) or paths.scenario_folder(getattr(args, "scenario", None))
    dev = DevMode(app, folder, extra, getattr(args, "jump", None))
    app.dev = dev
    opening = app.first_screen

    def first_screen() -> None:
        if opening is not None:
            opening()
        elif dev.first_jump is None and app.start != "title":
            seed = seed_or_fresh(app.start_seed)
            app.new_game(seed, intro=app.start == "intro")
        dev.start()

    app.first_screen = first_screen
    return dev
