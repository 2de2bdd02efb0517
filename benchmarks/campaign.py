"""The campaign's targets, measured on a scenario (the shipped one, or a folder given as argument).

Only measures: it plays games with the project's own policies (fixed seeds, so the same content
gives the same figures) and changes nothing. Each target is a line
`target: measured value (goal) MET|NOT MET`; the last line is `campaign_targets_met: K/N`.
A major decision's swing is the largest difference, between its options, in the share of good or of
bad endings (the analyst's view: rank > 0.4 good, rank < 0 bad), each option on the games where
`simulate --compare` forced it (options forced in fewer than MIN_SHARED games are left out); its
"dominant" and "inert" marks are --compare's own. The fog target plays two players twice on the
same seeds, once seeing hidden stats' true values and once only the player's estimates: the lookahead
policy, and an advised player who, at each decision whose consequences read a hidden stat, asks the
analyst for futures of every option (from the truth, or from the estimate bands as the analyst does for
the player) and takes the best; the target is judged on the advised player, and its line gives the
gap's 95% interval over the paired games (a few hundred games pin it down to a few points only).
The endings' shares under random play are read from ENDING_RUNS times as many games as the rest.
Run: python benchmarks/campaign.py [FOLDER] [--runs 600] [--jobs 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from game import paths
from game.analyst.compare import MIN_SHARED, compare_games
from game.analyst.compare import report as compare_report
from game.analyst.rollouts import Roller
from game.analyst.stats import paired_interval
from game.authoring.sites import sites
from game.content import Content, event_texts, word_count
from game.engine import Decide, Engine, GameState
from game.expr import reads_directly
from game.loader import load_scenario
from game.policies import Counsel, Lookahead, grade_rank
from game.sim import Player, Tally, run_games
from game.simreport import spread

#: The major decisions (event ids): going public, the strike limits, the call for direct action, the
#: camps, Kursk, European troops, the doctrine and nuclear signalling, election timing, the ceasefire.
MAJOR_DECISIONS: tuple[str, ...] = (
    "going_public", "strike_limits", "direct_action_revisited", "camp_strikes",
    "kursk_card", "kursk_eight_thousand", "kursk_treaty_cover", "kursk_chip", "kursk_offensive_result",
    "kursk_january", "kursk_squeeze", "europe_troops_question", "doctrine_update", "nuclear_signal",
    "election_timing", "ceasefire_architecture",
)
#: The spine: each dilemma of the two source documents, and the events that put it to the player
#: (any one of them counts). Each must be faced in SPINE_SHARE of games under random and counsel.
SPINE: dict[str, tuple[str, ...]] = {
    "going public": ("going_public",),
    "3,000 or 10,000, and what they are": ("kursk_eight_thousand", "intel_gaps"),
    "the strike limits against Moscow's warning": ("strike_limits",),
    "the call for direct military action": ("turner_call", "direct_action_revisited"),
    "North Koreans as legitimate targets (the camps)": ("camp_strikes",),
    "Kursk and the mutual-defence treaty": ("kursk_treaty_cover",),
    "what Pyongyang gains and Seoul's role": ("korea_seoul_ask",),
    "the election and the transition": ("election_timing", "election_result"),
    "the mud season and winter": ("weather_rasputitsa", "weather_first_frost", "weather_grid_winter",
                                  "weather_cold_snap", "front_winter_offensive"),
    "European troops": ("europe_troops_question",),
    "nuclear risk": ("doctrine_update",),
    "the battlefield: hold or talk": ("front_win_or_talk", "front_town_falls", "talks_feelers", "front_breach",
                                      "front_russian_wobble"),
    # (the grid in winter asks whether the interceptors go to Ukraine or to Central Command)
    "the Middle East crisis": ("mideast_flare", "tehran_moscow_link", "interceptor_crunch", "regional_war_scare",
                               "weather_grid_winter"),
    "the sceptic's questions": ("sceptics_case",),
}
SPINE_SHARE = 0.90
SPINE_POLICIES = ("random", "counsel")
#: The event that shows the Ukrainian-success branch can be reached.
WOBBLE = "front_russian_wobble"
#: Fields of an advisor that would give them a departure (an arc).
DEPARTURE_FIELDS = ("leaves_when", "leaves_if", "departs_when", "departure")
MAX_DECISIONS = 10_000


@dataclass(frozen=True)
class Line:
    target: str
    value: str
    goal: str
    met: bool
    details: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [f"{self.target}: {self.value} ({self.goal}) {'MET' if self.met else 'NOT MET'}"]
        return "\n".join([*lines, *(f"    {d}" for d in self.details)])


def classes(content: Content) -> tuple[set[str], set[str]]:
    """The good and the bad endings, as the analyst's view defines them (rank > 0.4; rank < 0)."""
    rank = grade_rank(content)
    return {e for e, r in rank.items() if r > 0.4}, {e for e, r in rank.items() if r < 0}


def share(endings: Mapping[str, int], which: set[str]) -> float:
    total = sum(endings.values())
    return sum(n for e, n in endings.items() if e in which) / total if total else 0.0


class EstimatingLookahead:
    """The lookahead policy reading either the truth or, for hidden stats, the player's estimates."""

    def __init__(self, content: Content, engine: Engine, estimates: bool) -> None:
        self.inner = Lookahead(content)
        self.engine = engine
        self.hidden = [ident for ident, stat in content.stats.items() if stat.hidden is not None]
        self.estimates = estimates

    def decide(self, rng: random.Random) -> Callable[..., str | None]:
        def decide(event: str, options: list[tuple[str, int, bool]], state: GameState,
                   env: dict[str, Any]) -> str | None:
            ids = tuple(choice for choice, _posture, ok in options if ok)
            if not ids:
                return None
            seen = dict(env)
            if self.estimates:
                for ident in self.hidden:
                    seen[ident] = self.engine.estimate(env, ident, state.seed)[0]
            return self.inner(event, options, ids, rng, seen)

        return decide


def _games(args: tuple[str, str, bool, int, int]) -> dict[int, str]:
    """A part of the games of one player (by name: "lookahead" or "advised"), in a worker process."""
    player, folder, estimates, start, stop = args
    return PLAYERS[player](load_scenario(Path(folder)), estimates, range(start, stop))


def _endings(engine: Engine, seeds: Sequence[int], player: Callable[[random.Random], Decide]) -> dict[int, str]:
    """The ending of each game on `seeds`, by seed, each played by `player(its own rng)`."""
    endings: dict[int, str] = {}
    for seed in seeds:
        final, _count, stopped = engine.autoplay(seed, player(random.Random(seed)), MAX_DECISIONS)
        endings[seed] = final.ending if final.ending is not None and stopped is None else "(unfinished)"
    return endings


def ending_counts(endings: Mapping[int, str]) -> dict[str, int]:
    """How many games ended in each ending."""
    return dict(Counter(endings.values()))


def gap_interval(truth: Mapping[int, str], estimates: Mapping[int, str], good: set[str]) -> tuple[float, float, float]:
    """The gap in good endings between the same games played seeing the truth and seeing estimates,
    in points, with its 95% interval (the games are paired by seed, so they share their luck)."""
    diffs = [(truth[seed] in good) - (estimates[seed] in good) for seed in truth]
    mean, low, high = paired_interval(sum(diffs), sum(d * d for d in diffs), len(diffs))
    return 100 * mean, 100 * low, 100 * high


def play_estimating(content: Content, estimates: bool, seeds: Sequence[int]) -> dict[int, str]:
    engine = Engine(content)
    return _endings(engine, seeds, EstimatingLookahead(content, engine, estimates).decide)


def player_endings(player: str, content: Content, folder: Path, estimates: bool, runs: int, seed: int,
                   jobs: int) -> dict[int, str]:
    """The ending of each of `runs` games of a player ("lookahead" or "advised"), by seed, seeing the
    truth or only the estimates, shared among `jobs` processes."""
    if jobs <= 1:
        return PLAYERS[player](content, estimates, range(seed, seed + runs))
    import multiprocessing

    step = max(1, -(-runs // (jobs * 4)))
    parts = [(player, str(folder), estimates, seed + i, seed + min(i + step, runs)) for i in range(0, runs, step)]
    total: dict[int, str] = {}
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for found in pool.map(_games, parts):
            total.update(found)
    return total


#: How many times the other targets' runs of random games the endings' shares are read from. Random
#: games are cheap, and an ending near the 2% line is then pinned down to about half a point (over 600
#: games alone, to about 1.1 points either way, so that one sample can put a 2.5% ending under the line).
ENDING_RUNS = 5

#: Futures of each option the advised player asks the analyst for (the same futures for every option):
#: with 8, which option looks best is itself too uncertain for the comparison to say much.
ADVISED_FUTURES = 16


def reading_hidden(content: Content) -> frozenset[str]:
    """The events whose consequences read a hidden stat's true value: an effect's value or an outcome's
    chance of one of their choices (not a text's condition)."""
    hidden = {ident for ident, stat in content.stats.items() if stat.hidden is not None}
    return frozenset(site.ident for site in sites(content)
                     if site.kind == "event" and site.path[0] == "choice" and site.role != "condition"
                     and reads_directly(site.value, content.names) & hidden)


def play_advised(content: Content, estimates: bool, seeds: Sequence[int]) -> dict[int, str]:
    """Games of the advised player: at each decision that reads a hidden stat, the option whose
    ADVISED_FUTURES futures (played on by the counsel policy) have the best mean ending rank; elsewhere
    the counsel policy. With `estimates`, the futures start from hidden stats drawn from the player's
    estimate bands, as the analyst's are for the player; otherwise from the truth."""
    engine = Engine(content)
    roller = Roller(content, "counsel")
    counsel = Counsel(content)
    rank = grade_rank(content)
    weighed = reading_hidden(content)

    def advise(rng: random.Random) -> Decide:
        def decide(event: str, options: list[tuple[str, int, bool]], state: GameState,
                   env: dict[str, Any]) -> str | None:
            ids = tuple(choice for choice, _posture, ok in options if ok)
            if len(ids) <= 1 or event not in weighed:
                return counsel(event, options, ids, rng, env) if ids else None
            futures = roller.play(engine.snapshot(state, env), ids, range(ADVISED_FUTURES), estimates)
            score = {o: sum(rank.get(e, 0.0) for e in futures.endings[o].values()) for o in ids}
            return max(ids, key=lambda o: score[o])  # (the first of the best, in the content's order)

        return decide

    return _endings(engine, seeds, advise)


#: The players of the fog target, by name: each plays games seeing the truth or only the estimates.
PLAYERS: dict[str, Callable[[Content, bool, Sequence[int]], dict[int, str]]] = {
    "lookahead": play_estimating,
    "advised": play_advised,
}


def measure(folder: Path, runs: int = 600, seed: int = 1, jobs: int = 2) -> list[Line]:
    """Every target, measured."""
    content = load_scenario(folder)
    source: tuple[Path, Sequence[Path]] = (folder, ())
    good, bad = classes(content)
    tallies: dict[str, Tally] = {}
    for policy in ("random", "counsel", "lookahead", "cautious", "forceful"):
        tallies[policy] = run_games(content, runs, seed=seed, policy=policy, jobs=jobs, source=source)
    lines: list[Line] = [spine_line(content, runs, seed)]

    # 1. major decisions under --compare with the counsel policy
    majors = [e for e in MAJOR_DECISIONS if e in content.events]
    forked = compare_games(content, majors, "counsel", runs, seed, jobs, source)
    compared = compare_report(content, forked, policy="counsel", runs=runs, seed=seed)
    by_event = {d["event"]: d for d in compared["decisions"]}
    passing = 0
    details = []
    for event in MAJOR_DECISIONS:
        d = by_event.get(event)
        if event not in content.events or d is None:
            why = "not in the scenario" if event not in content.events else "never reached with a choice"
            details.append(f"{event}: {why}")
            continue
        goods, bads = [], []
        for found in forked.endings[event].values():
            if len(found) < MIN_SHARED:
                continue  # too few games to tell (as --compare does)
            counts: dict[str, int] = {}
            for ending in found.values():
                counts[ending] = counts.get(ending, 0) + 1
            goods.append(share(counts, good))
            bads.append(share(counts, bad))
        swing = max(max(goods) - min(goods), max(bads) - min(bads)) if goods else 0.0
        ok = swing >= 0.10 and not d["dominant"] and not d["inert"]
        passing += ok
        marks = (" inert" if d["inert"] else "") + (" dominant option" if d["dominant"] else "")
        details.append(f"{event}: swing {swing:.0%}, reached {d['reached']}/{compared['games']}{marks}"
                       f"{'' if ok else ' <- fails'}")
    lines.append(Line("major_decisions", f"{passing}/{len(MAJOR_DECISIONS)} swing good or bad endings",
                      "each >= 10 points, no dominant option, none inert",
                      passing == len(MAJOR_DECISIONS), tuple(details)))

    # 2. always cautious / always forceful rarely end well
    cautious = share(tallies["cautious"].endings, good)
    forceful = share(tallies["forceful"].endings, good)
    lines.append(Line("extreme_postures_good", f"cautious {cautious:.1%}, forceful {forceful:.1%}",
                      "each <= 10%", cautious <= 0.10 and forceful <= 0.10))

    # 3. the timeout ending
    timeout = content.scenario.timeout_ending
    shares = {p: share(tallies[p].endings, {timeout}) for p in ("random", "counsel", "lookahead")}
    lines.append(Line("timeout_share", ", ".join(f"{p} {s:.1%}" for p, s in shares.items()),
                      f"'{timeout}' <= 30% under each", max(shares.values()) <= 0.30))

    # 4. every ending reached by random play (over more games than the other targets: see ENDING_RUNS;
    # the first `runs` of them are the random games already played)
    first = tallies["random"]
    wide = run_games(content, runs * (ENDING_RUNS - 1), seed=seed + runs, policy="random", jobs=jobs, source=source)
    wide.merge(first)
    rare = sorted((share(wide.endings, {e.model.id}), e.model.id) for e in content.endings)
    low = [f"{ident} {s:.1%}" for s, ident in rare if s < 0.02]
    lines.append(Line("endings_reached", f"rarest {rare[0][1]} {rare[0][0]:.1%} of {wide.games} random games "
                      f"({share(first.endings, {rare[0][1]}):.1%} of the first {runs})",
                      "each >= 2% of random games", not low, (f"below: {', '.join(low)}",) if low else ()))

    # 5. the Ukrainian-success branch
    fired = {p: t.fired_games.get(WOBBLE, 0) for p, t in tallies.items()}
    lines.append(Line("ukrainian_success_branch", f"{WOBBLE} in {sum(fired.values())} games "
                      f"({', '.join(f'{p} {n}' for p, n in fired.items())})", "fires in some games",
                      sum(fired.values()) > 0))

    # 6. the fog costs the player
    # (each player plays the same games twice; the gap's interval says how far the sample can be trusted)
    played = {(player, estimates): player_endings(player, content, folder, estimates, runs, seed, jobs)
              for player in ("lookahead", "advised") for estimates in (False, True)}
    truth, fog = (share(ending_counts(played["lookahead", e]), good) for e in (False, True))
    advised_truth, advised_fog = (share(ending_counts(played["advised", e]), good) for e in (False, True))
    gap, gap_low, gap_high = gap_interval(played["advised", False], played["advised", True], good)
    lines.append(Line("fog_costs", f"advised player's good endings: truth {advised_truth:.1%}, estimates "
                      f"{advised_fog:.1%}, gap {gap:+.1f} points (95% interval {gap_low:+.1f} to {gap_high:+.1f}; "
                      f"{runs} games)", "estimates >= 5 points fewer", round(gap, 1) >= 5.0,
                      (f"lookahead: truth {truth:.1%}, estimates {fog:.1%}, gap {100 * (truth - fog):+.1f} points",)))

    # 7. standing actions
    actions = len(getattr(content, "actions", {}) or {})
    lines.append(Line("standing_actions", str(actions), ">= 6", actions >= 6))

    # 8. game length
    median = spread(tallies["random"].decisions)["median"]
    lines.append(Line("median_length", f"{median:g} decisions (random)", "20-35", 20 <= median <= 35))

    # 9. words (and how many of them are in events no game of any policy reached)
    words = content.words
    unreached = sorted(e for e in content.events if not any(t.fired.get(e) for t in tallies.values()))
    idle = word_count(t for event in unreached for t in event_texts(content.events[event].model))
    lines.append(Line("words", f"{words:,}", ">= 60,000", words >= 60_000,
                      (f"{idle:,} of them in {len(unreached)} events no game of any policy reached: "
                       + ", ".join(unreached),) if unreached else ()))

    # 10. text that fits: no brief read word for word a second time in a game
    again = sorted({event for t in tallies.values() for event in t.repeated})
    lines.append(Line("briefs_told_again", f"{len(again)} events whose brief came again word for word",
                      "none, under any policy", not again, (", ".join(again),) if again else ()))

    # 11. advisors with arcs
    arcs = 0
    for advisor in content.advisors.values() if isinstance(content.advisors, Mapping) else content.advisors:
        names = {f.name for f in dataclasses.fields(advisor)} if dataclasses.is_dataclass(advisor) else set()
        arcs += any(getattr(advisor, name, None) for name in DEPARTURE_FIELDS if name in names)
    lines.append(Line("advisor_arcs", f"{arcs} advisors with a departure", ">= 3", arcs >= 3))
    return lines


class SpinePlayer(Player):
    """The simulator's player, also counting the games in which each spine dilemma was faced."""

    def __init__(self, content: Content, policy: str) -> None:
        super().__init__(content, policy)
        self.faced: dict[str, int] = {}
        self.games = 0

    def _record(self, state: GameState, *args: Any) -> None:
        super()._record(state, *args)
        self.games += 1
        for dilemma, events in SPINE.items():
            if any(event in state.fired for event in events):
                self.faced[dilemma] = self.faced.get(dilemma, 0) + 1


def spine_shares(content: Content, runs: int, seed: int) -> dict[str, dict[str, float]]:
    """For each spine dilemma and policy, the share of games in which one of its events fired."""
    shares: dict[str, dict[str, float]] = {dilemma: {} for dilemma in SPINE}
    for policy in SPINE_POLICIES:
        player = SpinePlayer(content, policy)
        player.play_chunk(range(seed, seed + runs))
        for dilemma in SPINE:
            shares[dilemma][policy] = player.faced.get(dilemma, 0) / player.games if player.games else 0.0
    return shares


def spine_line(content: Content, runs: int, seed: int) -> Line:
    shares = spine_shares(content, runs, seed)
    lowest = min(shares.items(), key=lambda item: min(item[1].values()))
    details = tuple(f"{dilemma}: " + ", ".join(f"{p} {s:.0%}" for p, s in found.items())
                    + ("" if min(found.values()) >= SPINE_SHARE else " <- below")
                    for dilemma, found in shares.items())
    met = all(min(found.values()) >= SPINE_SHARE for found in shares.values())
    return Line("spine", f"lowest {lowest[0]} {min(lowest[1].values()):.0%}",
                f"each dilemma faced in >= {SPINE_SHARE:.0%} of {' and '.join(SPINE_POLICIES)} games", met, details)


def summary(lines: Sequence[Line]) -> str:
    return f"campaign_targets_met: {sum(line.met for line in lines)}/{len(lines)}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=None, help="a scenario folder (default: shipped)")
    parser.add_argument("--runs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    folder = args.folder if args.folder is not None else paths.scenario_folder("red-line")
    lines = measure(folder, args.runs, args.seed, args.jobs)
    for line in lines:
        print(line.text())
    print(summary(lines))


if __name__ == "__main__":
    main()
