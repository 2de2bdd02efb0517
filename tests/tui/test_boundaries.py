"""What the terminal interface may and may not do: the core never imports Textual, and a bad start
is one clear line with the right exit code, before any screen is drawn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

CORE = ["game.model", "game.expr", "game.content", "game.loader", "game.engine", "game.saves", "game.replay",
        "game.sim", "game.simreport", "game.debrief", "game.plain", "game.cli", "game.devmode"]


def test_core_modules_never_import_textual() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_checking_content_from_the_command_line_never_imports_textual() -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "mini"
    code = (
        "import sys, json\n"
        "from game.cli import main\n"
        f"code = main(['check', {str(fixture)!r}])\n"
        "print(json.dumps([code, 'textual' in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, False]


def test_a_save_folder_that_is_a_file_is_one_line_and_exit_2(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    assert main(["play", "--saves", str(taken)]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"redline: error: save folder: {taken} is a file, not a folder"]
    assert taken.read_text(encoding="utf-8") == "not a folder"


def test_unreadable_save_to_load_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    assert main(["play", "--saves", str(tmp_path), "--load", str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"redline: error: {broken}: ")
    assert broken.read_text(encoding="utf-8") == "{ not json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]


def test_seed_with_load_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save = tmp_path / "some.json"
    save.write_text("{}", encoding="utf-8")
    assert main(["play", "--saves", str(tmp_path), "--load", str(save), "--seed", "3"]) == 2
    assert "--seed and --load do not go together" in capsys.readouterr().err


def test_unknown_scenario_is_reported_before_anything_is_drawn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--scenario", "no-such-scenario"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no scenario 'no-such-scenario'" in err[0]
