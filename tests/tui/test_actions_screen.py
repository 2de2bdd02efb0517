"""Standing actions in the terminal: `a` opens them beside the decision, a number or Enter takes one,
its result is shown, and the same decision comes back; what cannot be taken says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList, Static

from game.content import Content
from game.tui.app import RedLineApp, build_app
from game.tui.screens.actions import ActionsScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.situation import SituationRoom


def text(widget: Any) -> str:
    """What a Static or an option's prompt shows, as plain text."""
    shown = widget.content if isinstance(widget, Static) else widget
    return str(getattr(shown, "plain", shown))


async def settle(app: RedLineApp, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_action_is_taken_and_the_same_decision_comes_back(shipped_content: Content, tmp_path: Path) -> None:
    app = build_app(shipped_content, saves_dir=tmp_path, seed=3, start="room")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        assert str(app.screen.query_one("#choices").border_subtitle) == "a: actions of your own"
        event = app.state.event if app.state else None
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        listing = text(app.screen.query_one("#actions-list", OptionList).get_option_at_index(0).prompt)
        assert "Task the intelligence community" in listing and "Middle East strain +2" in listing
        detail = text(app.screen.query_one("#actions-text", Static))
        assert "Cost: Middle East strain +2" in detail and "Ruth Adebayo (analyst), for:" in detail
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        shown = text(app.screen.query_one("#outcome-choice", Static))
        assert shown == "Your action: Task the intelligence community"
        assert "Press Enter to return to the decision." in text(app.screen.query_one("#outcome-next", Static))
        assert "What the action did" in text(app.screen.query_one("#outcome-changes", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        assert app.state is not None and app.state.event == event and app.state.turn == 1
        assert app.state.used == {"task_intel": 1}
        await settle(app, pilot)
        saved = sorted(tmp_path.glob("autosave-*.json"))
        assert saved, "the action was autosaved"


async def test_an_action_that_cannot_be_taken_says_why(shipped_content: Content, tmp_path: Path) -> None:
    app = build_app(shipped_content, saves_dir=tmp_path, seed=3, start="room", autosave=False)
    told: list[str] = []
    notify = app.notify

    def noted(message: str, **options: Any) -> None:
        told.append(str(message))
        notify(message, **options)

    app.notify = noted  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", "2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        second = text(app.screen.query_one("#actions-list", OptionList).get_option_at_index(1).prompt)
        assert "✗ not now: already taken this turn" in second
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen), "an action that cannot be taken is not taken"
        assert any("cannot be taken now: an action was already taken this turn (one a turn)" in m for m in told)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        assert app.state is not None and app.state.used == {"call_allies": 1}


async def test_a_scenario_without_actions_has_no_actions_key(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=3, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        assert app.screen.check_action("actions", ()) is False, "the key is not offered"
        assert not app.screen.query_one("#choices").border_subtitle


async def test_the_replay_viewer_shows_an_action_as_its_own_step(shipped_content: Content, tmp_path: Path) -> None:
    from textual.app import App

    from game import saves
    from game.engine import Engine
    from game.tui.screens.replay import ReplayScreen

    engine = Engine(shipped_content)
    state = engine.act(engine.new_game(3), "task_intel").state
    decision = engine.decision(state)
    assert decision is not None
    state = engine.choose(state, decision.choices[0].id).state
    record = saves.read_save(saves.save_as(tmp_path, "acted", engine, state))
    screen = ReplayScreen(engine, record, tmp_path)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        assert text(screen.query_one("#replay-position", Static)).startswith("Decision 1 of 2")
        taken = text(screen.query_one("#replay-taken", Static))
        # (with what the action turned up, as for a choice's outcome)
        assert taken == "Your action, before deciding: Task the intelligence community  →  nothing_new"
        assert "Intelligence confidence: 35 → 43" in text(screen.query_one("#replay-outcome", Static))
        assert "(chosen)" not in text(screen.query_one("#replay-choices", Static))
        await pilot.press("right")
        await pilot.pause()
        assert text(screen.query_one("#replay-taken", Static)).startswith("You chose: ")
