"""The `redline` command: one small function per subcommand.

`redline` alone opens the game in the terminal interface; the subcommands check content,
play in plain text, and (see --help) work with saves, replays and automated playtests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, NoReturn, cast

from game import __version__, paths
from game.bootstrap import (
    checked_or_report,
    has_terminal,
    load_or_report,
    print_problems,
    scenario_given,
    scenario_path,
)
from game.gcpause import paused_gc


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _seed(text: str) -> int:
    from game.safetext import shown
    from game.seeds import seed_problem

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, not {shown(repr(text))}") from None
    problem = seed_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _scenario_id(text: str) -> str:
    """A scenario id as the command line may give it: the name of a folder of the content, no path."""
    from game.safetext import shown

    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", text):
        raise argparse.ArgumentTypeError(f"{shown(repr(text))} is not a scenario id (lower-case letters, digits, "
                                         "'-' and '_', starting with a letter)")
    return text


def _folder(text: str) -> Path:
    return Path(text)


# --- check ------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from game.loader import check_scenario, display_path

    folders = [Path(p) for p in args.paths] or [scenario_path(args.scenario)]
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
                "actions": len(content.actions),
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
    for _folder, report, counts in results:
        print_problems(report.in_order())
        if counts is None:
            print(report.summary())
        else:
            count = counts["actions"]
            actions = f"{count} action{'s' if count != 1 else ''}, " if count else ""
            print(
                f"ok: {counts['events']} events, {counts['choices']} choices, {counts['endings']} endings, "
                f"{actions}{counts['advisors']} advisors, {counts['words']} words"
            )
    return 1 if failed else 0


# --- play -------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace) -> int:
    if args.jump is not None and not args.dev:
        print("redline: error: --jump needs --dev", file=sys.stderr)
        return 2
    if args.path and args.scenario:
        print("redline: error: give a scenario folder or --scenario, not both", file=sys.stderr)
        return 2
    if not args.plain:
        return cmd_tui(args)
    folder = scenario_given(args)
    if args.dev:
        from game import devmode

        report = checked_or_report(args.scenario, args.content, folder)
        if report is None:
            return 1
        return devmode.plain_command(report, folder or scenario_path(args.scenario), args.content, args.seed,
                                     args.jump)
    from game.engine import Engine
    from game.plain import format_intro, play
    from game.safetext import SafeStream
    from game.saves import Autosaver, GameInfo, SaveError

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    # the game's text comes from files: no control character of theirs reaches the terminal
    out = cast(IO[str], SafeStream(sys.stdout))
    saves_dir = _saves_dir(args.saves)
    if saves_dir is None:
        return 2
    record = None
    if args.load is not None:
        if args.seed is not None:
            print("redline: error: --seed and --load do not go together: a save keeps its own seed", file=sys.stderr)
            return 2
        resumed = _resume_plain(args, read, out)
        if isinstance(resumed, int):
            return resumed
        engine, state, info, record = resumed
    else:
        content = load_or_report(args.scenario, args.content, folder)
        if content is None:
            return 1
        engine = Engine(content)
        from game.seeds import seed_or_fresh

        seed = seed_or_fresh(args.seed)
        state = engine.new_game(seed)
        info = GameInfo.new()
        print(f"{content.scenario.title}: seed {seed}", file=out)
        print(format_intro(content.scenario), file=out)

    autosaver = Autosaver(saves_dir, engine, info, record=record)
    if not args.no_autosave:
        from game.loader import display_path

        print(f"(The game is autosaved in {display_path(saves_dir)} after every decision.)", file=out)

    def after_decision(now: Any) -> None:
        if args.no_autosave:
            return
        failing = autosaver.status(now).error is not None
        try:
            autosaver(now)
        except SaveError:
            print(f"\n[{autosaver.status(now).unsaved_line()}]", file=out)
            return
        if autosaver.notice:
            print(f"\n[{autosaver.notice}]", file=out)
            autosaver.notice = None
        if failing:
            print(f"\n[Saved again: {autosaver.path} holds all {len(now.decisions)} decisions.]", file=out)

    consult = _plain_analyst(engine, out)
    try:
        state = play(engine, state, read, out, after_decision=after_decision, consult=consult)
    finally:
        autosaver.close()
    status = autosaver.status(state)
    if status.error is not None:
        print(f"\n{status.unsaved_line()}", file=out)
    if status.path is not None:
        held = "" if status.complete else f" (the first {status.saved} decision{'s' if status.saved != 1 else ''})"
        if state.over:
            print(f"\nAutosaved to {status.path}{held}. The decisions that shaped this ending: "
                  f"redline analyze {status.path}", file=out)
        else:
            print(f"\nAutosaved to {status.path}{held}; continue with: redline play --plain --load {status.path}",
                  file=out)
    return 0 if status.complete or args.no_autosave else 1


def _plain_analyst(engine: Any, out: IO[str]) -> Any:
    """The plain game's `o`: the analyst's odds at the decision, within the scenario's allowance."""
    settings = engine.content.scenario.analyst
    if not settings.available:
        return None
    consulted: set[int] = set()

    def consult(state: Any, decision: Any) -> list[str]:
        from game.analyst.rollouts import Analyst
        from game.analyst.view import FUTURES, text_lines

        key = len(state.chose)
        if settings.uses and key not in consulted and len(consulted) >= settings.uses:
            return [f"The analyst has been consulted at {settings.uses} decisions already; this scenario allows "
                    "no more in one game."]
        consulted.add(key)
        print("(The analyst is playing futures of each option...)", file=out, flush=True)
        analyst = Analyst(engine.content, "counsel")
        futures = analyst.futures(state, FUTURES // 2)
        numbers = {choice.id: number for number, choice in enumerate(decision.choices, start=1)}
        left = "" if not settings.uses else f" ({settings.uses - len(consulted)} consultation(s) left this game)"
        now = {k: float(v) for k, v in state.values.items()}
        return ["", *text_lines(engine.content, futures, numbers, now), *([left] if left else [])]

    return consult


def _saves_dir(chosen: Path | None) -> Path | None:
    """The save folder to play with (--saves, $REDLINE_SAVES or the default), made when it does not exist yet;
    None, with the reason printed, when it cannot be."""
    try:
        return paths.make_folder(paths.saves_folder(chosen))
    except paths.FolderError as error:
        print(f"redline: error: save folder: {error}", file=sys.stderr)
        return None


def _resume_plain(args: argparse.Namespace, read: Any, out: Any) -> Any:
    """(engine, state, game info, the record to go on from) of a save to play on, or an exit code."""
    from game.engine import Engine
    from game.safetext import shown
    from game.saves import SaveError, going_on, open_record, progress, read_save

    try:
        record = read_save(args.load)
        folder = scenario_given(args)
        if folder is not None:
            content = load_or_report(None, args.content, folder)
            if content is None:
                return 1
        else:
            content = _content_for(args.content)(args.scenario or record.scenario)
        loaded = going_on(args.load, open_record(record, Engine(content)))
    except SaveError as exc:
        print(f"redline: error: {shown(args.load)}: {exc}", file=sys.stderr)
        return 2
    print(f"{record.title}: {record.slot}, {progress(record)} (seed {record.seed})", file=out)
    if loaded.status != "ok":
        print(loaded.summary, file=out)
    if loaded.divergence is not None:
        print("Continue from there? [y/N] ", end="", flush=True, file=out)
        answer = read()
        if answer is None or answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.", file=out)
            return 0
    return Engine(content), loaded.state, loaded.info, loaded.continued


# --- saves and replays ------------------------------------------------------------------------


def _content_for(extra: Sequence[Path]) -> Any:
    """Checked content by scenario id, for saves; a missing or broken scenario is a one-line SaveError."""
    from game.loader import check_scenario
    from game.saves import SaveError

    found: dict[str, Any] = {}

    def content_for(scenario: str) -> Any:
        if scenario not in found:
            folder = scenario_path(scenario)
            if not folder.is_dir():
                found[scenario] = SaveError(f"scenario '{scenario}' is not installed")
            else:
                report = check_scenario(folder, extra)
                found[scenario] = report.content if report.content is not None else SaveError(
                    f"scenario '{scenario}' has {len(report.problems)} problem(s) in its content "
                    f"(see 'redline check --scenario {scenario}')")
        result = found[scenario]
        if isinstance(result, SaveError):
            raise result
        return result

    return content_for


def cmd_analyze(args: argparse.Namespace) -> int:
    from game.analyst.rollouts import Analyst
    from game.analyst.shaping import from_save, shape
    from game.engine import Engine
    from game.replay import choices_of
    from game.safetext import shown
    from game.saves import SaveError, open_record, read_save, with_analysis
    from game.sim import default_jobs

    source: Path = args.file
    try:
        record = read_save(source)
        content = _content_for(args.content)(record.scenario)
        loaded = open_record(record, Engine(content))
    except SaveError as exc:
        print(f"redline: error: {shown(source)}: {exc}", file=sys.stderr)
        return 2
    state = loaded.state
    if state.ending is None:
        print(f"redline: error: {shown(source)}: the game is not over yet (turn {state.turn}); the analysis "
              "weighs the decisions of a finished game", file=sys.stderr)
        return 2
    jobs = default_jobs() if args.jobs is None else args.jobs
    found = from_save(record.analysis, content, state.ending, args.futures, args.policy)
    if found is not None:
        return _print_analysis(args, record, content, state, found, " (worked out before, kept in the save)")
    analyst = Analyst(content, args.policy, jobs=jobs, source=(scenario_path(record.scenario), tuple(args.content)))
    try:
        progress = None
        if sys.stderr.isatty() and not args.json:
            def progress(done: int, total: int) -> None:
                print(f"\rweighing decision {min(done + 1, total)} of {total}", end="", file=sys.stderr, flush=True)
        found = shape(content, record.seed, choices_of(state), state.ending, futures=args.futures,
                      analyst=analyst, progress=progress)
    finally:
        analyst.close()
        if sys.stderr.isatty() and not args.json:
            print("\r\033[K", end="", file=sys.stderr)
    assert found is not None
    kept = ""
    try:
        with_analysis(source, found.for_save(content))
        kept = " (kept in the save)"
    except SaveError as exc:
        print(f"redline: note: the analysis could not be kept in the save: {exc}", file=sys.stderr)
    return _print_analysis(args, record, content, state, found, kept)


def _print_analysis(args: argparse.Namespace, record: Any, content: Any, state: Any, found: Any, kept: str) -> int:
    from game.analyst.shaping import summary, table
    from game.safetext import shown

    if args.json:
        print(json.dumps({**found.to_dict(), "summary": summary(content, found)}, indent=2))
        return 0
    ending = content.ending(state.ending)
    print(f"{content.scenario.title}: {shown(record.slot)} — ended “{ending.title}” ({ending.grade}){kept}")
    print()
    print("The decisions that shaped this ending:")
    for line in summary(content, found):
        print(f"  {line}" if line else "")
    print()
    print("Every decision, by impact (the share of futures whose ending the best other option changes):")
    for line in table(content, found):
        print(f"  {line}")
    return 0


def cmd_saves(args: argparse.Namespace) -> int:
    from game.safetext import shown
    from game.saves import SaveError, list_saves, local_time, progress

    folder = paths.saves_folder(args.saves)
    if args.saves is None and not folder.exists():
        listings = []
    else:
        try:
            listings = list_saves(folder, _content_for(args.content))
        except SaveError as exc:
            print(f"redline: error: {shown(exc)}", file=sys.stderr)
            return 2
    if args.json:
        # (escaped as \uXXXX beyond ASCII, so no control character of a file reaches a terminal)
        print(json.dumps([_listing_json(item) for item in listings], indent=2))
        return 0
    if not listings:
        print(f"no saves in {shown(folder)}")
        return 0
    rows = [("FILE", "NAME", "SCENARIO", "PROGRESS", "SAVED", "STATUS")]
    for item in listings:
        status = shown(f"{item.status}: {item.reason}" if item.reason else item.status)
        saved = item.record
        if saved is None:
            rows.append((item.name, "-", "-", "-", "-", status))
        else:
            rows.append((item.name, shown(saved.slot), saved.scenario, progress(saved), local_time(saved.saved),
                         status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
    print(f"{len(listings)} file{'s' if len(listings) != 1 else ''} in {shown(folder)}")
    return 0


def _listing_json(item: Any) -> dict[str, Any]:
    saved = item.record
    data: dict[str, Any] = {"file": item.path.name, "status": item.status, "reason": item.reason}
    if saved is not None:
        data.update(slot=saved.slot, scenario=saved.scenario, title=saved.title, seed=saved.seed, turn=saved.turn,
                    date=saved.date, decisions=saved.decision_count, ending=saved.ending, saved=saved.saved,
                    game=saved.game)
    return data


def cmd_replay(args: argparse.Namespace) -> int:
    from game.engine import Engine
    from game.files import WriteError, check_target, write_file
    from game.replay import replay, transcript
    from game.safetext import shown
    from game.saves import EDITED, SaveError, open_record, progress, read_save

    source: Path = args.file
    out: Path | None = args.transcript
    if out is not None:
        try:
            check_target(out)
        except WriteError as exc:
            print(f"redline: error: --transcript: {shown(exc)}", file=sys.stderr)
            return 2
        if os.path.lexists(out) and source.exists() and out.samefile(source):
            print(f"redline: error: --transcript {shown(out)} would overwrite the save", file=sys.stderr)
            return 2
        if not out.parent.is_dir():
            print(f"redline: error: no folder {shown(out.parent)} to write the transcript in", file=sys.stderr)
            return 2
    try:
        record = read_save(source)
        content = _content_for(args.content)(record.scenario)
    except SaveError as exc:
        print(f"redline: error: {shown(source)}: {exc}", file=sys.stderr)
        return 2
    engine = Engine(content)
    changed = " (the content changed since this save)" if record.content_hash != content.content_hash else ""
    if out is not None:
        run = replay(engine, record.seed, record.steps, record.start)
        heading = f"{content.scenario.title}: {record.slot}"
        meta = {"seed": record.seed, "saved": record.saved, "progress": progress(record)}
        text = transcript(engine, type(run)(run.frames, run.final, run.divergence, run.total, meta), heading)
        try:
            write_file(out, text.encode())
        except WriteError as exc:
            print(f"redline: error: {shown(exc)}", file=sys.stderr)
            return 2
        print(f"wrote {shown(out)}: {len(run.frames)} of {run.total} decisions")
    if args.verify:
        try:
            loaded = open_record(record, engine)  # every decision re-run, and the snapshot compared
        except SaveError as exc:
            print(shown(exc))
            return 1
        if loaded.divergence is None:
            print(f"identical: {record.decision_count} decisions re-run; every state matches the record{changed}")
            return 0
        edited = " (the record was edited or damaged: the content and the game are as they were)"
        print(shown(f"diverges {loaded.divergence}{edited if loaded.status == EDITED else changed}"))
        return 1
    if out is not None:
        return 0
    return _open_replay_viewer(args, engine, record)


def _open_replay_viewer(args: argparse.Namespace, engine: Any, record: Any) -> int:
    if not has_terminal():
        return 2
    try:
        saves_dir = paths.make_folder(args.saves if args.saves is not None else args.file.parent)
    except paths.FolderError as error:
        print(f"redline: error: save folder: {error}", file=sys.stderr)
        return 2
    try:
        from game.tui import app as tui_app
    except ImportError:
        tui_app = None  # type: ignore[assignment]
    if tui_app is not None and hasattr(tui_app, "run_replay"):
        result: int = tui_app.run_replay(args, engine, record, saves_dir)
        return result
    try:
        from game.tui.screens.replay import run_viewer
    except ImportError:
        print("redline: the terminal interface is not installed; use --verify or --transcript", file=sys.stderr)
        return 1
    return run_viewer(engine, record, saves_dir)


def cmd_tui(args: argparse.Namespace) -> int:
    # the start allocates little garbage but many long-lived objects: the collector is paused before
    # the interface is imported, and the app ends the pause once its first frame is drawn
    with paused_gc() as pause:
        try:
            from game.tui.app import run
        except ImportError:
            print("redline: the terminal interface is not installed; use 'redline play --plain'", file=sys.stderr)
            return 1
        return run(args, pause)


# --- simulate and schema ----------------------------------------------------------------------


def _chance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the chance must be a number from 0 to 1, not {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"the chance must be a number from 0 to 1, not {text}")
    return value


def _runs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the number of runs must be a whole number, not {text!r}") from None
    if not 1 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError("the number of runs must be between 1 and 10,000,000")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the number of jobs must be a whole number, not {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError("the number of jobs must be between 1 and 256")
    return value


#: the policies of automated play (game.policies.POLICIES describes them; kept here so that building the
#: parser does not import the simulator)
POLICY_NAMES = ("random", "explore", "cautious", "forceful", "counsel", "lookahead")


def cmd_simulate(args: argparse.Namespace) -> int:
    from game import sim
    from game.seeds import MAX_SEED, RANGE

    runs = args.runs if args.runs is not None else (300 if args.compare else 1000)
    if args.seed is not None and args.seed + runs - 1 > MAX_SEED:
        print(f"redline: error: --seed {args.seed} with --runs {runs} would use seeds past 2**63-1 "
              f"(every seed is {RANGE})", file=sys.stderr)
        return 2
    folder = Path(args.path) if args.path else scenario_path(args.scenario)
    report = checked_or_report(args.scenario, args.content, Path(args.path) if args.path else None, "simulated")
    if report is None or report.content is None:
        return 1
    seed = args.seed if args.seed is not None else 1
    if args.compare:
        from game.analyst.compare import command as compare

        return compare(report.content, (folder, tuple(args.content)), args.compare, runs, seed, args.policy,
                       args.jobs, args.json)
    return sim.command(report.content, (folder, tuple(args.content)), runs, seed, args.policy, args.jobs, args.json,
                       args.act_chance)


def cmd_names(args: argparse.Namespace) -> int:
    from game.loader import check_scenario
    from game.names import names_of, names_text

    folder = Path(args.path) if args.path else scenario_path(args.scenario)
    report = check_scenario(folder, args.content)
    content = report.content or report.partial  # with problems, the names of what is sound
    if report.content is None:
        print_problems(report.problems, sys.stderr)
        listed = "; the names below are those of what loaded" if content is not None else ""
        print(f"redline: {report.summary()}{listed}", file=sys.stderr)
    if content is None:
        return 1
    if args.json:
        print(json.dumps(names_of(content), indent=2))
    else:
        sys.stdout.write(names_text(content))
    return 0 if report.content is not None else 1


def cmd_graph(args: argparse.Namespace) -> int:
    from game.authoring.graph import dot, mermaid

    report = checked_or_report(args.scenario, args.content, Path(args.path) if args.path else None, "drawn")
    if report is None or report.content is None:
        return 1
    sys.stdout.write(mermaid(report.content) if args.format == "mermaid" else dot(report.content))
    return 0


def cmd_quicktest(args: argparse.Namespace) -> int:
    from game.authoring.quicktest import command

    report = checked_or_report(args.scenario, args.content, Path(args.path) if args.path else None, "tested")
    if report is None or report.content is None:
        return 1
    return command(report.content, args.seed if args.seed is not None else 1, args.games, args.json)


def cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from game.authoring.lsp import serve
    except ImportError:
        print("redline: the language server needs pygls: pip install 'redline[lsp]'", file=sys.stderr)
        return 1
    serve()
    return 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the port must be a whole number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("the port must be between 1 and 65535")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    from game.serve import serve

    return serve(args.host, args.port, args.saves, args.public_url)


def cmd_schema(args: argparse.Namespace) -> int:
    from game.schema import schema_text

    sys.stdout.write(schema_text())
    return 0


# --- the parser -------------------------------------------------------------------------------


def _content_option(parser: argparse.ArgumentParser, what: str = "that adds or replaces entries") -> None:
    """`--content DIR`, repeatable: the extra content folders a command loads with the scenario."""
    parser.add_argument("--content", action="append", type=_folder, default=[], metavar="DIR",
                        help=f"an extra content folder {what} (repeatable)")


SAVES_HELP = f"the save folder (default: ${paths.SAVES_VARIABLE}, else the one 'redline saves' names)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="redline",
        description="Red Line: advise the President through the crisis of October 2024. "
        "With no command, the game opens in the terminal.",
    )
    parser.set_defaults(func=cmd_tui, scenario=None, content=[], seed=None)
    parser.add_argument("--version", action="version", version=f"redline {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="validate scenario content and report every problem",
                                description="Validate scenario content. Prints each problem as "
                                "file:line:col: message, or a one-line summary; exit 0 if the content is sound.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="scenario folders (default: the shipped scenario)")
    check.add_argument("--scenario", type=_scenario_id, help="id of a shipped scenario to check")
    _content_option(check)
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(func=cmd_check)

    play = commands.add_parser("play", help="play a game", description="Play a game of a scenario: a shipped one, "
                               "or the one in a folder given as PATH.")
    play.add_argument("path", nargs="?", metavar="PATH", help="a scenario folder (default: the shipped scenario)")
    play.add_argument("--plain", action="store_true",
                      help="plain text over stdin/stdout, choices numbered (for screen readers and pipes)")
    play.add_argument("--scenario", type=_scenario_id, help="id of the scenario to play (default: the shipped one)")
    play.add_argument("--seed", type=_seed, help="the seed of the game (default: random)")
    _content_option(play)
    play.add_argument("--saves", type=_folder, metavar="DIR", help=SAVES_HELP + "; made if missing")
    play.add_argument("--load", type=_folder, metavar="FILE", help="play on from a save file (--plain)")
    play.add_argument("--no-autosave", action="store_true", help="do not autosave after every decision (--plain)")
    play.add_argument("--dev", action="store_true",
                      help="for authors: reload the content when its files change, keeping the game where it was")
    play.add_argument("--jump", metavar="EVENT",
                      help="with --dev: start at this event, in a state that satisfies its trigger")
    play.set_defaults(func=cmd_play)

    saves = commands.add_parser("saves", help="list saved games and whether each can be loaded",
                                description="List every save in the save folder with its scenario, progress, "
                                "when it was saved, and its status: ok, content changed, or unreadable (and why).")
    saves.add_argument("--saves", type=_folder, metavar="DIR", help=SAVES_HELP)
    _content_option(saves, "the games were played with")
    saves.add_argument("--json", action="store_true", help="print the list as JSON")
    saves.set_defaults(func=cmd_saves)

    replay = commands.add_parser("replay", help="step through, verify or transcribe a saved game",
                                 description="Open a saved game in the replay viewer, or with --verify re-run "
                                 "every decision and compare each state with the record (exit 0 identical, "
                                 "1 diverged, 2 unreadable), or write a Markdown transcript.")
    replay.add_argument("file", type=_folder, metavar="FILE", help="a save file")
    replay.add_argument("--verify", action="store_true", help="re-run the game and check every step; no interface")
    replay.add_argument("--transcript", type=_folder, metavar="OUT.md", help="write a readable transcript")
    replay.add_argument("--saves", type=_folder, metavar="DIR",
                        help="where 'take over here' writes its new save (default: the save's folder)")
    _content_option(replay, "the game was played with")
    replay.set_defaults(func=cmd_replay)

    analyze = commands.add_parser(
        "analyze", help="the decisions that shaped a finished game's ending",
        description="Weigh every decision of a finished saved game: futures of each option at each decision "
        "(the rest played by a policy, with the true hidden values) show how the ending would have moved; print "
        "the decisions that mattered most, each in a sentence, and what the better endings needed.")
    analyze.add_argument("file", type=_folder, metavar="SAVE", help="a save of a finished game")
    analyze.add_argument("--futures", type=_runs, default=100, metavar="N",
                         help="futures of each option at each decision (default: 100)")
    analyze.add_argument("--policy", default="counsel", choices=POLICY_NAMES,
                         help="how the rest of each future is played (default: counsel)")
    analyze.add_argument("--jobs", type=_jobs, nargs="?", const=None, default=None, metavar="J",
                         help="processes to use (default: every core)")
    _content_option(analyze, "the game was played with")
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON")
    analyze.set_defaults(func=cmd_analyze)

    simulate = commands.add_parser(
        "simulate", help="play many automated games; report endings, coverage and stat ranges",
        description="Play many automated games of a scenario and report how often each ending is reached, "
        "how long games are, which events, choices, outcomes and endings are never reached (with file:line "
        "and why), and the range of every stat.")
    simulate.add_argument("path", nargs="?", metavar="PATH", help="a scenario folder (default: the shipped scenario)")
    simulate.add_argument("--scenario", type=_scenario_id, help="id of a shipped scenario to simulate")
    simulate.add_argument("--runs", type=_runs, metavar="N",
                          help="games to play (default: 1000; 300 with --compare)")
    simulate.add_argument("--seed", type=_seed, metavar="S",
                          help="seed of the first game; game i uses S+i (default: 1)")
    simulate.add_argument("--policy", default="random", choices=POLICY_NAMES,
                          help="how choices are made: random (uniform), explore (steers toward what has not "
                          "been reached), cautious (lowest posture), forceful (highest posture), counsel (the "
                          "advisors' majority), lookahead (one decision ahead on the meters the endings favour)")
    simulate.add_argument("--act-chance", type=_chance, metavar="P",
                          help="how often the player takes an open standing action before a decision, 0 to 1 "
                          "(default: 0.3 random, 0.5 explore, 0 for the others)")
    simulate.add_argument("--jobs", type=_jobs, nargs="?", const=None, default=1, metavar="J",
                          help="processes to use; --jobs alone uses every core (default: 1)")
    simulate.add_argument("--compare", metavar="EVENT",
                          help="force each option of EVENT's decision in turn on the same games (everything else "
                          "played by the policy) and report the endings per option, dominated options and inert "
                          "decisions; 'all' does it for every decision and ranks them by impact")
    _content_option(simulate)
    simulate.add_argument("--json", action="store_true", help="print the report as JSON")
    simulate.set_defaults(func=cmd_simulate)

    names = commands.add_parser("names", help="list the names content can use: meters, flags, counters, ...",
                                description="List every name the content's expressions, counsel and follow-ups "
                                "can use: meters, flags, counters, named dates, seasons, the calendar, functions, "
                                "advisors, and events with their choices, each with where it is declared.")
    names.add_argument("path", nargs="?", metavar="PATH", help="a scenario folder (default: the shipped scenario)")
    names.add_argument("--scenario", type=_scenario_id, help="id of a shipped scenario")
    _content_option(names)
    names.add_argument("--json", action="store_true", help="print the names as JSON")
    names.set_defaults(func=cmd_names)

    graph = commands.add_parser("graph", help="print the story as a graph (Mermaid or Graphviz DOT)",
                                description="Print the events, their choices, the follow-ups they schedule, the "
                                "flags that gate events and endings, and the endings, as a graph to render.")
    graph.add_argument("path", nargs="?", metavar="PATH", help="a scenario folder (default: the shipped scenario)")
    graph.add_argument("--scenario", type=_scenario_id, help="id of a shipped scenario")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="the output format")
    _content_option(graph)
    graph.set_defaults(func=cmd_graph)

    quicktest = commands.add_parser(
        "quicktest", help="force every event, choice and outcome once and report what goes wrong",
        description="For every event, choice and outcome, find a state where it can happen (by automated play, "
        "or by placing the event as --jump does), force it, and report effects that always clamp, outcomes "
        "whose chance is 0 wherever they are reached, texts that name something unknown, and errors, each "
        "with file:line. Exit 1 when something is reported.")
    quicktest.add_argument("path", nargs="?", metavar="PATH", help="a scenario folder (default: the shipped scenario)")
    quicktest.add_argument("--scenario", type=_scenario_id, help="id of a shipped scenario")
    quicktest.add_argument("--seed", type=_seed, metavar="S", help="seed of the first automated game (default: 1)")
    quicktest.add_argument("--games", type=_runs, default=200, metavar="N",
                           help="automated games played to find states (default: 200)")
    _content_option(quicktest)
    quicktest.add_argument("--json", action="store_true", help="print the findings as JSON")
    quicktest.set_defaults(func=cmd_quicktest)

    lsp = commands.add_parser("lsp", help="the language server for content files (for editors)",
                              description="Run the language server of the content format over stdin and stdout: "
                              "diagnostics as you type, completion, hover, go to definition and references. "
                              "Needs the 'lsp' extra (pip install 'redline[lsp]').")
    lsp.set_defaults(func=cmd_lsp)

    serve = commands.add_parser(
        "serve", help="play in a web browser (needs the web extra, with textual-serve)",
        description="Serve the game to web browsers: each tab that opens the page plays its own game, with the "
        "title screen. There is no login, so by default only this machine can connect; a --host other than "
        "127.0.0.1 or localhost lets others on the network play too, and read and overwrite the saves.")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="the port to listen on (default: 8000)")
    serve.add_argument("--saves", type=_folder, metavar="DIR", help=SAVES_HELP + "; made if missing")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers reach the server by, when not http://HOST:PORT (behind a proxy)")
    serve.set_defaults(func=cmd_serve)

    schema = commands.add_parser("schema", help="print the JSON Schema of the content format",
                                 description="Print the JSON Schema of a content file, generated from the "
                                 "content models (the repository keeps a copy in docs/content.schema.json).")
    schema.set_defaults(func=cmd_schema)
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
