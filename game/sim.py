"""Automated playthroughs: play many games with a policy, in one process or several, and keep the
tallies (`Tally`: endings, game length, every event, choice, outcome and action reached, stat
ranges). What `redline simulate` tells from them is built in `simreport.py`."""

from __future__ import annotations

import multiprocessing
import operator
import os
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any, cast

from game import log
from game.content import Content
from game.engine import WRITTEN_KEY, Engine, GameState, values_getter
from game.expr import Compiled, reads
from game.gcpause import paused_gc
from game.policies import ACT_CHANCE, ActPolicy, Explorer, Policy, act_rng, make_act_policy, make_policy
from game.simreport import build_report, format_report, texts_at_decision
from game.text import CompiledCounsel, Part, conditioned, given, render, shown

#: Games per task. Fixed, so a run gives the same report whatever the number of jobs.
CHUNK = 250
#: A game that needs more decisions than this is stopped (a safety net; the calendar bounds games).
MAX_DECISIONS = 10_000


@dataclass
class Tally:
    """Counts from a batch of games; tallies of separate batches merge into one."""

    games: int = 0
    endings: dict[str, int] = field(default_factory=dict)
    decisions: dict[int, int] = field(default_factory=dict)  # game length in decisions -> games
    turns: dict[int, int] = field(default_factory=dict)  # last turn -> games
    fired: dict[str, int] = field(default_factory=dict)  # event -> times fired
    fired_games: dict[str, int] = field(default_factory=dict)  # event -> games where it fired
    offered: dict[str, int] = field(default_factory=dict)  # "event.choice" -> times shown
    available: dict[str, int] = field(default_factory=dict)  # "event.choice" -> times available
    taken: dict[str, int] = field(default_factory=dict)  # "event.choice" -> times taken
    outcomes: dict[str, int] = field(default_factory=dict)  # "event.choice.outcome" -> times
    low: dict[str, float] = field(default_factory=dict)  # lowest value seen of each name
    high: dict[str, float] = field(default_factory=dict)
    # the same, only at the decision points of each event, keyed "event|name": for choice conditions
    event_low: dict[str, float] = field(default_factory=dict)
    event_high: dict[str, float] = field(default_factory=dict)
    moved: set[str] = field(default_factory=set)  # stats that changed within some game
    final_sum: dict[str, float] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)  # event -> turns its trigger held unreached
    stuck: dict[str, int] = field(default_factory=dict)  # event -> games stopped: no choice available
    # standing actions: times taken, games taken in, times open or blocked ("id|kind") at the first
    # ask of a decision, outcomes ("id.outcome"), and actions taken per game -> games
    acted: dict[str, int] = field(default_factory=dict)
    acted_games: dict[str, int] = field(default_factory=dict)
    action_open: dict[str, int] = field(default_factory=dict)
    action_blocked: dict[str, int] = field(default_factory=dict)
    action_outcomes: dict[str, int] = field(default_factory=dict)
    actions: dict[int, int] = field(default_factory=dict)
    # texts read at a decision that follow the game: times each conditioned paragraph of a brief
    # ("event.brief.INDEX") and each counsel under a condition ("event.choice.counsel.INDEX") was given
    told: dict[str, int] = field(default_factory=dict)
    # event -> games in which it came again and its brief read word for word as the first time
    repeated: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Tally) -> None:
        self.games += other.games
        mine: dict[Any, Any]
        theirs: dict[Any, Any]
        for mine, theirs in (
            (self.endings, other.endings), (self.decisions, other.decisions), (self.turns, other.turns),
            (self.fired, other.fired), (self.fired_games, other.fired_games), (self.offered, other.offered),
            (self.available, other.available), (self.taken, other.taken), (self.outcomes, other.outcomes),
            (self.final_sum, other.final_sum), (self.held, other.held), (self.stuck, other.stuck),
            (self.acted, other.acted), (self.acted_games, other.acted_games), (self.action_open, other.action_open),
            (self.action_blocked, other.action_blocked), (self.action_outcomes, other.action_outcomes),
            (self.actions, other.actions), (self.told, other.told), (self.repeated, other.repeated),
        ):
            _add(mine, theirs)
        for mine, theirs in ((self.low, other.low), (self.event_low, other.event_low)):
            for key, value in theirs.items():
                if key not in mine or value < mine[key]:
                    mine[key] = value
        for mine, theirs in ((self.high, other.high), (self.event_high, other.event_high)):
            for key, value in theirs.items():
                if key not in mine or value > mine[key]:
                    mine[key] = value
        self.moved |= other.moved


def _add(mine: dict[Any, Any], theirs: dict[Any, Any]) -> None:
    for key, count in theirs.items():
        mine[key] = mine.get(key, 0) + count


def _tell(texts: list[tuple[str, tuple[Part, ...], tuple[CompiledCounsel, ...], frozenset[int]]],
          env: Mapping[str, Any], told: dict[str, int]) -> None:
    """Count the paragraphs and counsel of `texts` given in this environment."""
    for key, parts, counsel, counted in texts:
        if parts:
            indices = shown(parts, env)
        else:
            said = given(counsel, env)
            indices = [index for index, entry in enumerate(counsel) if entry in said]
        for index in indices:
            if index in counted:
                name = f"{key}.{index}"
                told[name] = told.get(name, 0) + 1


class Player:
    """Plays batches of games of one content with one policy and tallies what happened."""

    def __init__(self, content: Content, policy: str, act_chance: float | None = None) -> None:
        self.content = content
        self.engine = Engine(content, history_rows=True)
        self.policy_name = policy
        self.act_chance = act_chance
        make_policy(policy, content)  # fail early on an unknown name
        self.stat_ids = tuple(content.stats)
        self.stat_set = frozenset(self.stat_ids)
        self.stat_index = {name: index for index, name in enumerate(self.stat_ids)}
        self.other_ids = (*content.flags, *content.counters)
        self.other_values = values_getter(self.other_ids)
        # the events that can be drawn (they have a trigger), and whether each happens only once
        self.drawn_once = {ident: e.model.once for ident, e in content.events.items() if e.trigger is not None}
        # by turn number: the events whose triggers can hold, with the rest of each trigger to test
        self.triggers_on: dict[int, dict[str, Compiled]] = {}
        # per event, the names its choices' conditions read (and "turn"), their keys in Tally.event_low,
        # and a function giving their values from the environment at a decision
        self.condition_names: dict[str, tuple[tuple[str, str], ...]] = {}
        self.condition_values: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}
        for ident, event in content.events.items():
            names = {"turn"}
            for choice in event.model.choice:
                for text in (choice.visible_if, choice.available_if):
                    if text:
                        names |= reads(text, content.names)
            self.condition_names[ident] = tuple(
                (name, f"{ident}|{name}") for name in sorted(names) if name == "turn" or name in content.stats
                or name in content.counters or name in content.flags
            )
            self.condition_values[ident] = values_getter([name for name, _key in self.condition_names[ident]])
        self.texts_at_decision = texts_at_decision(content)
        # the briefs that read the game (paragraphs under conditions, or values in braces): the others
        # read the same every time
        self.briefs = {ident: event.brief for ident, event in content.events.items()
                       if conditioned(event.brief) or any(part.pieces for part in event.brief)}

    def play_chunk(self, seeds: Sequence[int]) -> Tally:
        """Play one game per seed with a policy whose memory starts empty."""
        # Many short-lived objects and no cycles: the cyclic collector would only cost time here.
        with paused_gc():
            return self._play_chunk(seeds)

    def _play_chunk(self, seeds: Sequence[int]) -> Tally:
        tally = Tally()
        policy = make_policy(self.policy_name, self.content)
        act_policy = make_act_policy(self.policy_name, self.act_chance) if self.content.actions else None
        explorer = policy if isinstance(policy, Explorer) else None
        # events whose trigger is checked at each decision until they are reached, to explain misses
        pending = dict(self.drawn_once)
        record = _ChunkRecord(self.content.events, self.stat_ids, self.other_ids)
        for seed in seeds:
            self._play(seed, policy, tally, pending, record, act_policy)
            if explorer is not None:
                explorer.reached.update(tally.fired)
        self._summarise(record, tally)
        return tally

    def _play(self, seed: int, policy: Policy, tally: Tally, pending: dict[str, bool],
              record: _ChunkRecord, act_policy: ActPolicy | None = None) -> None:
        rng = random.Random(seed)
        seen = record.seen
        shown = record.shown
        event_rows = record.event_rows
        condition_values = self.condition_values
        held = tally.held
        triggers_on = self.triggers_on
        engine = self.engine
        texts_at_decision = self.texts_at_decision
        told = tally.told
        briefs = self.briefs
        # each event's brief as the player first read it in this game, and the events whose brief
        # came again word for word
        first_read: dict[str, str] = {}
        repeated: set[str] = set()

        def decide(event: str, options: list[tuple[str, int, bool]], state: GameState,
                   env: dict[str, Any]) -> str | None:
            # the flags and counters written since the last decision (all of them at the first)
            written = env[WRITTEN_KEY]
            if written:
                for name in written:
                    seen[name].add(env[name])
                written.clear()
            event_rows[event].append(condition_values[event](env))
            texts = texts_at_decision.get(event)
            if texts:
                _tell(texts, env, told)
            brief = briefs.get(event)
            read = render(brief, env) if brief is not None else ""  # (a brief that reads nothing: always the same)
            if event not in first_read:
                first_read[event] = read
            elif read == first_read[event] and state.fired.get(event, 0) >= 2:
                repeated.add(event)
            if pending:
                fired = state.fired
                turn = state.turn
                triggers = triggers_on.get(turn)
                if triggers is None:
                    triggers = triggers_on[turn] = engine.triggers_on(turn)
                for ident, once in pending.items():
                    if ident != event and not (once and ident in fired):
                        trigger = triggers.get(ident)
                        if trigger is not None and trigger(env):
                            held[ident] = held.get(ident, 0) + 1
            # the same event offers the same few sets of options again and again: count each set,
            # and keep the ids of its available choices with it
            key = (event, *options)
            entry = shown.get(key)
            if entry is None:
                entry = shown[key] = [0, tuple(choice for choice, _posture, ok in options if ok)]
            entry[0] += 1
            ids = entry[1]
            if not ids:
                return None
            return policy(event, options, ids, rng, env)

        action_open, action_blocked = tally.action_open, tally.action_blocked
        actions_rng = act_rng(seed)

        def act(event: str, options: list[tuple[str, int, str]], state: GameState, env: dict[str, Any]) -> str | None:
            if not state.actions_this_turn:  # (what is open at a decision, not after its actions)
                for ident, _posture, why in options:
                    if why:
                        key = f"{ident}|{why}"
                        action_blocked[key] = action_blocked.get(key, 0) + 1
                    else:
                        action_open[ident] = action_open.get(ident, 0) + 1
            return act_policy(event, options, actions_rng) if act_policy is not None else None

        state, decisions, _stopped = self.engine.autoplay(seed, decide, MAX_DECISIONS,
                                                          act if self.content.actions else None)
        for event in repeated:
            tally.repeated[event] = tally.repeated.get(event, 0) + 1
        self._record(state, decisions, tally, pending, record)

    def _record(self, state: GameState, decisions: int, tally: Tally, pending: dict[str, Any],
                record: _ChunkRecord) -> None:
        tally.games += 1
        ending = state.ending or "(unfinished)"
        tally.endings[ending] = tally.endings.get(ending, 0) + 1
        tally.decisions[decisions] = tally.decisions.get(decisions, 0) + 1
        tally.turns[state.turn] = tally.turns.get(state.turn, 0) + 1
        fired, fired_games = tally.fired, tally.fired_games
        for ident, count in state.fired.items():
            fired[ident] = fired.get(ident, 0) + count
            fired_games[ident] = fired_games.get(ident, 0) + 1
        if pending:
            for ident in [ident for ident in pending if ident in state.fired]:
                del pending[ident]
        record.chose += state.chose
        outcomes, action_outcomes = tally.outcomes, tally.action_outcomes
        for entry in state.log:
            if isinstance(entry, log.Acted) and entry.outcome is not None:
                key = f"{entry.action}.{entry.outcome}"
                action_outcomes[key] = action_outcomes.get(key, 0) + 1
            elif isinstance(entry, log.Decided) and entry.outcome is not None:
                key = f"{entry.event}.{entry.choice}.{entry.outcome}"
                outcomes[key] = outcomes.get(key, 0) + 1
        if self.content.actions:
            for ident, count in state.used.items():
                tally.acted[ident] = tally.acted.get(ident, 0) + count
                tally.acted_games[ident] = tally.acted_games.get(ident, 0) + 1
            total = sum(state.used.values())
            tally.actions[total] = tally.actions.get(total, 0) + 1
        history = cast(list[tuple[float, ...]], state.history)  # rows: see Engine(history_rows=True)
        record.history += history
        record.finals.append(state.values)
        unmoved = record.unmoved
        if unmoved:
            first = history[0]
            index = self.stat_index
            for name in [name for name in unmoved if any(h[index[name]] != first[index[name]] for h in history)]:
                unmoved.discard(name)

    def _summarise(self, record: _ChunkRecord, tally: Tally) -> None:
        """Turn what a chunk recorded game by game into the tally's counts and ranges."""
        offered, available, stuck = tally.offered, tally.available, tally.stuck
        for (event, *options), (count, ids) in record.shown.items():
            for choice_id, _posture, ok in options:
                key = f"{event}.{choice_id}"
                offered[key] = offered.get(key, 0) + count
                if ok:
                    available[key] = available.get(key, 0) + count
            if not ids:
                stuck[event] = stuck.get(event, 0) + count
        _add(tally.taken, Counter(record.chose))
        _widen(tally.event_low, tally.event_high, (
            (key, column)
            for event, event_rows in record.event_rows.items() if event_rows
            for (_name, key), column in zip(self.condition_names[event], zip(*event_rows, strict=True), strict=True)
        ))
        # flags and counters from the values seen at decisions and at the end; stats from the games' histories
        finals = zip(*(self.other_values(values) for values in record.finals), strict=True)
        _widen(tally.low, tally.high, (
            *((name, (*record.seen[name], *final)) for name, final in zip(self.other_ids, finals, strict=True)),
            *zip(self.stat_ids, zip(*record.history, strict=True), strict=True),
        ))
        tally.moved |= self.stat_set - record.unmoved
        final = tally.final_sum
        for name in self.stat_ids:
            final[name] = reduce(operator.add, [values[name] for values in record.finals], final.get(name, 0.0))


class _ChunkRecord:
    """What the games of one chunk saw, kept raw while they play and summed up once at the end."""

    def __init__(self, events: Iterable[str], stats: Iterable[str], others: Iterable[str]) -> None:
        #: (event, *options) -> [times that event offered exactly these options, the available ones' ids]
        self.shown: dict[tuple[Any, ...], list[Any]] = {}
        self.chose: list[str] = []  # "event.choice" of every decision
        self.seen: dict[str, set[Any]] = {name: set() for name in others}  # each flag and counter at decisions
        self.event_rows: dict[str, list[tuple[Any, ...]]] = {ident: [] for ident in events}
        self.history: list[tuple[float, ...]] = []  # stat snapshots of every game, in the content's order
        self.finals: list[dict[str, Any]] = []  # final values of every game
        self.unmoved = set(stats)  # stats that kept their first value in every game so far


def _widen(low: dict[str, Any], high: dict[str, Any], columns: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """Lower `low` and raise `high` of each name to the least and greatest value of its column."""
    for name, column in columns:
        lo, hi = min(column), max(column)
        if name not in low or lo < low[name]:
            low[name] = lo
        if name not in high or hi > high[name]:
            high[name] = hi


# --- running, in one process or several --------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_init(folder: str, extra: tuple[str, ...], policy: str, act_chance: float | None = None) -> None:
    key = (folder, extra, policy, act_chance)
    if _WORKER.get("key") == key:
        return  # inherited through fork: already loaded
    from game.loader import load_scenario

    content = load_scenario(Path(folder), [Path(p) for p in extra])
    _WORKER.update(key=key, player=Player(content, policy, act_chance))


def _worker_chunk(seeds: tuple[int, int]) -> Tally:
    start, stop = seeds
    player: Player = _WORKER["player"]
    return player.play_chunk(range(start, stop))


def _chunks(seed: int, runs: int) -> list[tuple[int, int]]:
    return [(seed + i, seed + min(i + CHUNK, runs)) for i in range(0, runs, CHUNK)]


def run_games(
    content: Content,
    runs: int,
    seed: int = 1,
    policy: str = "random",
    jobs: int = 1,
    source: tuple[Path, Sequence[Path]] | None = None,
    progress: Callable[[int], None] | None = None,
    act_chance: float | None = None,
) -> Tally:
    """Play `runs` games with seeds seed, seed+1, ...; the result does not depend on `jobs`.

    With more than one job, each process loads the content itself from `source` (folder and
    extra content folders) unless it can inherit it through fork.
    """
    if runs < 0:
        raise ValueError("runs must not be negative")
    player = Player(content, policy, act_chance)
    chunks = _chunks(seed, runs)
    total = Tally()
    jobs = max(1, min(jobs, len(chunks)))
    if jobs == 1 or source is None:
        for start, stop in chunks:
            total.merge(player.play_chunk(range(start, stop)))
            if progress is not None:
                progress(stop - start)
        return total
    folder, extra = source
    init_args = (str(folder), tuple(str(p) for p in extra), policy, act_chance)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _WORKER.update(key=init_args, player=player)
    with context.Pool(jobs, initializer=_worker_init, initargs=init_args) as pool:
        results: list[Tally | None] = [None] * len(chunks)
        for index, tally in pool.imap_unordered(_indexed_chunk, list(enumerate(chunks))):
            results[index] = tally
            if progress is not None:
                progress(tally.games)
    for result in results:
        assert result is not None
        total.merge(result)
    return total


def _indexed_chunk(item: tuple[int, tuple[int, int]]) -> tuple[int, Tally]:
    index, seeds = item
    return index, _worker_chunk(seeds)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def simulate(
    content: Content,
    runs: int = 1000,
    seed: int = 1,
    policy: str = "random",
    jobs: int = 1,
    source: tuple[Path, Sequence[Path]] | None = None,
    progress: Callable[[int], None] | None = None,
    act_chance: float | None = None,
) -> dict[str, Any]:
    """Play `runs` games and return the report (see build_report). `act_chance`: how often the
    player takes an open standing action (default: the policy's own, ACT_CHANCE)."""
    from game.authoring.followups import followup_fates

    tally = run_games(content, runs, seed=seed, policy=policy, jobs=jobs, source=source, progress=progress,
                      act_chance=act_chance)
    report = build_report(content, tally, runs=runs, seed=seed, policy=policy, jobs=jobs)
    if content.actions:
        report["act_chance"] = ACT_CHANCE.get(policy, 0.0) if act_chance is None else act_chance
    report["followups"] = {"games": min(runs, CHUNK),
                           "fates": followup_fates(content, min(runs, CHUNK), seed, policy, act_chance)}
    return report


# --- the command -------------------------------------------------------------------------------


def command(content: Content, source: tuple[Path, Sequence[Path]], runs: int, seed: int, policy: str,
            jobs: int | None, as_json: bool, act_chance: float | None = None) -> int:
    """`redline simulate` on checked content: play, print the report. `source` (the folder and
    extra folders it was loaded from) lets other processes load it too."""
    import json
    import sys

    jobs = default_jobs() if jobs is None else jobs
    if sys.stderr.isatty() and not as_json:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("games", total=runs)
            report = simulate(content, runs, seed=seed, policy=policy, jobs=jobs, source=source,
                              progress=lambda done: bar.advance(task, done), act_chance=act_chance)
    else:
        report = simulate(content, runs, seed=seed, policy=policy, jobs=jobs, source=source, act_chance=act_chance)
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0
