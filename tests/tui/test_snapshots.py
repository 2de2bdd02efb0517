"""SVG snapshots of every screen, with a fixed seed and a frozen copy of the mini scenario.

Update them after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.content import Content
from game.tui.app import RedLineApp, build_app
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.situation import SituationRoom

SEED = 42


def app_at(content: Content, saves: Path, **options: Any) -> RedLineApp:
    return build_app(content, saves_dir=saves, **options)


async def wait_for_workers(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def to_the_end(pilot: Any) -> None:
    app = pilot.app
    while not isinstance(app.screen, DebriefScreen):
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    await wait_for_workers(pilot)


def test_title_screen(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    assert snap_compare(app_at(tui_content, tmp_path), terminal_size=(100, 30), run_before=wait_for_workers)


def test_situation_room(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room")
    assert snap_compare(app, terminal_size=(100, 30))


def test_situation_room_at_80_by_24(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room")
    assert snap_compare(app, terminal_size=(80, 24))


def test_situation_room_in_the_light_theme(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room")

    async def light(pilot: Any) -> None:
        pilot.app.action_toggle_theme()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=light)


def test_situation_room_later_with_timeline_and_sparklines(snap_compare: Any, tui_content: Content,
                                                           tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room", autosave=False)
    assert snap_compare(app, terminal_size=(100, 30), press=["1", "enter", "2", "enter"])


def test_outcome(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room", autosave=False)
    assert snap_compare(app, terminal_size=(100, 30), press=["1"])


def test_debrief(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room", autosave=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=to_the_end)


def test_help(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room")
    assert snap_compare(app, terminal_size=(100, 30), press=["question_mark"])


def test_intro(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="intro")
    assert snap_compare(app, terminal_size=(100, 30))


def test_too_small_terminal(snap_compare: Any, tui_content: Content, tmp_path: Path) -> None:
    app = app_at(tui_content, tmp_path, seed=SEED, start="room")
    assert snap_compare(app, terminal_size=(60, 20))
