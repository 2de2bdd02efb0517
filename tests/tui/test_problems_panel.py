"""The dev-mode problems panel: shows content problems after a failed reload, hides after a good one."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

from game.devmode import Reloaded
from game.loader import Problem
from game.tui.widgets.problems import ProblemsPanel, problems_panel

BROKEN = Reloaded(
    ok=False,
    problems=(Problem("content/pack/events.toml", 12, 9, "unknown name 'escalaton'; did you mean 'escalation'?"),),
    notes=(Problem("content/pack/events.toml", 3, 1, "event 'x' replaces the one at a.toml:1:1", "note"),),
)


class _Game(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("the situation room")


def _text(panel: ProblemsPanel) -> str:
    return "\n".join(str(static.render()) for static in (panel._title, panel._body))


async def test_failed_reload_shows_every_problem_with_its_place() -> None:
    app = _Game()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = problems_panel(app.screen)
        panel.show_reload(BROKEN)
        await pilot.pause()
        assert panel.display and panel.region.height > 0
        text = _text(panel)
        assert "still playing the last good content" in text
        assert "content/pack/events.toml:12:9" in text and "did you mean 'escalation'?" in text
        assert "note: event 'x' replaces" in text
        assert problems_panel(app.screen) is panel  # one panel per screen


async def test_good_reload_hides_the_panel() -> None:
    app = _Game()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = problems_panel(app.screen)
        panel.show_reload(BROKEN)
        await pilot.pause()
        panel.show_reload(Reloaded(ok=True, problems=(), notes=(), replayed=3))
        await pilot.pause()
        assert not panel.display and panel.problems == ()


async def test_divergence_is_shown_as_information() -> None:
    app = _Game()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = problems_panel(app.screen)
        panel.show_reload(Reloaded(ok=True, problems=(), notes=(), replayed=1,
                                   divergence="at decision 2 the choice 'wait' of 'opening' is gone"))
        await pilot.pause()
        assert panel.display and panel.has_class("-info")
        assert "the choice 'wait' of 'opening' is gone" in _text(panel)


async def test_panel_stays_usable_in_a_narrow_terminal() -> None:
    app = _Game()
    async with app.run_test(size=(30, 10)) as pilot:
        panel = problems_panel(app.screen)
        panel.show_reload(BROKEN)
        await pilot.pause()
        assert panel.display and panel.region.height <= 10
