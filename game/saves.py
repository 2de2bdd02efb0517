"""Save files: a readable JSON record of a game, written atomically, checked on the way back in.

A save holds the seed and the decision log by ids (with a digest after each decision, chained from
the one before), a snapshot of the state to continue from, and enough about the content and the
code to notice when either changed under the save. Every value read from a file is checked before
anything uses it; a save that cannot be read says why in one line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import json
import os
import re
import secrets
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from game.content import Content
from game.engine import Engine, GameState, InvalidChoice, Value
from game.files import WriteError, remove_stale, write_file
from game.model import Id, ScenarioId
from game.replay import (
    Divergence,
    Start,
    Step,
    choices_of,
    play_on,
    record,
    rules_hash,
    same_state,
    state_digest,
    step_between,
    verify,
    whole_state_digest,
)
from game.safetext import shown
from game.seeds import MAX_SEED, RANGE

FORMAT = "redline-save"
#: 2: step digests chained from what each decision changed, a fingerprint of the code, and a layout
#: of one line per decision. Saves of version 1 are read as they are and rewritten when saved again.
VERSION = 2
SUFFIX = ".json"
#: A save of a long game is a few hundred kilobytes; anything far larger is not one of ours.
MAX_BYTES = 8 * 1024 * 1024
#: Autosaves kept per game and process (the newest ones).
AUTOSAVE_KEEP = 3
AUTOSAVE_PREFIX = "autosave-"
QUICKSAVE_SLOT = "quicksave"
MAX_SLOT_LENGTH = 64
MAX_TEXT = 200
#: Larger whole numbers than any a save holds (turns, counts, seeds are all below it).
MAX_WHOLE_DIGITS = 19
MAX_TURN = 1_000_000
MAX_COUNT = 10**12

OK = "ok"
CHANGED = "content changed"
EDITED = "edited or damaged"
UNREADABLE = "unreadable"
NO_CONTENT = "scenario missing"

#: A game's id: what GameInfo.new() makes, and the only thing an id from a file may be.
GAME_ID = re.compile(r"^[0-9a-f]{8,32}$")

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class SaveError(Exception):
    """A save cannot be written or read; the message is one line a player can act on, safe to show
    (whatever of a file it quotes has its control characters escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))


# --- the record -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GameInfo:
    """Who a game is, apart from its state: an id shared by all its saves, when it began, where it came from."""

    game: str
    created: str
    branched_from: dict[str, Any] | None = None

    @classmethod
    def new(cls, branched_from: dict[str, Any] | None = None) -> GameInfo:
        return cls(game=secrets.token_hex(4), created=utc_now(), branched_from=branched_from)


@dataclass(frozen=True)
class SaveRecord:
    """Everything a save file holds, as plain data."""

    slot: str
    info: GameInfo
    scenario: str
    title: str
    content_hash: str
    seed: int
    saved: str
    start: Start
    steps: tuple[Step, ...]
    state: GameState
    turn: int = 1
    date: str = ""
    #: the fingerprint of the code that made it ("" when unknown: saves of version 1)
    rules: str = ""
    #: of a finished game: the decisions that shaped its ending (game.analyst.shaping), worked out once
    analysis: dict[str, Any] | None = None

    @property
    def game(self) -> str:
        return self.info.game

    @property
    def decision_count(self) -> int:
        return len(self.steps)

    @property
    def ending(self) -> str | None:
        return self.state.ending

    def to_dict(self) -> dict[str, Any]:
        """The file's content, in the order a person reading it wants."""
        body: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "slot": self.slot,
            "game": self.info.game,
            "scenario": self.scenario,
            "scenario_title": self.title,
            "content_hash": self.content_hash,
            "rules": self.rules,
            "seed": self.seed,
            "created": self.info.created,
            "saved": self.saved,
            "turn": self.turn,
            "date": self.date,
            "decision_count": len(self.steps),
            "ending": self.state.ending,
            "branched_from": self.info.branched_from,
            "start": self.start.to_dict(),
            "decisions": [step.to_dict() for step in self.steps],
            "state": pack_history(self.state.to_dict()),
        }
        if self.analysis is not None:
            body["analysis"] = self.analysis
        body["checksum"] = checksum(body)
        return body


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(stamp: str) -> str:
    """A saved UTC timestamp in the player's local time, to the minute."""
    try:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return shown(stamp)


def progress(record: SaveRecord) -> str:
    """How far a saved game got: 'turn 4, 13 Nov 2024, 3 decisions' or 'ended: calm'."""
    try:
        day = dt.date.fromisoformat(record.date).strftime("%d %b %Y")
    except ValueError:
        day = shown(record.date)
    text = f"turn {record.turn}, {day}, {record.decision_count} decision{'s' if record.decision_count != 1 else ''}"
    return f"{text}, ended: {shown(record.ending)}" if record.ending else text


def checksum(body: dict[str, Any]) -> str:
    """A hash of the file's content apart from the checksum itself, to catch damage and stray edits."""
    data = {k: v for k, v in body.items() if k != "checksum"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def pack_history(state: dict[str, Any]) -> dict[str, Any]:
    """A state snapshot with its history of stat values written as columns and rows, when every
    entry is a mapping of the same stats: a row of numbers per decision instead of their names too."""
    rows = state.get("history")
    if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
        return state
    columns = list(rows[0])
    if not all(list(row) == columns for row in rows):
        return state
    return {**state, "history": {"columns": columns, "rows": [list(row.values()) for row in rows]}}


def unpack_history(state: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as the engine wrote it (see pack_history); ValueError if the columns are damaged."""
    history = state.get("history")
    if not isinstance(history, dict):
        return state
    columns, rows = history.get("columns"), history.get("rows")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) or \
            len(set(columns)) != len(columns):
        raise ValueError("the columns of its history are not names, each once")
    if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == len(columns) for row in rows):
        raise ValueError("its history is not rows as long as its columns")
    return {**state, "history": [dict(zip(columns, row, strict=True)) for row in rows]}


def make_record(
    engine: Engine,
    state: GameState,
    slot: str,
    info: GameInfo,
    previous: SaveRecord | None = None,
    saved: str | None = None,
) -> SaveRecord:
    """The record of a game in this state. With `previous`, an earlier record of the same game whose
    decisions are a prefix of this one's, the steps it holds are kept and only the new decisions are
    added: a decision taken since it is worked out from the two states, nothing replayed. Without
    one, the decision log is replayed from the seed (SaveError if it does not replay).
    """
    content = engine.content
    choices = choices_of(state)
    start, steps = _steps(engine, state, choices, previous)
    return SaveRecord(
        slot=slot,
        info=info,
        scenario=content.scenario.id,
        title=content.scenario.title,
        content_hash=content.content_hash,
        seed=state.seed,
        saved=saved or utc_now(),
        start=start,
        steps=tuple(steps),
        state=state,
        turn=state.turn,
        date=engine.date(state.turn).isoformat(),
        rules=rules_hash(),
    )


def _steps(engine: Engine, state: GameState, choices: list[tuple[str, str]],
           previous: SaveRecord | None) -> tuple[Start, list[Step]]:
    if previous is not None and _extends(previous, engine, state, choices):
        steps = list(previous.steps)
        last = steps[-1].digest if steps else previous.start.digest
        new = choices[len(steps):]
        if len(new) == 1:
            date = engine.date(previous.state.turn).isoformat()
            steps.append(step_between(previous.state, state, last, date))
            return previous.start, steps
        try:
            play_on(engine, previous.state, new, steps, last)
            return previous.start, steps
        except InvalidChoice:
            pass  # (recorded afresh below, which says why)
    try:
        start, steps, _ = record(engine, state.seed, choices)
    except InvalidChoice as exc:
        raise SaveError(f"this game cannot be saved: its decisions do not replay ({exc})") from None
    return start, steps


def _extends(previous: SaveRecord, engine: Engine, state: GameState, choices: list[tuple[str, str]]) -> bool:
    """Whether `state` is `previous` played on (the same game, content and code, and steps of this format)."""
    done = [s.key for s in previous.steps]
    return (
        previous.seed == state.seed
        and previous.content_hash == engine.content.content_hash
        and previous.rules == rules_hash()
        and not (previous.steps and whole_state_digest(previous.steps[-1]))
        and choices[: len(done)] == done
        and choices_of(previous.state) == done
    )


class Recorder:
    """The record of one game as it is played. Each save extends the record kept from the save
    before, so keeping it costs one step per decision, never a replay of the game."""

    def __init__(self, engine: Engine, info: GameInfo, record: SaveRecord | None = None) -> None:
        self.engine = engine
        self.info = info
        self.last = record
        self._lock = threading.Lock()

    def record(self, state: GameState, slot: str) -> SaveRecord:
        """The record of the game in this state, under `slot`."""
        with self._lock:
            made = make_record(self.engine, state, slot, self.info, self.last)
            self.last = made
            return made


def to_json(record: SaveRecord) -> str:
    """The file's text: one field per line, one line per decision, log entry and history row, so it
    reads well and grows by one short line per entry."""
    return _layout(record.to_dict(), 0) + "\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _layout(value: Any, depth: int) -> str:
    """Objects near the top one field per line; lists of entries one entry per line, each on one."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value and (depth < 2 or any(_entries(v) for v in value.values())):
        items = [f"{inner}{json.dumps(key, ensure_ascii=False)}: {_layout(item, depth + 1)}"
                 for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if _entries(value):
        return "[\n" + ",\n".join(inner + _compact(item) for item in value) + "\n" + pad + "]"
    return _compact(value)


def _entries(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and any(isinstance(v, dict | list) for v in value)


# --- names and writing ------------------------------------------------------------------------


def slot_filename(slot: str) -> str:
    """The file name for a save slot. Names that would leave the folder are refused, not repaired."""
    name = slot.strip()
    if not name:
        raise SaveError("a save needs a name")
    if len(name) > MAX_SLOT_LENGTH:
        raise SaveError(f"the save name is too long ({len(name)} characters; at most {MAX_SLOT_LENGTH})")
    if name.startswith("."):
        raise SaveError(f"the save name '{shown(slot)}' starts with '.'; such files are hidden")
    if any(c in name for c in "/\\\0") or ".." in name or os.path.isabs(name):
        raise SaveError(f"the save name '{shown(slot)}' would leave the save folder; "
                        "use letters, digits, spaces, '-' or '_'")
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")
    if not slug:
        slug = "save-" + hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
    if slug in _WINDOWS_RESERVED:
        slug += "-save"
    if slug.startswith(AUTOSAVE_PREFIX.rstrip("-")):
        # autosave file names are pruned; a named save must never be mistaken for one
        slug = "named-" + slug
    return slug + SUFFIX


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise SaveError(f"the save folder {shown(folder)} does not exist")
    if not folder.is_dir():
        raise SaveError(f"{shown(folder)} is not a folder")


def write_record(path: Path, record: SaveRecord) -> Path:
    """Write a record to an exact path, atomically, replacing only a regular file."""
    _check_folder(path.parent)
    try:
        write_file(path, to_json(record).encode())
    except WriteError as exc:
        raise SaveError(f"cannot write {path.name}: {exc.reason}" if exc.errno else str(exc)) from None
    return path


def write_save(folder: Path, record: SaveRecord) -> Path:
    """Write a named save (its slot gives the file name), replacing an older save of the same name."""
    return write_record(folder / slot_filename(record.slot), record)


def check_game_id(game: str) -> str:
    """The id, if it is one a game can have; SaveError otherwise (it would name files)."""
    if not GAME_ID.match(game):
        raise SaveError(f"'{shown(game)[:40]}' is not a game id")
    return game


def autosave_path(folder: Path, record: SaveRecord) -> Path:
    return folder / f"{AUTOSAVE_PREFIX}{check_game_id(record.game)}-{record.decision_count:03d}{SUFFIX}"


def _autosave_pattern(game: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{AUTOSAVE_PREFIX}{check_game_id(game)}-") + r"(\d+)" + re.escape(SUFFIX) + "$")


# --- claiming a game --------------------------------------------------------------------------

try:
    import fcntl
except ImportError:  # (not on Windows: there a game is not claimed, and pruning alone keeps saves apart)
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"
_LOCK = re.compile(r"^\.([0-9a-f]{8,32})\.lock$")


class Claim:
    """A game held by this process in one save folder: an exclusive lock on a small hidden file,
    which the system lets go of if the process dies. Release it when the game is put down."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    def release(self) -> None:
        """Let go of the game, removing the lock file (while still holding it, so no one else can be
        holding the file being removed)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(fd)


def claim_game(folder: Path, game: str) -> Claim | None:
    """Hold the game `game` in `folder`, or None when another process holds it.

    Raises OSError when the lock file cannot be made (a read-only folder, say).
    """
    path = folder / f".{check_game_id(game)}{LOCK_SUFFIX}"
    if fcntl is None:
        return Claim(path, None)
    for _ in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return Claim(path, fd)
        os.close(fd)  # its holder removed the file as we opened it: try the file there now
    return None


def remove_unheld_locks(folder: Path) -> None:
    """Remove the lock files of games no process holds (left by processes that were killed)."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    for name in names:
        match = _LOCK.match(name)
        if match is None:
            continue
        with contextlib.suppress(OSError):
            held = claim_game(folder, match.group(1))
            if held is not None:
                held.release()


# --- autosaving -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveStatus:
    """What of a game is saved: the newest autosave, the decisions it holds, and, while autosaving
    fails, why."""

    path: Path | None
    saved: int
    decisions: int
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and self.saved >= self.decisions

    def unsaved_line(self) -> str:
        """One line for a player: which decisions no save holds, why, and what the newest save holds."""
        first, last = self.saved + 1, self.decisions
        which = f"decision {last} is" if first == last else f"decisions {first}–{last} are"
        kept = "the first decision" if self.saved == 1 else f"the first {self.saved} decisions"
        held = (f"the newest autosave, {shown(self.path)}, holds {kept}" if self.path is not None
                else "no autosave of this game was written")
        why = f" (autosave failed: {self.error})" if self.error else ""
        return f"Not saved: {which} in no save{why}; {held}."


class Autosaver:
    """Autosaves one game after every decision, keeping the newest `keep` autosaves it wrote.

    The first autosave claims the game: if another process holds it, or has saved it further than
    this game goes, it goes on as a new game (said once in `notice`), so the two never overwrite or
    prune each other's saves. It never deletes a file it did not write. Each autosave adds one step
    to the record it keeps; safe to call from a worker thread.
    """

    def __init__(self, folder: Path, engine: Engine, info: GameInfo, keep: int = AUTOSAVE_KEEP,
                 record: SaveRecord | None = None) -> None:
        self.folder = folder
        self.keep = keep
        self.recorder = Recorder(engine, info, record)
        self.path: Path | None = None
        #: the autosaves written, oldest first
        self.written: list[Path] = []
        #: set when the game went on under a new id, for the front end to say once
        self.notice: str | None = None
        self._saved = record.decision_count if record is not None else 0
        self._base = self._saved
        self._error: str | None = None
        self._claim: Claim | None = None
        self._claimed = False
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self.recorder.engine

    @property
    def info(self) -> GameInfo:
        return self.recorder.info

    def __call__(self, state: GameState) -> Path:
        """Autosave this state of the game; SaveError if it cannot be written."""
        with self._lock:
            try:
                path, saved = self._save(state)
            except SaveError as exc:
                self._error = str(exc)
                raise
            self.path, self._saved, self._error = path, saved, None
            return path

    def status(self, state: GameState) -> SaveStatus:
        """What of this game (now in `state`) the autosaves hold."""
        with self._lock:
            return SaveStatus(self.path, self._saved, len(state.decisions), self._error)

    def close(self) -> None:
        """Put the game down: let go of its claim."""
        with self._lock:
            if self._claim is not None:
                self._claim.release()
                self._claim = None

    def _save(self, state: GameState) -> tuple[Path, int]:
        _ready(self.folder)
        count = len(state.decisions)
        if not self._claimed:
            self._claim_game(count)
        made = self.recorder.record(state, "autosave")
        path = write_record(autosave_path(self.folder, made), made)
        if path in self.written:
            self.written.remove(path)
        self.written.append(path)
        while len(self.written) > max(1, self.keep):
            with contextlib.suppress(OSError):  # (the player may have deleted it)
                self.written.pop(0).unlink()
        return path, made.decision_count

    def _claim_game(self, count: int) -> None:
        game = self.info.game
        try:
            remove_stale(self.folder)
            remove_unheld_locks(self.folder)
            claim = claim_game(self.folder, game)
            if claim is None or self._saved_further(game, count):
                if claim is not None:
                    claim.release()
                branch = {"game": game, "slot": "autosave", "decision": self._base}
                self.recorder.info = replace(GameInfo.new(branched_from=branch), created=self.info.created)
                self.notice = ("This game is open in another window, or was played on further there: "
                               "it goes on here as a new game, so neither overwrites the other's saves.")
                claim = claim_game(self.folder, self.info.game)
        except OSError as exc:
            raise SaveError(f"cannot write in {shown(self.folder)}: {exc.strerror or exc}") from None
        self._claim, self._claimed = claim, True

    def _saved_further(self, game: str, count: int) -> bool:
        """Whether the folder holds an autosave of this game as far as `count` decisions or further."""
        pattern = _autosave_pattern(game)
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except OSError:
            return False
        return any((m := pattern.match(name)) and int(m.group(1)) >= count for name in names)


def write_autosave(folder: Path, record: SaveRecord) -> Path:
    """Write one autosave of a game (no pruning: see Autosaver)."""
    return write_record(autosave_path(folder, record), replace(record, slot="autosave"))


# --- reading ----------------------------------------------------------------------------------


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


Seed = Annotated[int, Field(strict=True, ge=0, le=MAX_SEED)]
Turn = Annotated[int, Field(strict=True, ge=1, le=MAX_TURN)]
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]
Slot = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=MAX_SLOT_LENGTH)]
GameId = Annotated[str, StringConstraints(strict=True, pattern=GAME_ID.pattern)]
Stamp = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
Day = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-\d\d-\d\d$")]
Digest = Annotated[str, StringConstraints(strict=True, pattern=r"^([0-9a-f]{24}|[0-9a-f]{32})$")]
Hash = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9a-f]{0,128}$")]
Values = dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)],
              Annotated[bool, Field(strict=True)] | Annotated[int, Field(strict=True)]
              | Annotated[float, Field(strict=True)]]
Pending = Annotated[tuple[Id, Turn], BeforeValidator(_tuple)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class _StartFile(_Strict):
    event: Id | None
    values: Values
    digest: Digest


class _StepFile(_Strict):
    turn: Turn
    date: Day
    event: Id
    choice: Id
    outcome: Id | None
    values: Values
    next: Id | None
    ending: Id | None
    scheduled: list[Pending]
    digest: Digest
    action: bool = False


class _BranchFile(_Strict):
    game: GameId
    slot: Slot
    decision: Count


class _StateFile(_Strict):
    """The parts of the state snapshot the save itself relies on (the engine reads the rest, and
    opening a save compares all of it with a replay of its decisions)."""

    seed: Seed
    turn: Turn
    values: Values
    event: Id | None
    ending: Id | None
    fired: dict[Id, Count]
    last_fired: dict[Id, Count]
    chose: list[Annotated[str, StringConstraints(strict=True, max_length=130)]]
    sequence: Count


Share = Annotated[float, Field(strict=True, ge=0, le=1)]
Score = Annotated[float, Field(strict=True, ge=-1, le=1)]
Label = Annotated[str, StringConstraints(strict=True, max_length=400)]
Key = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]


class _MomentFile(_Strict):
    index: Count
    turn: Turn
    date: Day
    event: Id
    title: Label
    chosen: Id
    labels: dict[Id, Label]
    grades: dict[Id, dict[Key, Share]]
    endings: dict[Id, dict[Key, Share]]
    score: dict[Id, Score]
    futures: Count


class _AnalysisFile(_Strict):
    format: Literal[1]
    content_hash: Hash
    ending: Id
    policy: Id
    futures: Count
    moments: list[_MomentFile]


class SaveFile(_Strict):
    """The fields of a save file (`format`, `version` and `checksum` are checked first)."""

    slot: Slot
    game: GameId
    scenario: ScenarioId
    scenario_title: Text
    content_hash: Hash
    rules: Hash = ""
    seed: Seed
    created: Stamp
    saved: Stamp
    turn: Turn
    date: Day
    decision_count: Count
    ending: Id | None
    branched_from: _BranchFile | None = None
    start: _StartFile
    decisions: list[_StepFile]
    state: _StateFile
    analysis: _AnalysisFile | None = None


def _where(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _problem(error: Any) -> str:
    """One pydantic error as the end of a one-line reason."""
    where = _where(error["loc"])
    if where in ("seed", "state.seed") and error["type"] in ("greater_than_equal", "less_than_equal", "int_type"):
        return f"{where}: the seed must be a whole number {RANGE}"
    message = str(error["msg"]).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    return shown(f"{where}: {message}")[:150]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a save")


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_WHOLE_DIGITS:
        raise ValueError(f"the number {text[:12]}… is too large for a save")
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:24]} is too large for a save")
    return value


_JSON_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true or false"}


def _decode(raw: bytes) -> dict[str, Any]:
    """The JSON object in the bytes, or SaveError saying why there is none."""
    if not raw.strip():
        raise SaveError("empty: nothing was saved in it" if not raw else "empty: only blank space")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors add, is harmless
    except UnicodeDecodeError as exc:
        if exc.start < 16 and not raw.lstrip().startswith(b"{"):
            raise SaveError("not a save: binary data, not JSON text") from None
        raise SaveError(f"corrupted: byte {exc.start} (0x{raw[exc.start]:02x}) is not UTF-8 text") from None
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        raise SaveError(f"not a save: not JSON (it begins {shown(repr(stripped[:20]))})")
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_whole, parse_float=_number)
    except json.JSONDecodeError as exc:
        # A save is written over many lines, so an error on its last line is where the file was cut off.
        if FORMAT in text[:200] and "\n" not in text[exc.pos:].rstrip():
            raise SaveError(f"truncated: the file stops after {len(raw)} bytes, in the middle of the save") from None
        raise SaveError(f"corrupted: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except RecursionError:
        raise SaveError("not a save: JSON nested too deeply") from None
    except ValueError as exc:
        raise SaveError(f"corrupted: {shown(exc)[:120]}") from None
    if not isinstance(data, dict):
        kind = "null" if data is None else _JSON_KINDS.get(type(data), type(data).__name__)
        raise SaveError(f"not a save: the JSON is {kind}, not an object")
    return data


def _check_envelope(data: dict[str, Any]) -> int:
    """Format, version and checksum: whether this is a save of ours, and intact; its version."""
    fmt = data.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and difflib.SequenceMatcher(None, fmt[:40], FORMAT).ratio() >= 0.8:
            raise SaveError(f"corrupted: the format name reads {shown(repr(fmt))}, not {FORMAT!r}")
        if fmt is None and {"checksum", "decisions", "state"} & set(data):
            raise SaveError("corrupted: the format field is missing, though the rest looks like a save")
        if fmt is None:
            raise SaveError(f'not a save: JSON without "format": "{FORMAT}"')
        raise SaveError(f"not a save: its format is {shown(repr(str(fmt)[:40]))}, not {FORMAT!r}")
    version = data.get("version")
    if version is None:
        raise SaveError("corrupted: the save version is missing")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError(f"corrupted: the save version {shown(repr(str(version)[:20]))} is not a version number")
    if version > VERSION:
        raise SaveError(f"made by a newer Red Line: save version {version}, this one reads up to version {VERSION}")
    try:
        matches = data.get("checksum") == checksum(data)
    except (TypeError, ValueError):
        matches = False
    if not matches:
        raise SaveError("corrupted: the checksum does not match the contents (damaged, or edited by hand)")
    return version


FORGED = "edited or damaged: the saved state does not match its decisions"


def parse_save(raw: bytes) -> SaveRecord:
    """Read a save from its bytes, or raise SaveError with a one-line reason."""
    data = _decode(raw)
    version = _check_envelope(data)
    try:
        body = SaveFile.model_validate(data)
    except ValidationError as exc:
        raise SaveError(f"damaged: {_problem(exc.errors()[0])}") from None
    try:
        state = GameState.from_dict(unpack_history(data["state"]))
        choices_of(state)  # (the engine's reading of its log)
    except Exception as exc:  # the engine's reading of its own snapshot: any failure means damage
        detail = f"missing {exc}" if isinstance(exc, KeyError) else f"{exc}" or type(exc).__name__
        raise SaveError(f"damaged: the state snapshot is unreadable ({shown(detail)[:100]})") from None
    steps = tuple(Step.from_dict(step.model_dump()) for step in body.decisions)
    start = Start.from_dict(body.start.model_dump())
    _check_snapshot(body, version, start, steps, state)
    branched = body.branched_from.model_dump() if body.branched_from is not None else None
    info = GameInfo(game=body.game, created=body.created, branched_from=branched)
    return SaveRecord(
        slot=body.slot, info=info, scenario=body.scenario, title=body.scenario_title,
        content_hash=body.content_hash, seed=body.seed, saved=body.saved, start=start,
        steps=steps, state=state, turn=body.turn, date=body.date, rules=body.rules if version > 1 else "",
        analysis=body.analysis.model_dump() if body.analysis is not None and state.ending is not None else None,
    )


def _check_snapshot(body: SaveFile, version: int, start: Start, steps: tuple[Step, ...], state: GameState) -> None:
    """The state snapshot and the header agree with the decision log (what can be checked without
    the content; opening the save compares the snapshot with a replay of the decisions)."""
    last_event, last_ending = (steps[-1].next, steps[-1].ending) if steps else (start.event, None)
    values = dict(start.values)
    for step in steps:
        values.update(step.values)
    if state.seed != body.seed or choices_of(state) != [s.key for s in steps]:
        raise SaveError("edited or damaged: the state snapshot does not match the decision log")
    if (state.turn, state.ending, len(steps)) != (body.turn, body.ending, body.decision_count):
        raise SaveError("edited or damaged: the summary at the top does not match the state snapshot")
    if (state.event, state.ending) != (last_event, last_ending) or not _same_values(values, state.values):
        raise SaveError(FORGED)
    if not steps and state_digest(state) != start.digest:
        raise SaveError(FORGED)
    if steps and whole_state_digest(steps[-1]) and state_digest(state) != steps[-1].digest:
        raise SaveError("edited or damaged: the state snapshot does not match the digest of the last decision")


def _same_values(a: dict[str, Value], b: dict[str, Value]) -> bool:
    return a.keys() == b.keys() and all(type(a[k]) is type(b[k]) and a[k] == b[k] for k in a)


def read_save(path: Path) -> SaveRecord:
    """Read and check a save file; SaveError says in one line what is wrong with it. Never writes."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SaveError("a folder, not a save file")
        if not stat.S_ISREG(info.st_mode):
            raise SaveError("not a regular file (a device or a pipe), so not a save")
        if info.st_size > MAX_BYTES:
            raise SaveError(f"too large to be a save ({info.st_size / 1024 / 1024:.1f} MB; "
                            f"saves are under {MAX_BYTES // 1024 // 1024} MB)")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)  # (non-blocking: a pipe swapped in after the check cannot hang the game)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SaveError("not a regular file (a device or a pipe), so not a save")
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SaveError("no such file") from None
    except OSError as exc:
        raise SaveError(f"cannot read it: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise SaveError(f"too large to be a save (over {MAX_BYTES // 1024 // 1024} MB)")
    return parse_save(raw)


# --- opening against content ------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A save checked against the content at hand, and the state to continue from."""

    record: SaveRecord
    status: str  # OK, CHANGED or EDITED
    divergence: Divergence | None
    state: GameState
    content_changed: bool = False
    #: set when the game goes on as a new game (after a divergence), so the original save stays untouched
    info: GameInfo = field(default_factory=lambda: GameInfo("", ""))
    #: the record of the game to continue, as this version records it (for the Autosaver to extend)
    continued: SaveRecord | None = None

    @property
    def kept(self) -> int:
        """How many of the saved decisions the continued game keeps."""
        return self.record.decision_count if self.divergence is None else self.divergence.matched

    @property
    def detail(self) -> str:
        """What the change means for this save, for a line that already says it changed."""
        if self.divergence is None:
            return "every decision replays the same" if self.status != OK else ""
        resume = "the start" if self.divergence.matched == 0 else f"after decision {self.divergence.matched}"
        return shown(f"diverges {self.divergence}; you can continue from {resume}")

    @property
    def summary(self) -> str:
        """One line on what loading this save means."""
        if self.status == OK:
            return "ok"
        if self.status == EDITED:
            return f"this save was edited or damaged since it was written: it {self.detail}"
        rules = "the content" if self.content_changed else "the game's rules"
        if self.divergence is None:
            return f"{rules} changed since this save, but {self.detail}"
        return f"{rules} changed since this save; it {self.detail}"


def open_record(record: SaveRecord, engine: Engine) -> Loaded:
    """Check a save against this content: re-run its decisions, and say where to continue.

    The state to continue from is the replayed one; a snapshot that differs from it was forged or
    damaged, and is refused (SaveError).
    """
    content = engine.content
    scenario = content.scenario
    if record.scenario != scenario.id:
        raise SaveError(f"wrong scenario: saved from '{record.scenario}' ({shown(record.title)}), not '{scenario.id}'")
    changed_hash = record.content_hash != content.content_hash
    verified = verify(engine, record.seed, record.steps, record.start)
    divergence = verified.divergence
    if divergence is None:
        try:
            same = same_state(verified.final, record.state)
        except (TypeError, ValueError):  # (what the snapshot holds cannot even be compared)
            same = False
        if not same:
            raise SaveError(FORGED)
        continued = replace(record, steps=verified.steps, state=verified.final, content_hash=content.content_hash,
                            title=scenario.title, rules=rules_hash())
        return Loaded(record, CHANGED if changed_hash else OK, None, verified.final, changed_hash, record.info,
                      continued)
    # Going on from an earlier point is a new game: its autosaves must not prune the original's.
    branch = GameInfo.new(branched_from={"game": record.game, "slot": record.slot, "decision": divergence.matched})
    edited = not changed_hash and bool(record.rules) and record.rules == rules_hash()
    kept = replace(record, info=branch, steps=verified.steps[:divergence.matched], state=divergence.resume,
                   content_hash=content.content_hash, title=scenario.title, rules=rules_hash())
    return Loaded(record, EDITED if edited else CHANGED, divergence, divergence.resume, changed_hash, branch,
                  kept if len(kept.steps) == divergence.matched else None)


def load_save(path: Path, engine: Engine) -> Loaded:
    """Read a save and check it against this content (SaveError if it cannot be loaded)."""
    return going_on(path, open_record(read_save(path), engine))


def going_on(path: Path, loaded: Loaded) -> Loaded:
    """The game to play on as, for a save read from `path`: going on from an earlier point of a game
    than its newest autosave starts a new game, so its autosaves never replace the later ones."""
    record = loaded.record
    if loaded.info.game != record.game:
        return loaded  # already a new game
    pattern = _autosave_pattern(record.game)
    try:
        names = [other.name for other in path.parent.iterdir()]
    except OSError:
        names = []
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) > record.decision_count:
            branch = GameInfo.new(branched_from={"game": record.game, "slot": record.slot,
                                                 "decision": record.decision_count})
            continued = replace(loaded.continued, info=branch) if loaded.continued is not None else None
            return replace(loaded, info=branch, continued=continued)
    return loaded


# --- listing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One file of a save folder, as the load screen and `redline saves` show it."""

    path: Path
    status: str
    reason: str = ""
    record: SaveRecord | None = None
    loaded: Loaded | None = None

    @property
    def playable(self) -> bool:
        return self.loaded is not None

    @property
    def name(self) -> str:
        """The file's name, safe to show."""
        return shown(self.path.name)

    @property
    def label(self) -> str:
        """One line for a player: which game, how far, when it was saved (safe to show)."""
        saved = self.record
        if saved is None:
            return f"{self.name}: {shown(self.reason)}"
        return " · ".join([shown(saved.title), shown(saved.slot), progress(saved), f"saved {local_time(saved.saved)}"])


ContentFor = Callable[[str], Content | None]


def save_files(folder: Path) -> list[Path]:
    """The save files in a folder (temporary files of unfinished writes are not saves)."""
    return sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and not p.name.startswith("."))


def list_saves(folder: Path, content_for: ContentFor) -> list[Listing]:
    """Every save in the folder with its status; newest first, unreadable ones last.

    `content_for(scenario_id)` gives the content to check a save against, or None if that
    scenario is not available.
    """
    _check_folder(folder)
    engines: dict[str, Engine | None] = {}
    listings: list[Listing] = []
    try:
        files = save_files(folder)
    except OSError as exc:
        raise SaveError(f"cannot read the save folder {shown(folder)}: {exc.strerror or exc}") from None
    for path in files:
        try:
            listings.append(_listing(path, content_for, engines))
        except Exception as exc:  # one bad file must never hide the others, whatever went wrong with it
            listings.append(Listing(path, UNREADABLE, shown(f"unexpected problem: {type(exc).__name__}: {exc}")))
    readable = sorted((item for item in listings if item.record is not None),
                      key=lambda item: (item.record.saved if item.record else "", item.path.name), reverse=True)
    return readable + [item for item in listings if item.record is None]


def _listing(path: Path, content_for: ContentFor, engines: dict[str, Engine | None]) -> Listing:
    try:
        saved = read_save(path)
    except SaveError as exc:
        return Listing(path, UNREADABLE, str(exc))
    if saved.scenario not in engines:
        try:
            content = content_for(saved.scenario)
        except SaveError as exc:
            return Listing(path, NO_CONTENT, str(exc), saved)
        engines[saved.scenario] = Engine(content) if content is not None else None
    engine = engines[saved.scenario]
    if engine is None:
        return Listing(path, NO_CONTENT, f"scenario '{saved.scenario}' is not available", saved)
    try:
        loaded = open_record(saved, engine)
    except SaveError as exc:
        return Listing(path, UNREADABLE, str(exc), saved)
    return Listing(path, loaded.status, loaded.detail, saved, going_on(path, loaded))


def branch_record(engine: Engine, record: SaveRecord, state: GameState, decision: int, slot: str) -> SaveRecord:
    """A new game that takes over a recorded one after `decision` decisions."""
    info = GameInfo.new(branched_from={"game": record.game, "slot": record.slot, "decision": decision})
    return make_record(engine, state, slot, info)


def unused_slot(folder: Path, base: str) -> str:
    """`base`, or `base 2`, `base 3`, ... whichever names no existing file."""
    base = base.strip()[: MAX_SLOT_LENGTH - 4] or "save"
    candidate, number = base, 1
    while os.path.lexists(folder / slot_filename(candidate)):
        number += 1
        candidate = f"{base} {number}"
    return candidate


# --- for the interface: one call per player action --------------------------------------------


def _engine(source: Engine | Content) -> Engine:
    return source if isinstance(source, Engine) else Engine(source)


def _info(engine: Engine, state: GameState, info: GameInfo | None) -> GameInfo:
    if info is not None:
        return info
    # Without a GameInfo kept by the caller, a game is known by its scenario and seed, so that its
    # autosaves still replace one another instead of piling up.
    key = f"{engine.content.scenario.id}|{state.seed}".encode()
    return GameInfo(game=hashlib.blake2b(key, digest_size=4).hexdigest(), created=utc_now())


def _ready(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"cannot create the save folder {shown(folder)}: {exc.strerror or exc}") from None


def save_as(folder: Path, slot: str, source: Engine | Content | Recorder, state: GameState,
            info: GameInfo | None = None) -> Path:
    """A named save; refuses names that would leave the folder (SaveError). Given the game's
    Recorder, the record it keeps is extended rather than the game replayed."""
    slot_filename(slot)
    _ready(folder)
    if isinstance(source, Recorder):
        return write_save(folder, source.record(state, slot.strip()))
    engine = _engine(source)
    return write_save(folder, make_record(engine, state, slot.strip(), _info(engine, state, info)))


def quicksave(folder: Path, source: Engine | Content | Recorder, state: GameState,
              info: GameInfo | None = None) -> Path:
    return save_as(folder, QUICKSAVE_SLOT, source, state, info)


def quickload(folder: Path, source: Engine | Content) -> Loaded:
    """The quicksave, checked against the content; SaveError if there is none or it is unreadable."""
    path = folder / slot_filename(QUICKSAVE_SLOT)
    if not os.path.lexists(path):
        raise SaveError("there is no quicksave yet")
    return load_save(path, _engine(source))


def latest_autosave(folder: Path) -> Listing | None:
    """The newest readable autosave in the folder (not checked against content), or None."""
    if not folder.is_dir():
        return None
    found: Listing | None = None
    try:
        files = save_files(folder)
    except OSError:
        return None
    for path in files:
        if not path.name.startswith(AUTOSAVE_PREFIX):
            continue
        try:
            saved = read_save(path)
        except SaveError:
            continue
        if found is None or found.record is None or (saved.saved, path.name) > (found.record.saved, found.path.name):
            found = Listing(path, OK, "", saved)
    return found


def with_analysis(path: Path, analysis: dict[str, Any]) -> Path:
    """Keep the analysis of a finished game in its save (read again first, so nothing else changes);
    SaveError if it cannot be read or written."""
    record = read_save(path)
    if record.state.ending is None:
        raise SaveError("the game in this save is not over")
    return write_record(path, replace(record, analysis=analysis))
