"""Reading at 80×24: the dashboard folds away and the brief widens; the counsel is a line per advisor
that opens to the full argument; paging keeps a line of overlap; what repeats under every outcome is
shown once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.content import Content
from game.settings import parse_settings
from game.tui.app import RedLineApp, build_app
from game.tui.screens.situation import SituationRoom

SMALL = (80, 24)


async def settle(app: RedLineApp, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the game looks for the settings (under a config folder of the test's own)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("REDLINE_KEYS", raising=False)
    return tmp_path / "config" / "redline" / "settings.toml"


def room_game(content: Content, tmp_path: Path, remember_settings: bool = False, seed: int = 1) -> RedLineApp:
    return build_app(content, saves_dir=tmp_path / "saves", seed=seed, start="room", autosave=False,
                     remember_settings=remember_settings)


# --- the dashboard folds away -------------------------------------------------------------------


async def test_d_folds_the_dashboard_away_and_the_brief_takes_the_whole_width(shipped_content: Content,
                                                                               tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        brief = app.screen.query_one("#brief")
        dashboard = app.screen.query_one("#dashboard")
        narrow = brief.size.width
        assert dashboard.display and dashboard.region.width > 0
        await pilot.press("d")
        await pilot.pause()
        assert dashboard.region.width == 0
        assert brief.size.width >= 76 > narrow
        await pilot.press("d")
        await pilot.pause()
        assert dashboard.region.width > 0
        assert brief.size.width == narrow


async def test_m_brings_a_folded_dashboard_back(shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "m")
        await pilot.pause()
        dashboard = app.screen.query_one("#dashboard")
        assert dashboard.region.width > 0 and dashboard.has_focus


async def test_a_folded_dashboard_stays_folded_at_the_next_start(shipped_content: Content, tmp_path: Path,
                                                                 settings_file: Path) -> None:
    app = room_game(shipped_content, tmp_path, remember_settings=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
    assert parse_settings(settings_file.read_text(encoding="utf-8")).dashboard == "folded"
    again = room_game(shipped_content, tmp_path, remember_settings=True, seed=2)
    async with again.run_test(size=SMALL) as pilot:
        await settle(again, pilot)
        assert again.screen.query_one("#dashboard").region.width == 0
        assert again.screen.query_one("#brief").size.width >= 76
