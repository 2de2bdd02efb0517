"""The `redline` command as a user runs it: in a real subprocess, reading its output and exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent


def redline(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_check_prints_a_one_line_summary() -> None:
    done = redline("check", str(MINI))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "ok: 5 events, 10 choices, 3 endings, 2 advisors, 68 words"


def test_check_reports_problems_with_location_and_exit_1(edit: Callable[[str, str, str], Path]) -> None:
    folder = edit("events/main.toml", 'advisor = "dove"', 'advisor = "dover"')
    done = redline("check", str(folder))
    assert done.returncode == 1
    assert "events/main.toml:22:15: unknown advisor 'dover'; did you mean 'dove'?" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_check_json_has_counts_and_located_problems(edit: Callable[[str, str, str], Path]) -> None:
    good = json.loads(redline("check", str(MINI), "--json").stdout)
    assert good["ok"] and good["counts"]["events"] == 5
    folder = edit("scenario.toml", "initial = 40", "initial = 400")
    done = redline("check", str(folder), "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1 and not report["ok"]
    [problem] = report["problems"]
    assert problem["file"].endswith("scenario.toml") and (problem["line"], problem["col"]) == (31, 11)
    assert problem["message"] == "initial (400) is outside 0..100"


def test_check_of_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    done = redline("check", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "nowhere: no such folder" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_check_reports_replacements_from_extra_content(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text(
        '[[event]]\nid = "late"\ntitle = "Late, again"\nbrief = "x"\ntrigger = "turn > 2"\n'
        '[[event.choice]]\nid = "ok"\nlabel = "OK"\n',
        encoding="utf-8",
    )
    done = redline("check", str(MINI), "--content", str(tmp_path))
    assert done.returncode == 0
    assert "note: event 'late' replaces the one at" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["play", "--seed", "abc"],
        ["check", "--json", "--nope"],
        ["nosuchcommand"],
        ["play", "--seed", "-5"],
    ],
)
def test_bad_argument_is_one_line_and_exit_2(args: list[str]) -> None:
    done = redline(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert (len(lines) == 1 and lines[0].startswith("redline: error:")) or lines[-1].startswith("redline")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["check"], ["play"], ["saves"], ["replay"], ["simulate"], ["schema"]])
def test_every_command_has_help(command: list[str]) -> None:
    done = redline(*command, "--help")
    assert done.returncode == 0 and "usage: redline" in done.stdout


def test_plain_play_runs_a_whole_game_from_piped_input(tmp_path: Path) -> None:
    scenario = tmp_path / "content"
    scenario.mkdir()
    done = redline("play", "--plain", "--seed", "4", "--scenario", "mini", stdin="1\n" * 40,
                   cwd=_checkout_with_mini(tmp_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Mini crisis: seed 4" in out
    assert "From 30 October 2024 on, the story is hypothetical" in out
    assert "1. Warn them" in out and "[unavailable] Strike (Tension is too low to justify it.)" in out
    assert "ENDING:" in out and "What was hidden from you:" in out


def test_plain_play_stops_cleanly_at_end_of_input(tmp_path: Path) -> None:
    done = redline("play", "--plain", "--seed", "4", "--scenario", "mini", stdin="9\nstrike\n1\n",
                   cwd=_checkout_with_mini(tmp_path))
    assert done.returncode == 0
    assert "Please type a number from 1 to 3." in done.stdout
    assert "That choice is not available: Tension is too low to justify it." in done.stdout
    assert "Input ended; the game stops here." in done.stdout
    assert "Traceback" not in done.stderr


def test_plain_play_of_an_unknown_scenario_is_refused() -> None:
    done = redline("play", "--plain", "--scenario", "atlantis")
    assert done.returncode == 1
    assert "no scenario 'atlantis'" in done.stderr and "Traceback" not in done.stderr


def test_same_seed_and_answers_give_the_same_transcript(tmp_path: Path) -> None:
    cwd = _checkout_with_mini(tmp_path)
    first = redline("play", "--plain", "--seed", "9", "--scenario", "mini", stdin="1\n2\n1\n2\n1\n2\n", cwd=cwd)
    second = redline("play", "--plain", "--seed", "9", "--scenario", "mini", stdin="1\n2\n1\n2\n1\n2\n", cwd=cwd)
    def game_text(out: str) -> list[str]:  # the autosave's file name differs from game to game
        return [line for line in out.splitlines() if "autosave" not in line]

    assert game_text(first.stdout) == game_text(second.stdout)
    assert len(game_text(first.stdout)) > 50


def _checkout_with_mini(tmp_path: Path) -> Path:
    """A directory from which `python -m game` finds the mini scenario as a shipped one."""
    import shutil

    checkout = tmp_path / "checkout"
    (checkout / "content").mkdir(parents=True)
    shutil.copytree(MINI, checkout / "content" / "mini")
    shutil.copytree(ROOT / "game", checkout / "game", ignore=shutil.ignore_patterns("__pycache__"))
    (checkout / "saves").mkdir()
    return checkout


def test_plain_text_keeps_list_items_apart_and_drops_emphasis() -> None:
    from game.plain import wrap

    text = wrap("**Situation Room.** Read this.\n\n- first point\n- second *point*\n\n1. one\n2. two")
    assert text == "Situation Room. Read this.\n\n- first point\n- second point\n\n1. one\n2. two"


def test_names_lists_what_expressions_can_use_with_where_each_is_declared(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from game.cli import main

    assert main(["names", str(MINI)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Meters (stats): read them, and change them with +=, -= or =\n")
    tension = next(line for line in shown.splitlines() if line.strip().startswith("tension "))
    assert "Tension" in tension and "0..100" in tension and "scenario.toml:28" in tension
    assert "days_to_election" in shown and 'fired("event")' in shown and "days_until" in shown
    opening = next(line for line in shown.splitlines() if line.strip().startswith("opening "))
    assert "warn, wait" in opening


def test_names_as_json_include_a_pack(capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    assert main(["names", "--content", str(ROOT / "docs" / "example-pack"), "--json"]) == 0
    names = json.loads(capsys.readouterr().out)
    kinds = {"stats", "flags", "counters", "dates", "seasons", "calendar", "functions", "advisors", "events"}
    assert kinds <= set(names)
    events = {e["id"]: e for e in names["events"]}
    assert events["weather_cold_snap"]["where"].startswith("docs/example-pack/cold_snap.toml:")
    assert any(s["id"] == "kremlin_threat" and s["hidden"] for s in names["stats"])


def test_names_of_a_broken_scenario_lists_its_problems_and_exit_1(tmp_path: Path) -> None:
    done = redline("names", str(tmp_path / "nowhere"))
    assert done.returncode == 1 and "nowhere: no such folder" in done.stderr and "Traceback" not in done.stderr


def test_names_describes_every_built_in_name() -> None:
    from game.loader import BUILTIN_NAMES
    from game.names import CALENDAR

    assert set(CALENDAR) == set(BUILTIN_NAMES) - {"true", "false"}
