"""The settings file: what the game writes reads back the same, and a broken file is one line and the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.settings import Settings, parse_settings, read_settings, settings_text, write_settings

THEMES = {"crisis-room", "situation-day", "nord"}

binding_ids = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True)
# (no control characters: '\x85' is whitespace to str.strip, so a key of it alone reads back as no key)
key_names = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters=",",
                                  exclude_categories=("Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=12)
keys = st.lists(key_names, min_size=1, max_size=3).map(",".join)


@given(theme=st.none() | st.text(max_size=30), bindings=st.dictionaries(binding_ids, keys, max_size=6),
       leanings=st.none() | st.booleans(), folded=st.booleans())
def test_what_is_written_reads_back_the_same(theme: str | None, bindings: dict[str, str], leanings: bool | None,
                                             folded: bool) -> None:
    settings = Settings(theme, leanings=leanings).with_dashboard(folded)
    for ident, value in bindings.items():
        settings = settings.with_keys(ident, value)
    assert parse_settings(settings_text(settings)) == settings


def test_a_missing_file_is_the_defaults_without_a_word(tmp_path: Path) -> None:
    assert read_settings(tmp_path / "settings.toml", THEMES) == (Settings(), None)


def test_a_good_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "situation-day"\n[keys]\nquit = "ctrl+x"\nchoose_1 = "1,a"\n', encoding="utf-8")
    settings, problem = read_settings(path, THEMES)
    assert problem is None
    assert settings.theme == "situation-day" and dict(settings.keys) == {"choose_1": "1,a", "quit": "ctrl+x"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('theme = "situation-day\n', "not valid TOML: "),
        ("theme = situation-day\n", "not valid TOML: "),
        ("leanings = 1\n", "leanings must be true or false, not 1"),
        ('colour = "red"\n', "unknown setting 'colour' (the settings are: theme, keys, analyst, leanings, dashboard)"),
        ('dashboard = "hidden"\n', "dashboard must be \"auto\", \"shown\" or \"folded\", not 'hidden'"),
        ("dashboard = false\n", "dashboard must be \"auto\", \"shown\" or \"folded\", not False"),
        ("theme = 3\n", "theme must be a name in quotes, not 3"),
        ('theme = "neon"\n', "unknown theme 'neon' (the themes are: crisis-room, nord, situation-day)"),
        ('keys = "ctrl+x"\n', "keys must be a table"),
        ("[keys]\nquit = 1\n", "keys.quit must be keys in quotes"),
        ('[keys]\nquit = ""\n', "keys.quit must be keys in quotes"),
        ('[keys]\nquit = " , "\n', "keys.quit must be keys in quotes"),
        ('[keys]\n"two words" = "x"\n', "keys: 'two words' is not a binding id"),
        ("[keys.quit]\nkey = 'x'\n", "keys.quit must be keys in quotes"),
    ],
)
def test_a_broken_file_is_one_line_and_the_defaults(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    settings, problem = read_settings(path, THEMES)
    assert settings == Settings()
    assert problem is not None and "\n" not in problem
    assert problem.startswith(f"{path}: ") and said in problem and problem.endswith("; using the default settings")
    assert path.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_text_or_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "settings.toml"
    binary.write_bytes(b"theme = \"\xff\xfe\"\n")
    assert read_settings(binary, THEMES)[1] == f"{binary}: not UTF-8 text; using the default settings"
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    settings, problem = read_settings(folder, THEMES)
    assert settings == Settings() and problem is not None and problem.startswith(f"{folder}: cannot be read (")


def test_writing_makes_the_folder_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "redline" / "settings.toml"
    write_settings(path, Settings("nord").with_keys("quit", "ctrl+x"))
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Red Line's settings.")
    assert parse_settings(text) == Settings("nord").with_keys("quit", "ctrl+x")


def test_a_binding_goes_back_to_its_default() -> None:
    settings = Settings().with_keys("quit", "ctrl+x").with_keys("help", "f1")
    assert dict(settings.with_keys("quit", None).keys) == {"help": "f1"}


def test_what_the_file_says_is_shown_with_its_control_characters_escaped(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "\\u001b[31mred"\n', encoding="utf-8")
    problem = read_settings(path, THEMES)[1]
    assert problem is not None and "\x1b" not in problem and "'\\x1b[31mred'" in problem
