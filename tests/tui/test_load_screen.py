"""The load screen, driven with Pilot inside a tiny host app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import DataTable, Static

from game import saves
from game.content import Content
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.tui.screens.load import LoadRequest, LoadScreen

FIXTURES = Path(__file__).parent.parent / "fixtures"


class Host(App[None]):
    """Pushes one LoadScreen and keeps what it dismissed with."""

    def __init__(self, folder: Path, content_for: Any, purpose: Any = "load") -> None:
        super().__init__()
        self.folder = folder
        self.content_for = content_for
        self.purpose = purpose
        self.results: list[LoadRequest | None] = []

    def on_mount(self) -> None:
        self.push_screen(LoadScreen(self.folder, self.content_for, self.purpose), self.results.append)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_scenario(FIXTURES / "mini")


def played(engine: Engine, seed: int, decisions: int) -> GameState:
    state = engine.new_game(seed)
    for _ in range(decisions):
        decision = engine.decision(state)
        if decision is None:
            break
        state = engine.choose(state, decision.choices[0].id).state
    return state


def text_of(widget: Static) -> str:
    shown = widget.content
    return str(getattr(shown, "plain", shown))


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def opened(app: Host, pilot: Any) -> LoadScreen:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LoadScreen)
    return screen


async def test_every_save_is_listed_with_progress_and_status_and_bad_files_hide_none(
    content: Content, tmp_path: Path
) -> None:
    engine = Engine(content)
    saves.save_as(tmp_path, "Before the election", engine, played(engine, 1, 2))
    saves.save_as(tmp_path, "Other scenario", engine, played(engine, 2, 1))
    (tmp_path / "cut.json").write_bytes(saves.to_json(saves.make_record(
        engine, played(engine, 3, 3), "cut", saves.GameInfo.new())).encode()[:900])
    (tmp_path / "empty.json").write_bytes(b"")
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await opened(app, pilot)
        table = screen.query_one("#load-table", DataTable)
        shown = {row[0]: row for row in rows(table)}
        assert set(shown) == {"Before the election", "Other scenario", "cut.json", "empty.json"}
        assert shown["Before the election"][1:3] == ["Mini crisis", "turn 3, 06 Nov 2024, 2 decisions"]
        assert shown["Before the election"][4] == "ok"
        assert shown["cut.json"][4] == "unreadable" and shown["empty.json"][4] == "unreadable"
        names = [row[0] for row in rows(table)]
        table.move_cursor(row=names.index("cut.json"))
        await pilot.pause()
        detail = text_of(screen.query_one("#load-detail", Static))
        assert "Unreadable: truncated: the file stops after 900 bytes" in detail


async def test_enter_loads_the_highlighted_save(content: Content, tmp_path: Path) -> None:
    engine = Engine(content)
    state = played(engine, 4, 2)
    path = saves.save_as(tmp_path, "mine", engine, state)
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        assert "Press Enter to play on from here." in text_of(screen.query_one("#load-detail", Static))
        await pilot.press("enter")
        await pilot.pause()
    [request] = app.results
    assert request is not None and request.path == path and request.content is content
    assert request.state.to_dict() == state.to_dict()
    assert request.info.game == saves.read_save(path).game, "loading goes on with the same game"


async def test_an_unreadable_save_cannot_be_loaded_and_says_why(content: Content, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{ not really", encoding="utf-8")
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert any("broken.json cannot be loaded: corrupted" in str(n.message) for n in app._notifications)


async def test_changed_content_offers_to_continue_from_the_last_matching_decision(
    content: Content, tmp_path: Path, edit: Any
) -> None:
    engine = Engine(content)
    state = played(engine, 0, 5)
    saves.save_as(tmp_path, "long game", engine, state)
    edited = load_scenario(edit("events/main.toml", '"intel += 10"', '"intel += 5"'))
    edited_engine = Engine(edited)
    record = saves.read_save(tmp_path / "long-game.json")
    expected = saves.open_record(record, edited_engine)
    assert expected.divergence is not None
    app = Host(tmp_path, lambda scenario: edited)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await opened(app, pilot)
        assert rows(screen.query_one("#load-table", DataTable))[0][4] == "content changed"
        detail = text_of(screen.query_one("#load-detail", Static))
        assert f"it goes differently at decision {expected.divergence.number}" in detail
        assert f"continue from after decision {expected.divergence.matched}" in detail
        await pilot.press("enter")
        await pilot.pause()
    [request] = app.results
    assert request is not None and request.content is edited
    assert request.state.to_dict() == expected.state.to_dict()
    assert request.info.branched_from is not None and request.info.game != record.game


async def test_escape_goes_back_without_loading(content: Content, tmp_path: Path) -> None:
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        assert text_of(screen.query_one("#load-detail", Static)) == "No saved games yet."
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_a_missing_folder_is_said_plainly(content: Content, tmp_path: Path) -> None:
    app = Host(tmp_path / "gone", lambda scenario: content)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        detail = text_of(screen.query_one("#load-detail", Static))
        assert detail.startswith("Cannot list the saves: the save folder") and "does not exist" in detail


async def test_a_narrow_terminal_still_shows_the_list(content: Content, tmp_path: Path) -> None:
    engine = Engine(content)
    saves.save_as(tmp_path, "mine", engine, played(engine, 4, 1))
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(30, 10)) as pilot:
        screen = await opened(app, pilot)
        assert screen.query_one("#load-table", DataTable).row_count == 1


async def test_picking_a_save_to_replay(content: Content, tmp_path: Path) -> None:
    engine = Engine(content)
    path = saves.save_as(tmp_path, "to watch", engine, played(engine, 4, 3))
    app = Host(tmp_path, lambda scenario: content, purpose="replay")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(app, pilot)
        assert text_of(screen.query_one("#load-heading", Static)).startswith("Replay a saved game from")
        assert "Press Enter to replay it." in text_of(screen.query_one("#load-detail", Static))
        await pilot.press("enter")
        await pilot.pause()
    [request] = app.results
    assert request is not None and request.path == path and request.loaded.record.decision_count == 3


async def test_a_finished_game_offers_its_debrief_and_each_save_names_its_game(
    content: Content, tmp_path: Path
) -> None:
    engine = Engine(content)
    finished = played(engine, 5, 100)
    assert finished.over
    saves.save_as(tmp_path, "done", engine, finished)
    app = Host(tmp_path, lambda scenario: content)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await opened(app, pilot)
        detail = text_of(screen.query_one("#load-detail", Static))
        assert "This game is over. Press Enter to read its debrief." in detail
        [row] = rows(screen.query_one("#load-table", DataTable))
        game = saves.read_save(tmp_path / "done.json").game
        assert row[5] == f"#{game[:4]}" and f"game #{game[:4]}, begun " in detail
