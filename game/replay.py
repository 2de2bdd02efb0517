"""Re-run a decision log: record the steps of a game, verify them against new runs, find the first
divergence, and tell the game again as frames (for the viewer) or as a Markdown transcript.

Pure: no files, no clock. Digests are hashes of canonical JSON, the same in any process and on any
machine. The digest of a step chains the digest of the step before with what the decision changed,
so recording or verifying a decision costs the same on the first decision and on the 300th.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from game.debrief import format_number as _fmt
from game.debrief import with_unit
from game.engine import Decision, Engine, GameState, InvalidChoice, Resolution, Value
from game.log import Acted
from game.text import estimate_figure, shown_value

#: How a standing action is written among the (event, choice) pairs of a decision log: its id after
#: this prefix, which no choice id can start with.
ACTION_PREFIX = "action:"

DIGEST_BYTES = 12
#: A step's digest is longer than a state's: a step digest as long as a state's is one of the first
#: save format, a fingerprint of the whole state after the step, log and history included.
STEP_DIGEST_BYTES = 16
#: How many differing values a divergence names before it says "and N more".
MAX_NAMED = 4
#: The fields of a state that only grow, by entries added at their end: a step's digest covers
#: what the decision added to them (and how long they were before it), not all of them again.
GROWING = ("log", "history", "chose")


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def state_digest(state: GameState) -> str:
    """A short fingerprint of everything in a state; equal states give equal digests."""
    return hashlib.blake2b(_canonical(state.to_dict()).encode(), digest_size=DIGEST_BYTES).hexdigest()


def same_state(a: GameState, b: GameState) -> bool:
    """Whether two states are the same to the last bit (1, 1.0 and true differ, unlike with ==)."""
    return _canonical(a.to_dict()) == _canonical(b.to_dict())


def _changed(before: Any, after: Any) -> tuple[Any, list[str]]:
    """The entries of a mapping that a decision set, and the keys it removed."""
    if not isinstance(before, Mapping) or not isinstance(after, Mapping):
        return after, []
    try:  # (sorted: a set's order depends on the process's string hashing, a file's must not)
        changed = dict(sorted(after.items() - before.items()))
    except TypeError:  # values that cannot be hashed or keys that cannot be ordered
        changed = {key: value for key, value in after.items() if key not in before or before[key] != value}
    removed = sorted(map(str, before.keys() - after.keys())) if len(before) > len(after) - len(changed) else []
    return changed, removed


def change_of(before: GameState, after: GameState) -> tuple[GameState, dict[str, Any]]:
    """What a decision changed, as a state of its own (serialised as the engine serialises states):
    the values, counts and other entries it set, the entries it added to the growing fields, and in
    full what is always small (the turn, the pending follow-ups, ...). And what that leaves out: the
    keys it removed and the lengths the growing fields had before it."""
    parts: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for item in dataclasses.fields(after):
        name = item.name
        now, then = getattr(after, name), getattr(before, name)
        if name in GROWING and isinstance(now, list) and isinstance(then, list):
            parts[name] = now[len(then):]
            extra[f"{name}_before"] = len(then)
        elif isinstance(now, dict):
            parts[name], removed = _changed(then, now)
            if removed:
                extra[f"{name}_removed"] = removed
    return dataclasses.replace(after, **parts), extra


def step_digest(previous: str, before: GameState, after: GameState) -> str:
    """The digest of a decision: the digest of the one before it, chained with what it changed."""
    change, extra = change_of(before, after)
    return _chain(previous, change, extra)


def _chain(previous: str, change: GameState, extra: dict[str, Any]) -> str:
    text = previous + "|" + _canonical([change.to_dict(), extra])
    return hashlib.blake2b(text.encode(), digest_size=STEP_DIGEST_BYTES).hexdigest()


def whole_state_digest(step: Step) -> bool:
    """Whether a step's digest is of the first save format: of the whole state after it."""
    return len(step.digest) == 2 * DIGEST_BYTES


@cache
def rules_hash() -> str:
    """A fingerprint of the code that plays a game (the package's modules, not the interface), so a
    save can tell a record edited by hand from one made by another version of the game."""
    digest = hashlib.blake2b(digest_size=DIGEST_BYTES)
    try:
        for path in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return ""
    return digest.hexdigest()


@dataclass(frozen=True)
class Step:
    """One decision of a recorded game and what the game was right after it.

    `values` are the values the decision set (older saves hold them all), and `next`, `ending` and
    `scheduled` what came after it: what a divergence report can name. `digest` covers everything.
    """

    turn: int
    date: str
    event: str
    choice: str
    outcome: str | None
    values: dict[str, Value]
    next: str | None
    ending: str | None
    scheduled: tuple[tuple[str, int], ...]
    digest: str
    #: True when the decision is a standing action (`choice` is then the action's id)
    action: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """The (event, choice) pair of the step as a decision log holds it (see `choices_of`)."""
        return (self.event, ACTION_PREFIX + self.choice if self.action else self.choice)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "turn": self.turn,
            "date": self.date,
            "event": self.event,
            "choice": self.choice,
            "outcome": self.outcome,
            "values": dict(self.values),
            "next": self.next,
            "ending": self.ending,
            "scheduled": [[event, due] for event, due in self.scheduled],
            "digest": self.digest,
        }
        if self.action:  # (only then: steps of choices are written as before actions existed)
            data["action"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return cls(
            turn=int(data["turn"]),
            date=str(data["date"]),
            event=str(data["event"]),
            choice=str(data["choice"]),
            outcome=None if data["outcome"] is None else str(data["outcome"]),
            values=dict(data["values"]),
            next=None if data["next"] is None else str(data["next"]),
            ending=None if data["ending"] is None else str(data["ending"]),
            scheduled=tuple((str(event), int(due)) for event, due in data["scheduled"]),
            digest=str(data["digest"]),
            action=bool(data.get("action", False)),
        )


@dataclass(frozen=True)
class Start:
    """The game as it stood before the first decision."""

    event: str | None
    values: dict[str, Value]
    digest: str

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "values": dict(self.values), "digest": self.digest}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Start:
        event = data["event"]
        return cls(event=None if event is None else str(event), values=dict(data["values"]),
                   digest=str(data["digest"]))


def start_of(state: GameState) -> Start:
    return Start(event=state.event, values=dict(state.values), digest=state_digest(state))


def _scheduled(state: GameState) -> tuple[tuple[str, int], ...]:
    return tuple((str(item[2]), int(item[0])) for item in state.scheduled)


def step_between(before: GameState, after: GameState, previous: str, date: str) -> Step:
    """The record of the one decision that led from `before` to `after` (`previous` is the digest of
    the step before it, or of the start), worked out from the two states: nothing is replayed."""
    change, extra = change_of(before, after)
    entry = after.decisions[-1]
    return Step(
        turn=before.turn,
        date=date,
        event=str(entry.event),
        choice=entry.action if isinstance(entry, Acted) else entry.choice,
        action=isinstance(entry, Acted),
        outcome=entry.outcome,
        values=dict(change.values),
        next=after.event,
        ending=after.ending,
        scheduled=_scheduled(after),
        digest=_chain(previous, change, extra),
    )


def step_of(resolution: Resolution, before: GameState, date: str, previous: str) -> Step:
    """The record of one decision, from the engine's resolution of it."""
    return dataclasses.replace(step_between(before, resolution.state, previous, date),
                               event=resolution.event, choice=resolution.choice, outcome=resolution.outcome,
                               action=resolution.action)


def choices_of(state: GameState) -> list[tuple[str, str]]:
    """The (event, choice) ids a game's decision log holds, in order; a standing action as
    (event, ACTION_PREFIX + action id), the event being the one it was taken in front of."""
    return [
        (str(entry.event), ACTION_PREFIX + entry.action) if isinstance(entry, Acted) else (entry.event, entry.choice)
        for entry in state.decisions
    ]


def take(engine: Engine, state: GameState, choice: str) -> Resolution:
    """Take a choice of the current decision, or a standing action written as ACTION_PREFIX + its id."""
    if choice.startswith(ACTION_PREFIX):
        return engine.act(state, choice.removeprefix(ACTION_PREFIX))
    return engine.choose(state, choice)


def record(engine: Engine, seed: int, choices: Iterable[tuple[str, str]]) -> tuple[Start, list[Step], GameState]:
    """Play the choices from a new game and record every step.

    Raises InvalidChoice if a choice cannot be taken; use `check` to find out why in words.
    """
    state = engine.new_game(seed)
    start = start_of(state)
    steps: list[Step] = []
    return start, steps, play_on(engine, state, choices, steps, start.digest)


def play_on(engine: Engine, state: GameState, choices: Iterable[tuple[str, str]], steps: list[Step],
            previous: str) -> GameState:
    """Take the choices from `state`, appending each step to `steps` (`previous` is the digest of the
    last step, or of the start, before them); the state reached.

    Raises InvalidChoice if a choice cannot be taken.
    """
    for event, choice in choices:
        if state.event != event:
            raise InvalidChoice(f"the event is '{state.event}', not '{event}'")
        date = engine.date(state.turn).isoformat()
        resolution = take(engine, state, choice)
        step = step_of(resolution, state, date, previous)
        steps.append(step)
        previous = step.digest
        state = resolution.state
    return state


# --- divergence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    """The first point where re-running a decision log goes differently from the record.

    `matched` decisions replayed exactly; `resume` is the state after them, the last point that
    matches, from which a player can continue. `step` is the recorded decision that went
    differently, or None when the difference is in how the game starts or after the last decision.
    """

    matched: int
    step: Step | None
    what: tuple[str, ...]
    resume: GameState
    at_start: bool = False

    @property
    def number(self) -> int:
        """The 1-based number of the decision that diverges."""
        return self.matched + 1

    @property
    def where(self) -> str:
        if self.at_start:
            return "at the start"
        if self.step is None:
            return f"after the last decision ({self.matched})"
        step = self.step
        what = f"action {step.choice}" if step.action else step.choice
        return f"at decision {self.number} (turn {step.turn}, {step.event}: {what})"

    def __str__(self) -> str:
        return f"{self.where}: {'; '.join(self.what)}"


def _number(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(engine: Engine, ident: str) -> str:
    stat = engine.content.stats.get(ident)
    return stat.label if stat is not None else ident


def value_changes(engine: Engine, recorded: Mapping[str, Value], now: Mapping[str, Value]) -> list[str]:
    """What differs between two sets of values, in words: 'Tension 52 → 47'."""
    phrases: list[str] = []
    for ident in sorted(set(recorded) | set(now), key=lambda k: (k not in engine.content.stats, k)):
        if ident not in now:
            phrases.append(f"'{ident}' no longer exists")
        elif ident not in recorded:
            phrases.append(f"'{ident}' is new ({_number(now[ident])})")
        elif recorded[ident] != now[ident] or isinstance(recorded[ident], bool) != isinstance(now[ident], bool):
            phrases.append(f"{_label(engine, ident)} was {_number(recorded[ident])}, now {_number(now[ident])}")
    if len(phrases) > MAX_NAMED:
        phrases = [*phrases[:MAX_NAMED], f"and {len(phrases) - MAX_NAMED} more values"]
    return phrases


def _step_differences(engine: Engine, step: Step, resolution: Resolution, recorded: Mapping[str, Value]) -> list[str]:
    """How a replayed decision differs from its record; `recorded` are the values the record says
    the game had after it."""
    after = resolution.state
    what: list[str] = []
    if resolution.outcome != step.outcome:
        what.append(f"the outcome is now '{resolution.outcome}', was '{step.outcome}'")
    if after.ending != step.ending:
        if after.ending is None:
            what.append(f"the game no longer ends here (it ended with '{step.ending}')")
        else:
            what.append(f"the game now ends with '{after.ending}'" +
                        (f", not '{step.ending}'" if step.ending else " here"))
    what += value_changes(engine, recorded, after.values)
    scheduled = _scheduled(after)
    if scheduled != step.scheduled:
        lost = sorted({e for e, _ in step.scheduled} - {e for e, _ in scheduled})
        new = sorted({e for e, _ in scheduled} - {e for e, _ in step.scheduled})
        if lost:
            what.append(", ".join(f"'{e}'" for e in lost) + " is no longer pending after it")
        if new:
            what.append(", ".join(f"'{e}'" for e in new) + " is now pending after it")
        if not lost and not new:
            what.append("its follow-ups are now due on other turns")
    return what


def _before_choice(engine: Engine, state: GameState, step: Step) -> list[str]:
    """Why the recorded choice cannot be taken in this state, or [] if it can."""
    if state.over:
        return [f"the game has already ended with '{state.ending}'"]
    if state.event != step.event:
        now = f"'{state.event}'" if state.event else "no event"
        return [f"the event here is now {now}, not '{step.event}'"]
    if step.action:
        if step.choice not in engine.content.actions:
            return [f"there is no longer an action '{step.choice}'"]
        views = {view.id: view for view in engine.action_views(state)}
        if not views[step.choice].available:
            return [f"action '{step.choice}' cannot be taken here now ({views[step.choice].reason})"]
        return []
    event = engine.content.events[step.event]
    if event.choice(step.choice) is None:
        return [f"event '{step.event}' no longer has a choice '{step.choice}'"]
    decision = engine.decision(state)
    view = decision.choice(step.choice) if decision is not None else None
    if view is None:
        return [f"choice '{step.choice}' is now hidden here"]
    if not view.available:
        reason = f" ({view.reason})" if view.reason else ""
        return [f"choice '{step.choice}' is not available here now{reason}"]
    return []


def _edited_fields(step: Step, mine: Step, after: GameState) -> list[str]:
    """The fields of a recorded step (beyond its digest) that differ from the replayed step."""
    values = after.values if whole_state_digest(step) else mine.values
    fields = [name for name in ("turn", "date", "outcome", "next", "ending", "scheduled")
              if getattr(step, name) != getattr(mine, name)]
    if step.values.keys() != values.keys() or any(type(v) is not type(values[k]) or v != values[k]
                                                   for k, v in step.values.items()):
        fields.append("values")
    return fields


@dataclass(frozen=True)
class Verified:
    """A record re-run on this engine: the first divergence (or None), the state after the last
    decision that matched, and those decisions as this version records them."""

    divergence: Divergence | None
    final: GameState
    steps: tuple[Step, ...]


def verify(engine: Engine, seed: int, steps: Sequence[Step], start: Start | None = None) -> Verified:
    """Re-run a recorded game on this engine, comparing every step with the record (a step of the
    first save format by the digest of the whole state after it)."""
    state = engine.new_game(seed)
    first = start_of(state)
    if start is not None and first.digest != start.digest:
        what = value_changes(engine, start.values, state.values)
        if not what and state.event == start.event:
            what = ["the starting state differs from the record"]
        elif not what and not steps:
            now = f"'{state.event}'" if state.event else "no event"
            what = [f"the first event is now {now}, not '{start.event}'"]
        # (when only the first event differs, the first step reports it below)
        if what:
            return Verified(Divergence(0, None, tuple(what), state, at_start=True), state, ())
    recorded: dict[str, Value] = dict(start.values) if start is not None else dict(state.values)
    previous = first.digest
    done: list[Step] = []
    for index, step in enumerate(steps):
        if state.over or state.event != step.event:
            return Verified(Divergence(index, step, tuple(_before_choice(engine, state, step)), state), state,
                            tuple(done))
        date = engine.date(state.turn).isoformat()
        try:
            resolution = take(engine, state, step.key[1])
        except InvalidChoice as exc:
            reasons = _before_choice(engine, state, step) or [str(exc)]
            return Verified(Divergence(index, step, tuple(reasons), state), state, tuple(done))
        after = resolution.state
        mine = step_of(resolution, state, date, previous)
        recorded.update(step.values)
        if (state_digest(after) if whole_state_digest(step) else mine.digest) == step.digest:
            edited = _edited_fields(step, mine, after)
            if edited:
                said = (f"its record says {', '.join(edited)} other than the game gives",)
                return Verified(Divergence(index, step, said, state), state, tuple(done))
            done.append(mine)
            previous = mine.digest
            state = after
            continue
        what = _step_differences(engine, step, resolution, recorded)
        if what:
            return Verified(Divergence(index, step, tuple(what), state), state, tuple(done))
        if after.event != step.next:
            # The decision itself went the same way; what differs is the event that comes next,
            # which the next step reports (or, after the last step, the end of the log).
            if index + 1 == len(steps):
                now = f"'{after.event}'" if after.event else "no event"
                divergence = Divergence(index + 1, None, (f"the next event is now {now}, not '{step.next}'",), after)
                return Verified(divergence, after, (*done, mine))
            done.append(mine)
            previous = mine.digest
            state = after
            continue
        return Verified(Divergence(index, step, ("the state after it differs from the record",), state), state,
                        tuple(done))
    return Verified(None, state, tuple(done))


def check(engine: Engine, seed: int, steps: Sequence[Step], start: Start | None = None) -> Divergence | None:
    """Re-run a recorded game on this engine; None if every step matches, else the first divergence."""
    return verify(engine, seed, steps, start).divergence


# --- frames and transcript --------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """One decision of a replay: the question as it was asked, the choice taken and what it did."""

    index: int
    step: Step
    before: GameState
    decision: Decision
    resolution: Resolution

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class Replay:
    """A recorded game re-run on this content: one frame per decision, up to any divergence."""

    frames: tuple[Frame, ...]
    final: GameState
    divergence: Divergence | None
    total: int = 0  # decisions in the record
    meta: dict[str, Any] = field(default_factory=dict)

    def state_before(self, index: int) -> GameState:
        """The state at which decision `index` (0-based) was asked, or the final state after the last."""
        if index < len(self.frames):
            return self.frames[index].before
        return self.final


def replay(engine: Engine, seed: int, steps: Sequence[Step], start: Start | None = None) -> Replay:
    """Re-run a record into frames. Stops at the first divergence; `final` is the last matching state."""
    divergence = check(engine, seed, steps, start)
    limit = len(steps) if divergence is None else divergence.matched
    state = engine.new_game(seed)
    frames: list[Frame] = []
    for index, step in enumerate(steps[:limit]):
        decision = engine.decision(state)
        assert decision is not None
        resolution = take(engine, state, step.key[1])
        frames.append(Frame(index, step, state, decision, resolution))
        state = resolution.state
    return Replay(tuple(frames), state, divergence, total=len(steps))


def meter_lines(engine: Engine, state: GameState) -> list[str]:
    """The meters as the player saw them at this point, with the hidden truth beside estimates."""
    lines = []
    for view in engine.stats(state):
        shown = with_unit(_fmt(view.value), view.unit)
        if view.hidden:
            band = (view.high - view.low) / 2
            truth = with_unit(_fmt(float(state.values[view.id])), view.unit)
            lines.append(f"{view.label}: {estimate_figure(view.value, band, view.min, view.max, view.unit)} "
                         f"(estimate; truly {truth})")
        else:
            lines.append(f"{view.label}: {shown}")
    return lines


def change_lines(engine: Engine, resolution: Resolution) -> list[str]:
    lines = []
    for change in resolution.changes:
        if change.hidden:
            stat = engine.content.stats[change.stat]
            lines.append(f"{change.label}: estimate {shown_value(change.shown_before, stat.min, stat.max, True)} → "
                         f"{shown_value(change.shown_after, stat.min, stat.max, True)} "
                         f"(truly {_fmt(change.before)} → {_fmt(change.after)})")
        else:
            lines.append(f"{change.label}: {_fmt(change.before)} → {_fmt(change.after)}")
    flags = engine.content.flags
    lines += [f"Now true: {flags[f].description or f}" for f in resolution.flags_set]
    lines += [f"No longer true: {flags[f].description or f}" for f in resolution.flags_cleared]
    return lines


def _action_lines(engine: Engine, frame: Frame) -> list[str]:
    """A standing action in a transcript: what it cost, what it was, how it turned out."""
    decision, step, resolution = frame.decision, frame.step, frame.resolution
    view = next((a for a in decision.actions if a.id == step.choice), None)
    label = view.label if view is not None else step.choice
    out = [f"## {frame.number}. Action: {label}", "",
           f"Turn {decision.turn} · {decision.date.strftime('%a %d %b %Y')}, before deciding "
           f"\"{decision.event.title}\"", ""]
    if view is not None:
        out += [f"Cost: {view.cost_text}", ""]
    if resolution.outcome:
        out += [f"Outcome: {resolution.outcome}", ""]
    if resolution.text:
        out += [resolution.text.strip(), ""]
    changes = change_lines(engine, resolution)
    if changes:
        out += [f"- {line}" for line in changes] + [""]
    return out


def transcript(engine: Engine, run: Replay, heading: str = "") -> str:
    """The game as a readable Markdown document: each brief, the choices, the one taken, what followed."""
    content = engine.content
    title = heading or f"{content.scenario.title}: a replay"
    out = [f"# {title}", ""]
    if run.meta:
        out += [" · ".join(f"{k}: {v}" for k, v in run.meta.items()), ""]
    out += [f"*You are: {content.scenario.role}*", ""]
    for frame in run.frames:
        decision, step, resolution = frame.decision, frame.step, frame.resolution
        event = decision.event
        if step.action:
            out += _action_lines(engine, frame)
            continue
        out += [f"## {frame.number}. {event.title}", "",
                f"Turn {decision.turn} · {decision.date.strftime('%a %d %b %Y')}", ""]
        if event.hypothetical:
            out += ["*Hypothetical: this event departs from the historical record.*", ""]
        out += [decision.brief.strip(), ""]
        if event.source:
            out += [f"Source: {event.source}", ""]
        out += ["Meters:", ""] + [f"- {line}" for line in meter_lines(engine, frame.before)] + [""]
        out += ["Choices:", ""]
        for choice in decision.choices:
            mark = " **← chosen**" if choice.id == step.choice else ""
            label = f"**{choice.label}**" if mark else choice.label
            if not choice.available:
                label = f"~~{choice.label}~~ (unavailable: {choice.reason})"
            out.append(f"- {label}{mark}")
            for counsel in choice.counsel:
                advisor = content.advisors.get(counsel.advisor)
                who = f"{advisor.name} ({advisor.stance})" if advisor else counsel.advisor
                verb = "for" if counsel.position == "for" else "against"
                out.append(f"  - {who}, {verb}: {counsel.says.strip()}")
        out.append("")
        if resolution.outcome:
            out += [f"Outcome: {resolution.outcome}", ""]
        if resolution.text:
            out += [resolution.text.strip(), ""]
        changes = change_lines(engine, resolution)
        if changes:
            out += [f"- {line}" for line in changes] + [""]
        if resolution.notes:
            out += [f"> {note}" for note in resolution.notes] + [""]
    final = run.final
    if run.divergence is not None:
        out += ["## The record goes differently from here", "",
                f"On this content the game diverges {run.divergence}.", ""]
    elif final.over:
        ending = engine.ending(final)
        assert ending is not None
        grade = f" ({ending.grade})" if ending.grade else ""
        out += [f"## Ending: {ending.title}{grade}", "", engine.epilogue(final).strip(), ""]
        hidden = [line for line in meter_lines(engine, final) if "truly" in line]
        if hidden:
            out += ["What was hidden:", ""] + [f"- {line}" for line in hidden] + [""]
    else:
        out += ["## Unfinished", "", f"The game stopped on turn {final.turn}, "
                f"{engine.date(final.turn).strftime('%d %b %Y')}, before the next decision.", ""]
    out.append(f"Decisions: {len(run.frames)} of {run.total}.")
    return "\n".join(out) + "\n"
