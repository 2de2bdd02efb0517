"""Author tools behind `redline play --dev`: watch the content files, reload them, re-run the game
to where the author was, and start a game at any event. No Textual here; the app and the plain
player both use it."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from game import log
from game.content import Content
from game.engine import Engine, GameState
from game.loader import LoadReport, Problem, check_scenario
from game.replay import ACTION_PREFIX, choices_of
from game.seeds import seed_or_fresh

#: Automated games tried when looking for a way into an event.
JUMP_GAMES = 300


@dataclass(frozen=True)
class Jump:
    """A game started at a chosen event: `index` decisions were played, then `event` was put in front."""

    index: int
    event: str


@dataclass(frozen=True)
class Reloaded:
    """What a reload did. When `ok` is false the last good content is still in use and `state` is None."""

    ok: bool
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...]
    state: GameState | None = None
    replayed: int = 0
    divergence: str | None = None

    @property
    def summary(self) -> str:
        """One line for a status bar or the plain player."""
        if not self.ok:
            return (f"content has {len(self.problems)} problem(s); still playing the last good content "
                    "(fix them and save to reload)")
        if self.divergence:
            return f"reloaded; {self.divergence}; play goes on from there"
        return f"reloaded; {self.replayed} decision(s) re-run to where you were"


@dataclass(frozen=True)
class JumpStart:
    """A game placed at an event: the state, the jump to repeat on reloads, and how it was found."""

    state: GameState
    jump: Jump | None
    how: str


def decisions_of(state: GameState) -> list[tuple[str, str]]:
    """The (event, choice) pairs taken so far, in order; a standing action as (event, "action:" + its id)."""
    return choices_of(state)


def force_event(state: GameState, event_id: str) -> GameState:
    """A copy of `state` with `event_id` as the question in front of the player.

    The event that had been drawn is set aside (its count undone); everything else is kept, so
    the author sees the event with the values a real game reached.
    """
    new = state.copy()
    drawn = new.event
    if drawn is not None and drawn != event_id:
        left = new.fired.get(drawn, 0) - 1
        if left > 0:
            new.fired[drawn] = left
        else:
            new.fired.pop(drawn, None)
            new.last_fired.pop(drawn, None)
    if drawn != event_id:
        new.fired[event_id] = new.fired.get(event_id, 0) + 1
        new.last_fired[event_id] = new.turn
    new.event = event_id
    new.log.append(log.Jumped(new.turn, event_id))
    return new


def rerun(engine: Engine, seed: int, decisions: Sequence[tuple[str, str]],
          jump: Jump | None = None) -> tuple[GameState, int, str | None]:
    """Play `decisions` again from the start; stop at the first one the content no longer allows.

    Returns the state reached, how many decisions were re-run, and what went differently (None if
    nothing did).
    """
    state = engine.new_game(seed)
    for index, (event, choice) in enumerate(decisions):
        if jump is not None and jump.index == index and jump.event in engine.content.events:
            state = force_event(state, jump.event)
        number = index + 1
        if state.over:
            return state, index, f"the game now ends (ending '{state.ending}') before decision {number}"
        if state.event != event:
            return state, index, (f"at decision {number} (turn {state.turn}) the game now brings "
                                  f"'{state.event}' where it brought '{event}'")
        if choice.startswith(ACTION_PREFIX):
            action = choice.removeprefix(ACTION_PREFIX)
            why_not = {ident: why for ident, _posture, why in engine.action_states(state)}
            if why_not.get(action, "gone"):
                why = "is gone" if action not in why_not else "cannot be taken now"
                return state, index, f"at decision {number} the action '{action}' {why}"
            state = engine.act(state, action).state
            continue
        options = {cid: ok for cid, _posture, ok in engine.choice_options(state)}
        if not options.get(choice, False):
            why = "is gone" if choice not in options else "is not available now"
            return state, index, f"at decision {number} the choice '{choice}' of '{event}' {why}"
        state = engine.choose_state(state, choice)
    if jump is not None and jump.index == len(decisions) and jump.event in engine.content.events \
            and not state.over:
        state = force_event(state, jump.event)
    return state, len(decisions), None


def find_start(engine: Engine, event_id: str, seed: int = 1, games: int = JUMP_GAMES) -> JumpStart:
    """A game standing at `event_id`, for trying late content without playing up to it.

    Automated games (steering toward unexplored choices) look for a real way in. Failing that, the
    event is put in front of the player at the first point where its trigger held (or where it was
    scheduled); failing that, at the first decision of a game.
    """
    from game.policies import Explorer

    content = engine.content
    if event_id not in content.events:
        raise KeyError(event_id)
    event = content.events[event_id]
    policy = Explorer(content)
    fallback: tuple[int, list[tuple[str, str]], str] | None = None
    for game in range(games):
        game_seed = seed + game
        rng = random.Random(game_seed)
        state = engine.new_game(game_seed)
        taken: list[tuple[str, str]] = []
        while not state.over:
            current = state.event
            assert current is not None
            if current == event_id:
                state, _, _ = rerun(engine, game_seed, taken)
                return JumpStart(state, None, f"reached by automated play (seed {game_seed}, "
                                 f"{len(taken)} decisions)")
            if fallback is None and _could_fire(engine, state, event_id, event.trigger is not None):
                how = "its trigger held" if event.trigger is not None else "it was scheduled"
                fallback = (game_seed, list(taken), how)
            options = engine.choice_options(state)
            ids = tuple(cid for cid, _posture, ok in options if ok)
            if not ids:
                break
            choice = policy(current, options, ids, rng, engine.environment(state))
            taken.append((current, choice))
            state = engine.choose_state(state, choice, in_place=True)
        policy.reached.update(state.fired)
    if fallback is not None:
        game_seed, taken, how = fallback
        jump = Jump(len(taken), event_id)
        state, _, _ = rerun(engine, game_seed, taken, jump)
        return JumpStart(state, jump, f"placed after {len(taken)} decisions of seed {game_seed}, where {how} "
                         f"but another event came first")
    jump = Jump(0, event_id)
    state, _, _ = rerun(engine, seed, [], jump)
    return JumpStart(state, jump, f"placed at the first decision: in {games} automated games its trigger "
                     "never held, so the values may not be ones it expects")


def _could_fire(engine: Engine, state: GameState, event_id: str, triggered: bool) -> bool:
    event = engine.content.events[event_id]
    if event.model.once and event_id in state.fired:
        return False
    if triggered:
        assert event.trigger is not None
        return bool(event.trigger(engine.environment(state)))
    return any(item[2] == event_id for item in state.scheduled)


@dataclass
class DevSession:
    """The content being written and the game being played with it; reloads keep the last good content."""

    folder: Path
    extra: tuple[Path, ...]
    content: Content
    jump: Jump | None = None
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        self.engine = Engine(self.content)

    @property
    def watched(self) -> list[Path]:
        """The folders whose .toml files are watched."""
        return [self.folder, *self.extra]

    def load(self) -> LoadReport:
        """Read and check the content again (the slow part; safe to run in a worker thread)."""
        return check_scenario(self.folder, self.extra)

    def apply(self, report: LoadReport, state: GameState) -> Reloaded:
        """Switch to freshly loaded content and re-run the game to where `state` was."""
        self.notes = tuple(report.notes)
        if report.content is None:
            self.problems = tuple(report.problems)
            return Reloaded(False, self.problems, self.notes)
        engine = Engine(report.content)
        jump = self.jump if self.jump is not None and self.jump.event in report.content.events else None
        new_state, replayed, divergence = rerun(engine, state.seed, decisions_of(state), jump)
        self.content, self.engine, self.jump, self.problems = report.content, engine, jump, ()
        return Reloaded(True, (), self.notes, new_state, replayed, divergence)

    def reload(self, state: GameState) -> Reloaded:
        """load() then apply()."""
        return self.apply(self.load(), state)

    def jump_to(self, event_id: str, seed: int = 1) -> JumpStart:
        """Start a new game at `event_id` (see find_start); reloads then repeat the jump."""
        start = find_start(self.engine, event_id, seed)
        self.jump = start.jump
        return start

    def new_game(self, seed: int) -> GameState:
        self.jump = None
        return self.engine.new_game(seed)


def watch(folders: Sequence[Path], stop: threading.Event | None = None, debounce_ms: int = 200,
          idle_ms: int | None = None) -> Iterator[list[Path]]:
    """Yield the .toml files changed under `folders`, a batch at a time, until `stop` is set.

    With `idle_ms`, an empty list is also yielded after that long without changes, so that a
    caller can check whether it should stop.
    """
    from watchfiles import watch as watch_files

    existing = [str(folder) for folder in folders if folder.exists()]
    for changes in watch_files(*existing, watch_filter=lambda _change, path: path.endswith(".toml"),
                               stop_event=stop, debounce=debounce_ms, raise_interrupt=False,
                               rust_timeout=idle_ms or 5_000, yield_on_timeout=idle_ms is not None):
        yield sorted({Path(path) for _change, path in changes})


def fingerprint(folders: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """The name, size and modification time of every .toml file: cheap to compare between decisions."""
    seen = []
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(folder.rglob("*.toml")) if folder.is_dir() else []
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            seen.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(seen)


# --- the plain player with reloads -------------------------------------------------------------


def play_plain(session: DevSession, state: GameState, read: Callable[[], str | None], out: IO[str]) -> GameState:
    """The plain game with --dev: the content is reloaded between decisions whenever a file changed.

    Besides a choice number it accepts `r` (reload now), `j EVENT` (start at an event), `w EVENT`
    (why that event is not the one now) and `q`. After a choice with outcomes it says which one
    happened and at what odds.
    """
    from game.authoring.why import odds_line, why_not_now
    from game.expr import suggest
    from game.plain import format_actions, format_decision, format_ending, format_resolution, pick, pick_action
    from game.stakes import Stakes

    made: list[Stakes] = []

    def stakes_of(engine: Engine) -> Stakes:
        """The stakes of the content now played (made again after a reload)."""
        if not made or made[0].engine is not engine:
            made[:] = [Stakes(engine)]
        return made[0]

    stamp = fingerprint(session.watched)

    def maybe_reload(force: bool = False) -> None:
        nonlocal state, stamp
        now = fingerprint(session.watched)
        if now == stamp and not force:
            return
        stamp = now
        result = session.reload(state)
        print(f"\n[dev] {result.summary}", file=out)
        for problem in (*result.problems, *result.notes):
            print(f"[dev]   {problem}", file=out)
        if result.state is not None:
            state = result.state

    while True:
        if state.over:
            print(format_ending(session.engine, state), file=out)
            print("\n[dev] the game is over: type r to reload, j EVENT to start at an event, or q", file=out)
        else:
            decision = session.engine.decision(state)
            assert decision is not None
            print(format_decision(session.engine, decision, stakes_of(session.engine).view(state)), file=out)
        print("\nYour choice (number; r reload, j EVENT jump, w EVENT why not now, q stop): ", end="", file=out,
              flush=True)
        answer = read()
        if answer is None or answer.strip().lower() in ("q", "quit", "exit"):
            print("\nStopped." if answer is not None else "\nInput ended; the game stops here.", file=out)
            return state
        answer = answer.strip()
        if answer.lower() == "r":
            maybe_reload(force=True)
            continue
        if answer.lower().startswith("w "):
            target = answer[2:].strip()
            if target not in session.content.events:
                print(f"[dev] no event '{target}'{suggest(target, session.content.events)}", file=out)
            else:
                print("\n".join(f"[dev] {line}" for line in why_not_now(session.engine, state, target)), file=out)
            continue
        if answer.lower().startswith("j "):
            target = answer[2:].strip()
            if target not in session.content.events:
                known = ", ".join(sorted(session.content.events))
                print(f"[dev] no event '{target}' (events: {known})", file=out)
                continue
            start = session.jump_to(target, state.seed)
            state = start.state
            print(f"[dev] at '{target}': {start.how}", file=out)
            continue
        before = state
        maybe_reload()
        if state is not before:
            print("[dev] the content changed while you decided; here is the question again", file=out)
            continue
        if state.over:
            continue
        decision = session.engine.decision(state)
        assert decision is not None
        if decision.actions and answer[:1].lower() == "a" and (len(answer) == 1 or not answer[1].isalpha()):
            if not answer[1:].strip():  # (a: list them; a N: take one)
                print(format_actions(session.engine, decision), file=out)
                continue
            action, problem = pick_action(decision, answer[1:].strip())
            if action is None:
                print(problem, file=out)
                continue
            resolution = session.engine.act(state, action.id)
            state = resolution.state
            print(f"\nAction: {action.label} (cost: {action.cost_text})", file=out)
            print(format_resolution(session.engine, resolution), file=out)
            continue
        picked, problem = pick(decision, answer)
        if picked is None:
            print(problem, file=out)
            continue
        resolution = session.engine.choose(state, picked.id)
        odds = odds_line(session.engine, state, picked.id, resolution.outcome)
        state = resolution.state
        print(format_resolution(session.engine, resolution), file=out)
        if odds is not None:
            print(f"[dev] {odds}", file=out)


def plain_command(report: LoadReport, folder: Path, extra: Sequence[Path], seed: int | None,
                  jump: str | None) -> int:
    """`redline play --plain --dev [--jump EVENT]` with the checked content: the exit code."""
    import sys

    from game.expr import suggest
    from game.plain import format_intro

    assert report.content is not None
    session = DevSession(folder, tuple(extra), report.content, notes=tuple(report.notes))
    if jump is not None and jump not in session.content.events:
        hint = suggest(jump, session.content.events)
        print(f"redline: error: no event '{jump}' to jump to{hint}", file=sys.stderr)
        return 2
    seed = seed_or_fresh(seed)
    content = session.content
    print(f"{content.scenario.title}: seed {seed} (dev mode: content reloads between decisions)")
    if jump is not None:
        start = session.jump_to(jump, seed)
        state = start.state
        print(f"[dev] at '{jump}': {start.how}")
    else:
        state = session.new_game(seed)
        print(format_intro(content.scenario))

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    play_plain(session, state, read, sys.stdout)
    return 0
