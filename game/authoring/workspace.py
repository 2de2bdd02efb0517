"""What an editor needs to know of a content folder, without an editor: where every name is declared
and used, what can be written at a place in a file, and what a name or a field means. The language
server (game/authoring/lsp.py) puts this on the wire; the tests ask it directly.

Declarations and uses are read from each file's own TOML, so a file keeps its names while another
has a mistake; a file that does not parse keeps those of its last good text. Problems come from the
loader itself (`check_scenario`), so the editor shows what `redline check` says.
"""

from __future__ import annotations

import ast
import ast as _ast
import inspect
import itertools
import re
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from game.content import Content
from game.expr import FUNCTION_NAMES
from game.loader import LoadReport, check_scenario
from game.locate import Locator
from game.model import FORMAT_MODELS, ContentFile
from game.names import CALENDAR

#: fields whose value is an expression (or, for effects, a list of effect statements)
EXPRESSION_FIELDS = ("trigger", "weight", "visible_if", "available_if", "chance", "when", "effects")
#: fields whose value names an entry of some kind
REFERENCE_FIELDS = {"event": "event", "advisor": "advisor", "timeout_ending": "ending", "confidence": "stat",
                    "passage": "passage"}
_NAME_KINDS = ("stat", "flag", "counter", "date")
#: the fields holding texts the player reads, where `{name}` shows a value
TEXT_FIELDS = frozenset({"brief", "says", "text", "epilogue", "leaving"})


@dataclass(frozen=True)
class Span:
    """A stretch of one line of a file: 1-based line, 1-based start column, length in characters."""

    file: Path
    line: int
    col: int
    length: int


@dataclass(frozen=True)
class Symbol:
    """A name declared in the content: `kind` is stat, flag, counter, date, season, advisor, event,
    choice ("event.choice"), outcome, rule, ending or passage."""

    kind: str
    name: str
    at: Span
    detail: str = ""


@dataclass(frozen=True)
class Use:
    """A place where a declared name is used."""

    kind: str  # the kind of what it names (for a plain name in an expression: "name")
    name: str
    at: Span


@dataclass
class FileIndex:
    symbols: list[Symbol] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)


def scenario_root(path: Path) -> Path | None:
    """The scenario folder a content file belongs to: the nearest folder above it (or its own) that
    holds a `[scenario]` table in one of its own .toml files; None for a file of a pack."""
    for folder in [path.parent, *path.parent.parents]:
        try:
            candidates = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for candidate in candidates:
            try:
                if re.search(r"^\s*\[scenario\]", candidate.read_text(encoding="utf-8", errors="replace"), re.M):
                    return folder
            except OSError:
                continue
    return None


class ContentWorkspace:
    """One scenario folder and its packs as an editor sees them: on disk, with unsaved buffers over it."""

    def __init__(self, folder: Path, extra: Sequence[Path] = ()) -> None:
        self.folder = folder.resolve()
        self.extra = [p.resolve() for p in extra]
        self.buffers: dict[Path, str] = {}
        self._files: dict[Path, tuple[str, FileIndex]] = {}
        self.report: LoadReport | None = None

    # --- what is there ------------------------------------------------------------------

    def owns(self, path: Path) -> bool:
        path = path.resolve()
        return any(path == root or root in path.parents for root in (self.folder, *self.extra))

    def set_buffer(self, path: Path, text: str | None) -> None:
        """The text an editor holds for a file (None: the editor closed it; the disk's text counts)."""
        if text is None:
            self.buffers.pop(path.resolve(), None)
        else:
            self.buffers[path.resolve()] = text

    def text_of(self, path: Path) -> str:
        path = path.resolve()
        if path in self.buffers:
            return self.buffers[path]
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def files(self) -> list[Path]:
        found: set[Path] = set()
        for root in (self.folder, *self.extra):
            found |= {p.resolve() for p in root.rglob("*.toml") if p.is_file()} if root.is_dir() else {root}
        found |= {p for p in self.buffers if self.owns(p)}
        return sorted(found)

    def check(self, buffers: Mapping[Path, str] | None = None) -> LoadReport:
        """The loader's answer for the content as the editor holds it (or with the given buffers)."""
        self.report = check_scenario(self.folder, self.extra, dict(self.buffers if buffers is None else buffers))
        return self.report

    @property
    def content(self) -> Content | None:
        """The content as last checked, or what of it is sound."""
        if self.report is None:
            self.check()
        assert self.report is not None
        return self.report.content or self.report.partial

    # --- the index ------------------------------------------------------------------------

    def index(self, path: Path) -> FileIndex:
        """Declarations and uses of one file (those of its last text that parsed, when it does not)."""
        path = path.resolve()
        text = self.text_of(path)
        known = self._files.get(path)
        if known is not None and known[0] == text:
            return known[1]
        made = _index(path, text)
        if made is None and known is None and path in self.buffers:  # the text on disk, then
            try:
                made = _index(path, path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                made = None
        if made is None:
            return known[1] if known is not None else FileIndex()
        self._files[path] = (text, made)
        return made

    def symbols(self) -> list[Symbol]:
        return [s for path in self.files() for s in self.index(path).symbols]

    def uses(self) -> list[Use]:
        return [u for path in self.files() for u in self.index(path).uses]

    def declaration(self, kind: str, name: str) -> Symbol | None:
        kinds = _NAME_KINDS if kind == "name" else (kind,)
        for symbol in self.symbols():
            if symbol.kind in kinds and symbol.name == name:
                return symbol
        return None

    def at(self, path: Path, line: int, col: int) -> Symbol | Use | None:
        """The declaration or use under a position (1-based)."""
        index = self.index(path)
        items: list[Symbol | Use] = [*index.uses, *index.symbols]
        for item in items:
            if item.at.line == line and item.at.col <= col <= item.at.col + item.at.length:
                return item
        return None

    def references(self, kind: str, name: str) -> list[Use]:
        """Every use of a declared name."""
        kinds = {"stat", "flag", "counter", "date", "name"} if kind in (*_NAME_KINDS, "name") else {kind}
        return [u for u in self.uses() if u.kind in kinds and u.name == name]

    # --- completion and hover ------------------------------------------------------------------

    def completions(self, path: Path, line: int, col: int) -> list[tuple[str, str, str]]:
        """(label, kind, detail) of what can be written at a position (1-based; `col` is where the
        cursor stands, after the text typed so far)."""
        lines = self.text_of(path).split("\n")
        before = lines[line - 1][: col - 1] if 0 < line <= len(lines) else ""
        if re.search(r"(?<!\{)\{[a-z0-9_]*$", before) and _text_field_at(lines, line, before):
            return self.slot_names()
        stripped = before.lstrip()
        if stripped.startswith("["):
            return [(place.written, "table", "") for place in _table_places()]
        key = re.match(r"\s*([A-Za-z_]+)\s*=", before)
        inner_key = re.findall(r"([A-Za-z_]+)\s*=\s*\"[^\"]*$", before)
        field_name = inner_key[-1] if inner_key else (key.group(1) if key else None)
        unescaped = re.sub(r'\\"', "", before)
        in_string = unescaped.count('"') % 2 == 1 or before.count("'") % 2 == 1
        before = before.replace('\\"', '"')  # an expression inside "...", its quotes escaped
        if field_name is None or not in_string:
            model = _model_of_table(_table_at(lines, line))
            docs = field_docs(model)
            return [(name, "field", docs.get(name, "")) for name in _field_names(model)]
        if field_name in REFERENCE_FIELDS:
            return self._of_kind(REFERENCE_FIELDS[field_name])
        if field_name in EXPRESSION_FIELDS:
            call = re.search(r"(fired|chose)\(\s*\"([^\"]*)$", before)
            if call is not None:
                return self._of_kind("event")
            choice = re.search(r"chose\(\s*\"([a-z0-9_]+)\"\s*,\s*\"([^\"]*)$", before)
            if choice is not None:
                return [(s.name.split(".", 1)[1], "choice", s.detail) for s in self.symbols()
                        if s.kind == "choice" and s.name.startswith(choice.group(1) + ".")]
            return self.expression_names()
        return []

    def _of_kind(self, kind: str) -> list[tuple[str, str, str]]:
        return [(s.name, s.kind, s.detail) for s in self.symbols() if s.kind == kind]

    def expression_names(self) -> list[tuple[str, str, str]]:
        """Every name an expression may read, as `redline names` lists them, and the functions."""
        found = [(s.name, s.kind, s.detail) for s in self.symbols() if s.kind in ("stat", "flag", "counter")]
        for symbol in self.symbols():
            if symbol.kind == "date":
                found += [(symbol.name, "date", symbol.detail),
                          (f"days_to_{symbol.name}", "calendar", f"days from the turn's date to {symbol.name}")]
        found += [(name, "calendar", meaning) for name, meaning in CALENDAR.items()]
        found += [(name, "function", f"{name}(...)") for name in FUNCTION_NAMES]
        found += [("true", "constant", ""), ("false", "constant", "")]
        return found

    def slot_names(self) -> list[tuple[str, str, str]]:
        """Every name a text may show in braces (`{capital}`): the names expressions read, but the
        functions and the constants."""
        return [name for name in self.expression_names() if name[1] not in ("function", "constant")]

    def hover(self, path: Path, line: int, col: int) -> str | None:
        """What the thing under a position is: a name's declaration and range, or a field's meaning."""
        item = self.at(path, line, col)
        if item is not None:
            kind = item.kind
            symbol = item if isinstance(item, Symbol) else self.declaration(kind, item.name)
            if symbol is None and item.name in CALENDAR:
                return f"**built in** `{item.name}`: {CALENDAR[item.name]}"
            if symbol is None and item.name.startswith("days_to_") and self.declaration("date", item.name[8:]):
                return f"**built in** `{item.name}`: days from the turn's date to {item.name[8:]}"
            if symbol is None:
                return f"`{item.name}`: not declared anywhere in this content"
            where = f"{_shown(symbol.at.file)}:{symbol.at.line}"
            return f"**{symbol.kind}** `{symbol.name}` {symbol.detail}\n\ndeclared at {where}".replace("  ", " ")
        lines = self.text_of(path).split("\n")
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        key = re.match(r"\s*([A-Za-z_]+)\s*=", text)
        if key is not None and key.start(1) < col <= key.end(1) + 1:
            model = _model_of_table(_table_at(lines, line))
            doc = field_docs(model).get(key.group(1))
            if doc is not None:
                return f"**{key.group(1)}** ({model.__name__}): {doc}"
        return None


def _text_field_at(lines: list[str], line: int, before: str) -> bool:
    """Whether a position (the text of its line up to it, `before`) is inside a text the player reads:
    a string given to one of TEXT_FIELDS on this line, or in the list or multi-line string such a
    field opens on a line above."""
    keys = re.findall(r"([A-Za-z_]+)\s*=\s*(?:\[\s*)?(?:\{[^}]*?)?(?:\"\"\"|\"|\'\'\'|\')", before)
    if keys:
        return keys[-1] in TEXT_FIELDS
    for number in range(line - 1, max(0, line - 80), -1):
        above = lines[number - 1]
        if re.match(r"\s*\[", above):
            return False
        opened = re.match(r"\s*([A-Za-z_]+)\s*=\s*(\[|\"\"\"|\'\'\')", above)
        if opened is not None:
            return opened.group(1) in TEXT_FIELDS
    return False


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


# --- reading one file -----------------------------------------------------------------------


def _index(path: Path, text: str) -> FileIndex | None:
    import tomli

    try:
        data = tomli.loads(text)
    except (tomli.TOMLDecodeError, RecursionError):
        return None
    counts = {key: len(value) if isinstance(value, list) else -1 for key, value in data.items()}
    locator = Locator(text, counts)
    index = FileIndex()

    def span(value_path: tuple[str | int, ...], name: str) -> Span:
        line, col = locator.value_position(value_path)
        quoted = locator.line(line)[col - 1 : col] in ("\"", "'")
        return Span(path, line, col + (1 if quoted else 0), len(name))

    def entries(kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        items = data.get(kind)
        if isinstance(items, list):
            for number, item in enumerate(items):
                if isinstance(item, dict):
                    yield number, item

    for kind in ("stat", "flag", "counter", "advisor", "rule", "ending", "passage"):
        for number, item in entries(kind):
            ident = item.get("id")
            if isinstance(ident, str):
                index.symbols.append(Symbol(kind, ident, span((kind, number, "id"), ident), _detail(kind, item)))
    scenario = data.get("scenario")
    if isinstance(scenario, dict):
        for name, day in (scenario.get("dates") or {}).items():
            line, col = locator.position(("scenario", "dates", name))
            index.symbols.append(Symbol("date", name, Span(path, line, col, len(name)), f"= {day}"))
        ending = scenario.get("timeout_ending")
        if isinstance(ending, str):
            index.uses.append(Use("ending", ending, span(("scenario", "timeout_ending"), ending)))
    for number, event in entries("event"):
        ident = event.get("id")
        if not isinstance(ident, str):
            continue
        index.symbols.append(Symbol("event", ident, span(("event", number, "id"), ident), _detail("event", event)))
        _uses_in(index, ("event", number), event, span, event_id=ident)
        for ci, choice in enumerate(event.get("choice") or []):
            if isinstance(choice, dict) and isinstance(choice.get("id"), str):
                index.symbols.append(Symbol("choice", f"{ident}.{choice['id']}",
                                            span(("event", number, "choice", ci, "id"), choice["id"]),
                                            f"\"{choice.get('label', '')}\""))
    for kind in ("rule", "ending", "stat", "advisor", "action", "passage"):
        for number, item in entries(kind):
            _uses_in(index, (kind, number), item, span)
    return index


def _detail(kind: str, item: Mapping[str, Any]) -> str:
    if kind == "stat":
        return (f"\"{item.get('label', '')}\": {item.get('min', 0)}..{item.get('max', 100)}, "
                f"starts at {item.get('initial')}")
    if kind in ("flag", "counter"):
        initial = item.get("initial", False if kind == "flag" else 0)
        return f"starts {str(initial).lower()}" + (f": {item['description']}" if item.get("description") else "")
    if kind == "advisor":
        return f"{item.get('name', '')}, {item.get('title', '')}"
    if kind in ("event", "ending"):
        return f"\"{item.get('title', '')}\""
    if kind == "passage":
        return str(item.get("description", ""))
    return ""


def _uses_in(index: FileIndex, at: tuple[str | int, ...], item: Any, span: Any, event_id: str = "") -> None:
    """The uses of names in the values under `item` (a table of the parsed file at path `at`)."""
    if isinstance(item, dict):
        for key, value in item.items():
            here = (*at, key)
            if key in REFERENCE_FIELDS and isinstance(value, str):
                index.uses.append(Use(REFERENCE_FIELDS[key], value, span(here, value)))
            elif key in EXPRESSION_FIELDS and isinstance(value, str):
                _expression_uses(index, value, span(here, value), effect=False)
            elif key == "effects" and isinstance(value, list):
                for number, effect in enumerate(value):
                    if isinstance(effect, str):
                        _expression_uses(index, effect, span((*here, number), effect), effect=True)
            else:
                _uses_in(index, here, value, span, event_id)
    elif isinstance(item, list):
        for number, value in enumerate(item):
            _uses_in(index, (*at, number), value, span, event_id)


_EFFECT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=(?!=))")


def _expression_uses(index: FileIndex, text: str, start: Span, effect: bool) -> None:
    """The names an expression (on one line) reads, each where it is written."""
    if "\n" in text:
        return
    offset = 0
    if effect:
        target = _EFFECT.match(text)
        if target is None:
            return
        index.uses.append(Use("name", target.group(1), Span(start.file, start.line, start.col + target.start(1),
                                                               len(target.group(1)))))
        offset = target.end()
    body = text[offset:]
    lead = len(body) - len(body.lstrip())
    try:
        tree = ast.parse(body.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return
    base = start.col + offset + lead
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in called and node.id not in ("true", "false"):
            index.uses.append(Use("name", node.id, Span(start.file, start.line, base + node.col_offset, len(node.id))))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("fired", "chose"):
            args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if args:
                event = str(args[0].value)
                index.uses.append(Use("event", event, Span(start.file, start.line, base + args[0].col_offset + 1,
                                                           len(event))))
            if node.func.id == "chose" and len(args) == 2:
                choice = str(args[1].value)
                index.uses.append(Use("choice", f"{event}.{choice}",
                                      Span(start.file, start.line, base + args[1].col_offset + 1, len(choice))))


# --- the format ---------------------------------------------------------------------------------


@cache
def _table_places() -> tuple[Any, ...]:
    from game.validate import places

    return tuple(p for p in places() if p.written.startswith("["))


def _table_at(lines: list[str], line: int) -> tuple[str, ...]:
    """The table a line is in: the keys of the nearest header above it."""
    for number in range(min(line, len(lines)) - 1, -1, -1):
        header = re.match(r"\s*\[\[?\s*([A-Za-z0-9_.\s]+?)\s*\]", lines[number])
        if header is not None:
            return tuple(part.strip() for part in header.group(1).split("."))
    return ()


def _model_of_table(table: tuple[str, ...]) -> type[Any]:
    model: Any = ContentFile
    for key in table:
        hints = typing.get_type_hints(model)
        if key not in hints:
            return ContentFile
        inner = _inner(hints[key])
        if inner is None:
            return ContentFile
        model = inner
    return typing.cast(type[Any], model)


def _inner(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if arg in FORMAT_MODELS:
            return arg
        for inner in typing.get_args(arg):
            if inner in FORMAT_MODELS:
                return inner
    return None


def _field_names(model: type[Any]) -> list[str]:
    return [f.name for f in fields(model)]


def field_docs(model: type[Any]) -> dict[str, str]:
    """The documentation of each field of a format class: the docstring under it, or its type's."""
    found = _DOCS.get(model)
    if found is None:
        found = _DOCS[model] = _read_docs(model)
    return found


_DOCS: dict[type[Any], dict[str, str]] = {}


def _read_docs(model: type[Any]) -> dict[str, str]:
    docs: dict[str, str] = {}
    try:
        tree = _ast.parse(inspect.getsource(model))
    except (OSError, TypeError, SyntaxError):
        tree = None
    if tree is not None:
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], _ast.ClassDef) else []
        for first, second in itertools.pairwise(body):
            if isinstance(first, _ast.AnnAssign) and isinstance(first.target, _ast.Name) \
                    and isinstance(second, _ast.Expr) and isinstance(second.value, _ast.Constant) \
                    and isinstance(second.value.value, str):
                docs[first.target.id] = inspect.cleandoc(second.value.value)
    for item in fields(model):
        if item.name not in docs:
            inner = _inner(typing.get_type_hints(model)[item.name])
            if inner is not None and inner.__doc__:
                docs[item.name] = inspect.cleandoc(inner.__doc__).split("\n\n")[0]
            else:
                docs[item.name] = _type_words(typing.get_type_hints(model, include_extras=True)[item.name])
    return docs


def _type_words(annotation: Any) -> str:
    for meta in getattr(annotation, "__metadata__", ()):
        description = getattr(meta, "description", None)
        if description:
            return str(description)
    return ""
