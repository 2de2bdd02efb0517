"""The game log: what happened, in order, one typed record per kind of entry.

A decision, a standing action, a quiet turn, the ending, and (in the developer's mode) a jump to an
event. Every module reads the log by attribute; this module alone turns the records into the plain
mappings of a save or a fingerprint and back, in the key order the save format has always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class Decided:
    """A choice taken at an event, and the outcome chance gave it (None when it had none)."""

    turn: int
    date: str
    event: str
    choice: str
    outcome: str | None = None
    kind = "decision"


@dataclass(frozen=True, slots=True)
class Acted:
    """A standing action taken in front of an event, and its outcome (None when it had none)."""

    turn: int
    date: str
    event: str | None
    action: str
    outcome: str | None = None
    kind = "action"


@dataclass(frozen=True, slots=True)
class Quiet:
    """A turn on which no event needed the player."""

    turn: int
    date: str
    kind = "quiet"


@dataclass(frozen=True, slots=True)
class Ended:
    """The game ended."""

    turn: int
    ending: str
    kind = "ending"


@dataclass(frozen=True, slots=True)
class Jumped:
    """The developer's mode put an event in front of the player."""

    turn: int
    event: str
    kind = "jump"


Entry: TypeAlias = Decided | Acted | Quiet | Ended | Jumped
#: the entries that are the player's decisions: choices and standing actions
Decision: TypeAlias = Decided | Acted

#: each kind, and the fields of its mapping after "kind", in the order a save writes them
FIELDS: dict[str, tuple[type[Entry], tuple[str, ...]]] = {
    "decision": (Decided, ("turn", "date", "event", "choice", "outcome")),
    "action": (Acted, ("turn", "date", "event", "action", "outcome")),
    "quiet": (Quiet, ("turn", "date")),
    "ending": (Ended, ("turn", "ending")),
    "jump": (Jumped, ("turn", "event")),
}
_TEXT = {"date", "event", "choice", "action", "ending"}


def to_dict(entry: Entry) -> dict[str, Any]:
    """The entry as a save and a fingerprint hold it."""
    _kind, names = FIELDS[entry.kind]
    return {"kind": entry.kind, **{name: getattr(entry, name) for name in names}}


def from_dict(data: Mapping[str, Any]) -> Entry:
    """The entry a save's mapping holds; ValueError saying what is wrong when it holds none."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a log entry must be a table, not {type(data).__name__}")
    kind = data.get("kind")
    if kind not in FIELDS:
        raise ValueError(f"unknown log entry kind {kind!r}")
    cls, names = FIELDS[kind]
    values: dict[str, Any] = {}
    for name in names:
        if name not in data:
            if name == "outcome":
                values[name] = None
                continue
            raise ValueError(f"a '{kind}' entry of the log has no {name}")
        value = data[name]
        if name == "turn" and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"the turn of a '{kind}' entry of the log must be a whole number, not {value!r}")
        optional = name == "outcome" or (kind == "action" and name == "event")
        if (name in _TEXT or optional) and not (isinstance(value, str) or (optional and value is None)):
            raise ValueError(f"the {name} of a '{kind}' entry of the log must be text, not {value!r}")
        values[name] = value
    return cls(**values)
