"""What a decision's options change: each option forced in turn, everything else played by a policy,
on the same games (shared seeds), for `simulate --compare`.

Each game is played once by the policy; at each decision it meets (the first time it meets each
event), the game is continued once under every option of that decision with the game's own seed and
a fresh copy of the policy's luck, so the options of one decision are compared on the same games.
The truth is used throughout: this is for authors, not a player under the fog.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.analyst.stats import distance, paired_interval, wilson, z_for_pairs
from game.content import Content
from game.engine import Engine, GameState
from game.policies import Policy, forcing, grade_rank

#: Games per task (fixed, so the report does not depend on the number of processes).
CHUNK = 25
MAX_DECISIONS = 10_000
#: Two options whose ending mixes differ by less than this share of games are "the same".
INERT = 0.05
#: Two options are compared only on games where both could be chosen, and only if there are this many.
MIN_SHARED = 30


@dataclass
class Tally:
    """Per event: games that reached it, and per option each game's ending (by game seed)."""

    games: int = 0
    reached: dict[str, int] = field(default_factory=dict)
    endings: dict[str, dict[str, dict[int, str]]] = field(default_factory=dict)  # event -> option -> seed -> end

    def merge(self, other: Tally) -> None:
        self.games += other.games
        for event, count in other.reached.items():
            self.reached[event] = self.reached.get(event, 0) + count
        for event, options in other.endings.items():
            mine = self.endings.setdefault(event, {})
            for option, found in options.items():
                mine.setdefault(option, {}).update(found)


class Comparer:
    def __init__(self, content: Content, policy: str, events: Sequence[str] | None) -> None:
        from game.policies import make_policy

        self.content = content
        self.engine = Engine(content, history_rows=True)
        self.policy_name = policy
        self.make_policy: Callable[[], Policy] = lambda: make_policy(policy, content)
        self.events = None if events is None else frozenset(events)

    def play(self, seeds: Sequence[int]) -> Tally:
        tally = Tally()
        for seed in seeds:
            tally.games += 1
            self._game(seed, tally)
        return tally

    def _game(self, seed: int, tally: Tally) -> None:
        """One game by the policy, continued under every option at each decision it meets first."""
        engine = self.engine
        policy = self.make_policy()
        rng = random.Random(seed)
        forks: list[GameState] = []
        met: set[str] = set()

        def decide(event: str, options: list[tuple[str, int, bool]], state: GameState,
                   env: dict[str, Any]) -> str | None:
            ids = tuple(choice for choice, _posture, ok in options if ok)
            if not ids:
                return None
            if event not in met and (self.events is None or event in self.events) and len(ids) > 1:
                met.add(event)
                forks.append(engine.snapshot(state, env))
            return policy(event, options, ids, rng, env)

        engine.autoplay(seed, decide, MAX_DECISIONS)
        for fork in forks:
            event = fork.event
            assert event is not None
            tally.reached[event] = tally.reached.get(event, 0) + 1
            found = tally.endings.setdefault(event, {})
            for option, _posture, ok in engine.choice_options(fork):
                if not ok:
                    continue
                luck = random.Random(f"{seed}|{event}")
                final, _count, stopped = engine.play_on(fork, forcing(option, self.make_policy(), luck),
                                                        MAX_DECISIONS)
                ending = final.ending if final.ending is not None and stopped is None else "(unfinished)"
                found.setdefault(option, {})[seed] = ending


_WORKER: dict[str, Any] = {}


def _worker_init(folder: str, extra: tuple[str, ...], policy: str, events: tuple[str, ...] | None) -> None:
    key = (folder, extra, policy, events)
    if _WORKER.get("key") == key:
        return
    from game.loader import load_scenario

    content = load_scenario(Path(folder), [Path(p) for p in extra])
    _WORKER.update(key=key, comparer=Comparer(content, policy, events))


def _worker_chunk(seeds: tuple[int, int]) -> Tally:
    comparer: Comparer = _WORKER["comparer"]
    return comparer.play(range(*seeds))


def compare_games(content: Content, events: Sequence[str] | None, policy: str = "random", runs: int = 300,
                  seed: int = 1, jobs: int = 1, source: tuple[Path, Sequence[Path]] | None = None,
                  progress: Callable[[int], None] | None = None) -> Tally:
    """Play `runs` games (seeds seed, seed+1, ...) forking at the decisions of `events` (None: all)."""
    comparer = Comparer(content, policy, events)
    chunks = [(seed + i, seed + min(i + CHUNK, runs)) for i in range(0, runs, CHUNK)]
    total = Tally()
    if jobs <= 1 or source is None or len(chunks) < 2:
        for start, stop in chunks:
            total.merge(comparer.play(range(start, stop)))
            if progress is not None:
                progress(stop - start)
        return total
    folder, extra = source
    key = (str(folder), tuple(str(p) for p in extra), policy, None if events is None else tuple(events))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _WORKER.update(key=key, comparer=comparer)
    with context.Pool(jobs, initializer=_worker_init, initargs=key) as pool:
        for tally in pool.imap_unordered(_worker_chunk, chunks):
            total.merge(tally)
            if progress is not None:
                progress(tally.games)
    return total


# --- the report ----------------------------------------------------------------------------------


def _cumulative_better(content: Content, a: dict[str, int], b: dict[str, int]) -> bool:
    """Whether mix a is at least as good as b at every grade (first-order dominance), better at one."""
    grades = content.scenario.grades
    if len(grades) < 2:
        return False
    grade_of = {e.model.id: e.model.grade for e in content.endings}
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return False
    strictly = False
    for cut in range(1, len(grades)):
        good = set(grades[cut:])
        share_a = sum(n for e, n in a.items() if grade_of.get(e) in good) / total_a
        share_b = sum(n for e, n in b.items() if grade_of.get(e) in good) / total_b
        if share_a < share_b - 1e-12:
            return False
        strictly = strictly or share_a > share_b
    return strictly


def report(content: Content, tally: Tally, *, policy: str, runs: int, seed: int) -> dict[str, Any]:
    rank = grade_rank(content)
    grade_of = {e.model.id: e.model.grade for e in content.endings}
    decisions: list[dict[str, Any]] = []
    for event, options in tally.endings.items():
        labels = {c.id: c.label for c in content.events[event].choices}
        counts = {option: _counts(found) for option, found in options.items()}
        rows: list[dict[str, Any]] = []
        for option, found in options.items():
            total = len(found)
            score = sum(rank.get(e, 0.0) for e in found.values()) / total if total else 0.0
            rows.append({
                "option": option,
                "label": labels.get(option, option),
                "games": total,
                "score": round(score, 3),
                "endings": {e: [round(x, 3) for x in wilson(n, total)] for e, n in sorted(counts[option].items())},
                "grades": _grades(counts[option], grade_of, total),
            })
        rows.sort(key=lambda row: -row["score"])
        ids: list[str] = [row["option"] for row in rows]
        # (pairs compared on the games where both could be chosen, and only on enough of them)
        spread = 0.0
        for a in ids:
            for b in ids:
                pair = _shared(options, a, b)
                if a < b and pair is not None:
                    spread = max(spread, distance(*pair))
        dominant = []
        # (a claim of dominance holds at 95% over all the pairs of this decision's options together)
        z = z_for_pairs(sum(1 for a in ids for b in ids if a < b and _shared(options, a, b) is not None))
        for a in ids:
            for b in ids:
                pair = _shared(options, a, b)
                if a == b or pair is None or not _cumulative_better(content, *pair):
                    continue
                shared = options[a].keys() & options[b].keys()
                diffs = [rank.get(options[a][s], 0.0) - rank.get(options[b][s], 0.0) for s in shared]
                mean, low, _high = paired_interval(sum(diffs), sum(d * d for d in diffs), len(diffs), z)
                if low > 0:
                    dominant.append({"better": a, "worse": b, "score_gain": round(mean, 3)})
        reached = tally.reached.get(event, 0)
        decisions.append({
            "event": event,
            "title": content.events[event].model.title,
            "reached": reached,
            "reached_share": round(reached / tally.games, 3) if tally.games else 0.0,
            "spread": round(spread, 3),
            "impact": round(spread * reached / tally.games, 3) if tally.games else 0.0,
            "inert": spread < INERT,
            "dominant": dominant,
            "options": rows,
        })
    decisions.sort(key=lambda d: (-d["impact"], d["event"]))
    return {"scenario": content.scenario.id, "policy": policy, "runs": runs, "seed": seed, "games": tally.games,
            "grades": list(content.scenario.grades), "decisions": decisions}


def _shared(options: dict[str, dict[int, str]], a: str, b: str) -> tuple[dict[str, int], dict[str, int]] | None:
    """The ending counts of two options over the games where both could be chosen (None: too few)."""
    shared = options[a].keys() & options[b].keys()
    if len(shared) < MIN_SHARED:
        return None
    return _counts({s: options[a][s] for s in shared}), _counts({s: options[b][s] for s in shared})


def _counts(found: dict[int, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ending in found.values():
        counts[ending] = counts.get(ending, 0) + 1
    return counts


def _grades(counts: dict[str, int], grade_of: dict[str, str], total: int) -> dict[str, float]:
    grades: dict[str, int] = {}
    for ending, count in counts.items():
        grade = grade_of.get(ending) or ending
        grades[grade] = grades.get(grade, 0) + count
    return {grade: round(count / total, 3) for grade, count in grades.items()} if total else {}


def format_report(found: dict[str, Any], one: bool) -> str:
    lines = [f"{found['scenario']}: {found['games']} games, policy {found['policy']}, seeds "
             f"{found['seed']}..{found['seed'] + found['runs'] - 1}; each option forced on the same games"]
    grades = found["grades"]
    if not found["decisions"]:
        lines.append("the decision was never reached with a choice to make")
    if not one:
        lines += ["", "Decisions by impact (the share of all games whose ending the choice can change):",
                  f"  {'impact':>6}  {'spread':>6}  {'reached':>7}  decision"]
        for d in found["decisions"]:
            marks = (" INERT" if d["inert"] else "") + (" DOMINATED OPTION" if d["dominant"] else "")
            lines.append(f"  {d['impact']:>6.1%}  {d['spread']:>6.1%}  {d['reached_share']:>7.0%}  {d['event']}{marks}")
        lines.append("")
    for d in found["decisions"] if one else found["decisions"][:10]:
        lines.append(f"{d['event']} — {d['title']}: reached in {d['reached']} of {found['games']} games; the options' "
                     f"ending mixes differ by up to {d['spread']:.0%} of games")
        for row in d["options"]:
            mix = ", ".join(f"{g} {row['grades'][g]:.0%}" for g in reversed(grades) if row["grades"].get(g))
            if not grades:
                mix = ", ".join(f"{e} {v[0]:.0%}" for e, v in row["endings"].items())
            lines.append(f"  {row['option']:<28} score {row['score']:+.2f}  {mix}")
            if one:
                for ending, (share, low, high) in row["endings"].items():
                    lines.append(f"      {ending:<22} {share:6.1%}  ({low:.1%} .. {high:.1%})")
        for dom in d["dominant"]:
            lines.append(f"  dominant: '{dom['better']}' is at least as good as '{dom['worse']}' at every grade "
                         f"and better overall (+{dom['score_gain']:.2f})")
        if d["inert"]:
            lines.append(f"  inert: no option changes the ending mix by {INERT:.0%} of games or more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def command(content: Content, source: tuple[Path, Sequence[Path]], event: str, runs: int, seed: int, policy: str,
            jobs: int | None, as_json: bool) -> int:
    """`redline simulate --compare EVENT|all` on checked content."""
    import json
    import sys

    from game.expr import suggest
    from game.sim import default_jobs

    if event != "all" and event not in content.events:
        print(f"redline: error: --compare: no event '{event}' in the scenario{suggest(event, content.events)} "
              "(or 'all' for every decision)", file=sys.stderr)
        return 2
    events = None if event == "all" else [event]
    jobs = default_jobs() if jobs is None else jobs
    if sys.stderr.isatty() and not as_json:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("comparing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("games", total=runs)
            tally = compare_games(content, events, policy, runs, seed, jobs, source,
                                  progress=lambda done: bar.advance(task, done))
    else:
        tally = compare_games(content, events, policy, runs, seed, jobs, source)
    found = report(content, tally, policy=policy, runs=runs, seed=seed)
    if as_json:
        print(json.dumps(found, indent=2))
    else:
        print(format_report(found, one=events is not None), end="")
    return 0
