"""TOML files -> checked, compiled content. Every problem is reported with its file, line and column.

`load_scenario(folder, extra=[...])` reads every `.toml` file below the folder (then each extra
content folder), validates each entry against the format (game/validate.py; skipped for bytes
validated before, see game/cache.py), merges them, checks the whole, and compiles every
expression. It gathers all problems before it gives up, and raises `ContentError` with the full
list; it never lets a traceback reach an author.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, is_dataclass
from functools import cached_property, partial
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK
from types import ModuleType
from typing import Any

from game import cache
from game.content import (
    CompiledAction,
    CompiledChoice,
    CompiledEnding,
    CompiledEvent,
    CompiledFollowUp,
    CompiledOutcome,
    CompiledRule,
    Content,
    Location,
)
from game.estimates import fogs_of
from game.expr import (
    BUILTINS,
    Compiled,
    Condition,
    Effect,
    ExprError,
    Names,
    Type,
    compile_condition,
    compile_effect,
    compile_with_constant,
    reads,
    suggest,
)
from game.gcpause import paused_gc
from game.locate import Locator
from game.model import (
    ENTRY_KINDS,
    ENTRY_MODELS,
    Action,
    ContentFile,
    Counsel,
    Ending,
    Event,
    FollowUp,
    Passage,
    PassageRef,
    Rule,
    Scenario,
    Season,
    Stat,
    field_names,
)
from game.text import CompiledCounsel, Part, compile_pieces, every_text

BUILTIN_NAMES = (*BUILTINS, "true", "false")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and what would be right."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: {tag}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "col": self.col, "message": self.message,
                "severity": self.severity}


class ContentError(Exception):
    """The content has problems; `.problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class _Source:
    """One TOML file: its display name and text; positions are mapped only when first asked for."""

    name: str
    text: str
    #: the number of entries of each array of tables the file holds (-1 for a table), when known:
    #: it lets the locator read only the entry a position is asked of
    entries: dict[str, int] | None = None
    _locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text, self.entries)
        return self._locator

    def at(self, path: Sequence[str | int], value: bool = False, col_offset: int = 0) -> Location:
        line, col = self.locator.value_position(path) if value else self.locator.position(path)
        return Location(self.name, line, col + col_offset)

    def in_text(self, path: Sequence[str | int], text: str, offset: int) -> Location:
        """Where position `offset` of the string value at `path` (as parsed, `text`) was written: the
        same characters found again in the source after the value's opening quotes (escapes aside)."""
        line, col = self.locator.value_position(path)
        source = self.text
        start = 0
        for _ in range(line - 1):
            start = source.find("\n", start) + 1
        start += col - 1
        for quotes in ('"""', "'''", '"', "'"):
            if source.startswith(quotes, start):
                start += len(quotes)
                if len(quotes) == 3 and source.startswith("\n", start):
                    start += 1
                elif len(quotes) == 3 and source.startswith("\r\n", start):
                    start += 2
                break
        needle = text[offset : offset + 24].split("\n")[0] or text[offset : offset + 1]
        found = start - 1
        for _ in range(text.count(needle, 0, offset) + 1 if needle else 1):
            found = source.find(needle, found + 1)
            if found < 0:
                return Location(self.name, line, col)
        where_line = source.count("\n", 0, found) + 1
        return Location(self.name, where_line, found - (source.rfind("\n", 0, found) + 1) + 1)


@dataclass
class _File:
    """The bytes of one content file, as read."""

    name: str  # as shown to the author
    raw: bytes
    pack: int


@dataclass
class _Entry:
    kind: str
    model: Any
    source: _Source
    path: tuple[str | int, ...]  # e.g. ("event", 3)
    pack: int  # 0 for the scenario folder, 1.. for each extra content folder

    def at(self, *rest: str | int, value: bool = False, col_offset: int = 0) -> Location:
        return self.source.at(self.path + rest, value=value, col_offset=col_offset)

    def in_text(self, path: tuple[str | int, ...], text: str, offset: int) -> Location:
        """Where position `offset` of the text written at `path` is."""
        return self.source.in_text(self.path + path, text, offset)

    def later(self, *rest: str | int) -> tuple[_Source, tuple[str | int, ...]]:
        """A location to be looked up only if someone asks for it."""
        return (self.source, self.path + rest)


class _LazyLocations(Mapping[str, Location]):
    """Content.where: positions in the source files, found on first access."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[_Source, tuple[str | int, ...]]] = {}
        self._done: dict[str, Location] = {}

    def add(self, key: str, place: tuple[_Source, tuple[str | int, ...]]) -> None:
        self._pending[key] = place

    def __getitem__(self, key: str) -> Location:
        if key not in self._done:
            source, path = self._pending[key]
            self._done[key] = source.at(path)
        return self._done[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pending)

    def __len__(self) -> int:
        return len(self._pending)


@dataclass
class LoadReport:
    """What `check` says: the content if it loaded, every problem, and notes such as replacements."""

    content: Content | None
    problems: list[Problem]
    #: the notes, each made when first asked for: finding a note's place scans its file's source,
    #: which a game that starts without showing them need not pay for
    note_makers: list[Callable[[], Problem | list[Problem]]] = field(default_factory=list, repr=False)
    #: the content folders as shown (the scenario's, then each pack's), and every file in reading order
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list, repr=False)
    #: when the content has problems, what of it is sound: every name and entry that loaded
    partial: Content | None = field(default=None, repr=False)

    @cached_property
    def notes(self) -> list[Problem]:
        """Notes and warnings: entries replaced by a pack, events and conditions that can never happen,
        names set and never read, and the other static warnings (game/authoring/lint.py)."""
        found: list[Problem] = []
        for make in self.note_makers:
            made = make()
            found += made if isinstance(made, list) else [made]
        return found

    def in_order(self) -> list[Problem]:
        """The problems and the notes together, file by file in reading order, and by line in each."""
        return in_reading_order([*self.problems, *self.notes], self.files)

    def summary(self) -> str:
        """"3 problem(s) in my-pack": how many problems, and in which of the folders."""
        counts: dict[str, int] = {}
        for problem in self.problems:
            folder = self.folder_of(problem.file)
            counts[folder] = counts.get(folder, 0) + 1
        if len(counts) == 1:
            return f"{len(self.problems)} problem(s) in {next(iter(counts))}"
        return f"{len(self.problems)} problem(s): " + ", ".join(f"{n} in {folder}" for folder, n in counts.items())

    def folder_of(self, file: str) -> str:
        """The content folder (as shown) a file belongs to."""
        best = ""
        for folder in self.folders:
            if (file == folder or file.startswith(folder.rstrip("/") + "/") or not folder) and len(folder) >= len(best):
                best = folder
        return best or (self.folders[0] if self.folders else file) or "."


def display_path(path: Path) -> str:
    """A path as the author would write it: relative to the working directory when possible, and
    printable whatever bytes its name holds."""
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        shown = path.as_posix()
    return printable(shown)


def printable(name: str) -> str:
    """A file name as text any terminal can show: bytes that are not UTF-8 as \\xNN, control
    characters escaped (a name may hold any byte but '/' and NUL)."""
    if name.isprintable():
        return name
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _from_cache(files: list[_File], cached: Any) -> list[_Entry] | None:
    """The entries of a cache hit, each tied to its file again; None if the data does not fit."""
    if not isinstance(cached, list) or len(cached) != len(files):
        return None
    entries = []
    for file, found in zip(files, cached, strict=True):
        source = _Source(file.name, file.raw.decode("utf-8"), {})
        for kind, model, path in found:
            if not (kind == "scenario" or kind in ENTRY_MODELS) or not is_dataclass(model):
                return None
            entries.append(_Entry(kind, model, source, tuple(path), file.pack))
            assert source.entries is not None
            source.entries[kind] = -1 if kind == "scenario" else source.entries.get(kind, 0) + 1
    return entries


def _toml_files(folder: Path) -> list[Path]:
    """Every path under `folder` whose name ends in .toml (any case), in the order they are read."""
    return sorted((p for p in folder.rglob("*") if p.suffix.lower() == ".toml"),
                  key=lambda p: p.relative_to(folder).as_posix())


def _not_a_file(path: Path) -> str | None:
    """Why `path` is not a content file that can be read (None when it is one; "" for a folder).

    A named pipe or a device is never opened: reading one may never end."""
    if path.suffix != ".toml":
        return f"content files end in '.toml' in lower case, so this one is not read (rename it to {path.stem}.toml)"
    try:
        info = path.stat()
    except OSError as exc:
        if path.is_symlink():
            return "a link to something that does not exist" if not path.exists() else \
                f"a link that cannot be followed ({exc.strerror or exc})"
        return f"cannot be read: {exc.strerror or exc}"
    mode = info.st_mode
    if S_ISREG(mode):
        return None
    if S_ISDIR(mode):
        return ""
    what = ("a named pipe (FIFO)" if S_ISFIFO(mode) else "a device" if S_ISCHR(mode) or S_ISBLK(mode)
            else "a socket" if S_ISSOCK(mode) else "not a regular file")
    return f"{what}, not a file: content files must be plain files, so it is not read"


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.note_makers: list[Callable[[], Problem | list[Problem]]] = []  # see LoadReport.notes
        self.hasher = hashlib.sha256()
        # ids of entries that failed validation: still known names, so one mistake is reported once
        self.broken: dict[str, dict[str, Any]] = {kind: {} for kind in ENTRY_KINDS}
        self.broken_scenario = False
        self.unparsed_files = 0
        # every content file's name in the order read, and the folders (scenario, then packs) as shown
        self.order: list[str] = []
        self.folders: list[str] = []
        # the text of files held unsaved by an editor, by resolved path (see check_scenario)
        self.overlay: Mapping[Path, str] = {}
        # identical expression texts compile to the same closure (names do not change during a load)
        self._expr_cache: dict[tuple[str, str], tuple[Compiled, Any] | ExprError] = {}
        self._effect_cache: dict[str, Effect | ExprError] = {}
        self._condition_cache: dict[str, Condition] = {}
        # what to write to the cache, under which key, if the content turns out sound
        self.cache_key: str | None = None
        self.to_cache: list[list[tuple[str, Any, tuple[str | int, ...]]]] | None = None
        # names whose values depend only on the turn (set once the scenario's dates are known)
        self.calendar_names: frozenset[str] = frozenset()
        # the entries in force by kind and id, once merged; the events some follow-up schedules
        self.chosen: dict[str, dict[str, _Entry]] = {kind: {} for kind in ENTRY_KINDS}
        self.scheduled: set[str] = set()
        # what of the content is sound, when the whole is not (for listing names, and for editors)
        self.partial: Content | None = None
        # what texts' slots may name, and how they are shown (set once the names are known)
        self.names_in_force = Names(types={}, constants={}, string_values={})
        self.stat_models: dict[str, Stat] = {}
        self.seasons: tuple[Season, ...] = ()
        # each named passage's paragraphs, compiled once; the passages being compiled (to find a loop)
        self.passages: dict[str, tuple[Part, ...]] = {}
        self.passages_open: list[str] = []
        self.passages_used: set[str] = set()

    def problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, where.col, message))

    def note(self, entry: _Entry, path: tuple[str | int, ...], message: str | Callable[[], str],
             severity: str = "warning") -> None:
        """A note or warning about an entry (or one of its values), placed when it is first shown.
        A message that names other places is given as a function, for the same reason."""

        def make() -> Problem:
            at = entry.at(*path, value=True) if path else entry.at()
            return Problem(at.file, at.line, at.col, message if isinstance(message, str) else message(), severity)

        self.note_makers.append(make)

    # --- reading ----------------------------------------------------------------------------

    def read_folder(self, folder: Path, pack: int) -> list[_File] | None:
        """The bytes of every .toml file of a content folder (or of one file named directly)."""
        shown = display_path(folder)
        if not folder.exists():
            self.problem(Location(shown, 0, 0), "no such folder")
            return None
        if not folder.is_dir():
            if folder.suffix.lower() == ".toml":
                paths = [folder]
                folder = folder.parent
            else:
                self.problem(Location(shown, 0, 0), "not a folder of .toml files")
                return None
        else:
            paths = _toml_files(folder)
        if not paths:
            others = sorted(printable(p.name) for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            found = f" (content files end in .toml; found {', '.join(others[:3])})" if others else ""
            self.problem(Location(shown, 0, 0), f"no .toml files in this folder{found}")
            return None
        files = []
        shown_folder = display_path(folder)
        self.folders.append(shown_folder if shown_folder != "." else "")
        for path in paths:
            relative = printable(path.relative_to(folder).as_posix())
            name = relative if shown_folder == "." else f"{shown_folder}/{relative}"
            self.order.append(name)
            why_not = _not_a_file(path)
            if why_not == "":
                continue  # a folder whose name ends in .toml: its files are read with the others
            if why_not is not None:
                self.problem(Location(name, 0, 0), why_not)
                continue
            try:
                unsaved = self.overlay.get(path.resolve()) if self.overlay else None
                raw = path.read_bytes() if unsaved is None else unsaved.encode("utf-8", "surrogateescape")
            except OSError as exc:
                self.problem(Location(name, 0, 0), f"cannot read the file: {exc.strerror or exc}")
                continue
            self.hasher.update(f"{pack}:{relative}\0".encode())
            self.hasher.update(raw)
            self.hasher.update(b"\0")
            files.append(_File(name, raw, pack))
        return files

    def read_entries(self, files: list[_File], folders: Sequence[Path]) -> list[_Entry]:
        """The entries of every file: from the cache when these very bytes were validated before.

        Entries read afresh are kept in `self.to_cache`, for `_check` to write to the cache once the
        whole content has turned out to be sound.
        """
        if not self.problems:
            self.cache_key = cache.make_key(self.hasher.hexdigest())
            cached = _from_cache(files, cache.read(folders, self.cache_key))
            if cached is not None:
                return cached
        from game import validate

        per_file = [self.read_file(file, validate) for file in files]
        self.to_cache = [[(e.kind, e.model, e.path) for e in entries] for entries in per_file]
        return [entry for entries in per_file for entry in entries]

    def decode(self, file: _File) -> str | None:
        """The text of a file; None, with the problem reported, when it is not UTF-8 text."""
        raw = file.raw
        for mark, what in ((b"\xef\xbb\xbf", "a UTF-8 byte-order mark (BOM, bytes EF BB BF); save it as UTF-8 "
                            "without a byte-order mark"),
                           (b"\xff\xfe", "a UTF-16 byte-order mark: it is UTF-16 text; save it as UTF-8"),
                           (b"\xfe\xff", "a UTF-16 byte-order mark: it is UTF-16 text; save it as UTF-8")):
            if raw.startswith(mark):
                encoding = "utf-8-sig" if len(mark) == 3 else "utf-16"
                self.unreadable(Location(file.name, 1, 1), f"the file starts with {what}",
                                raw.decode(encoding, "replace"))
                return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start]
            line_start = before.rfind(b"\n") + 1
            line = before.count(b"\n") + 1
            col = len(before[line_start:].decode("utf-8", "replace")) + 1
            shown = raw[exc.start : max(exc.end, exc.start + 1)].hex(" ").upper()
            self.unreadable(Location(file.name, line, col),
                            f"byte {shown} is not UTF-8 text: save the file as UTF-8", raw.decode("utf-8", "replace"))
            return None

    def unreadable(self, where: Location, message: str, text: str) -> None:
        """A file that cannot be read as TOML: its problem, and the names it seems to declare, so that
        nothing else is reported for lack of them."""
        self.problem(where, message)
        self.unparsed_files += 1
        for kind, ident, choices in _declared_names(text):
            if kind == "scenario":
                self.broken_scenario = True
            elif kind in self.broken:
                self.broken[kind].setdefault(ident, {"id": ident, "choice": [{"id": c} for c in choices]})

    def read_file(self, file: _File, validate: ModuleType) -> list[_Entry]:
        import tomli

        name = file.name
        text = self.decode(file)
        if text is None:
            return []
        try:
            data = tomli.loads(text)
        except tomli.TOMLDecodeError as exc:
            message = getattr(exc, "msg", None) or str(exc).split(" (at ")[0]
            line = getattr(exc, "lineno", 1) or 1
            col = getattr(exc, "colno", 1) or 1
            opened = _unclosed_multiline(message, text)
            if opened is not None:  # tomli points at the end of the file; the mistake is where it opens
                (line, col), delimiter = opened
                message = f"a string opened with {delimiter} here is never closed"
            self.unreadable(Location(name, line, col), f"TOML syntax: {message}{_toml_hint(message, text, line)}", text)
            return []
        except RecursionError:  # tomli's own limit on nesting (or Python's, on a deep stack)
            (line, col), what = _too_deep(text)
            self.unreadable(Location(name, line, col), f"TOML syntax: {what}", text)
            return []
        source = _Source(name, text, {key: len(value) if isinstance(value, list) else -1
                                      for key, value in data.items()})
        pack = file.pack
        entries: list[_Entry] = []
        # the common case, a sound file, in one call; otherwise entry by entry for the errors
        whole = validate.validate_file(data)
        if whole is not None:
            if whole.scenario is not None:
                entries.append(_Entry("scenario", whole.scenario, source, ("scenario",), pack))
            for key in ENTRY_KINDS:
                for index, model in enumerate(getattr(whole, key)):
                    entries.append(_Entry(key, model, source, (key, index), pack))
            return entries
        allowed = field_names(ContentFile)
        for key, value in data.items():
            if key == "scenario":
                model = self.validate(validate, Scenario, value, source, ("scenario",))
                if model is not None:
                    entries.append(_Entry("scenario", model, source, ("scenario",), pack))
                else:
                    self.broken_scenario = True
                continue
            if key not in ENTRY_MODELS:
                self.problem(
                    source.at((key,)),
                    f"unknown table '{key}' (expected one of: {', '.join(allowed)})"
                    f"{validate.suggest_place(ContentFile, key)}",
                )
                self.recover(key, value)
                continue
            if not isinstance(value, list):
                self.problem(source.at((key,)), f"'{key}' must be written as [[{key}]] tables")
                self.recover(key, [value])
                continue
            for index, item in enumerate(value):
                model = self.validate(validate, ENTRY_MODELS[key], item, source, (key, index))
                if model is not None:
                    entries.append(_Entry(key, model, source, (key, index), pack))
                elif isinstance(item, dict) and isinstance(item.get("id"), str) and _ID.match(item["id"]):
                    self.broken[key][item["id"]] = item
        return entries

    def recover(self, key: str, value: Any) -> None:
        """The ids of entries under a misspelt or misshapen table (`[[stats]]`, `[event]`): known
        names from now on, so the one mistake is not reported again at every use of them."""
        close = difflib.get_close_matches(key, ENTRY_KINDS, n=1, cutoff=0.75)
        if not close or not isinstance(value, list):
            return
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and _ID.match(item["id"]):
                self.broken[close[0]].setdefault(item["id"], item)

    def validate(self, validate: ModuleType, model: type[Any], data: Any, source: _Source,
                 prefix: tuple[str | int, ...]) -> Any:
        entry, errors = validate.validate(model, data)
        for error in errors:
            self.problem(source.at(prefix + error.loc, value=error.at_value), error.message)
        return entry

    # --- checking and compiling -------------------------------------------------------------

    def build(self, entries: list[_Entry], root_name: str) -> Content | None:
        """Merge the entries, check the whole, compile it: the content, or None when it has problems."""
        scenario_entry = self.pick_scenario(entries, root_name)
        if scenario_entry is None:
            return None
        chosen = self.merge(entries)
        self.chosen = chosen
        self.check_namespace(scenario_entry, chosen)
        stats = {i: e.model for i, e in chosen["stat"].items()}
        self.check_stats(chosen["stat"], stats)
        self.check_scenario(scenario_entry, chosen)
        names = self.names(scenario_entry.model, chosen)
        self.names_in_force = names
        self.stat_models = stats
        self.seasons = scenario_entry.model.seasons
        where = _LazyLocations()
        for ident in chosen["passage"]:  # (each checked once, used or not)
            self.passage(ident, names)
        events, rules, endings = self.compile_all(scenario_entry.model, chosen, names, where)
        actions: dict[str, CompiledAction] = {}
        for ident, entry in chosen["action"].items():
            action = self.compile_action(entry, names, chosen, where)
            if action is not None:
                actions[ident] = action
        self.note_unreachable(chosen, root_name)
        content = Content(
            scenario=scenario_entry.model,
            stats=stats,
            flags={i: e.model for i, e in chosen["flag"].items()},
            counters={i: e.model for i, e in chosen["counter"].items()},
            advisors={i: e.model for i, e in chosen["advisor"].items()},
            events=events,
            rules=tuple(rules),
            endings=tuple(endings),
            names=names,
            content_hash=self.hasher.hexdigest(),
            where=where,
            actions=actions,
            leaving=self.compile_leaving(chosen, names),
            farewells={ident: self.compile_text(entry, ("leaving",), entry.model.leaving, names)
                       for ident, entry in chosen["advisor"].items() if entry.model.leaving != ""},
            passages={ident: entry.model for ident, entry in chosen["passage"].items()},
        )
        for ident, entry in chosen["passage"].items():
            if ident not in self.passages_used:
                self.note(entry, ("id",), f"passage '{ident}' is not used by any text")
        if self.problems:
            self.partial = content
            return None
        self.check_calendar(content, chosen)
        self.note_makers.append(partial(self.static_warnings, content))
        return content

    def place(self, kind: str, ident: str, *path: str | int) -> Location:
        """Where an entry, or a value of it, was written."""
        entry = self.chosen[kind][ident]
        return entry.at(*path, value=True) if path else entry.at()

    def static_warnings(self, content: Content) -> list[Problem]:
        """The warnings that need the whole content read (game/authoring/lint.py); made when shown."""
        from game.authoring.lint import warnings

        return [Problem(at.file, at.line, at.col, message, "warning") for at, message in warnings(content, self.place)]

    def pick_scenario(self, entries: list[_Entry], root_name: str) -> _Entry | None:
        """The one [scenario] table (a second one, or none at all, is a problem)."""
        scenarios = [e for e in entries if e.kind == "scenario"]
        if not scenarios:
            if not (self.broken_scenario or self.unparsed_files):
                self.problem(Location(root_name), "no [scenario] table in any file of this folder")
            return None
        for extra in scenarios[1:]:
            first = scenarios[0].at()
            self.problem(extra.at(), f"a second [scenario] table (the first is at {first})")
        return scenarios[0]

    def merge(self, entries: list[_Entry]) -> dict[str, dict[str, _Entry]]:
        """The entries by kind and id: a later pack's entry replaces an earlier one; a duplicate within a pack
        is a problem."""
        chosen: dict[str, dict[str, _Entry]] = {kind: {} for kind in ENTRY_KINDS}
        for entry in entries:
            if entry.kind == "scenario":
                continue
            table = chosen[entry.kind]
            old = table.get(entry.model.id)
            if old is None:
                table[entry.model.id] = entry
            elif entry.pack > old.pack:
                table[entry.model.id] = entry
                self.note(entry, (), partial(_replaces, f"{entry.kind} '{entry.model.id}'", old), "note")
            else:
                self.problem(
                    entry.at("id", value=True),
                    f"duplicate {entry.kind} id '{entry.model.id}' (first defined at {old.at()})",
                )
        return chosen

    def check_namespace(self, scenario_entry: _Entry, chosen: dict[str, dict[str, _Entry]]) -> None:
        """One namespace for everything an expression can name (positions looked up only on a clash)."""
        named: dict[str, Callable[[], Location]] = {}
        for name in BUILTIN_NAMES:
            named[name] = lambda: Location("(built in)")
        for name in scenario_entry.model.dates:
            for full in (name, f"days_to_{name}"):
                if full in named:
                    self.problem(scenario_entry.at("dates", name), f"the date name '{full}' is built in")
                named[full] = lambda name=name: scenario_entry.at("dates", name)  # type: ignore[misc]
        for kind in ("stat", "flag", "counter"):
            for ident, entry in chosen[kind].items():
                if ident in named:
                    self.problem(entry.at("id", value=True),
                                 f"the name '{ident}' is already used (at {named[ident]()})")
                else:
                    named[ident] = lambda entry=entry: entry.at("id", value=True)  # type: ignore[misc]

    def names(self, scenario: Scenario, chosen: dict[str, dict[str, _Entry]]) -> Names:
        """What expressions may name, with types; entries that failed validation still count as known."""
        dates = scenario.dates
        types: dict[str, Type] = {name: builtin.type for name, builtin in BUILTINS.items()}
        self.calendar_names = frozenset({*(name for name, builtin in BUILTINS.items() if builtin.calendar),
                                         *(f"days_to_{name}" for name in dates)})
        constants: dict[str, Any] = {}
        for name, day in dates.items():
            types[name] = "date"
            constants[name] = day.toordinal()
            types[f"days_to_{name}"] = "num"
        assignable: dict[str, Any] = {}
        for kind, type_ in (("stat", "num"), ("counter", "num"), ("flag", "bool")):
            for ident in chosen[kind]:
                types[ident] = type_  # type: ignore[assignment]
                assignable[ident] = kind
        for kind, type_ in (("stat", "num"), ("counter", "num"), ("flag", "bool")):
            for ident in self.broken[kind]:
                types.setdefault(ident, type_)  # type: ignore[arg-type]
                assignable.setdefault(ident, kind)
        event_choices = {i: frozenset(c.id for c in e.model.choice) for i, e in chosen["event"].items()}
        for ident, raw in self.broken["event"].items():
            raw_choices = raw.get("choice")
            ids = [c.get("id") for c in raw_choices if isinstance(c, dict)] if isinstance(raw_choices, list) else []
            event_choices.setdefault(ident, frozenset(i for i in ids if isinstance(i, str)))
        return Names(
            types=types,
            constants=constants,
            string_values={"season": ("", *(s.id for s in scenario.seasons))},
            events=frozenset(event_choices),
            choices=event_choices,
            assignable=assignable,
            hidden=fogs_of({ident: entry.model for ident, entry in chosen["stat"].items()}),
            advisors=frozenset(chosen["advisor"]) | frozenset(self.broken["advisor"]),
        )

    def compile_leaving(self, chosen: dict[str, dict[str, _Entry]], names: Names) -> dict[str, Compiled]:
        """Each advisor's condition for leaving, compiled (those with problems reported and left out)."""
        leaving = {}
        for ident, entry in chosen["advisor"].items():
            text = entry.model.leaves_when
            if text is not None:
                test = self.expr(entry, ("leaves_when",), text, names, "bool")
                if test is not None:
                    leaving[ident] = test
        return leaving

    def compile_text(self, entry: _Entry, path: tuple[str | int, ...],
                     text: str | tuple[str | Passage | PassageRef, ...], names: Names) -> tuple[Part, ...]:
        """A text written as a string or as a list of paragraphs, its conditions and slots compiled
        (problems reported), each named passage it uses put in its place."""
        if isinstance(text, str):
            return (self.part(entry, path, text),)
        parts: list[Part] = []
        cases = False  # a conditioned paragraph since the last plain or `otherwise` one
        for index, passage in enumerate(text):
            if isinstance(passage, str):
                parts.append(self.part(entry, (*path, index), passage))
                cases = False
                continue
            if isinstance(passage, PassageRef):
                used = self.used_passage(entry, (*path, index, "passage"), passage.passage, names)
                if used:
                    parts += used
                    cases = used[-1].when is not None
                continue
            if passage.when is not None and passage.otherwise:
                self.problem(entry.at(*path, index, "otherwise", value=True),
                             "a paragraph has either 'when' or 'otherwise', not both")
                continue
            if passage.otherwise and not cases:
                self.problem(entry.at(*path, index, "otherwise", value=True),
                             "'otherwise' needs a paragraph with 'when' just before it")
                continue
            if passage.when is None:
                parts.append(self.part(entry, (*path, index, "text"), passage.text, otherwise=passage.otherwise))
                cases = False
                continue
            test = self.expr(entry, (*path, index, "when"), passage.when, names, "bool")
            if test is not None:
                parts.append(self.part(entry, (*path, index, "text"), passage.text, when=test))
            cases = True
        return tuple(parts)

    def used_passage(self, entry: _Entry, path: tuple[str | int, ...], ident: str, names: Names) -> tuple[Part, ...]:
        """The paragraphs of the named passage a text uses at `path` (none, with the problem reported,
        when there is no such passage or it would use itself)."""
        if ident not in self.chosen["passage"]:
            if ident not in self.broken["passage"]:
                self.problem(entry.at(*path, value=True),
                             f"unknown passage '{ident}'{suggest(ident, list(self.chosen['passage']))}")
            return ()
        if ident in self.passages_open:
            loop = " → ".join([*self.passages_open[self.passages_open.index(ident):], ident])
            self.problem(entry.at(*path, value=True), f"passage '{ident}' would include itself ({loop})")
            return ()
        self.passages_used.add(ident)
        return self.passage(ident, names)

    def passage(self, ident: str, names: Names) -> tuple[Part, ...]:
        """A named passage's paragraphs, compiled the first time they are asked for."""
        found = self.passages.get(ident)
        if found is None:
            entry = self.chosen["passage"][ident]
            self.passages_open.append(ident)
            found = self.passages[ident] = self.compile_text(entry, ("text",), entry.model.text, names)
            self.passages_open.pop()
        return found

    def part(self, entry: _Entry, path: tuple[str | int, ...], text: str, when: Compiled | None = None,
             otherwise: bool = False) -> Part:
        """One paragraph, its slots compiled (a bad slot reported where it was written)."""
        if "{" not in text and "}" not in text:
            return Part(text, when, otherwise)
        try:
            pieces = compile_pieces(text, self.names_in_force, self.stat_models, self.seasons)
        except ExprError as exc:
            self.problem(entry.in_text(path, text, exc.col), exc.message)
            return Part(text, when, otherwise)
        return Part(text, when, otherwise, pieces)

    def compile_counsel(self, entry: _Entry, path: tuple[str | int, ...], items: Sequence[Counsel], names: Names,
                        chosen: dict[str, dict[str, _Entry]]) -> tuple[CompiledCounsel, ...]:
        """The counsel on a choice or an action: every advisor one the scenario declares, each `when`
        and each text compiled; an entry after one of the same advisor without `when` is never given."""
        compiled: list[CompiledCounsel] = []
        always: dict[str, int] = {}
        for ki, counsel in enumerate(items):
            kpath = (*path, "counsel", ki)
            if counsel.advisor not in chosen["advisor"] and counsel.advisor not in self.broken["advisor"]:
                options = list(chosen["advisor"])
                self.problem(entry.at(*kpath, "advisor", value=True),
                             f"unknown advisor '{counsel.advisor}'{suggest(counsel.advisor, options)}")
            if counsel.advisor in always:
                first = entry.at(*path, "counsel", always[counsel.advisor])
                self.problem(entry.at(*kpath), f"'{counsel.advisor}' already counsels on this without a 'when' "
                                               f"(at {first}), so this counsel is never given")
            when = None
            if counsel.when is not None:
                when = self.expr(entry, (*kpath, "when"), counsel.when, names, "bool")
            else:
                always.setdefault(counsel.advisor, ki)
            says = self.compile_text(entry, (*kpath, "says"), counsel.says, names)
            compiled.append(CompiledCounsel(counsel.advisor, counsel.position, when, says))
        return tuple(compiled)

    def compile_all(self, scenario: Scenario, chosen: dict[str, dict[str, _Entry]], names: Names,
                    where: _LazyLocations) -> tuple[dict[str, CompiledEvent], list[CompiledRule], list[CompiledEnding]]:
        """Every event, rule and ending compiled (those with problems left out), and where each was written."""
        scheduled: set[str] = set()
        self.scheduled = scheduled
        events: dict[str, CompiledEvent] = {}
        for ident, entry in chosen["event"].items():
            compiled = self.compile_event(entry, names, chosen, scheduled, where, scenario)
            if compiled is not None:
                events[ident] = compiled
        rules = []
        for ident, entry in chosen["rule"].items():
            rule: Rule = entry.model
            where.add(f"rule:{ident}", entry.later())
            when = self.condition(entry, ("when",), rule.when, names)
            effects = self.effects(entry, ("effects",), rule.effects, names)
            if when is not None and effects is not None:
                rules.append(CompiledRule(rule, when, effects))
        endings = []
        for ident, entry in chosen["ending"].items():
            ending: Ending = entry.model
            where.add(f"ending:{ident}", entry.later())
            condition = None
            if ending.when is not None:
                condition = self.condition(entry, ("when",), ending.when, names)
                if condition is None:
                    continue
            elif ident != scenario.timeout_ending and scenario.timeout_ending in chosen["ending"]:
                self.problem(entry.at(), f"ending '{ident}' has no 'when' and is not the timeout ending, "
                                         "so it can never be reached")
            if scenario.grades and ending.grade not in scenario.grades:
                listed = ", ".join(repr(g) for g in scenario.grades)
                self.problem(entry.at("grade", value=True) if ending.grade else entry.at(),
                             f"ending '{ident}' has grade {ending.grade!r}, which the scenario's 'grades' does not "
                             f"list ({listed}){suggest(ending.grade, scenario.grades)}")
            endings.append(CompiledEnding(ending, condition, self.compile_text(entry, ("epilogue",), ending.epilogue,
                                                                          names)))
        endings.sort(key=lambda e: -e.model.priority)
        for kind in ("stat", "flag", "counter", "advisor"):
            for ident, entry in chosen[kind].items():
                where.add(f"{kind}:{ident}", entry.later())
        return events, rules, endings

    def note_unreachable(self, chosen: dict[str, dict[str, _Entry]], root_name: str) -> None:
        """An event nothing can bring about is a warning; a scenario without events, a problem."""
        # (with an entry that failed to load, what its follow-ups schedule is not known)
        complete = not self.unparsed_files and not any(self.broken.values())
        for ident, entry in chosen["event"].items():
            if entry.model.trigger is None and entry.model.on is None and ident not in self.scheduled and complete:
                self.note(entry, (), f"event '{ident}' has no trigger and no choice schedules it, so it can never fire")
        if not chosen["event"] and not self.broken["event"] and not self.unparsed_files:
            self.problem(Location(root_name), "the scenario has no events")

    def check_calendar(self, content: Content, chosen: dict[str, dict[str, _Entry]]) -> None:
        """Warn of a condition whose parts that read only the calendar (`turn > 40`) hold on no turn."""
        last = content.scenario.last_turn
        calendars = [content.calendar(turn) for turn in range(1, last + 1)]
        conditions: list[tuple[str, str, Condition | None, str, str]] = [
            *(("event", e.id, e.trigger, "trigger", "be drawn") for e in content.events.values()),
            *(("rule", r.model.id, r.when, "when", "apply") for r in content.rules),
            *(("ending", e.model.id, e.when, "when", "be reached") for e in content.endings),
        ]
        for kind, ident, condition, name, verb in conditions:
            if condition is None or not condition.calendar:
                continue
            if any(all(part(values) for part in condition.calendar) for values in calendars):
                continue
            self.note(chosen[kind][ident], (name,), f"{kind} '{ident}' can never {verb}: the part of its '{name}' "
                      f"that reads the calendar holds on no turn from 1 to {last}")
        # a choice shown or open only on turns its event cannot come (its condition reads the calendar alone)
        fixed = {*(calendars[0] if calendars else ()), *content.names.constants}  # (what no choice can change)
        for ident, event in content.events.items():
            trigger = event.trigger
            if trigger is None or ident in self.scheduled:
                continue  # (a follow-up, or an event without a trigger, may come on any turn)
            turns = [turn for turn, values in enumerate(calendars, start=1)
                     if all(part(values) for part in trigger.calendar)]
            if not turns:
                continue  # (warned of above)
            compiled = {choice.id: choice for choice in event.choices}
            for index, choice in enumerate(event.model.choice):
                made = compiled.get(choice.id)
                if made is None:
                    continue
                for name, text, test in (("visible_if", choice.visible_if, made.visible),
                                         ("available_if", choice.available_if, made.available)):
                    if text is None or test is None or not reads(text, content.names) <= fixed:
                        continue
                    if any(test(calendars[turn - 1]) for turn in turns):
                        continue
                    shown = "shown" if name == "visible_if" else "open"
                    span = f"turn {turns[0]}" if len(turns) == 1 else f"turns {turns[0]} to {turns[-1]}"
                    self.note(chosen["event"][ident], ("choice", index, name),
                              f"choice '{choice.id}' of event '{ident}' can never be {shown}: its '{name}' holds on "
                              f"none of the turns the event can come ({span})")

    def check_stats(self, entries: dict[str, _Entry], stats: dict[str, Stat]) -> None:
        for _ident, entry in entries.items():
            stat: Stat = entry.model
            if stat.min >= stat.max:
                self.problem(entry.at("max", value=True), f"max ({stat.max:g}) must be above min ({stat.min:g})")
            elif not stat.min <= stat.initial <= stat.max:
                self.problem(entry.at("initial", value=True),
                             f"initial ({stat.initial:g}) is outside {stat.min:g}..{stat.max:g}")
            if stat.hidden is not None:
                conf = stat.hidden.confidence
                if conf is not None and conf not in stats and conf not in self.broken["stat"]:
                    self.problem(entry.at("hidden", "confidence", value=True),
                                 f"unknown stat '{conf}'{suggest(conf, list(stats))}")
                elif conf is not None and conf in stats and stats[conf].hidden is not None:
                    self.problem(entry.at("hidden", "confidence", value=True),
                                 f"the confidence stat '{conf}' is itself hidden")
                if stat.hidden.min_error > stat.hidden.error:
                    self.problem(entry.at("hidden", "min_error", value=True),
                                 "min_error must not be larger than error")

    def check_scenario(self, entry: _Entry, chosen: dict[str, dict[str, _Entry]]) -> None:
        scenario: Scenario = entry.model
        # every turn's date, and the day before the first turn, must be a date Python can hold
        if scenario.start_date.year < 2:
            self.problem(entry.at("start_date", value=True), "the start date must be in the year 2 or later")
        elif (dt.date.max - scenario.start_date).days < (scenario.last_turn - 1) * scenario.days_per_turn:
            self.problem(entry.at("last_turn", value=True),
                         f"the calendar runs past 9999-12-31: {scenario.last_turn} turns of {scenario.days_per_turn} "
                         f"days from {scenario.start_date.isoformat()}")
        if scenario.timeout_ending not in chosen["ending"] and scenario.timeout_ending not in self.broken["ending"]:
            options = list(chosen["ending"])
            self.problem(entry.at("timeout_ending", value=True),
                         f"unknown ending '{scenario.timeout_ending}'{suggest(scenario.timeout_ending, options)}")
        seen: dict[str, int] = {}
        seasons = scenario.seasons
        for i, season in enumerate(seasons):
            if season.id in seen:
                self.problem(entry.at("seasons", i, "id", value=True), f"duplicate season id '{season.id}'")
            seen[season.id] = i
            if season.end < season.start:
                self.problem(entry.at("seasons", i, "end", value=True), "a season must not end before it starts")
            for j in range(i):
                other = seasons[j]
                if season.start <= other.end and other.start <= season.end:
                    self.problem(entry.at("seasons", i, "start", value=True),
                                 f"season '{season.id}' overlaps season '{other.id}'")

    def condition(self, entry: _Entry, path: tuple[str | int, ...], text: str, names: Names) -> Condition | None:
        """A trigger, rule or ending condition, its calendar parts split off for the engine."""
        test = self.expr(entry, path, text, names, "bool")
        if test is None:
            return None  # reported once, with its place
        cached = self._condition_cache.get(text)
        if cached is None:
            cached = compile_condition(text, names, self.calendar_names, test)
            self._condition_cache[text] = cached
        return cached

    def expr(self, entry: _Entry, path: tuple[str | int, ...], text: str, names: Names, want: Type) -> Compiled | None:
        compiled = self.expr_and_constant(entry, path, text, names, want)
        return None if compiled is None else compiled[0]

    def expr_and_constant(self, entry: _Entry, path: tuple[str | int, ...], text: str, names: Names,
                          want: Type) -> tuple[Compiled, Any] | None:
        key = (text, want)
        cached = self._expr_cache.get(key)
        if cached is None:
            try:
                cached = compile_with_constant(text, names, want)
            except ExprError as exc:
                cached = exc
            except (ArithmeticError, ValueError) as exc:  # (a safety net: the compiler reports its own)
                cached = ExprError(f"this expression cannot be worked out: {exc}", 0)
            self._expr_cache[key] = cached
        if isinstance(cached, ExprError):
            where = entry.at(*path, value=True, col_offset=_column_in(entry, path, cached.col))
            self.problem(where, cached.message)
            return None
        return cached

    def number_or_expr(self, entry: _Entry, path: tuple[str | int, ...], value: float | str, names: Names,
                       what: str) -> Compiled | None:
        if isinstance(value, (int, float)):
            if not 0 <= value <= 1e9:
                self.problem(entry.at(*path, value=True), f"{what} must be a number from 0 up, not {value:g}")
                return None
            number = value
            return lambda v: number
        compiled = self.expr_and_constant(entry, path, value, names, "num")
        if compiled is None:
            return None
        function, constant = compiled
        if constant is not None and constant < 0:
            self.problem(entry.at(*path, value=True), f"{what} must not be negative (it is {constant:g})")
            return None
        return function

    def effects(self, entry: _Entry, path: tuple[str | int, ...], texts: Iterable[str],
                names: Names) -> tuple[Effect, ...] | None:
        compiled: list[Effect] = []
        ok = True
        for i, text in enumerate(texts):
            cached = self._effect_cache.get(text)
            if cached is None:
                try:
                    cached = compile_effect(text, names)
                except ExprError as exc:
                    cached = exc
                except (ArithmeticError, ValueError) as exc:
                    cached = ExprError(f"this effect cannot be worked out: {exc}", 0)
                self._effect_cache[text] = cached
            if not isinstance(cached, ExprError):
                compiled.append(cached)
            else:
                offset = _column_in(entry, (*path, i), cached.col)
                self.problem(entry.at(*path, i, value=True, col_offset=offset), cached.message)
                ok = False
        return tuple(compiled) if ok else None

    def followups(self, entry: _Entry, path: tuple[str | int, ...], items: Sequence[FollowUp], names: Names,
                  events: dict[str, _Entry], scheduled: set[str]) -> tuple[CompiledFollowUp, ...] | None:
        out: list[CompiledFollowUp] = []
        ok = True
        for i, item in enumerate(items):
            if item.event not in events:
                if item.event in self.broken["event"]:
                    ok = False
                    continue
                self.problem(entry.at(*path, i, "event", value=True),
                             f"unknown event '{item.event}'{suggest(item.event, list(events))}")
                ok = False
                continue
            scheduled.add(item.event)
            when = None
            if item.when is not None:
                when = self.expr(entry, (*path, i, "when"), item.when, names, "bool")
                if when is None:
                    ok = False
            out.append(CompiledFollowUp(item.event, item.after, when))
        return tuple(out) if ok else None

    def outcomes(self, entry: _Entry, path: tuple[str | int, ...], items: Sequence[Any], names: Names,
                 chosen: dict[str, dict[str, _Entry]], where: _LazyLocations, key: str, owner: str,
                 ) -> list[CompiledOutcome]:
        """The outcomes of a choice or an action (`key` names the owner in `where`: "outcome:EVENT.CHOICE")."""
        outcomes: list[CompiledOutcome] = []
        seen: set[str] = set()
        all_zero = bool(items)
        for oi, outcome in enumerate(items):
            opath = (*path, "outcome", oi)
            where.add(f"{key}.{outcome.id}", entry.later(*opath))
            if outcome.id in seen:
                self.problem(entry.at(*opath, "id", value=True), f"duplicate outcome id '{outcome.id}' in {owner}")
            seen.add(outcome.id)
            chance = self.number_or_expr(entry, (*opath, "chance"), outcome.chance, names, "chance")
            if not (isinstance(outcome.chance, (int, float)) and outcome.chance == 0):
                all_zero = False
            o_effects = self.effects(entry, (*opath, "effects"), outcome.effects, names)
            o_follow = self.followups(entry, (*opath, "followups"), outcome.followups, names, chosen["event"],
                                      self.scheduled)
            parts = self.compile_text(entry, (*opath, "text"), outcome.text, names)
            if chance is not None and o_effects is not None and o_follow is not None:
                outcomes.append(CompiledOutcome(outcome.id, "\n\n".join(every_text(parts)), chance, o_effects,
                                                o_follow, parts))
        if all_zero:
            self.problem(entry.at(*path, "outcome"), "every outcome has chance 0, so none can happen")
        return outcomes

    def compile_action(self, entry: _Entry, names: Names, chosen: dict[str, dict[str, _Entry]],
                       where: _LazyLocations) -> CompiledAction | None:
        """A standing action: its condition, cost (each part a positive step on a meter the player
        sees, or a counter), effects, outcomes and follow-ups."""
        action: Action = entry.model
        where.add(f"action:{action.id}", entry.later())
        before = len(self.problems)
        when = None
        if action.when is not None:
            when = self.expr(entry, ("when",), action.when, names, "bool")
            if not action.unavailable_reason.strip():
                self.problem(entry.at("when"), "an action with 'when' needs an unavailable_reason to show the player")
        cost_effects = self.effects(entry, ("cost",), action.cost, names)
        cost: list[tuple[str, str, float]] = []
        for ci, effect in enumerate(cost_effects or ()):
            at = entry.at("cost", ci, value=True)
            kind = (names.assignable or {}).get(effect.target)
            stat = chosen["stat"].get(effect.target)
            if kind not in ("stat", "counter"):
                self.problem(at, f"a cost is paid from a stat or a counter, and '{effect.target}' is a {kind}")
            elif effect.op == "=":
                self.problem(at, f"a cost takes an amount from a value ('{effect.target} -= 5'), not sets it")
            elif not isinstance(effect.constant, (int, float)) or isinstance(effect.constant, bool) \
                    or effect.constant <= 0:
                self.problem(at, "a cost is a positive number, known before the action is taken")
            elif stat is not None and stat.model.hidden is not None:
                self.problem(at, f"'{effect.target}' is hidden from the player, who could not see what they pay")
            else:
                cost.append((effect.target, effect.op, float(effect.constant)))
        counsel = self.compile_counsel(entry, (), action.counsel, names, chosen)
        text = self.compile_text(entry, ("text",), action.text, names)
        effects = self.effects(entry, ("effects",), action.effects, names)
        followups = self.followups(entry, ("followups",), action.followups, names, chosen["event"], self.scheduled)
        outcomes = self.outcomes(entry, (), action.outcome, names, chosen, where, f"action_outcome:{action.id}",
                                 f"action '{action.id}'")
        if len(self.problems) != before or cost_effects is None or effects is None or followups is None:
            return None
        return CompiledAction(action, when, tuple(cost), cost_effects, effects, tuple(outcomes), followups, text,
                              counsel)

    def compile_event(self, entry: _Entry, names: Names, chosen: dict[str, dict[str, _Entry]],
                      scheduled: set[str], where: _LazyLocations, scenario: Scenario) -> CompiledEvent | None:
        event: Event = entry.model
        where.add(f"event:{event.id}", entry.later())
        before = len(self.problems)
        trigger = None
        if event.trigger is not None:
            trigger = self.condition(entry, ("trigger",), event.trigger, names)
        turn, trigger_text = self.dated(entry, scenario)
        if turn is not None and trigger_text is not None and len(self.problems) == before:
            # a dated event holds on its date's turn and the next, and while its written trigger holds
            trigger = self.condition(entry, ("on",), trigger_text, names)
        weight = self.number_or_expr(entry, ("weight",), event.weight, names, "weight")
        choices: list[CompiledChoice] = []
        seen_choices: dict[str, int] = {}
        for ci, choice in enumerate(event.choice):
            cpath: tuple[str | int, ...] = ("choice", ci)
            where.add(f"choice:{event.id}.{choice.id}", entry.later(*cpath))
            if choice.id in seen_choices:
                self.problem(entry.at(*cpath, "id", value=True),
                             f"duplicate choice id '{choice.id}' in event '{event.id}'")
            seen_choices[choice.id] = ci
            visible = available = None
            if choice.visible_if is not None:
                visible = self.expr(entry, (*cpath, "visible_if"), choice.visible_if, names, "bool")
            if choice.available_if is not None:
                available = self.expr(entry, (*cpath, "available_if"), choice.available_if, names, "bool")
                if not choice.unavailable_reason.strip():
                    self.problem(entry.at(*cpath, "available_if"),
                                 "a choice with available_if needs an unavailable_reason to show the player")
            counsel = self.compile_counsel(entry, cpath, choice.counsel, names, chosen)
            effects = self.effects(entry, (*cpath, "effects"), choice.effects, names)
            followups = self.followups(entry, (*cpath, "followups"), choice.followups, names,
                                       chosen["event"], scheduled)
            outcomes: list[CompiledOutcome] = []
            seen_outcomes: set[str] = set()
            all_zero = bool(choice.outcome)
            for oi, outcome in enumerate(choice.outcome):
                opath = (*cpath, "outcome", oi)
                where.add(f"outcome:{event.id}.{choice.id}.{outcome.id}", entry.later(*opath))
                if outcome.id in seen_outcomes:
                    self.problem(entry.at(*opath, "id", value=True),
                                 f"duplicate outcome id '{outcome.id}' in choice '{choice.id}'")
                seen_outcomes.add(outcome.id)
                chance = self.number_or_expr(entry, (*opath, "chance"), outcome.chance, names, "chance")
                if not (isinstance(outcome.chance, (int, float)) and outcome.chance == 0):
                    all_zero = False
                o_effects = self.effects(entry, (*opath, "effects"), outcome.effects, names)
                o_follow = self.followups(entry, (*opath, "followups"), outcome.followups, names,
                                          chosen["event"], scheduled)
                parts = self.compile_text(entry, (*opath, "text"), outcome.text, names)
                if chance is not None and o_effects is not None and o_follow is not None:
                    outcomes.append(CompiledOutcome(outcome.id, "\n\n".join(every_text(parts)), chance, o_effects,
                                                    o_follow, parts))
            if all_zero:
                self.problem(entry.at(*cpath, "outcome"), "every outcome has chance 0, so none can happen")
            text_parts = self.compile_text(entry, (*cpath, "text"), choice.text, names)
            if effects is not None and followups is not None:
                choices.append(CompiledChoice(
                    id=choice.id, label=choice.label, text="\n\n".join(every_text(text_parts)), posture=choice.posture,
                    visible=visible, available=available, unavailable_reason=choice.unavailable_reason,
                    effects=effects, outcomes=tuple(outcomes), followups=followups, parts=text_parts,
                    counsel=counsel,
                ))
        brief = self.compile_text(entry, ("brief",), event.brief, names)
        if len(self.problems) != before or weight is None:
            return None
        return CompiledEvent(event, trigger, weight, tuple(choices), brief, turn, trigger_text)

    def dated(self, entry: _Entry, scenario: Scenario) -> tuple[int | None, str | None]:
        """The turn of an event's date (`on`) and the whole condition it is drawn under, as text."""
        event: Event = entry.model
        if event.on is None:
            return None, event.trigger
        # (the first turn that starts on or after the date: a real event is never told before it happened)
        last = scenario.start_date + dt.timedelta(days=(scenario.last_turn - 1) * scenario.days_per_turn)
        if not scenario.start_date <= event.on <= last:
            self.problem(entry.at("on", value=True),
                         f"the date {event.on.isoformat()} is outside the scenario's calendar (its turns start "
                         f"from {scenario.start_date.isoformat()} to {last.isoformat()})")
            return None, event.trigger
        turn = -((scenario.start_date - event.on).days // scenario.days_per_turn) + 1
        window = f"turn >= {turn} and turn <= {turn + 1}"
        return turn, window if event.trigger is None else f"{window} and ({event.trigger})"


def _column_in(entry: _Entry, path: tuple[str | int, ...], col: int) -> int:
    """Column offset of position `col` inside a quoted single-line string value."""
    line, start = entry.source.locator.value_position(entry.path + path)
    text_line = entry.source.locator.line(line)
    if start - 1 < len(text_line) and text_line[start - 1 : start] in ("\"", "'") \
            and not text_line[start - 1 :].startswith(('"""', "'''")):
        return col + 1
    return 0


_ID = re.compile(r"^[a-z][a-z0-9_]*$")
def check_scenario(folder: Path, extra: Sequence[Path] = (), overlay: Mapping[Path, str] | None = None) -> LoadReport:
    """Load a scenario and its extra content folders; report every problem instead of raising.

    `overlay` gives the text of files as an editor holds them, unsaved, in place of what is on disk
    (keyed by resolved path); what is loaded with it is not written to the cache."""
    # Loading allocates many long-lived objects and no garbage cycles; without the cyclic
    # collector rescanning the growing heap, a large scenario loads about a third faster.
    with paused_gc():
        return _check(folder, extra, overlay or {})


def _check(folder: Path, extra: Sequence[Path], overlay: Mapping[Path, str]) -> LoadReport:
    loader = _Loader()
    loader.overlay = overlay
    files = loader.read_folder(folder, 0)
    for pack, path in enumerate(extra, start=1):
        more = loader.read_folder(path, pack)
        if files is not None and more is not None:
            files.extend(more)
    if files is None:
        return LoadReport(None, in_reading_order(loader.problems, loader.order), loader.note_makers,
                          loader.folders or [display_path(folder)], loader.order)
    folders = [folder, *extra]
    entries = loader.read_entries(files, folders)
    content = loader.build(entries, display_path(folder))
    if loader.problems:
        return LoadReport(None, in_reading_order(loader.problems, loader.order), loader.note_makers,
                          loader.folders, loader.order, loader.partial)
    if loader.cache_key is not None and loader.to_cache is not None and not overlay:
        cache.write(folders, loader.cache_key, loader.to_cache)
    return LoadReport(content, loader.problems, loader.note_makers, loader.folders, loader.order)


def _replaces(what: str, old: _Entry) -> str:
    return f"{what} replaces the one at {old.at()}"


def in_reading_order(problems: list[Problem], files: Sequence[str]) -> list[Problem]:
    """The problems file by file, in the order the files were read, and by line and column in each
    (a problem about a whole folder first)."""
    order = {name: index for index, name in enumerate(files)}
    return sorted(problems, key=lambda p: (order.get(p.file, -1), p.line, p.col))


#: what tomli refuses as too deep: inline arrays and tables nested more than this, keys of more parts
_TOML_NESTING = 400
_TOML_KEY_PARTS = 1000
_NESTING_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')
_LONG_KEY = re.compile(r"(?:[A-Za-z0-9_-]+[ \t]*\.[ \t]*){" + str(_TOML_KEY_PARTS) + ",}")


def _too_deep(text: str) -> tuple[tuple[int, int], str]:
    """Where a text that tomli found nested too deeply goes too deep, and how ((line, col), what)."""
    depth = deepest = 0
    at = 0
    for token in _NESTING_TOKENS.finditer(text):
        kind = token.group()
        if kind in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, token.start()
            if depth > _TOML_NESTING:
                break
        elif kind in "]}":
            depth -= 1
    what = f"arrays or inline tables nested more than {_TOML_NESTING} levels deep"
    long_key = _LONG_KEY.search(text)
    if long_key is not None and (deepest <= _TOML_NESTING or long_key.start() < at):
        at, what = long_key.start(), f"a key of more than {_TOML_KEY_PARTS} dotted parts"
    line_start = text.rfind("\n", 0, at) + 1
    return (text.count("\n", 0, at) + 1, at - line_start + 1), what


_DECLARATIONS = re.compile(
    r"^[ \t]*\[(?P<array>\[)?[ \t]*(?P<header>[A-Za-z0-9_. \t-]+?)[ \t]*\]"
    r"|^[ \t]*id[ \t]*=[ \t]*[\"'](?P<id>[a-z][a-z0-9_]*)",
    re.MULTILINE,
)


def _declared_names(text: str) -> list[tuple[str, str, list[str]]]:
    """(kind, id, choice ids) of each entry a text that does not parse seems to declare, read line
    by line: a table header, then an `id = "..."` line. A misspelt kind (`[[stats]]`) counts as
    the kind it is closest to."""
    found: list[tuple[str, str, list[str]]] = []
    kind = ""
    level = 0
    for match in _DECLARATIONS.finditer(text):
        header = match.group("header")
        if header is not None:
            parts = [part.strip() for part in header.split(".")]
            close = difflib.get_close_matches(parts[0], ["scenario", *ENTRY_KINDS], n=1, cutoff=0.75)
            kind, level = (close[0] if close else ""), len(parts)
            if kind == "scenario" and level == 1:
                found.append(("scenario", "", []))
            continue
        ident = match.group("id")
        if kind in ENTRY_KINDS and level == 1:
            found.append((kind, ident, []))
        elif kind == "event" and level == 2 and found and found[-1][0] == "event":
            found[-1][2].append(ident)
    return found


def _unclosed_multiline(message: str, text: str) -> tuple[tuple[int, int], str] | None:
    """Where the multi-line string that runs to the end of the file opens: ((line, col), delimiter)."""
    for delimiter, error in (('"""', "Unterminated string"), ("'''", "Expected \"'''\"")):
        if message == error and text.count(delimiter) % 2 == 1:
            at = text.rindex(delimiter)
            line_start = text.rfind("\n", 0, at) + 1
            return (text.count("\n", 0, at) + 1, at - line_start + 1), delimiter
    return None


def _toml_hint(message: str, text: str, line: int) -> str:
    """What an author most likely meant, for the TOML errors that do not say."""
    if message.startswith("Cannot declare") or message == "Cannot overwrite a value":
        header = re.match(r"\s*\[(\[)?\s*([A-Za-z0-9_.]+)\s*\]", _line(text, line))
        if header is not None:
            name = header.group(2)
            arrays = {"event", "stat", "flag", "counter", "advisor", "rule", "ending", "event.choice",
                      "event.choice.outcome", "event.choice.counsel", "scenario.seasons", "action", "action.outcome",
                      "action.counsel"}
            if name in arrays and header.group(1) is None:
                return f": each entry of '{name}' is written [[{name}]] (double brackets), every time"
            if name in arrays:
                return (f": a line above already made '{name}' a single table ([{name}] with single brackets, "
                        f"or a table inside it written before the first [[{name}]])")
            return f": the table [{name}] is already written above; write it once"
    if message == "Illegal character '\\n'":
        return "; text in quotes must end on the line it starts (use \"\"\" for text of several lines)"
    if message == "Invalid value":
        return "; text, expressions and conditions go in quotes (trigger = \"turn >= 3\")"
    if message == "Cannot overwrite a value":
        key = _line(text, line).partition("=")[0].strip()
        if key:
            return f": '{key}' is given twice in the same table"
    return ""


def _line(text: str, number: int) -> str:
    """Line `number` (1-based) of a text, without splitting the whole text into lines."""
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def load_scenario(folder: Path, extra: Sequence[Path] = ()) -> Content:
    """Load a scenario, or raise ContentError listing every problem."""
    report = check_scenario(folder, extra)
    if report.content is None:
        raise ContentError(report.problems)
    return report.content
