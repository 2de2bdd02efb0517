"""The stakes in the terminal: danger zones and warnings on the dashboard, leanings and game-ending choices
in the choice list, and the outcome screen telling the choice, chance and drift apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.content import Content
from game.loader import load_scenario
from game.tui.app import RedLineApp, build_app
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.situation import SituationRoom
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.dashboard import Dashboard
from game.tui.widgets.status import StatusBar

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="module")
def stakes_content() -> Content:
    return load_scenario(FIXTURES / "stakes")


def dashboard(app: RedLineApp) -> str:
    shown = app.screen.query_one(Dashboard).render()
    return str(getattr(shown, "plain", shown))


def options(app: RedLineApp) -> list[str]:
    choices = app.screen.query_one(ChoiceList)
    return [str(getattr(choices.get_option_at_index(i).prompt, "plain", "")) for i in range(choices.option_count)]


async def take(app: RedLineApp, pilot: Any, key: str) -> OutcomeScreen:
    await pilot.press(key)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, OutcomeScreen)
    return screen


async def test_dashboard_shows_the_zone_and_warns_as_capital_nears_it(stakes_content: Content,
                                                                      tmp_path: Path) -> None:
    app = build_app(stakes_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = dashboard(app)
        assert "Ends the game\nPolitical capital ≤ 0: Dismissed" in shown
        assert "⚠" not in shown  # capital 20 is beyond the margin
        await take(app, pilot, "1")  # spend: capital 20 -> 10, then two turns of drift to 8
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        lines = dashboard(app).splitlines()
        capital = next(i for i, line in enumerate(lines) if line.startswith("Political capital"))
        assert lines[capital + 1].strip() == "⚠ near ≤ 0 (8 away): Dismissed"


async def test_with_the_dashboard_folded_the_status_line_carries_the_warning(stakes_content: Content,
                                                                             tmp_path: Path) -> None:
    app = build_app(stakes_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        room = app.screen
        assert isinstance(room, SituationRoom) and room.dashboard_folded
        assert "⚠" not in status(app)
        await take(app, pilot, "1")  # capital 20 -> 8, as above
        await pilot.press("enter")
        await pilot.pause()
        assert "│ ⚠ Political capital ≤ 0, 8 away │" in status(app)
        await pilot.press("d")  # the dashboard shows it instead
        await pilot.pause()
        assert "⚠" not in status(app) and "⚠ near ≤ 0 (8 away)" in dashboard(app)


def status(app: RedLineApp) -> str:
    shown = app.screen.query_one(StatusBar).render()
    return str(getattr(shown, "plain", shown))


async def test_choices_show_leanings_and_which_ends_the_game(stakes_content: Content, tmp_path: Path) -> None:
    app = build_app(stakes_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        spend, resign, gamble, wait, _look = options(app)
        assert spend.splitlines()[1].strip() == "Political capital ▼▼▼ · Threat ▼▼▼?"
        assert "⚠ Ends the game at once: “Dismissed”" in resign
        assert "⚠ Can end the game at once (about " in gamble and "by estimate): “War”" in gamble
        assert wait.strip() == "4 Wait"


async def test_l_hides_the_leanings_and_the_setting_is_kept(stakes_content: Content, tmp_path: Path) -> None:
    app = build_app(stakes_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.settings.leanings is False
        spend, resign, *_ = options(app)
        assert "▼" not in spend
        assert "Ends the game at once" in resign  # the warning stays
        await pilot.press("l")
        await pilot.pause()
        assert app.settings.leanings is True and "▼▼▼" in options(app)[0]


async def test_outcome_tells_the_choice_chance_and_drift_apart(stakes_content: Content, tmp_path: Path) -> None:
    app = build_app(stakes_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = await take(app, pilot, "1")
        shown = screen.query_one("#outcome-changes").render()
        text = str(getattr(shown, "plain", shown))
        choice, rest = text.split("Meanwhile, on its own\n")
        assert choice.startswith("What your choice did\nPolitical capital: 20 → 10")
        assert "What chance decided" not in text  # spending leaves nothing to chance
        assert "· 2 quiet turns: nothing needed your decision." in rest
        assert "· Over 2 turns: Every week in office costs a little capital." in rest
        assert "Political capital: 10 → 8" in rest
        assert "Your estimates\nThe estimate of Threat moved with events" in rest
