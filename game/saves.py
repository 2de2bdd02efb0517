"""Save files: a readable JSON record of a game, written atomically, checked on the way back in.

A save holds the seed and the decision log by ids (with a digest of the state after each
decision), a snapshot of the state to continue from, and enough about the content to notice when
it changed under the save.
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
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from game.content import Content
from game.engine import Engine, GameState
from game.model import ScenarioId
from game.replay import Divergence, Start, Step, check, choices_of, play_on, record, state_digest

FORMAT = "redline-save"
VERSION = 1
SUFFIX = ".json"
#: A save of a long game is a few hundred kilobytes; anything far larger is not one of ours.
MAX_BYTES = 8 * 1024 * 1024
#: Autosaves kept per game (the newest ones).
AUTOSAVE_KEEP = 3
AUTOSAVE_PREFIX = "autosave-"
QUICKSAVE_SLOT = "quicksave"
MAX_SLOT_LENGTH = 64
WRITE_CHUNK = 64 * 1024

OK = "ok"
CHANGED = "content changed"
UNREADABLE = "unreadable"
NO_CONTENT = "scenario missing"

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class SaveError(Exception):
    """A save cannot be written or read; the message is one line a player can act on."""


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
            "state": self.state.to_dict(),
        }
        body["checksum"] = checksum(body)
        return body


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(stamp: str) -> str:
    """A saved UTC timestamp in the player's local time, to the minute."""
    try:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def progress(record: SaveRecord) -> str:
    """How far a saved game got: 'turn 4, 13 Nov 2024, 3 decisions' or 'ended: calm'."""
    try:
        day = dt.date.fromisoformat(record.date).strftime("%d %b %Y")
    except ValueError:
        day = record.date
    text = f"turn {record.turn}, {day}, {record.decision_count} decision{'s' if record.decision_count != 1 else ''}"
    return f"{text}, ended: {record.ending}" if record.ending else text


def checksum(body: dict[str, Any]) -> str:
    """A hash of the file's content apart from the checksum itself, to catch damage and stray edits."""
    data = {k: v for k, v in body.items() if k != "checksum"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def make_record(
    engine: Engine,
    state: GameState,
    slot: str,
    info: GameInfo,
    previous: SaveRecord | None = None,
    saved: str | None = None,
) -> SaveRecord:
    """The record of a game in this state. The steps are recomputed by replaying the decision log,
    starting from `previous` (an earlier record of the same game) when it is a prefix, so an
    autosave after every decision costs one step, not a whole replay.
    """
    content = engine.content
    choices = choices_of(state)
    start: Start
    steps: list[Step]
    if previous is not None and _is_prefix(previous, engine, state, choices):
        start, steps = previous.start, list(previous.steps)
        play_on(engine, previous.state, choices[len(steps):], steps)
    else:
        start, steps, _ = record(engine, state.seed, choices)
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
    )


def _is_prefix(previous: SaveRecord, engine: Engine, state: GameState, choices: list[tuple[str, str]]) -> bool:
    done = [(s.event, s.choice) for s in previous.steps]
    return (
        previous.seed == state.seed
        and previous.content_hash == engine.content.content_hash
        and choices[: len(done)] == done
        and choices_of(previous.state) == done
    )


def to_json(record: SaveRecord) -> str:
    return json.dumps(record.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- names and writing ------------------------------------------------------------------------


def slot_filename(slot: str) -> str:
    """The file name for a save slot. Names that would leave the folder are refused, not repaired."""
    name = slot.strip()
    if not name:
        raise SaveError("a save needs a name")
    if len(name) > MAX_SLOT_LENGTH:
        raise SaveError(f"the save name is too long ({len(name)} characters; at most {MAX_SLOT_LENGTH})")
    if name.startswith("."):
        raise SaveError(f"the save name {slot!r} starts with '.'; such files are hidden")
    if any(c in name for c in "/\\\0") or ".." in name or os.path.isabs(name):
        raise SaveError(f"the save name {slot!r} would leave the save folder; use letters, digits, spaces, '-' or '_'")
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")
    if not slug:
        slug = "save-" + hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
    if slug in _WINDOWS_RESERVED:
        slug += "-save"
    if slug.startswith(AUTOSAVE_PREFIX.rstrip("-")):
        # autosave file names are pruned; a named save must never be mistaken for one
        slug = "named-" + slug
    return slug + SUFFIX


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any moment leaves either the old file or the new.

    The data goes to a temporary file in the same folder (same file system, so the rename is
    atomic), is written with unbuffered os.write (nothing left in a user-space buffer to flush),
    fsynced, then renamed over the target; the folder is fsynced so the rename itself survives.
    """
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view[:WRITE_CHUNK])
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # folders cannot be opened on some systems (Windows); the rename is still atomic
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise SaveError(f"the save folder {folder} does not exist")
    if not folder.is_dir():
        raise SaveError(f"{folder} is not a folder")


def write_record(path: Path, record: SaveRecord) -> Path:
    """Write a record to an exact path, atomically."""
    _check_folder(path.parent)
    try:
        write_atomic(path, to_json(record).encode())
    except OSError as exc:
        raise SaveError(f"cannot write {path.name}: {exc.strerror or exc}") from None
    return path


def write_save(folder: Path, record: SaveRecord) -> Path:
    """Write a named save (its slot gives the file name), replacing an older save of the same name."""
    return write_record(folder / slot_filename(record.slot), record)


def autosave_path(folder: Path, record: SaveRecord) -> Path:
    return folder / f"{AUTOSAVE_PREFIX}{record.game}-{record.decision_count:03d}{SUFFIX}"


def write_autosave(folder: Path, record: SaveRecord, keep: int = AUTOSAVE_KEEP) -> Path:
    """Write an autosave of the game and delete its older autosaves beyond the newest `keep`."""
    path = write_record(autosave_path(folder, record), replace(record, slot="autosave"))
    pattern = re.compile(re.escape(AUTOSAVE_PREFIX + record.game) + r"-\d+" + re.escape(SUFFIX) + "$")
    mine: list[tuple[int, str, Path]] = []
    for other in folder.iterdir():
        if other != path and pattern.match(other.name):
            try:
                mine.append((other.stat().st_mtime_ns, other.name, other))
            except OSError:
                continue
    mine.sort(reverse=True)
    for _, _, old in mine[max(0, keep - 1):]:
        with contextlib.suppress(OSError):  # another process may have pruned it already
            old.unlink()
    return path


# --- reading ----------------------------------------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _StartFile(_Loose):
    event: str | None
    values: dict[str, bool | int | float]
    digest: str


class _StepFile(_Loose):
    turn: int
    date: str
    event: str
    choice: str
    outcome: str | None
    values: dict[str, bool | int | float]
    next: str | None
    ending: str | None
    scheduled: list[tuple[str, int]]
    digest: str


class SaveFile(_Loose):
    """The fields of a save file of this version (`format`, `version` and `checksum` are checked first)."""

    slot: str
    game: str
    scenario: ScenarioId
    scenario_title: str
    content_hash: str
    seed: int
    created: str
    saved: str
    turn: int
    date: str
    branched_from: dict[str, Any] | None = None
    start: _StartFile
    decisions: list[_StepFile]
    state: dict[str, Any]


def _where(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a save")


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
        raise SaveError(f"not a save: not JSON (it begins {stripped[:20]!r})")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # A save is indented over many lines, so an error on its last line is where the file was cut off.
        if FORMAT in text[:200] and "\n" not in text[exc.pos:].rstrip():
            raise SaveError(f"truncated: the file stops after {len(raw)} bytes, in the middle of the save") from None
        raise SaveError(f"corrupted: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except ValueError as exc:
        raise SaveError(f"corrupted: {exc}") from None
    except RecursionError:
        raise SaveError("not a save: JSON nested too deeply") from None
    if not isinstance(data, dict):
        kind = "null" if data is None else _JSON_KINDS.get(type(data), type(data).__name__)
        raise SaveError(f"not a save: the JSON is {kind}, not an object")
    return data


def _check_envelope(data: dict[str, Any]) -> None:
    """Format, version and checksum: whether this is a save of ours, and intact."""
    fmt = data.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and difflib.SequenceMatcher(None, fmt, FORMAT).ratio() >= 0.8:
            raise SaveError(f"corrupted: the format name reads {fmt!r}, not {FORMAT!r}")
        if fmt is None and {"checksum", "decisions", "state"} & set(data):
            raise SaveError("corrupted: the format field is missing, though the rest looks like a save")
        if fmt is None:
            raise SaveError(f'not a save: JSON without "format": "{FORMAT}"')
        raise SaveError(f"not a save: its format is {str(fmt)[:40]!r}, not {FORMAT!r}")
    version = data.get("version")
    if version is None:
        raise SaveError("corrupted: the save version is missing")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError(f"corrupted: the save version {str(version)[:20]!r} is not a version number")
    if version > VERSION:
        raise SaveError(f"made by a newer Red Line: save version {version}, this one reads up to version {VERSION}")
    if data.get("checksum") != checksum(data):
        raise SaveError("corrupted: the checksum does not match the contents (damaged, or edited by hand)")


def parse_save(raw: bytes) -> SaveRecord:
    """Read a save from its bytes, or raise SaveError with a one-line reason."""
    data = _decode(raw)
    _check_envelope(data)
    try:
        body = SaveFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise SaveError(f"damaged: {_where(error['loc'])}: {error['msg'].lower()}") from None
    try:
        state = GameState.from_dict(body.state)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise SaveError(f"damaged: the state snapshot is unreadable ({detail})") from None
    steps = tuple(Step.from_dict(step.model_dump()) for step in body.decisions)
    start = Start.from_dict(body.start.model_dump())
    if state.seed != body.seed or choices_of(state) != [(s.event, s.choice) for s in steps]:
        raise SaveError("damaged: the state snapshot does not match the decision log")
    if state_digest(state) != (steps[-1].digest if steps else start.digest):
        raise SaveError("damaged: the state snapshot does not match the digest of the last decision")
    info = GameInfo(game=body.game, created=body.created, branched_from=body.branched_from)
    return SaveRecord(
        slot=body.slot, info=info, scenario=body.scenario, title=body.scenario_title,
        content_hash=body.content_hash, seed=body.seed, saved=body.saved, start=start,
        steps=steps, state=state, turn=body.turn, date=body.date,
    )


def read_save(path: Path) -> SaveRecord:
    """Read and check a save file; SaveError says in one line what is wrong with it."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SaveError("a folder, not a save file")
        if not stat.S_ISREG(info.st_mode):
            raise SaveError("not a regular file (a device or a pipe), so not a save")
        if info.st_size > MAX_BYTES:
            raise SaveError(f"too large to be a save ({info.st_size / 1024 / 1024:.1f} MB; "
                            f"saves are under {MAX_BYTES // 1024 // 1024} MB)")
        with path.open("rb") as handle:
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
    status: str  # OK or CHANGED
    divergence: Divergence | None
    state: GameState
    content_changed: bool = False
    #: set when the game goes on as a new game (after a divergence), so the original save stays untouched
    info: GameInfo = field(default_factory=lambda: GameInfo("", ""))

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
        return f"diverges {self.divergence}; you can continue from {resume}"

    @property
    def summary(self) -> str:
        """One line on what loading this save means."""
        if self.status == OK:
            return "ok"
        rules = "the content" if self.content_changed else "the game's rules"
        if self.divergence is None:
            return f"{rules} changed since this save, but {self.detail}"
        return f"{rules} changed since this save; it {self.detail}"


def open_record(record: SaveRecord, engine: Engine) -> Loaded:
    """Check a save against this content: re-run its decisions, and say where to continue."""
    scenario = engine.content.scenario
    if record.scenario != scenario.id:
        raise SaveError(f"wrong scenario: saved from '{record.scenario}' ({record.title}), not '{scenario.id}'")
    changed_hash = record.content_hash != engine.content.content_hash
    divergence = check(engine, record.seed, record.steps, record.start)
    if divergence is None:
        return Loaded(record, CHANGED if changed_hash else OK, None, record.state, changed_hash, record.info)
    # Going on from an earlier point is a new game: its autosaves must not prune the original's.
    branch = GameInfo.new(branched_from={"game": record.game, "slot": record.slot, "decision": divergence.matched})
    return Loaded(record, CHANGED, divergence, divergence.resume, changed_hash, branch)


def load_save(path: Path, engine: Engine) -> Loaded:
    """Read a save and check it against this content (SaveError if it cannot be loaded)."""
    return going_on(path, open_record(read_save(path), engine))


def going_on(path: Path, loaded: Loaded) -> Loaded:
    """The game to play on as, for a save read from `path`: going on from an earlier point of a game
    than its newest autosave starts a new game, so its autosaves never replace the later ones."""
    record = loaded.record
    if loaded.info.game != record.game:
        return loaded  # already a new game
    pattern = re.compile(re.escape(f"{AUTOSAVE_PREFIX}{record.game}-") + r"(\d+)" + re.escape(SUFFIX) + "$")
    try:
        names = [other.name for other in path.parent.iterdir()]
    except OSError:
        names = []
    for name in names:
        match = pattern.match(name)
        if match and int(match.group(1)) > record.decision_count:
            branch = {"game": record.game, "slot": record.slot, "decision": record.decision_count}
            return replace(loaded, info=GameInfo.new(branched_from=branch))
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
    def label(self) -> str:
        """One line for a player: which game, how far, when it was saved."""
        saved = self.record
        if saved is None:
            return f"{self.path.name}: {self.reason}"
        return " · ".join([saved.title, saved.slot, progress(saved), f"saved {local_time(saved.saved)}"])


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
    for path in save_files(folder):
        try:
            listings.append(_listing(path, content_for, engines))
        except Exception as exc:  # one bad file must never hide the others, whatever went wrong with it
            listings.append(Listing(path, UNREADABLE, f"unexpected problem: {type(exc).__name__}: {exc}"))
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
    while (folder / slot_filename(candidate)).exists():
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
        raise SaveError(f"cannot create the save folder {folder}: {exc.strerror or exc}") from None


def autosave(folder: Path, source: Engine | Content, state: GameState, info: GameInfo | None = None,
             keep: int = AUTOSAVE_KEEP) -> Path:
    """Autosave a game after a decision, keeping its newest `keep` autosaves. Pass the game's
    GameInfo (GameInfo.new() for a new game, Loaded.info for a loaded one)."""
    engine = _engine(source)
    _ready(folder)
    return write_autosave(folder, make_record(engine, state, "autosave", _info(engine, state, info)), keep)


class Autosaver:
    """Autosaves one game after every decision. It keeps the last record, so each autosave replays
    one decision instead of the whole game; safe to call from a worker thread."""

    def __init__(self, folder: Path, engine: Engine, info: GameInfo, keep: int = AUTOSAVE_KEEP) -> None:
        self.folder = folder
        self.engine = engine
        self.info = info
        self.keep = keep
        self.path: Path | None = None
        self._previous: SaveRecord | None = None
        self._lock = threading.Lock()

    def __call__(self, state: GameState) -> Path:
        """Autosave this state of the game; SaveError if it cannot be written."""
        with self._lock:
            _ready(self.folder)
            record = make_record(self.engine, state, "autosave", self.info, self._previous)
            self.path = write_autosave(self.folder, record, self.keep)
            self._previous = record
            return self.path


def save_as(folder: Path, slot: str, source: Engine | Content, state: GameState,
            info: GameInfo | None = None) -> Path:
    """A named save; refuses names that would leave the folder (SaveError)."""
    slot_filename(slot)
    engine = _engine(source)
    _ready(folder)
    return write_save(folder, make_record(engine, state, slot.strip(), _info(engine, state, info)))


def quicksave(folder: Path, source: Engine | Content, state: GameState, info: GameInfo | None = None) -> Path:
    return save_as(folder, QUICKSAVE_SLOT, source, state, info)


def quickload(folder: Path, source: Engine | Content) -> Loaded:
    """The quicksave, checked against the content; SaveError if there is none or it is unreadable."""
    path = folder / slot_filename(QUICKSAVE_SLOT)
    if not path.exists():
        raise SaveError("there is no quicksave yet")
    return load_save(path, _engine(source))


def latest_autosave(folder: Path) -> Listing | None:
    """The newest readable autosave in the folder (not checked against content), or None."""
    if not folder.is_dir():
        return None
    found: Listing | None = None
    for path in save_files(folder):
        if not path.name.startswith(AUTOSAVE_PREFIX):
            continue
        try:
            saved = read_save(path)
        except SaveError:
            continue
        if found is None or found.record is None or (saved.saved, path.name) > (found.record.saved, found.path.name):
            found = Listing(path, OK, "", saved)
    return found
