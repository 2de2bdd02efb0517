"""The replay viewer, driven with Pilot inside a tiny host app, and on its own as `redline replay`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from textual.app import App
from textual.widgets import OptionList, Static

from game import saves
from game.content import Content
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.tui.screens.replay import ReplayScreen, ReplayViewer, TakeOver

FIXTURES = Path(__file__).parent.parent / "fixtures"
PREFERENCE = {"opening": "warn", "reply": "gamble", "crisis": "back_down", "late": "ok", "routine": "handle"}


class Host(App[None]):
    """Pushes one ReplayScreen and keeps what it dismissed with."""

    def __init__(self, screen: ReplayScreen) -> None:
        super().__init__()
        self.replay_screen = screen
        self.results: list[TakeOver | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.replay_screen, self.results.append)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_scenario(FIXTURES / "mini")


def finished(engine: Engine) -> GameState:
    """Seed 0: opening.warn, reply.gamble (win), late.ok, routine.handle, routine.handle; ends calm."""
    state = engine.new_game(0)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, PREFERENCE[decision.event.id]).state
    return state


def text_of(screen: ReplayScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    assert isinstance(widget, Static)
    shown = widget.content
    if isinstance(shown, RichMarkdown):
        console = Console(width=200, file=io.StringIO())
        console.print(shown)
        return " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]
    return str(getattr(shown, "plain", shown))


@pytest.fixture
def saved(content: Content, tmp_path: Path) -> tuple[Engine, saves.SaveRecord, Path]:
    engine = Engine(content)
    path = saves.save_as(tmp_path, "Finished", engine, finished(engine))
    return engine, saves.read_save(path), path


async def test_each_decision_shows_its_brief_the_choice_taken_the_outcome_and_the_meters(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.replay_screen
        assert text_of(screen, "#replay-position").startswith("Decision 1 of 5")
        assert "Opening" in text_of(screen, "#replay-heading")
        assert "Something happened." in text_of(screen, "#replay-brief")
        choices = text_of(screen, "#replay-choices")
        assert "▶ Warn them (chosen)" in choices
        assert "Strike (unavailable: Tension is too low to justify it.)" in choices
        assert "Tension: 40" in text_of(screen, "#replay-meters")
        await pilot.press("right")
        await pilot.pause()
        assert text_of(screen, "#replay-position").startswith("Decision 2 of 5")
        assert "They replied." in text_of(screen, "#replay-brief")
        outcome = text_of(screen, "#replay-outcome")
        assert "Outcome: win" in outcome and "It worked." in outcome
        assert "Threat: ≈" in text_of(screen, "#replay-meters")
        await pilot.press("left")
        await pilot.pause()
        assert text_of(screen, "#replay-position").startswith("Decision 1 of 5")


async def test_jump_to_any_decision_and_to_the_end(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.replay_screen
        await pilot.press("end")
        await pilot.pause()
        assert text_of(screen, "#replay-heading") == "Ending: Calm (good)"
        assert "It calmed down." in text_of(screen, "#replay-brief")
        assert "truly" in text_of(screen, "#replay-meters")
        await pilot.press("home")
        await pilot.pause()
        assert screen.position == 0
        screen.query_one("#replay-steps", OptionList).focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert text_of(screen, "#replay-position").startswith("Decision 4 of 5")
        assert "A routine matter." in text_of(screen, "#replay-brief")


async def test_quick_steps_end_on_the_right_frame_whichever_pane_has_focus(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.replay_screen
        await pilot.press("right", "right", "right", "right", "left", "tab")
        await pilot.pause()
        assert screen.query_one("#replay-frame").has_focus
        assert text_of(screen, "#replay-position").startswith("Decision 4 of 5")
        assert "A routine matter." in text_of(screen, "#replay-brief")
        await pilot.press("right", "pagedown")
        await pilot.pause()
        assert text_of(screen, "#replay-position").startswith("Decision 5 of 5")


async def test_take_over_starts_a_new_saved_game_and_leaves_the_original_untouched(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, original = saved
    before = original.read_bytes()
    screen = ReplayScreen(engine, record, tmp_path)
    app = Host(screen)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right", "t")
        await pilot.pause()
    [taken] = app.results
    assert taken is not None and taken.kept == 2
    assert taken.state.to_dict() == screen.state_at(2).to_dict()
    assert taken.path.name == "finished-from-decision-3.json"
    branched = saves.read_save(taken.path)
    assert branched.decision_count == 2 and branched.slot == "Finished from decision 3"
    assert branched.info.branched_from == {"game": record.game, "slot": "Finished", "decision": 2}
    assert branched.game != record.game == taken.info.branched_from["game"]  # type: ignore[index]
    assert original.read_bytes() == before


async def test_taking_over_twice_from_the_same_decision_never_overwrites(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    paths = []
    for _ in range(2):
        app = Host(ReplayScreen(engine, record, tmp_path))
        async with app.run_test(size=(110, 40)) as pilot:
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
        [taken] = app.results
        assert taken is not None
        paths.append(taken.path.name)
    assert paths == ["finished-from-decision-1.json", "finished-from-decision-1-2.json"]


async def test_no_take_over_after_the_game_ended(saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("end", "t")
        await pilot.pause()
        assert app.results == []
        assert any("game is over" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_a_record_that_diverges_stops_where_it_diverges(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path, edit: Any
) -> None:
    _, record, _ = saved
    edited = Engine(load_scenario(edit("events/main.toml", 'chance = "0.5 + intel / 200"', "chance = 0")))
    app = Host(ReplayScreen(edited, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.replay_screen
        steps = screen.query_one("#replay-steps", OptionList)
        assert steps.option_count == 2  # decision 1, then where it diverges
        await pilot.press("end")
        await pilot.pause()
        assert text_of(screen, "#replay-heading") == "The record goes differently here"
        assert "diverges at decision 2" in text_of(screen, "#replay-brief")
        await pilot.press("t")
        await pilot.pause()
    [taken] = app.results
    assert taken is not None and taken.kept == 1


async def test_a_narrow_terminal_does_not_break_the_viewer(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(36, 12)) as pilot:
        await pilot.pause()
        await pilot.press("right", "end", "home")
        await pilot.pause()
        assert app.replay_screen.position == 0


async def test_the_viewer_runs_on_its_own_and_returns_the_take_over(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = ReplayViewer(engine, record, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right", "t")
        await pilot.pause()
    assert isinstance(app.return_value, TakeOver) and app.return_value.kept == 1


async def test_notes_that_were_under_the_decision_before_are_one_line(
    saved: tuple[Engine, saves.SaveRecord, Path], tmp_path: Path
) -> None:
    engine, record, _ = saved
    app = Host(ReplayScreen(engine, record, tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.replay_screen
        assert "· Tension creeps up." in text_of(screen, "#replay-outcome")
        await pilot.press("right")
        await pilot.pause()
        await pilot.pause()
        outcome = text_of(screen, "#replay-outcome")
        assert "Tension creeps up." not in outcome
        assert "+ 1 note as after decision 1 (← goes back to it)" in outcome
