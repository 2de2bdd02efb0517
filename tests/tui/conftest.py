"""Building the game's app for tests the way `redline` does: load and check the content, then the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.content import Content
from game.loader import check_scenario, load_scenario
from game.paths import CONTENT

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="session")
def mini_content() -> Content:
    return load_scenario(FIXTURES / "mini")


@pytest.fixture(scope="session")
def tui_content() -> Content:
    """A frozen copy of mini with a little more text, for snapshots."""
    return load_scenario(FIXTURES / "tui")


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    """The shipped Red Line scenario; the test is skipped while it does not load."""
    report = check_scenario(CONTENT / "red-line")
    if report.content is None:
        pytest.skip(f"content/red-line does not load yet ({len(report.problems)} problems)")
    return report.content


@pytest.fixture(autouse=True)
def few_futures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The debrief weighs every decision with futures; a few do for tests of the interface."""
    monkeypatch.setattr("game.tui.app.SHAPING_FUTURES", 3)
