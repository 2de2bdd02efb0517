"""Texts written as a list of paragraphs, each shown as the game went: compiled once, rendered from a state.

A paragraph is a plain string (always shown), `{ when = "...", text = "..." }` (shown if the condition
holds) or `{ otherwise = true, text = "..." }` (shown if none of the conditioned paragraphs just before
it, back to the last plain or `otherwise` one, was shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from game.expr import Compiled


@dataclass(frozen=True)
class Part:
    """One paragraph, its condition compiled (None: always, or, with `otherwise`, when no case held)."""

    text: str
    when: Compiled | None = None
    otherwise: bool = False


def render(parts: tuple[Part, ...], env: Mapping[str, Any]) -> str:
    """The paragraphs that hold in this environment, joined as Markdown paragraphs."""
    shown: list[str] = []
    matched = False
    for part in parts:
        if part.when is not None:
            if part.when(env):
                shown.append(part.text.strip())
                matched = True
        elif part.otherwise:
            if not matched:
                shown.append(part.text.strip())
            matched = False
        else:
            shown.append(part.text.strip())
            matched = False
    return "\n\n".join(t for t in shown if t)


def plain_parts(text: str) -> tuple[Part, ...]:
    """A text written as one string: one part, always shown."""
    return (Part(text),)


def passages(text: Any) -> list[str]:
    """Every paragraph of a text as written in the format: a string, or a list of strings and
    passages (tables with a `text`)."""
    if isinstance(text, str):
        return [text]
    return [item if isinstance(item, str) else item.text for item in text]


def every_text(parts: tuple[Part, ...]) -> list[str]:
    """Every paragraph, whether shown or not (for counting words and checking prose)."""
    return [part.text for part in parts]
