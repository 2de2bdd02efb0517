"""Playing the game in the terminal with Pilot: keys alone, from the title screen to an ending."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList, Static

from game.content import Content
from game.tui.app import RedLineApp, build_app
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.dialogs import ConfirmDialog, NewGameDialog
from game.tui.screens.help import HelpScreen
from game.tui.screens.intro import IntroScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.situation import SituationRoom
from game.tui.screens.title import TitleScreen
from game.tui.screens.too_small import TooSmallScreen
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.dashboard import Dashboard
from game.tui.widgets.prose import Prose

SEED = 42


def text(widget: Any) -> str:
    """What a Static (or any widget with content) shows, as plain text."""
    shown = widget.content if isinstance(widget, Static) else widget.render()
    return str(getattr(shown, "plain", shown))


def meter_line(app: RedLineApp, label: str) -> str:
    dashboard = app.screen.query_one(Dashboard)
    return next(line for line in text(dashboard).splitlines() if line.startswith(label))


async def settle(app: RedLineApp, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def start_game(app: RedLineApp, pilot: Any, seed: int = SEED) -> None:
    """From the title screen: n, type the seed, Enter, then Enter past the intro."""
    await settle(app, pilot)
    assert isinstance(app.screen, TitleScreen)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewGameDialog)
    await pilot.press(*str(seed), "enter")
    await pilot.pause()
    assert isinstance(app.screen, IntroScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, SituationRoom)


async def play_to_the_end(app: RedLineApp, pilot: Any, limit: int = 200) -> int:
    """Take the first available choice (by its number key) until the debrief; returns the decisions taken."""
    taken = 0
    while not isinstance(app.screen, DebriefScreen):
        assert taken < limit, "the game did not end"
        assert isinstance(app.screen, SituationRoom), type(app.screen)
        decision = app.decision
        assert decision is not None
        number = next(i for i, c in enumerate(decision.choices, start=1) if c.available)
        await pilot.press(str(number))
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        taken += 1
    return taken


async def test_whole_game_played_to_an_ending_by_keys_alone(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_game(app, pilot)
        taken = await play_to_the_end(app, pilot)
        assert app.state is not None and app.state.over
        ending = mini_content.ending(app.state.ending or "")
        assert ending.title in text(app.screen.query_one("#ending-title"))
        assert taken == len(app.state.decisions)
        await settle(app, pilot)
    files = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]  # (the game's lock file is hidden)
    assert sorted(p.name.startswith("autosave-") for p in files) == [True] * len(files)


async def test_whole_game_of_the_shipped_scenario_at_80_by_24(shipped_content: Content, tmp_path: Path) -> None:
    app = build_app(shipped_content, saves_dir=tmp_path, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_game(app, pilot, seed=7)
        await play_to_the_end(app, pilot)
        assert app.state is not None and app.state.ending is not None
        assert isinstance(app.screen, DebriefScreen)


async def test_choice_changes_the_dashboard(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert meter_line(app, "Tension").split()[1] == "40/100"
        await pilot.press("1")  # "Warn them": tension += 10, then the turn's drift adds 2
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert meter_line(app, "Tension").split()[1] == "52/100"


async def test_arrows_and_enter_pick_a_choice(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        assert app.screen.resolution.choice == "wait"


async def test_choice_unavailable_shows_reason_and_cannot_be_taken(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = app.state
        choices = app.screen.query_one(ChoiceList)
        strike = choices.get_option("strike")
        assert strike.disabled
        prompt = " ".join(str(getattr(strike.prompt, "plain", "")).split())
        assert "✗ unavailable: Tension is too low to justify it." in prompt
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        assert app.state is before
        assert any("Tension is too low" in str(n.message) for n in app._notifications)
        # the arrows skip it too: from the last available choice, down stays there
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        assert app.screen.resolution.choice == "wait"


async def test_help_opens_and_closes(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = " ".join(prose.source for prose in app.screen.query(Prose))
        assert "one decision at a time" in help_text and "How tense things are." in help_text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)


async def test_outcome_shows_estimates_of_hidden_stats_never_the_truth(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # warn: the reply follows, with the gamble that moves the threat
        await pilot.pause()
        assert app.decision is not None and app.decision.event.id == "reply"
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        [change] = [c for c in screen.resolution.changes if c.stat == "threat"]
        assert change.before != change.shown_before
        shown = text(screen.query_one("#outcome-changes"))
        line = next(line for line in shown.splitlines() if line.startswith("Threat"))
        assert line.startswith(f"Threat (estimate): ≈{change.shown_before:.0f}% → ≈{change.shown_after:.0f}%")
        assert f"{change.before:g}" not in line and f"{change.after:g}" not in line


async def test_dashboard_shows_hidden_stats_as_estimates_with_a_band(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.decision is not None
        view = next(v for v in app.decision.stats if v.id == "threat")
        line = meter_line(app, "Threat")
        assert f"≈{view.value:.0f}±{(view.high - view.low) / 2:.0f}/100%" in line
        assert app.state is not None and f"{app.state.values['threat']:.0f}/" not in line


async def test_debrief_reveals_the_truth_beside_the_last_estimate_and_exports(mini_content: Content,
                                                                            tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await play_to_the_end(app, pilot)
        assert app.state is not None
        truth = text(app.screen.query_one("#truth"))
        assert "you believed ≈" in truth and f"truth {app.state.values['threat']:.0f}%" in truth
        await pilot.press("e")
        await settle(app, pilot)
        [exported] = list(tmp_path.glob("debrief-*.md"))
        markdown = exported.read_text(encoding="utf-8")
        assert markdown.startswith("# Mini crisis: debrief")
        assert "## What was hidden from you" in markdown and "## Your decisions" in markdown


async def test_too_small_terminal_shows_a_message_and_resizing_restores_the_game(mini_content: Content,
                                                                                   tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.1)
        assert isinstance(app.screen, TooSmallScreen)
        assert "enlarge the terminal" in text(app.screen.query_one("#too-small-text"))
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)


async def test_quit_asks_first_when_the_last_decision_is_not_saved(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SituationRoom)
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_needs_no_question_once_autosaved(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("enter", "ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert app.return_code == 0


async def test_continue_plays_on_from_the_latest_autosave(mini_content: Content, tmp_path: Path) -> None:
    first = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("1")
            await settle(first, pilot)
            await pilot.press("enter")
            await pilot.pause()
        played = first.state
    assert played is not None
    second = build_app(mini_content, saves_dir=tmp_path)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(second, pilot)
        assert "turn 3" in text(second.screen.query_one("#continue-note"))
        await pilot.press("c")
        await settle(second, pilot)
        assert isinstance(second.screen, SituationRoom)
        assert second.state is not None and second.state.to_dict() == played.to_dict()


async def test_continue_is_not_offered_without_an_autosave(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.get_option("continue_game").disabled
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, TitleScreen)


async def test_quicksave_and_quickload_go_back_to_the_saved_decision(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await settle(app, pilot)
        saved = app.state
        assert saved is not None and (tmp_path / "quicksave.json").exists()
        await pilot.press("1", "enter")
        await pilot.pause()
        assert app.state is not saved
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        assert app.state is not None and app.state.to_dict() == saved.to_dict()


async def test_new_game_dialog_refuses_a_seed_out_of_range(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"9999999999999999999", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewGameDialog)
        assert "between 0 and 2**63-1" in text(app.screen.query_one("#seed-error"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


async def test_same_seed_same_first_brief(mini_content: Content, tmp_path: Path) -> None:
    briefs = []
    for _ in range(2):
        app = build_app(mini_content, saves_dir=tmp_path, autosave=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await start_game(app, pilot, seed=5)
            await pilot.press("2", "enter")
            await pilot.pause()
            assert app.state is not None
            briefs.append(app.state.to_dict())
    assert briefs[0] == briefs[1]


async def test_command_palette_offers_the_game_commands(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"export deb")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [p.name for p in tmp_path.glob("debrief-*.md")] == [f"debrief-mini-{SEED}-unfinished.md"]


async def test_theme_switches_between_dark_and_light(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "crisis-room" and app.current_theme.dark
        app.action_toggle_theme()
        await pilot.pause()
        assert app.theme == "situation-day" and not app.current_theme.dark
        app.action_toggle_theme()
        await pilot.pause()
        assert app.theme == "crisis-room"


async def test_leaving_the_title_before_the_autosave_search_ends(mini_content: Content, tmp_path: Path,
                                                                 monkeypatch: Any) -> None:
    import time

    import game.saves

    real = game.saves.latest_autosave

    def slow(folder: Path) -> Any:
        time.sleep(0.3)
        return real(folder)

    monkeypatch.setattr(game.saves, "latest_autosave", slow)
    # as `redline play` does: the intro first; Escape leads to a title screen made on the way
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="intro", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n", "7", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        assert app.return_code is None


async def test_keys_can_be_remapped_by_binding_id(mini_content: Content, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("REDLINE_KEYS", "help=f1;choose_2=x")
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "x")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        assert app.screen.resolution.choice == "wait"


async def test_new_game_offers_a_choice_of_scenarios_when_there_are_several(mini_content: Content, tmp_path: Path,
                                                                           monkeypatch: Any) -> None:
    from game import paths

    fixtures = Path(__file__).parent.parent / "fixtures"
    monkeypatch.setattr(paths, "scenario_ids", lambda: ["mini", "richer"])
    monkeypatch.setattr(paths, "scenario_folder", lambda ident: fixtures / ("tui" if ident == "richer" else ident))
    app = build_app(mini_content, saves_dir=tmp_path, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        options = app.screen.query_one("#scenario-list", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["mini", "richer"]
        options.highlighted = 1
        await pilot.press("3", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IntroScreen)
        assert app.content is not mini_content
        await pilot.press("enter")
        await pilot.pause()
        assert app.decision is not None and "Reports overnight" in app.decision.event.brief


async def test_starting_in_a_small_terminal_shows_the_message_first(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen) and app.state is not None and not app.state.decisions
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.1)
        assert isinstance(app.screen, SituationRoom)
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)


async def test_the_room_lays_out_for_the_width_of_the_terminal(mini_content: Content, tmp_path: Path) -> None:
    def layout(app: RedLineApp) -> set[str]:
        return {name for name in ("-narrow", "-wide") if app.screen.has_class(name)}

    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert layout(app) == {"-narrow"}
        assert not app.screen.query_one("#timeline").display
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#timeline").display and not app.screen.query_one("#dashboard").display
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.1)
        assert layout(app) == {"-wide"}
        assert app.screen.query_one("#timeline").display and app.screen.query_one("#dashboard").display
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert layout(app) == {"-wide"}
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert layout(app) == {"-narrow"}
        assert not app.screen.query_one("#timeline").display


async def test_reading_on_past_the_end_says_once_which_keys_choose(mini_content: Content, tmp_path: Path) -> None:
    app = build_app(mini_content, saves_dir=tmp_path, seed=SEED, start="room", autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        room = app.screen
        assert isinstance(room, SituationRoom) and room.decision is not None
        decision = room.decision
        for _ in range(12):
            await pilot.press("space")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        keys = "1" if len(decision.choices) == 1 else f"1-{len(decision.choices)}"
        assert shown == [f"That is the whole brief. Take a choice with {keys}."]
