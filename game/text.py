"""Texts that react to the game: paragraphs shown as the game went, values named in braces, and the
counsel an advisor gives at a decision. Compiled once by the loader; rendered here, in one place,
from the environment of the state the player sees.

A paragraph is a plain string (always shown), `{ when = "...", text = "..." }` (shown if the condition
holds) or `{ otherwise = true, text = "..." }` (shown if none of the conditioned paragraphs just before
it, back to the last plain or `otherwise` one, was shown).

A text may name a value the player can see in braces, a slot: `{capital}`, `{date}`, `{strikes}`.
A hidden stat is shown as the player's estimate, as the gauge reads it ("about 38 (±11)"), never as
the truth. `{{` and `}}` write a brace itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.expr import LEFT_KEY, SEED_KEY, Compiled, ExprError, Names, suggest

if TYPE_CHECKING:
    from game.model import Season, Stat

#: What a slot gives: the text a value is shown as in this environment.
Slot = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Part:
    """One paragraph, its condition compiled (None: always, or, with `otherwise`, when no case held),
    and its text as pieces: plain text and slots (empty: `text` as written, without slots)."""

    text: str
    when: Compiled | None = None
    otherwise: bool = False
    pieces: tuple[str | Slot, ...] = ()


def fill(part: Part, env: Mapping[str, Any]) -> str:
    """A paragraph's text with its slots filled in."""
    if not part.pieces:
        return part.text
    return "".join(piece if isinstance(piece, str) else piece(env) for piece in part.pieces)


def render(parts: tuple[Part, ...], env: Mapping[str, Any]) -> str:
    """The paragraphs that hold in this environment, their slots filled, joined as Markdown paragraphs."""
    filled = (fill(parts[index], env).strip() for index in shown(parts, env))
    return "\n\n".join(t for t in filled if t)


def shown(parts: tuple[Part, ...], env: Mapping[str, Any]) -> list[int]:
    """The indices of the paragraphs that hold in this environment."""
    indices: list[int] = []
    matched = False
    for index, part in enumerate(parts):
        if part.when is not None:
            if part.when(env):
                indices.append(index)
                matched = True
        elif part.otherwise:
            if not matched:
                indices.append(index)
            matched = False
        else:
            indices.append(index)
            matched = False
    return indices


def conditioned(parts: tuple[Part, ...]) -> bool:
    """Whether some paragraph of a text is shown only as the game goes (`when` or `otherwise`)."""
    return any(part.when is not None or part.otherwise for part in parts)


def plain_parts(text: str) -> tuple[Part, ...]:
    """A text written as one string: one part, always shown, as written."""
    return (Part(text),)


def passages(text: Any) -> list[str]:
    """Every paragraph of a text as written in the format: a string, or a list of strings and
    passages (tables with a `text`); a named passage it uses (`{ passage = "id" }`) is not among them."""
    if isinstance(text, str):
        return [text]
    return [item if isinstance(item, str) else item.text for item in text
            if isinstance(item, str) or hasattr(item, "text")]


def every_text(parts: tuple[Part, ...]) -> list[str]:
    """Every paragraph, whether shown or not, as written (for counting words and checking prose)."""
    return [part.text for part in parts]


# --- slots ------------------------------------------------------------------------------------

_BRACES = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")


def slots(text: str) -> Iterator[tuple[str, str, int]]:
    """The pieces of a text, in order: ("text", literal, offset) and ("slot", name, offset of the name).

    Raises ExprError (its `col` the offset in the text) for a brace that opens no slot or closes none."""
    at = 0
    for match in _BRACES.finditer(text):
        if match.start() > at:
            yield "text", text[at:match.start()], at
        token = match.group()
        if token in ("{{", "}}"):
            yield "text", token[0], match.start()
        elif token == "{":
            raise ExprError("a '{' that opens no slot: name a value as {name}, or write {{ for a brace", match.start())
        elif token == "}":
            raise ExprError("a '}' that closes no slot: write }} for a brace", match.start())
        else:
            name = match.group(1)
            yield "slot", name.strip(), match.start(1) + len(name) - len(name.lstrip())
        at = match.end()
    if at < len(text):
        yield "text", text[at:], at


def slot_names(text: str) -> list[str]:
    """The names of the slots of a text ([] for a text with a brace out of place)."""
    try:
        return [value for kind, value, _at in slots(text) if kind == "slot"]
    except ExprError:
        return []


def compile_pieces(text: str, names: Names, stats: Mapping[str, Stat], seasons: Sequence[Season] = ()
                   ) -> tuple[str | Slot, ...]:
    """A text as plain pieces and compiled slots. Raises ExprError with the offset of the mistake."""
    pieces: list[str | Slot] = []
    for kind, value, at in slots(text):
        if kind == "text":
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += value
            else:
                pieces.append(value)
        else:
            pieces.append(compile_slot(value, names, stats, seasons, at))
    return tuple(pieces)


#: what a slot may not name, though expressions may: it would tell the player what they cannot see
_NOT_SHOWN = ("true", "false")


def compile_slot(name: str, names: Names, stats: Mapping[str, Stat], seasons: Sequence[Season] = (),
                 at: int = 0) -> Slot:
    """One slot: the function showing the named value. Raises ExprError for a name the player cannot see."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        what = "an empty slot" if not name else f"'{{{name}}}' is not a slot"
        raise ExprError(f"{what}: a slot names one value, as {{capital}} (write {{{{ for a brace)", at)
    kind = (names.assignable or {}).get(name)
    type_ = names.types.get(name)
    if type_ is None or name in _NOT_SHOWN:
        shown = sorted(n for n in names.types if n not in _NOT_SHOWN)
        raise ExprError(f"unknown name '{name}' in a slot{suggest(name, shown)}", at)
    fog = (names.hidden or {}).get(name)
    if fog is not None:
        stat = stats.get(name)
        unit = stat.unit if stat is not None else ""
        low, high, confidence = fog.low, fog.high, fog.confidence

        def hidden(v: Mapping[str, Any]) -> str:
            value, band = fog.estimate(v[name], v[confidence] if confidence else 0.0, v[SEED_KEY])
            # (the band as the gauge works it out, from the ends of the band it draws)
            return estimate_text(value, ((value + band) - (value - band)) / 2, low, high, unit)
        return hidden
    if kind == "stat":
        stat = stats.get(name)
        low, high = (float(stat.min), float(stat.max)) if stat is not None else (0.0, 100.0)
        unit = stat.unit if stat is not None else ""
        return lambda v: with_unit(format_shown(float(v[name]), low, high), unit)
    if type_ == "bool":
        return lambda v: "yes" if v[name] else "no"
    if type_ == "date":
        if name in names.constants:
            day = day_text(dt.date.fromordinal(int(names.constants[name])))
            return lambda v: day
        return lambda v: day_text(dt.date.fromordinal(int(v[name])))
    if type_ == "str":
        labels = {season.id: season.label for season in seasons} if name == "season" else {}
        return lambda v: labels.get(v[name], str(v[name]))
    return lambda v: format_number(float(v[name]))


# --- how values are written -------------------------------------------------------------------

def format_number(value: float) -> str:
    """A value as people write it: whole numbers plainly, others with one decimal."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def format_shown(value: float, low: float, high: float) -> str:
    """A value at the precision its scale deserves: whole numbers on wide scales, else one decimal."""
    if high - low >= 50:
        return f"{value:.0f}"
    return format_number(value)


def with_unit(text: str, unit: str) -> str:
    """A value followed by its unit: "700 km²", but "11k" for a unit of one letter."""
    if not unit:
        return text
    return f"{text}{unit}" if len(unit) == 1 else f"{text} {unit}"


def estimate_figure(value: float, band: float, low: float, high: float, unit: str = "") -> str:
    """A hidden stat's estimate as every screen shows it, "≈38 ±11": the estimate and the half-width of
    its band, at the precision of its gauge."""
    return with_unit(f"≈{format_shown(value, low, high)} ±{format_shown(band, low, high)}", unit)


def shown_value(value: float, low: float, high: float, estimated: bool) -> str:
    """A value as its gauge shows it, marked "≈" when it is the player's estimate of a hidden stat."""
    return f"{'≈' if estimated else ''}{format_shown(value, low, high)}"


def estimate_text(value: float, band: float, low: float, high: float, unit: str = "") -> str:
    """A hidden stat as a text names it: the estimate and its band as the gauge shows them,
    "about 38 (±11)"."""
    return f"about {with_unit(format_shown(value, low, high), unit)} (±{format_shown(band, low, high)})"


def day_text(day: dt.date) -> str:
    """A date as the texts write it: "3 December 2024"."""
    return f"{day.day} {day:%B %Y}"


# --- counsel ----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class CompiledCounsel:
    """What one advisor says about one choice or action: their position, the condition under which
    they say it (None: always), and their words as paragraphs."""

    advisor: str
    position: str  # "for" or "against"
    when: Compiled | None
    says: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class CounselView:
    """What one advisor says now: their position and their words, rendered."""

    advisor: str
    position: str
    says: str


def given(counsel: Sequence[CompiledCounsel], env: Mapping[str, Any] | None) -> list[CompiledCounsel]:
    """The counsel given in this environment: for each advisor still there, their first entry whose
    `when` holds (an entry without one always holds), in the order written. With no environment,
    the counsel given whatever the game: each advisor's first entry without `when`, if any."""
    left = env.get(LEFT_KEY) or {} if env is not None else {}
    chosen: dict[str, CompiledCounsel] = {}
    for entry in counsel:
        if entry.advisor in chosen or entry.advisor in left:
            continue
        if entry.when is None or (env is not None and entry.when(env)):
            chosen[entry.advisor] = entry
    return list(chosen.values())


def votes(counsel: Sequence[CompiledCounsel], env: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(advisor, "for" or "against") of the counsel given in this environment (None: whatever the game)."""
    return [(entry.advisor, entry.position) for entry in given(counsel, env)]


def counsel_views(counsel: Sequence[CompiledCounsel], env: Mapping[str, Any]) -> tuple[CounselView, ...]:
    """The counsel given in this environment, its words rendered."""
    return tuple(CounselView(entry.advisor, entry.position, render(entry.says, env)) for entry in given(counsel, env))


def conditional(counsel: Sequence[CompiledCounsel]) -> bool:
    """Whether any of this counsel is given only under a condition."""
    return any(entry.when is not None for entry in counsel)
