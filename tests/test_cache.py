"""The content cache: unchanged content loads without parsing or validating it again, any change is
seen at once, and a damaged or unusable cache never costs more than a normal load."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from game import cache
from game.engine import Engine
from game.loader import check_scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "content" / "red-line"

#: the `edit` fixture of conftest.py: edit("events/main.toml", old, new) -> the edited folder
Edit = Callable[[str, str, str], Path]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.VARIABLE, str(folder))
    return folder


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def _game(folder: Path, seed: int = 5) -> str:
    """A whole game, always the last available choice, as JSON."""
    engine = Engine(load_scenario(folder))
    state = engine.new_game(seed)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, [c.id for c in decision.choices if c.available][-1]).state
    return json.dumps(state.to_dict(), sort_keys=True)


def test_a_warm_start_reads_the_cache_without_importing_pydantic(cache_dir: Path) -> None:
    code = ("import sys, json; from pathlib import Path; from game.loader import load_scenario; "
            f"c = load_scenario(Path({str(SHIPPED)!r})); "
            "print(json.dumps([c.content_hash, len(c.events), 'pydantic' in sys.modules]))")
    env = dict(os.environ, **{cache.VARIABLE: str(cache_dir)})
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                      cwd=ROOT, check=True).stdout) for _ in range(2)]
    assert runs[0][2] is True, "the first load validates, with pydantic"
    assert runs[1][2] is False, "the second load must come from the cache"
    assert runs[0][:2] == runs[1][:2]
    assert len(_files(cache_dir)) == 1


def test_content_from_the_cache_plays_the_same_game(cache_dir: Path, mini_copy: Path) -> None:
    fresh = _game(mini_copy)
    assert _files(cache_dir)
    assert _game(mini_copy) == fresh
    for seed in (1, 2, 3):
        cache.write([mini_copy], "another key", None)  # forces a miss
        uncached = _game(mini_copy, seed)
        assert _game(mini_copy, seed) == uncached


def test_an_edit_is_seen_at_once(cache_dir: Path, mini_copy: Path) -> None:
    folder = mini_copy
    before = load_scenario(folder)
    first = next(iter(before.events.values()))
    path = folder / "events" / "main.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'title = "{first.model.title}"', 'title = "Renamed in an edit"', 1),
                    encoding="utf-8")
    after = load_scenario(folder)
    assert after.events[first.id].model.title == "Renamed in an edit"
    assert after.content_hash != before.content_hash
    assert len(_files(cache_dir)) == 1, "one cache file per set of folders, replaced on a change"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign header", "empty", "wrong payload"])
def test_a_damaged_cache_file_is_ignored_and_replaced(cache_dir: Path, mini_copy: Path, damage: str) -> None:
    expected = _game(mini_copy)
    (slot,) = _files(cache_dir)
    good = slot.read_bytes()
    header_end = good.index(b"\n", len(cache.MAGIC)) + 1
    slot.write_bytes({
        "garbage": b"\x00\xff" * 50,
        "truncated": good[: header_end + 40],
        "foreign header": b"something else\n" + good[header_end:],
        "empty": b"",
        "wrong payload": good[:header_end] + pickle.dumps({"not": "entries"}),
    }[damage])
    assert _game(mini_copy) == expected
    assert slot.read_bytes() == good, "a load after a miss writes the cache again"


def test_a_cache_that_cannot_be_written_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        mini_copy: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.VARIABLE, str(blocker / "cache"))
    report = check_scenario(mini_copy)
    assert report.content is not None and not report.problems
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_goes_to_the_user_cache_folder_unless_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  mini_copy: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(cache.VARIABLE, "off")
    load_scenario(mini_copy)
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv(cache.VARIABLE)
    load_scenario(mini_copy)
    assert len(_files(tmp_path / "xdg" / "redline")) == 1


def test_content_with_problems_is_not_cached_and_still_reported(cache_dir: Path, edit: Edit) -> None:
    folder = edit("events/main.toml", "title =", "titel =")
    first = check_scenario(folder)
    assert first.content is None and first.problems
    assert not _files(cache_dir)
    again = check_scenario(folder)
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]


def test_warnings_and_notes_are_the_same_from_the_cache(cache_dir: Path) -> None:
    extra = ROOT / "docs" / "example-pack"
    first = check_scenario(SHIPPED, [extra])
    second = check_scenario(SHIPPED, [extra])
    assert first.content is not None and second.content is not None
    assert [str(n) for n in second.notes] == [str(n) for n in first.notes]
    assert first.notes, "the example pack replaces an event, which check notes"
    assert second.content.where["event:" + next(iter(second.content.events))] == \
        first.content.where["event:" + next(iter(first.content.events))]


def test_content_whose_expressions_fail_is_not_cached(cache_dir: Path, edit: Edit) -> None:
    folder = edit("events/main.toml", "trigger = \"", "trigger = \"no_such_name > 1 and ")
    report = check_scenario(folder)
    assert report.content is None
    assert any("unknown name 'no_such_name'" in str(p) for p in report.problems)
    assert not cache_dir.exists(), "a failed check writes nothing"
