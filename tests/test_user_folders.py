"""Where the game keeps things, run from a source tree, and what it does without a terminal: the save folder
by --saves, $REDLINE_SAVES or the checkout's saves/, made when missing; `redline saves` names it; the
terminal interface refuses a pipe or a file in one line."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import game
from game import paths
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent
NO_TERMINAL = ("redline: the game needs a terminal; for pipes and files use 'redline play --plain' "
               "(or 'redline serve' for a browser)\n")


def redline(*args: str, stdin: str = "", cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "TEXTUAL_DRIVER"}
    return subprocess.run([sys.executable, "-m", "game", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**environment, **env})


def test_version() -> None:
    done = redline("--version")
    assert (done.returncode, done.stdout) == (0, f"redline {game.__version__}\n")


def test_a_source_tree_plays_its_own_content_and_keeps_the_checkout_saves() -> None:
    assert paths.SOURCE_TREE
    assert paths.CONTENT == ROOT / "content" and paths.SCHEMA == ROOT / "docs" / "content.schema.json"
    assert paths.default_saves() == ROOT / "saves"


def test_the_variable_names_the_save_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDLINE_SAVES", str(tmp_path / "mine"))
    assert paths.default_saves() == tmp_path / "mine"
    assert paths.saves_folder(tmp_path / "given") == tmp_path / "given"
    monkeypatch.setenv("REDLINE_SAVES", "  ")
    assert paths.default_saves() == ROOT / "saves"


def test_saves_names_the_folder_it_reads(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    assert redline("saves", REDLINE_SAVES=str(folder)).stdout == f"no saves in {folder}\n"
    assert not folder.exists()  # listing writes nothing
    played = redline("play", "--plain", str(MINI), "--seed", "1", stdin="1\nq\n", REDLINE_SAVES=str(folder))
    assert played.returncode == 0, played.stderr
    listed = redline("saves", "--content", str(MINI), REDLINE_SAVES=str(folder)).stdout.splitlines()
    assert listed[-1] == f"1 file in {folder}"


def test_a_save_folder_given_that_does_not_exist_is_made(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "deeper"
    done = redline("play", "--plain", str(MINI), "--seed", "1", "--saves", str(folder), stdin="1\nq\n")
    assert done.returncode == 0, done.stderr
    assert len(list(folder.glob("autosave-*.json"))) == 1


def test_a_save_folder_that_cannot_be_made_is_one_line_and_exit_2(tmp_path: Path) -> None:
    taken = tmp_path / "file"
    taken.write_text("x", encoding="utf-8")
    for folder in (taken, taken / "below"):
        done = redline("play", "--plain", str(MINI), "--saves", str(folder), stdin="1\n")
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith("redline: error: save folder: ") and done.stderr.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize("args", [(), ("play",), ("play", "--dev"), ("play", str(MINI))])
def test_without_a_terminal_the_interface_is_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    done = redline(*args, stdin="\n", REDLINE_SAVES=str(tmp_path / "saves"))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", NO_TERMINAL)
    assert not (tmp_path / "saves").exists()


def test_output_to_a_file_from_a_terminal_is_refused_too(tmp_path: Path) -> None:
    """`redline > file`: a terminal on stdin, a file on stdout; the file gets no escape codes."""
    leader, follower = pty.openpty()
    out = tmp_path / "out.txt"
    try:
        with out.open("w") as stdout:
            done = subprocess.run([sys.executable, "-m", "game"], stdin=follower, stdout=stdout,
                                  stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120,
                                  env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"})
    finally:
        os.close(leader)
        os.close(follower)
    assert (done.returncode, done.stderr) == (2, NO_TERMINAL)
    assert out.read_text(encoding="utf-8") == ""


def test_the_replay_viewer_without_a_terminal_is_refused(tmp_path: Path) -> None:
    played = redline("play", "--plain", "--seed", "1", "--saves", str(tmp_path), stdin="1\nq\n")
    assert played.returncode == 0, played.stderr
    [save] = tmp_path.glob("autosave-*.json")
    done = redline("replay", str(save))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", NO_TERMINAL)
    assert redline("replay", str(save), "--verify").returncode == 0  # no interface needed
