"""Settings in the game: the theme and the keys a player changes are remembered in the settings file, the
file's settings are used at the next start, and a broken file is one notice, the defaults, and left alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, OptionList

from game.content import Content
from game.settings import Settings, parse_settings
from game.tui.app import RedLineApp, build_app
from game.tui.screens.help import HelpScreen
from game.tui.screens.keys import KeysScreen, game_bindings
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.title import TitleScreen


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


def game(content: Content, tmp_path: Path, **options: Any) -> RedLineApp:
    return build_app(content, saves_dir=tmp_path / "saves", autosave=False, remember_settings=True, **options)


async def test_a_theme_picked_in_the_game_is_used_at_the_next_start(mini_content: Content, tmp_path: Path,
                                                                    settings_file: Path) -> None:
    app = game(mini_content, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "crisis-room"
        await app.run_action("toggle_theme")
        await settle(app, pilot)
    assert parse_settings(settings_file.read_text(encoding="utf-8")).theme == "situation-day"
    again = game(mini_content, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(again, pilot)
        assert again.theme == "situation-day"


async def test_changes_in_quick_succession_leave_the_last_one_in_the_file(mini_content: Content, tmp_path: Path,
                                                                          settings_file: Path) -> None:
    app = game(mini_content, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        for _ in range(7):
            app.action_toggle_theme()
            await pilot.pause(0)
        await settle(app, pilot)
        assert app.theme == "situation-day"
    assert parse_settings(settings_file.read_text(encoding="utf-8")).theme == "situation-day"


async def test_a_key_changed_on_the_keys_screen_works_and_is_remembered(mini_content: Content, tmp_path: Path,
                                                                       settings_file: Path) -> None:
    app = game(mini_content, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        table = app.screen.query_one("#keys-table", DataTable)
        ids = [item.id for item in app.screen.bindings_list]
        table.move_cursor(row=ids.index("help"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f1")
        await settle(app, pilot)
        assert str(table.get_row("help")[0]) == "f1" and str(table.get_row("quit")[0]) == "^q"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    assert dict(parse_settings(settings_file.read_text(encoding="utf-8")).keys) == {"help": "f1"}
    again = game(mini_content, tmp_path, seed=1, start="room")
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(again, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(again.screen, HelpScreen)


async def test_a_key_put_back_to_its_default_works_again(mini_content: Content, tmp_path: Path,
                                                        settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('[keys]\nchoose_2 = "x"\n', encoding="utf-8")
    app = game(mini_content, tmp_path, seed=1, start="room")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await app.run_action("keys")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        ids = [item.id for item in app.screen.bindings_list]
        app.screen.query_one("#keys-table", DataTable).move_cursor(row=ids.index("choose_2"))
        await pilot.press("delete")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen) and app.screen.resolution.choice == "wait"
    assert parse_settings(settings_file.read_text(encoding="utf-8")) == Settings()


async def test_a_broken_settings_file_is_one_notice_the_defaults_and_left_as_it_is(
    mini_content: Content, tmp_path: Path, settings_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings_file.parent.mkdir(parents=True)
    broken = 'theme = "situation-day\n[keys]\nhelp = "f1"\n'
    settings_file.write_text(broken, encoding="utf-8")
    app = game(mini_content, tmp_path)
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"redline: warning: {settings_file}: not valid TOML: ")
    assert line.endswith("; using the default settings")
    said: list[str] = []
    notify = app.notify

    def noting(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    monkeypatch.setattr(app, "notify", noting)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "crisis-room"
        assert said == [line.removeprefix("redline: warning: ")]
        await app.run_action("toggle_theme")
        await app.run_action("toggle_theme")
        await settle(app, pilot)
        assert len(said) == 2 and said[1].startswith(f"Not remembered: {settings_file} could not be read")
    assert settings_file.read_text(encoding="utf-8") == broken


def test_every_binding_with_an_id_is_listed_once() -> None:
    bindings = game_bindings()
    ids = [item.id for item in bindings]
    assert len(ids) == len(set(ids))
    assert {"quit", "help", "choose_1", "choose_9", "title_new_game", "keys_close", "replay_next"} <= set(ids)
    where = {item.id: item.where for item in bindings}
    assert where["quit"] == "Everywhere" and where["choose_1"] == "Situation room" and where["title_keys"] == "Title"


async def test_new_game_lists_the_shipped_scenarios_and_the_one_opened_by_path(mini_content: Content,
                                                                              tmp_path: Path) -> None:
    from game import paths

    app = build_app(mini_content, saves_dir=tmp_path, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        options = app.screen.query_one("#scenario-list", OptionList)
        listed = [options.get_option_at_index(i) for i in range(options.option_count)]
        assert [option.id for option in listed] == ["mini", *paths.scenario_ids()]
        assert "red-line" in [option.id for option in listed]
        titles = {option.id: str(option.prompt) for option in listed}
        assert titles["mini"] == mini_content.scenario.title and titles["red-line"] == "Red Line"
