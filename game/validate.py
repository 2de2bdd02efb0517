"""TOML data -> entries of the content format (game/model.py), checked with pydantic.

Each error is explained in the author's terms, with the path to the value it is about; the loader
turns that path into a file, line and column. Only the loader imports this module, and only when
it has data it has not validated before: the game runs without pydantic.
"""

from __future__ import annotations

import difflib
import functools
import re
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from game.expr import suggest
from game.model import FORMAT_MODELS, ContentFile, field_names

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}

# the error types pydantic gives for a field that is not part of the format
_UNKNOWN = ("unexpected_keyword_argument", "extra_forbidden")


@dataclass(frozen=True)
class FieldError:
    """One problem with the data: where (a path of keys and indexes), and what."""

    loc: tuple[str | int, ...]
    message: str
    #: True when the problem is the value itself; False when it is about the key (unknown, missing)
    at_value: bool


def adapter(model: type[Any]) -> TypeAdapter[Any]:
    """The validator of a format class, built on first use."""
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def validate_file(data: Any) -> ContentFile | None:
    """A whole file in one call, for the common case of a sound file; None if anything is wrong."""
    try:
        whole: ContentFile = adapter(ContentFile).validate_python(data)
    except ValidationError:
        return None
    return whole


def validate(model: type[Any], data: Any) -> tuple[Any, list[FieldError]]:
    """One entry: (the entry, []) when it is sound, else (None, every problem, each reported once)."""
    try:
        return adapter(model).validate_python(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    errors = _one_branch(data, errors)
    raws = [tuple(error["loc"]) for error in errors]  # (with the union's branches: see _model_at)
    locs = [_strip_union_tags(raw) for raw in raws]
    # a misspelt field is one mistake: report the unknown name with its suggestion, not also the
    # missing field it was meant to be
    meant = set()
    for error, loc, raw in zip(errors, locs, raws, strict=True):
        if error["type"] in _UNKNOWN and loc and isinstance(loc[-1], str):
            holder = _model_at(model, raw)
            options = field_names(holder) if holder else []
            for close in difflib.get_close_matches(loc[-1], options, n=1, cutoff=0.6):
                meant.add((*loc[:-1], close))
    problems: list[FieldError] = []
    seen: set[tuple[Any, ...]] = set()
    for error, loc, raw in zip(errors, locs, raws, strict=True):
        if loc in seen or (error["type"] == "missing" and loc in meant):
            continue
        # a list whose items failed is too short only because they were dropped: the items say why
        if error["type"] == "too_short" and any(other[: len(loc)] == loc and len(other) > len(loc)
                                                 for other in locs):
            continue
        seen.add(loc)
        at_value = error["type"] not in ("missing", *_UNKNOWN)
        problems.append(FieldError(loc, _explain(model, raw, error), at_value))
    return None, problems


@dataclass(frozen=True)
class Place:
    """Where a field of the format is written: in which table, and how (`[[event.choice.outcome]]`)."""

    holder: type[Any]
    table: tuple[str, ...]  # the keys of the holding table from the top of a file, e.g. ("event", "choice")
    field: str
    written: str  # how the field is written: "[[event.choice]]", "followups = [{ ... }]", "'label'"


#: fields of tables that are written inline by habit rather than as [[...]] or [...] headers
_INLINE = ("followups", "hidden", "dates")


@functools.cache
def places() -> tuple[Place, ...]:
    """Every field of the format with the table it belongs in, from the top of a file down."""
    found: list[Place] = []

    def walk(model: type[Any], table: tuple[str, ...], header: str) -> None:
        hints = typing.get_type_hints(model)
        for item in fields(model):
            name = item.name
            inner = _inner_model(hints[name])
            where = f" in {header}" if header else ""
            if inner is None or name in _INLINE:
                shown = "followups = [{ ... }]" if name == "followups" else f"'{name}'"
                found.append(Place(model, table, name, shown + where))
                if inner is not None:
                    walk(inner, (*table, name), shown.replace("...", "") .replace("'", "") + where)
            else:
                path = ".".join((*table, name))
                written = f"[[{path}]]" if typing.get_origin(hints[name]) is tuple else f"[{path}]"
                found.append(Place(model, table, name, written))
                walk(inner, (*table, name), written)

    walk(ContentFile, (), "")
    return tuple(found)


def suggest_place(holder: type[Any], name: str) -> str:
    """"; did you mean [[event.choice.outcome]]?" for a field written in the wrong table, or a
    misspelt one; "" when nothing is close. Knows the whole format, not only the table at hand."""
    every = places()
    here = [p for p in every if p.holder is holder]
    elsewhere = [p for p in every if p.holder is not holder and p.field == name]
    if elsewhere and name not in {p.field for p in here}:
        # (a field of the entry's own tables first: [[event.choice.outcome]] for 'outcome' under [[event]])
        if len(elsewhere) > 1 and here:
            table = here[0].table
            inside = [p for p in elsewhere if p.table[:len(table)] == table]
            elsewhere = inside if len(inside) == 1 else elsewhere
        if len(elsewhere) == 1:
            return f"; did you mean {elsewhere[0].written}?"
        return f"; '{name}' belongs in " + ", ".join(p.written.split(" in ")[-1] for p in elsewhere[:4])
    close = difflib.get_close_matches(name, [p.field for p in here], n=1, cutoff=0.6)
    if close:
        return f"; did you mean {next(p.written for p in here if p.field == close[0]).split(' in ')[0]}?"
    close = difflib.get_close_matches(name, [p.field for p in every], n=1, cutoff=0.75)
    if close:
        return f"; did you mean {next(p.written for p in every if p.field == close[0])}?"
    return ""


def json_schema(model: type[Any]) -> dict[str, Any]:
    """The JSON Schema of a format class, as validation sees it."""
    schema: dict[str, Any] = adapter(model).json_schema(mode="validation")
    return schema


_UNION_TAG = re.compile(r"^(float|int|str|bool|date|list\[.*\]|.*\[.*\]|constrained-str|function-.*)$")


_MODELS = {model.__name__: model for model in FORMAT_MODELS}


def _is_branch(part: Any) -> bool:
    """Whether an element of an error's place names a branch of a union (`str`, `Passage`) rather
    than a key or an index of the data."""
    return isinstance(part, str) and (bool(_UNION_TAG.match(part)) or part in _MODELS)


def _one_branch(data: Any, errors: list[Any]) -> list[Any]:
    """pydantic tries every branch of a union (`str | tuple[str | Passage | PassageRef, ...]`) and
    reports why each failed; the author wrote one of them. Keep the errors of the branch the value
    is written as: text for text, a list for a list, and for a table the kind of table whose fields
    it uses ({ passage = ... } or { when = ..., text = ... }). A value of none of those keeps all."""
    branches: dict[tuple[Any, ...], set[str]] = {}
    nodes: dict[tuple[Any, ...], Any] = {}
    for error in errors:
        node: Any = data
        loc = tuple(error["loc"])
        for index, part in enumerate(loc):
            if _is_branch(part):
                branches.setdefault(loc[:index], set()).add(part)
                nodes[loc[:index]] = node
                continue
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
    chosen = {site: _written_as(nodes[site], tags) for site, tags in branches.items()}
    kept = []
    for error in errors:
        loc = tuple(error["loc"])
        if all(chosen.get(loc[:index]) in (None, part) for index, part in enumerate(loc) if _is_branch(part)):
            kept.append(error)
    return kept


def _written_as(value: Any, tags: set[str]) -> str | None:
    """The branch of a union that a value is written as (None when it fits none of them clearly)."""
    if isinstance(value, str):
        found = [tag for tag in tags if tag in ("str", "constrained-str")]
    elif isinstance(value, list | tuple):
        found = [tag for tag in tags if tag.startswith(("tuple[", "list["))]
    elif isinstance(value, dict):
        def fit(tag: str) -> tuple[int, int, str]:
            """How many of the keys are this table's fields (or near misses of them), then how many
            of its required fields are there (the tag itself, for a stable order)."""
            model = _MODELS[tag]
            names = field_names(model)
            known = sum(1 for key in value if key in names or difflib.get_close_matches(str(key), names, 1, 0.75))
            required = [f.name for f in fields(model) if f.default is MISSING and f.default_factory is MISSING]
            return known, sum(1 for name in required if name in value), tag
        found = sorted((tag for tag in tags if tag in _MODELS), key=fit, reverse=True)[:1]
    else:
        found = []
    return found[0] if len(found) == 1 else None


def _strip_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic reports each branch of `float | str` separately; keep one error per place."""
    return tuple(part for part in loc if not _is_branch(part))


def _model_at(model: type[Any], loc: tuple[Any, ...]) -> type[Any] | None:
    """The format class that holds the last element of `loc` (for listing its fields)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if _is_branch(part):  # (a branch of a union: the model it names, if it names one)
            current = _MODELS.get(part, current)
            continue
        if not _is_model(current):
            return None
        annotation = typing.get_type_hints(current).get(part)
        if annotation is None:
            return None
        current = _inner_model(annotation)
    return current if _is_model(current) else None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and is_dataclass(value)


def _inner_model(annotation: Any) -> Any:
    for arg in (annotation, *typing.get_args(annotation)):
        if _is_model(arg):
            return arg
        for inner in typing.get_args(arg):
            if _is_model(inner):
                return inner
    return None


_TYPE_WORDS = {
    "int": "a whole number", "float": "a number", "str": "text in quotes", "bool": "true or false",
    "string": "text in quotes",
    "date": "a date such as 2024-11-05 (without quotes)", "list": "a list [...]", "tuple": "a list [...]",
    "dict": "a table",
    "dataclass": "a table",
}


#: fields written as [[...]] tables: a path in a message starts after the last of them
_TABLE_ARRAYS = frozenset({"choice", "outcome", "counsel", "seasons"})


def field_path(loc: tuple[Any, ...]) -> str:
    """How a value's place reads within its table: `label`, `followups[0].event`, `tags[1]`, `hidden.error`."""
    start = 0
    for index in range(1, len(loc)):
        if isinstance(loc[index], int) and loc[index - 1] in _TABLE_ARRAYS:
            start = index + 1
    text = ""
    for part in loc[start:]:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _explain(model: type[Any], raw: tuple[Any, ...], error: Any) -> str:
    """What is wrong, in the author's terms; `raw` is the error's place with the union's branches."""
    loc = _strip_union_tags(raw)
    kind = error["type"]
    field_name = field_path(loc) or model.__name__.lower()
    given = error.get("input")
    if kind == "missing":
        if len(loc) > 1 and isinstance(loc[-2], int) and loc[-3:-2] and loc[-3] not in _TABLE_ARRAYS:
            return f"missing required field '{loc[-1]}' in {field_path(loc[:-1])}"
        return f"missing required field '{loc[-1] if loc else field_name}'"
    if kind in _UNKNOWN:
        holder = _model_at(model, raw)
        options = field_names(holder) if holder else []
        listed = f" (expected one of: {', '.join(options)})" if options else ""
        name = str(loc[-1])
        # (a table of a text's list is in no place of its own: its own fields are the hint)
        placed = holder is not None and any(p.holder is holder for p in places())
        hint = suggest_place(holder, name) if holder is not None and placed else suggest(name, options)
        return f"unknown field '{name}'{listed}{hint}"
    if kind == "string_pattern_mismatch":
        return (f"'{given}' is not a valid id (expected lower-case letters, digits and underscores, "
                "starting with a letter)")
    if kind in ("too_short", "too_long"):
        context = error.get("ctx", {})
        count = context.get("actual_length")
        if kind == "too_short":
            return f"'{field_name}' needs at least {context.get('min_length', 1)} item(s), not {count}"
        return f"'{field_name}' takes at most {context.get('max_length')} item(s), not {count}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{field_name}' cannot be {given!r} (expected {expected})"
    expected = None
    for word, text in _TYPE_WORDS.items():
        if kind.startswith(word + "_") or kind == word + "_type":
            expected = text
            break
    shown = repr(given)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    if _is_number_or_expr(model, loc) and expected:
        return f"'{field_name}' must be a number or an expression in quotes, not {shown}"
    if kind in ("dataclass_type", "dataclass_exact_type", "model_type") and not loc:
        return f"'{field_name}' must be a single table, written [{field_name}] (one pair of brackets)"
    if kind in ("dataclass_type", "dataclass_exact_type", "model_type") and loc:
        return f"'{field_name}' must be a table{_table_example(model, raw, given)}, not {shown}"
    if expected and (kind.endswith("_type") or kind.endswith("_parsing") or kind.startswith("int_from")):
        return f"'{field_name}' must be {expected}, not {shown}"
    message = str(error.get("msg", "invalid value"))
    return f"'{field_name}': {message[0].lower() + message[1:]} (got {shown})"


def _table_example(model: type[Any], loc: tuple[Any, ...], given: Any) -> str:
    """` such as { event = "reply" }` for a table given as its first field's text, "" otherwise."""
    inner = _model_at(model, (*loc, "_"))
    if inner is None or not isinstance(given, str):
        return ""
    first = next((f.name for f in fields(inner)), None)
    return f' such as {{ {first} = "{given}" }}' if first else ""


def _is_number_or_expr(model: type[Any], loc: tuple[Any, ...]) -> bool:
    holder = _model_at(model, loc)
    if holder is None or not loc or not isinstance(loc[-1], str):
        return False
    annotation = typing.get_type_hints(holder).get(loc[-1])
    return annotation is not None and set(typing.get_args(annotation)) >= {float, str}
