"""Texts that react, in the terminal at 80x24: the brief reads as the game stands (values filled in, a
hidden stat as its estimate), and counsel given under a condition shows the words and position given."""

from __future__ import annotations

from pathlib import Path

from game.loader import load_scenario
from game.tui.app import build_app
from game.tui.screens.situation import SituationRoom
from game.tui.widgets.counsel import CounselLine
from game.tui.widgets.prose import Prose
from tests.test_texts_that_react import SCENARIO


async def test_the_brief_and_counsel_read_as_the_game_stands(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "texts.toml").write_text(SCENARIO.replace("initial = 40", "initial = 60"),
                                                     encoding="utf-8")
    content = load_scenario(tmp_path / "content")
    app = build_app(content, saves_dir=tmp_path, seed=3, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        decision = app.screen.game.decision
        assert decision is not None
        brief = app.screen.query_one("#brief-text", Prose).source
        assert brief == decision.brief
        assert brief.startswith("Capital stands at 60; the threat is put at about ") and "{" not in brief
        lines = list(app.screen.query(CounselLine))
        hawk = next(line for line in lines if line.counsel.advisor == "hawk")
        lines[0].focus()
        hawk.expanded = True
        await pilot.pause()
        shown = str(hawk.render())
        assert "With capital at 60, warn them." in shown and "Not with capital" not in shown
