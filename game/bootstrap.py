"""Finding and loading what a game starts with, for the command line and the terminal interface alike.

The scenario is a folder given as PATH, or a shipped one by `--scenario` (else the default one),
with the extra content folders of `--content`; `check_scenario` reads it, from the content cache
when nothing changed. Problems are printed to stderr, located, with what was not done.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game import paths

if TYPE_CHECKING:
    from game.content import Content
    from game.loader import LoadReport


def scenario_path(scenario: str | None) -> Path:
    """The folder of a shipped scenario (the default one for None)."""
    return paths.scenario_folder(scenario)


def scenario_given(args: argparse.Namespace) -> Path | None:
    """The scenario folder given as PATH, or None for a shipped scenario (by --scenario, or the default one)."""
    path = getattr(args, "path", None)
    return Path(path) if path else None


def print_problems(problems: Sequence[Any], stream: Any = None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stdout)


def checked_or_report(scenario: str | None, extra: Sequence[Path], folder: Path | None = None,
                      doing: str = "started") -> LoadReport | None:
    """The checked content (a LoadReport) of a shipped scenario, or of `folder` when given.

    On problems, print each to stderr with what was not done, and return None.
    """
    from game.loader import check_scenario

    if folder is None:
        folder = scenario_path(scenario)
        if scenario is not None and not folder.is_dir():
            known = ", ".join(paths.scenario_ids()) or "none"
            print(f"redline: error: no scenario '{scenario}' (shipped scenarios: {known})", file=sys.stderr)
            return None
    report = check_scenario(folder, extra)
    if report.content is None:
        print_problems(report.problems, sys.stderr)
        print(f"redline: {report.summary()}; nothing was {doing}", file=sys.stderr)
        return None
    return report


def load_or_report(scenario: str | None, extra: Sequence[Path], folder: Path | None = None) -> Content | None:
    """Load a scenario for playing (a shipped one, or the one in `folder`); on problems, print them and return None."""
    report = checked_or_report(scenario, extra, folder)
    return None if report is None else report.content


def has_terminal() -> bool:
    """Whether the terminal interface can start: a terminal on stdin and stdout, or a driver of its own (the
    browser's, under `redline serve`); if not, say what to use instead."""
    if os.environ.get("TEXTUAL_DRIVER") or (sys.stdin.isatty() and sys.stdout.isatty()):
        return True
    print("redline: the game needs a terminal; for pipes and files use 'redline play --plain' "
          "(or 'redline serve' for a browser)", file=sys.stderr)
    return False
