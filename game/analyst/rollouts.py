"""Rollouts: from a game in progress, play many futures of each option of the current decision.

Every future k has its own seed, drawn from the game's seed, the turn and k; the same future is
played once under each option (common random numbers), so that what differs between the options'
results is the options, not luck. The rest of each future is played by a policy (game.policies).

Honest under the fog: with `fog`, each future's hidden stats are drawn from the player's estimate
bands (what the player believes), never from the truth; after the game the truth may be used.

The result does not depend on how the futures are shared among processes: each future's result is
kept by its number.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from game.analyst.stats import wilson
from game.content import Content
from game.engine import Engine, GameState, roll
from game.policies import forcing, grade_rank
from game.seeds import MAX_SEED

#: Futures per task: small enough that the first figures come quickly.
BATCH = 25
#: A future that needs more decisions than this is stopped (the calendar bounds games).
MAX_DECISIONS = 2_000
UNFINISHED = "(unfinished)"
#: the decisions after this one whose mean stats are kept (the typical paths of the meters)
PATH_STEPS = 12


def future_seed(state: GameState, k: int) -> int:
    """The seed of future k from this decision (the same for every option)."""
    return int(roll(state.seed, "future", state.turn, len(state.chose), k) * MAX_SEED)


@dataclass
class Batch:
    """What some futures gave: by option, each future's ending and its stats at every decision."""

    endings: dict[str, dict[int, str]] = field(default_factory=dict)  # option -> future -> ending
    #: option -> for each decision after this one, the sum of every stat over the futures that got there
    sums: dict[str, list[list[float]]] = field(default_factory=dict)
    counts: dict[str, list[int]] = field(default_factory=dict)  # option -> futures that got to each step

    def add_path(self, option: str, rows: Sequence[Sequence[float]], count: int | Sequence[int] = 1) -> None:
        """Add one future's stats after each decision (or, with counts, sums of several futures'): sums,
        not rows, are what is sent between processes."""
        sums = self.sums.setdefault(option, [])
        counts = self.counts.setdefault(option, [])
        for step, row in enumerate(rows[:PATH_STEPS]):
            if step == len(sums):
                sums.append([0.0] * len(row))
                counts.append(0)
            total = sums[step]
            for column, value in enumerate(row):
                total[column] += value
            counts[step] += count if isinstance(count, int) else count[step]


@dataclass
class OptionOdds:
    option: str
    label: str
    endings: dict[str, tuple[float, float, float]]  # ending -> (share, low, high), 95%
    grades: dict[str, tuple[float, float, float]]
    score: float  # the mean rank of its endings, -1 (worst grade) .. +1 (best)
    path: dict[str, tuple[float, ...]]  # stat -> its mean value after each of the next decisions


@dataclass
class Futures:
    """The futures played so far from one decision, merged from any number of batches."""

    event: str
    options: tuple[str, ...]
    labels: dict[str, str]
    policy: str
    fog: bool
    endings: dict[str, dict[int, str]] = field(default_factory=dict)
    paths: Batch = field(default_factory=Batch)  # (its sums and counts of the stats after each decision)

    def merge(self, batch: Batch) -> None:
        for option, found in batch.endings.items():
            self.endings.setdefault(option, {}).update(found)
        for option, sums in batch.sums.items():
            self.paths.add_path(option, sums, batch.counts[option])

    @property
    def done(self) -> int:
        """Futures played under every option."""
        return min((len(self.endings.get(option, {})) for option in self.options), default=0)

    def counts(self, option: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for ending in self.endings.get(option, {}).values():
            counts[ending] = counts.get(ending, 0) + 1
        return counts

    def odds(self, content: Content, stats: Sequence[str] = (), steps: int = 8) -> list[OptionOdds]:
        rank = grade_rank(content)
        grade_of = {ending.model.id: ending.model.grade for ending in content.endings}
        found = []
        for option in self.options:
            results = self.endings.get(option, {})
            total = len(results)
            counts = self.counts(option)
            grades: dict[str, int] = {}
            for ending, count in counts.items():
                grade = grade_of.get(ending, "") or ending
                grades[grade] = grades.get(grade, 0) + count
            score = sum(rank.get(ending, 0.0) for ending in results.values()) / total if total else 0.0
            found.append(OptionOdds(
                option=option,
                label=self.labels.get(option, option),
                endings={ending: wilson(count, total) for ending, count in counts.items()},
                grades={grade: wilson(count, total) for grade, count in grades.items()},
                score=score,
                path=_mean_path(self.paths.sums.get(option, []), self.paths.counts.get(option, []),
                                [list(content.stats).index(s) for s in stats], stats, steps),
            ))
        return found


def _mean_path(sums: list[list[float]], counts: list[int], columns: Sequence[int], stats: Sequence[str],
               steps: int) -> dict[str, tuple[float, ...]]:
    return {name: tuple(round(sums[step][column] / counts[step], 1) for step in range(min(steps, len(sums)))
                        if counts[step])
            for name, column in zip(stats, columns, strict=True)}


class Roller:
    """Plays futures of one content with one policy (in this process)."""

    def __init__(self, content: Content, policy: str) -> None:
        from game.policies import make_policy

        self.content = content
        self.engine = Engine(content, history_rows=True)
        self.policy_name = policy
        self.policy = make_policy(policy, content)
        self.hidden = [ident for ident, stat in content.stats.items() if stat.hidden is not None]

    def world(self, state: GameState, k: int, fog: bool) -> GameState:
        """The start of future k: the game as it stands, with its own seed, and under the fog its
        hidden stats drawn from the player's estimate bands."""
        seed = future_seed(state, k)
        world = state.copy()
        world.seed = seed
        world.log = []
        world.history = []
        if fog:
            for ident in self.hidden:
                stat = self.content.stats[ident]
                estimate, band = self.engine.estimate(state.values, ident, state.seed, state.turn)
                drawn = estimate + (roll(seed, "belief", ident) * 2 - 1) * band
                world.values[ident] = float(min(stat.max, max(stat.min, drawn)))
        return world

    def play(self, state: GameState, options: Sequence[str], futures: Sequence[int], fog: bool) -> Batch:
        batch = Batch()
        for k in futures:
            world = self.world(state, k, fog)
            for option in options:
                decide = forcing(option, self.policy, random.Random(world.seed))
                final, _count, stopped = self.engine.play_on(world, decide, MAX_DECISIONS)
                ending = final.ending if final.ending is not None and stopped is None else UNFINISHED
                batch.endings.setdefault(option, {})[k] = ending
                batch.add_path(option, cast(list[tuple[float, ...]], final.history))
        return batch


# --- several processes -------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_init(folder: str, extra: tuple[str, ...], policy: str) -> None:
    key = (folder, extra, policy)
    if _WORKER.get("key") == key:
        return  # inherited through fork
    from game.loader import load_scenario

    _WORKER.update(key=key, roller=Roller(load_scenario(Path(folder), [Path(p) for p in extra]), policy))


def _worker_play(task: tuple[dict[str, Any], tuple[str, ...], tuple[int, ...], bool]) -> Batch:
    state, options, futures, fog = task
    roller: Roller = _WORKER["roller"]
    return roller.play(GameState.from_dict(state), options, futures, fog)


class Analyst:
    """Plays the futures of decisions, in this process and (with `jobs` > 1 and the content's
    folders) in a pool of processes kept for the analyst's lifetime."""

    def __init__(self, content: Content, policy: str = "counsel", jobs: int = 1,
                 source: tuple[Path, Sequence[Path]] | None = None) -> None:
        self.content = content
        self.roller = Roller(content, policy)
        self.jobs = jobs if source is not None else 1
        self.source = source
        self._pool: Executor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> Executor | None:
        if self.jobs <= 1 or self.source is None:
            return None
        with self._lock:
            if self._pool is None:
                folder, extra = self.source
                args = (str(folder), tuple(str(p) for p in extra), self.roller.policy_name)
                methods = multiprocessing.get_all_start_methods()
                # fork only from a single thread (a forked copy of a threaded process can hang)
                single = threading.active_count() == 1
                method = "fork" if single and "fork" in methods else "spawn"
                if method == "fork":
                    _WORKER.update(key=args, roller=self.roller)
                try:
                    self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method),
                                                     initializer=_worker_init, initargs=args)
                except (OSError, ValueError, RuntimeError):
                    # (e.g. inside a terminal interface that has taken over standard error, which
                    # multiprocessing's helper process needs): this analyst plays alone
                    self.jobs = 1
                    return None
            return self._pool

    def _submit(self, pool: Executor, tasks: list[tuple[dict[str, Any], tuple[str, ...], tuple[int, ...], bool]],
                ) -> list[Future[Batch]] | None:
        """The tasks handed to the processes, or None (and this analyst plays alone from now on) when
        processes cannot be started here."""
        try:
            return [pool.submit(_worker_play, task) for task in tasks]
        except (OSError, ValueError, RuntimeError):
            self.close()
            self.jobs = 1
            return None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def start(self, state: GameState, fog: bool = True, options: Sequence[str] | None = None,
              ) -> Futures:
        """An empty result for the current decision of `state` (every available option, or `options`)."""
        if state.event is None:
            raise ValueError("the game has no decision to weigh")
        available = [ident for ident, _posture, ok in self.roller.engine.choice_options(state) if ok]
        chosen = tuple(options) if options is not None else tuple(available)
        event = self.content.events[state.event]
        labels = {choice.id: choice.label for choice in event.choices}
        return Futures(state.event, chosen, labels, self.roller.policy_name, fog)

    def stream(self, state: GameState, wanted: int, fog: bool = True, options: Sequence[str] | None = None,
               stop: Callable[[], bool] = lambda: False) -> Iterator[Futures]:
        """The futures of the current decision, yielded after each batch (the same object, growing),
        until `wanted` futures of every option are played or `stop()` says so."""
        result = self.start(state, fog, options)
        chunks = [tuple(range(i, min(i + BATCH, wanted))) for i in range(0, wanted, BATCH)]
        if not chunks or not result.options:
            yield result
            return
        # the first batch here, at once, while the processes (if any) start on the rest
        first, rest = chunks[0], chunks[1:]
        pool = self._executor() if rest else None
        pending = []
        if pool is not None:
            data = state.to_dict()
            submitted = self._submit(pool, [(data, result.options, chunk, fog) for chunk in rest])
            if submitted is not None:
                pending, rest = submitted, []
        result.merge(self.roller.play(state, result.options, first, fog))
        yield result
        try:
            for chunk in rest:
                if stop():
                    return
                result.merge(self.roller.play(state, result.options, chunk, fog))
                yield result
            for future in pending:
                if stop():
                    return
                result.merge(future.result())
                yield result
        finally:
            for future in pending:
                future.cancel()

    def futures(self, state: GameState, wanted: int, fog: bool = True, options: Sequence[str] | None = None,
                ) -> Futures:
        """All `wanted` futures of each option, at once."""
        *_, last = self.stream(state, wanted, fog, options)
        return last
