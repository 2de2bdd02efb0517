"""Re-run a decision log: record the steps of a game, verify them against new runs, find the first
divergence, and tell the game again as frames (for the viewer) or as a Markdown transcript.

Pure: no files, no clock. The digest of a state is a hash of its canonical JSON, so it is the same
in any process and on any machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from game.debrief import format_number as _fmt
from game.debrief import with_unit
from game.engine import Decision, Engine, GameState, InvalidChoice, Resolution, Value

DIGEST_BYTES = 12
#: How many differing values a divergence names before it says "and N more".
MAX_NAMED = 4


def state_digest(state: GameState) -> str:
    """A short fingerprint of everything in a state; equal states give equal digests."""
    text = json.dumps(state.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.blake2b(text.encode(), digest_size=DIGEST_BYTES).hexdigest()


@dataclass(frozen=True)
class Step:
    """One decision of a recorded game and what the game was right after it.

    `values`, `next`, `ending` and `scheduled` say what the state was in words a divergence report
    can name; `digest` covers everything else.
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

    def to_dict(self) -> dict[str, Any]:
        return {
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


def step_of(resolution: Resolution, turn: int, date: str) -> Step:
    """The record of one decision, from the engine's resolution of it."""
    after = resolution.state
    return Step(
        turn=turn,
        date=date,
        event=resolution.event,
        choice=resolution.choice,
        outcome=resolution.outcome,
        values=dict(after.values),
        next=after.event,
        ending=after.ending,
        scheduled=tuple((str(item[2]), int(item[0])) for item in after.scheduled),
        digest=state_digest(after),
    )


def choices_of(state: GameState) -> list[tuple[str, str]]:
    """The (event, choice) ids a game's decision log holds, in order."""
    return [(str(entry["event"]), str(entry["choice"])) for entry in state.decisions]


def record(engine: Engine, seed: int, choices: Iterable[tuple[str, str]]) -> tuple[Start, list[Step], GameState]:
    """Play the choices from a new game and record every step.

    Raises InvalidChoice if a choice cannot be taken; use `check` to find out why in words.
    """
    state = engine.new_game(seed)
    steps: list[Step] = []
    return start_of(state), steps, play_on(engine, state, choices, steps)


def play_on(engine: Engine, state: GameState, choices: Iterable[tuple[str, str]], steps: list[Step]) -> GameState:
    """Take the choices from `state`, appending each step to `steps`; the state reached.

    Raises InvalidChoice if a choice cannot be taken.
    """
    for event, choice in choices:
        if state.event != event:
            raise InvalidChoice(f"the event is '{state.event}', not '{event}'")
        turn, date = state.turn, engine.date(state.turn).isoformat()
        resolution = engine.choose(state, choice)
        steps.append(step_of(resolution, turn, date))
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
        return f"at decision {self.number} (turn {step.turn}, {step.event}: {step.choice})"

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


def value_changes(engine: Engine, recorded: dict[str, Value], now: dict[str, Value]) -> list[str]:
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


def _step_differences(engine: Engine, step: Step, resolution: Resolution) -> list[str]:
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
    what += value_changes(engine, step.values, after.values)
    scheduled = tuple((str(item[2]), int(item[0])) for item in after.scheduled)
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


def check(engine: Engine, seed: int, steps: Sequence[Step], start: Start | None = None) -> Divergence | None:
    """Re-run a recorded game on this engine; None if every step matches, else the first divergence."""
    state = engine.new_game(seed)
    if start is not None and state_digest(state) != start.digest:
        what = value_changes(engine, start.values, state.values)
        if not what and state.event == start.event:
            what = ["the starting state differs from the record"]
        elif not what and not steps:
            now = f"'{state.event}'" if state.event else "no event"
            what = [f"the first event is now {now}, not '{start.event}'"]
        # (when only the first event differs, the first step reports it below)
        if what:
            return Divergence(0, None, tuple(what), state, at_start=True)
    for index, step in enumerate(steps):
        reasons = _before_choice(engine, state, step)
        if reasons:
            return Divergence(index, step, tuple(reasons), state)
        resolution = engine.choose(state, step.choice)
        after = resolution.state
        if state_digest(after) == step.digest:
            state = after
            continue
        what = _step_differences(engine, step, resolution)
        if what:
            return Divergence(index, step, tuple(what), state)
        if after.event != step.next:
            # The decision itself went the same way; what differs is the event that comes next,
            # which the next step reports (or, after the last step, the end of the log).
            if index + 1 == len(steps):
                now = f"'{after.event}'" if after.event else "no event"
                return Divergence(index + 1, None, (f"the next event is now {now}, not '{step.next}'",), after)
            state = after
            continue
        return Divergence(index, step, ("the state after it differs from the record",), state)
    return None


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
        resolution = engine.choose(state, step.choice)
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
            lines.append(f"{view.label}: ~{shown} ±{_fmt(band)} (estimate; truly {truth})")
        else:
            lines.append(f"{view.label}: {shown}")
    return lines


def change_lines(engine: Engine, resolution: Resolution) -> list[str]:
    lines = []
    for change in resolution.changes:
        if change.hidden:
            lines.append(f"{change.label}: estimate ~{_fmt(change.shown_before)} → ~{_fmt(change.shown_after)} "
                         f"(truly {_fmt(change.before)} → {_fmt(change.after)})")
        else:
            lines.append(f"{change.label}: {_fmt(change.before)} → {_fmt(change.after)}")
    flags = engine.content.flags
    lines += [f"Now true: {flags[f].description or f}" for f in resolution.flags_set]
    lines += [f"No longer true: {flags[f].description or f}" for f in resolution.flags_cleared]
    return lines


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
        out += [f"## {frame.number}. {event.title}", "",
                f"Turn {decision.turn} · {decision.date.strftime('%a %d %b %Y')}", ""]
        if event.hypothetical:
            out += ["*Hypothetical: this event departs from the historical record.*", ""]
        out += [event.brief.strip(), ""]
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
        out += [f"## Ending: {ending.title}{grade}", "", ending.epilogue.strip(), ""]
        hidden = [line for line in meter_lines(engine, final) if "truly" in line]
        if hidden:
            out += ["What was hidden:", ""] + [f"- {line}" for line in hidden] + [""]
    else:
        out += ["## Unfinished", "", f"The game stopped on turn {final.turn}, "
                f"{engine.date(final.turn).strftime('%d %b %Y')}, before the next decision.", ""]
    out.append(f"Decisions: {len(run.frames)} of {run.total}.")
    return "\n".join(out) + "\n"
