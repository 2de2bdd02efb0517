"""Dev mode in the app: a saved file reloads the game where it was; broken content shows the problems
panel and the game goes on; the command palette jumps to any event."""

from __future__ import annotations

import shutil
from pathlib import Path

from game.loader import load_scenario
from game.log import Decided
from game.tui.app import RedLineApp, build_app
from game.tui.dev import DevMode
from game.tui.widgets.problems import ProblemsPanel

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _app(tmp_path: Path, jump: str | None = None) -> tuple[RedLineApp, DevMode, Path]:
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    app = build_app(load_scenario(folder), saves_dir=tmp_path, seed=4, start="room", autosave=False)
    dev = app.dev = DevMode(app, folder, (), jump)
    return app, dev, folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "events" / "main.toml"
    path.write_text(path.read_text().replace(old, new, 1))


async def test_saved_change_reloads_the_game_where_it_was(tmp_path: Path) -> None:
    app, dev, folder = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.state is not None
        state = app.engine.choose(app.state, "warn").state
        app.resume(state)
        await pilot.pause()
        _edit(folder, 'brief = "They replied."', 'brief = "They replied at once."')
        dev.apply(dev.session.load())
        await pilot.pause()
        assert app.content.events["reply"].model.brief == "They replied at once."
        assert app.state is not None and app.state.event == state.event
        assert [e.choice for e in app.state.decisions if isinstance(e, Decided)] == ["warn"]


async def test_broken_content_shows_the_panel_and_keeps_playing(tmp_path: Path) -> None:
    app, dev, folder = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = app.content
        _edit(folder, 'label = "Wait"', 'label = Wait')
        dev.apply(dev.session.load())
        await pilot.pause()
        await pilot.pause()
        panel = app.screen.query_one(ProblemsPanel)
        assert panel.display and panel.problems
        assert "main.toml" in panel.problems[0].file
        assert app.content is before and app.state is not None and not app.state.over
        _edit(folder, 'label = Wait', 'label = "Wait and see"')
        dev.apply(dev.session.load())
        await pilot.pause()
        await pilot.pause()
        assert not app.screen.query_one(ProblemsPanel).display


async def test_jump_starts_the_game_at_the_event(tmp_path: Path) -> None:
    app, dev, _folder = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        dev.jump_to("crisis")
        await pilot.pause()
        assert app.state is not None and app.state.event == "crisis"


async def test_watcher_starts_and_stops_with_the_app(tmp_path: Path) -> None:
    app, dev, folder = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        dev.start()
        await pilot.pause()
        assert any(w.name == "dev-watch" for w in app.workers)
        for _ in range(100):  # save until the watcher thread, just started, has seen a change
            _edit(folder, 'label = "Wait"', 'label = "Wait a week"')
            await pilot.pause(0.1)
            if dev.reloads:
                break
        assert dev.reloads >= 1
        assert app.content.events["opening"].model.choice_by_id("wait").label == "Wait a week"
        assert app.state is not None and app.state.event == "opening"
