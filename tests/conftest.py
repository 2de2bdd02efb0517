"""Shared fixtures: a private content cache, and the mini scenario, copied so a test can break it
without touching the original."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture(autouse=True, scope="session")
def private_content_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The content cache of the tests' own (also for the games they start in subprocesses)."""
    folder = tmp_path_factory.mktemp("content-cache")
    before = os.environ.get("REDLINE_CACHE")
    os.environ["REDLINE_CACHE"] = str(folder)
    yield folder
    if before is None:
        del os.environ["REDLINE_CACHE"]
    else:
        os.environ["REDLINE_CACHE"] = before


@pytest.fixture(autouse=True, scope="session")
def private_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Config and data folders of the tests' own, so no test reads or writes the player's settings or saves."""
    folder = tmp_path_factory.mktemp("user")
    chosen = {"XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data"), "REDLINE_SAVES": None}
    before = {name: os.environ.get(name) for name in chosen}
    for name, value in chosen.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    yield folder
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/mini."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def edit(mini_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace text in a file of the copied mini scenario: edit("events/main.toml", old, new)."""

    def apply(relative: str, old: str, new: str) -> Path:
        path = mini_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return mini_copy

    return apply
