"""Shared fixtures: the mini scenario, copied so a test can break it without touching the original."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"


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
