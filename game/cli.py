"""The `redline` command: one small function per subcommand.

`redline` alone opens the game in the terminal interface; the subcommands check content,
play in plain text, and (see --help) work with saves, replays and automated playtests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from game import paths


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, not {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("the seed must be between 0 and 2**63-1")
    return value


def _folder(text: str) -> Path:
    return Path(text)


def _scenario_path(scenario: str | None) -> Path:
    return paths.scenario_folder(scenario)


def _print_problems(problems: Sequence[Any], stream: Any = sys.stdout) -> None:
    for problem in problems:
        print(problem, file=stream)


def load_or_report(scenario: str | None, extra: Sequence[Path]) -> Any:
    """Load a scenario for playing; on problems, print them and return None."""
    from game.loader import check_scenario

    folder = _scenario_path(scenario)
    if scenario is not None and not folder.is_dir():
        known = ", ".join(paths.scenario_ids()) or "none"
        print(f"redline: error: no scenario '{scenario}' (shipped scenarios: {known})", file=sys.stderr)
        return None
    report = check_scenario(folder, extra)
    if report.content is None:
        _print_problems(report.problems, sys.stderr)
        print(f"redline: {len(report.problems)} problem(s) in the content; nothing was started", file=sys.stderr)
        return None
    return report.content


# --- check ------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from game.loader import check_scenario, display_path

    folders = [Path(p) for p in args.paths] or [_scenario_path(args.scenario)]
    results = []
    failed = False
    for folder in folders:
        report = check_scenario(folder, args.content)
        content = report.content
        counts = None
        if content is not None:
            counts = {
                "events": len(content.events),
                "choices": content.choice_count,
                "endings": len(content.endings),
                "advisors": len(content.advisors),
                "words": content.words,
            }
        failed = failed or content is None
        results.append((folder, report, counts))
    if args.json:
        payload = [
            {
                "path": display_path(folder),
                "ok": counts is not None,
                "counts": counts,
                "problems": [p.as_dict() for p in report.problems],
                "notes": [n.as_dict() for n in report.notes],
            }
            for folder, report, counts in results
        ]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return 1 if failed else 0
    for folder, report, counts in results:
        _print_problems(report.notes)
        _print_problems(report.problems)
        if counts is None:
            print(f"{display_path(folder)}: {len(report.problems)} problem(s)")
        else:
            print(
                f"ok: {counts['events']} events, {counts['choices']} choices, {counts['endings']} endings, "
                f"{counts['advisors']} advisors, {counts['words']} words"
            )
    return 1 if failed else 0


# --- play -------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace) -> int:
    if not args.plain:
        return cmd_tui(args)
    content = load_or_report(args.scenario, args.content)
    if content is None:
        return 1
    from game.engine import Engine
    from game.plain import play, wrap

    engine = Engine(content)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    state = engine.new_game(seed)
    print(f"{content.scenario.title}: seed {seed}")
    print(f"You are: {content.scenario.role}\n")
    if content.scenario.intro:
        print(wrap(content.scenario.intro))

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    play(engine, state, read, sys.stdout)
    return 0


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from game.tui.app import run
    except ImportError:
        print("redline: the terminal interface is not installed; use 'redline play --plain'", file=sys.stderr)
        return 1
    return run(args)


# --- the parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="redline",
        description="Red Line: advise the President through the crisis of October 2024. "
        "With no command, the game opens in the terminal.",
    )
    parser.set_defaults(func=cmd_tui, scenario=None, content=[], seed=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="validate scenario content and report every problem",
                                description="Validate scenario content. Prints each problem as "
                                "file:line:col: message, or a one-line summary; exit 0 if the content is sound.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="scenario folders (default: the shipped scenario)")
    check.add_argument("--scenario", help="id of a shipped scenario to check")
    check.add_argument("--content", action="append", type=_folder, default=[], metavar="DIR",
                       help="an extra content folder that adds or replaces entries (repeatable)")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(func=cmd_check)

    play = commands.add_parser("play", help="play a game", description="Play a game of a scenario.")
    play.add_argument("--plain", action="store_true",
                      help="plain text over stdin/stdout, choices numbered (for screen readers and pipes)")
    play.add_argument("--scenario", help="id of the scenario to play (default: the shipped one)")
    play.add_argument("--seed", type=_seed, help="the seed of the game (default: random)")
    play.add_argument("--content", action="append", type=_folder, default=[], metavar="DIR",
                      help="an extra content folder that adds or replaces entries (repeatable)")
    play.set_defaults(func=cmd_play)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return result
