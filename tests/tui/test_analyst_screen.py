"""The analyst at a decision, and the debrief's decisions that shaped the ending, as a player meets them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from textual.widgets import Static

from game.content import Content
from game.tui.app import build_app
from game.tui.screens.analyst import AnalystScreen
from game.tui.screens.situation import SituationRoom


def shown(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_o_shows_the_odds_of_every_option_and_esc_closes(shipped_content: Content, tmp_path: Path) -> None:
    app = build_app(shipped_content, saves_dir=tmp_path, seed=7, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, AnalystScreen)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        odds = shown(app, "#analyst-odds")
        decision = app.decision
        assert decision is not None
        for choice in decision.choices:
            if choice.available:
                assert choice.label[:20] in odds
        assert odds.count("bad ") == sum(c.available for c in decision.choices)
        assert "1,000 futures of each option" in shown(app, "#analyst-basis")
        assert "drawn from your estimates" in shown(app, "#analyst-basis")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        app.put_down()


async def test_a_scenario_can_ration_or_refuse_the_analyst(shipped_content: Content, tmp_path: Path) -> None:
    scenario = shipped_content.scenario
    rationed = dataclasses.replace(shipped_content, scenario=dataclasses.replace(
        scenario, analyst=dataclasses.replace(scenario.analyst, uses=1)))
    app = build_app(rationed, saves_dir=tmp_path, seed=7, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.analyst_refusal() is None
        app.consulted.add((app.game_record.info().game, 0))  # consulted at this decision already
        assert app.analyst_refusal() is None  # the same decision again is free
        app.consulted = {(app.game_record.info().game, 99)}
        assert "allows no more" in (app.analyst_refusal() or "")
        await pilot.press("O")
        await pilot.pause()
        assert not app.settings.analyst
        assert "switched off" in (app.analyst_refusal() or "")
    off = dataclasses.replace(shipped_content, scenario=dataclasses.replace(
        scenario, analyst=dataclasses.replace(scenario.analyst, available=False)))
    app = build_app(off, saves_dir=tmp_path, seed=7, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        assert "no analyst" in (app.analyst_refusal() or "")
