"""Reading at 80×24: the dashboard folds away and the brief widens; the counsel is a line per advisor
that opens to the full argument; paging keeps a line of overlap; what repeats under every outcome is
shown once."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from game.content import Content
from game.settings import parse_settings
from game.tui.app import RedLineApp, build_app
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.situation import SituationRoom
from game.tui.widgets.counsel import CounselLine

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


async def test_at_80_columns_the_brief_has_the_whole_width_and_d_brings_the_dashboard_back(
        shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        brief = app.screen.query_one("#brief")
        dashboard = app.screen.query_one("#dashboard")
        assert dashboard.region.width == 0, "a narrow terminal starts with the dashboard folded away"
        wide = brief.size.width
        assert wide >= 76
        await pilot.press("d")
        await pilot.pause()
        assert dashboard.region.width > 0
        assert brief.size.width < wide
        await pilot.press("d")
        await pilot.pause()
        assert dashboard.region.width == 0
        assert brief.size.width == wide


async def test_a_wide_terminal_starts_with_the_dashboard_shown(shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#dashboard").region.width > 0


async def test_m_brings_a_folded_dashboard_back(shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        dashboard = app.screen.query_one("#dashboard")
        assert dashboard.region.width > 0 and dashboard.has_focus


async def test_the_players_choice_of_dashboard_is_kept_at_the_next_start(shipped_content: Content, tmp_path: Path,
                                                                      settings_file: Path) -> None:
    app = room_game(shipped_content, tmp_path, remember_settings=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
    assert parse_settings(settings_file.read_text(encoding="utf-8")).dashboard == "shown"
    again = room_game(shipped_content, tmp_path, remember_settings=True, seed=2)
    async with again.run_test(size=SMALL) as pilot:
        await settle(again, pilot)
        assert again.screen.query_one("#dashboard").region.width > 0, "shown, as the player asked, though narrow"
        await pilot.press("d")
        await settle(again, pilot)
    assert parse_settings(settings_file.read_text(encoding="utf-8")).dashboard == "folded"
    wide = room_game(shipped_content, tmp_path, remember_settings=True, seed=3)
    async with wide.run_test(size=(120, 32)) as pilot:
        await settle(wide, pilot)
        assert wide.screen.query_one("#dashboard").region.width == 0, "folded, as the player asked, though wide"


# --- the counsel: a line per advisor, open to the full argument -----------------------------------


def counsel_lines(app: RedLineApp) -> list[CounselLine]:
    return list(app.screen.query(CounselLine))


def shown_text(line: CounselLine) -> str:
    return str(line.render())


async def test_counsel_is_one_line_per_advisor_naming_the_choice_they_back(shipped_content: Content,
                                                                           tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # the whole width, so the few words are not cut
        await pilot.pause()
        decision = app.decision
        assert decision is not None
        advisors = {c.advisor for choice in decision.choices for c in choice.counsel}
        lines = counsel_lines(app)
        assert len(lines) == len(advisors) > 1
        assert all(line.size.height == 1 for line in lines)
        osei = next(line for line in lines if "Osei" in shown_text(line))
        backed = next(n for n, choice in enumerate(decision.choices, start=1)
                      if any(c.advisor == "osei" and c.position == "for" for c in choice.counsel))
        assert f"▲{backed} {decision.choices[backed - 1].label}" in shown_text(osei)
        says = next(c.says for c in decision.choices[backed - 1].counsel if c.advisor == "osei")
        assert " ".join(says.split())[:30] not in shown_text(osei)


async def test_enter_on_a_counsel_line_opens_the_full_argument_and_folds_it_again(shipped_content: Content,
                                                                                  tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("b", "tab")  # from the brief, Tab goes to the first advisor's line
        await pilot.pause()
        first, second = counsel_lines(app)[:2]
        assert first.has_focus
        await pilot.press("enter")
        await pilot.pause()
        says = " ".join(first.counsel.positions[0].says.split())
        assert says in " ".join(shown_text(first).split())
        assert first.counsel.stance in shown_text(first)
        assert first.size.height > 3 and second.size.height == 1
        await pilot.press("down", "space")  # the next advisor's line, opened with space
        await pilot.pause()
        assert second.has_focus and second.size.height > 3
        await pilot.press("up", "enter")
        await pilot.pause()
        assert first.size.height == 1


async def test_e_opens_every_argument_and_they_stay_open_at_the_next_decision(shipped_content: Content,
                                                                              tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert all(line.expanded and line.size.height > 1 for line in counsel_lines(app))
        decision = app.decision
        assert decision is not None
        number = next(i for i, c in enumerate(decision.choices, start=1) if c.available)
        await pilot.press(str(number))
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        lines = counsel_lines(app)
        assert lines and all(line.expanded for line in lines)
        await pilot.press("e")
        await pilot.pause()
        assert all(line.size.height == 1 for line in lines)


# --- paging keeps a line; what repeats under every outcome is shown once --------------------------


async def test_space_pages_the_brief_keeping_the_last_line_as_the_first_of_the_next_page(
        shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        brief = app.screen.query_one("#brief")
        page = brief.scrollable_content_region.height
        assert brief.max_scroll_y > 2 * page  # the first brief at 80×24 is longer than two pages
        tops = [brief.scroll_y]
        while brief.scroll_y < brief.max_scroll_y:
            await pilot.press("space")
            await pilot.pause()
            tops.append(brief.scroll_y)
        # each page starts on the last line of the one before, but the last, which ends on the end
        assert all(after - before == page - 1 for before, after in pairwise(tops[:-1]))
        assert 0 < tops[-1] - tops[-2] <= page - 1
        await pilot.press("space")  # at the end, space says so and stays
        await pilot.pause()
        assert brief.scroll_y == tops[-1]


async def take_first_choice(app: RedLineApp, pilot: Any) -> OutcomeScreen:
    decision = app.decision
    assert decision is not None
    number = next(i for i, c in enumerate(decision.choices, start=1) if c.available)
    await pilot.press(str(number))
    await pilot.pause()
    assert isinstance(app.screen, OutcomeScreen)
    return app.screen


async def test_space_reads_on_through_an_outcome_then_goes_on(shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        outcome = await take_first_choice(app, pilot)
        body = outcome.query_one("#outcome-body")
        assert body.max_scroll_y > 0  # the first outcome at 80×24 is longer than its panel
        page = body.scrollable_content_region.height
        await pilot.press("space")
        await pilot.pause()
        assert app.screen is outcome
        assert body.scroll_y == min(page - 1, body.max_scroll_y)
        while body.scroll_y < body.max_scroll_y:
            await pilot.press("space")
            await pilot.pause()
        await pilot.press("space")
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)


async def test_notes_that_were_under_the_last_outcome_fold_into_one_line_that_n_opens(
        shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        first = await take_first_choice(app, pilot)
        first_notes = first.resolution.notes
        assert first_notes and not first.query("#outcome-repeated")
        changes = str(first.query_one("#outcome-changes", Static).content)
        assert all(note in changes for note in first_notes)
        await pilot.press("enter")
        await settle(app, pilot)
        second = await take_first_choice(app, pilot)
        again = [note for note in second.resolution.notes if note in first_notes]
        assert again, "the background notes of the first turn come again at the second"
        changes = str(second.query_one("#outcome-changes", Static).content)
        assert not any(note in changes for note in again)
        folded = second.query_one("#outcome-repeated", Static)
        assert str(folded.content) == f"+ {len(again)} notes as after your last decision (n shows them)"
        await pilot.press("n")
        await pilot.pause()
        assert str(folded.content).splitlines() == [f"· {note}" for note in again]


def test_a_note_said_on_each_turn_of_a_quiet_stretch_is_read_once(mini_content: Content) -> None:
    from game.engine import Engine
    from game.tui.screens.outcome import outcome_content, repeated_notes

    engine = Engine(mini_content)
    preference = {"opening": "warn", "reply": "gamble", "crisis": "back_down", "late": "ok", "routine": "handle"}
    state = engine.new_game(0)
    while True:
        decision = engine.decision(state)
        assert decision is not None
        resolution = engine.choose(state, preference[decision.event.id])
        state = resolution.state
        if resolution.notes.count("Tension creeps up.") == 2:
            break
    shown = str(outcome_content(mini_content, resolution))
    assert shown.count("Tension creeps up.") == 1 and "a quiet stretch" in shown
    assert repeated_notes(resolution, {"Tension creeps up."}) == ("Over 2 turns: Tension creeps up.",)
    assert "Tension creeps up." not in str(outcome_content(mini_content, resolution, {"Tension creeps up."}))


async def test_an_advisor_line_in_focus_hands_focus_to_the_choices_at_the_next_decision(
        shipped_content: Content, tmp_path: Path) -> None:
    app = room_game(shipped_content, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("b", "tab")
        await pilot.pause()
        assert isinstance(app.screen.focused, CounselLine)
        await take_first_choice(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SituationRoom)
        assert app.screen.focused is app.screen.query_one("#choices")
