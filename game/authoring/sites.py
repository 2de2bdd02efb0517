"""Every expression of a content, with the entry and the field path it was written at: the one walk
that the static warnings, the graph and the language server share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from game.content import Content
from game.text import Part, every_text, slot_names

Role = Literal["condition", "number", "effect"]


@dataclass(frozen=True)
class Site:
    """One expression: in which entry (`kind`, `ident`), at which field path, its text and its role."""

    kind: str  # "event", "action", "rule", "ending" or "passage"
    ident: str
    path: tuple[str | int, ...]  # within the entry, e.g. ("choice", 0, "effects", 1)
    text: str
    role: Role

    @property
    def value(self) -> str:
        """The expression itself: for an effect, the text after its operator."""
        if self.role != "effect":
            return self.text
        for op in ("+=", "-=", "="):
            target, found, value = self.text.partition(op)
            if found and (target.strip().isidentifier() or _RECORD_TARGET.fullmatch(target.strip())):
                return value
        return self.text

    @property
    def target(self) -> str | None:
        """The name an effect changes (None for other expressions)."""
        if self.role != "effect":
            return None
        return self.text.split("=", 1)[0].rstrip("+-").strip()


#: the target of an effect on an advisor's record: `heeded("hawk")`, `overruled('dove')`
_RECORD_TARGET = re.compile(r"""(heeded|overruled)\s*\(\s*("[^"]*"|'[^']*')\s*\)""")


def _counsel(kind: str, ident: str, path: tuple[str | int, ...], counsel: Any) -> Iterator[Site]:
    """The conditions of counsel: each entry's `when` and its paragraphs'."""
    for ki, entry in enumerate(counsel):
        if entry.when is not None:
            yield Site(kind, ident, (*path, "counsel", ki, "when"), entry.when, "condition")
        yield from _passages(kind, ident, (*path, "counsel", ki, "says"), entry.says)


def _passages(kind: str, ident: str, path: tuple[str | int, ...], text: Any) -> Iterator[Site]:
    """The conditions of a text written as a list of paragraphs."""
    if not isinstance(text, str):
        for pi, passage in enumerate(text):
            if getattr(passage, "when", None) is not None:
                yield Site(kind, ident, (*path, pi, "when"), passage.when, "condition")


def sites(content: Content) -> Iterator[Site]:
    """Every expression of the content, entry by entry in the order of the content."""
    for ident, event in content.events.items():
        model = event.model
        if model.trigger is not None:
            yield Site("event", ident, ("trigger",), model.trigger, "condition")
        if isinstance(model.weight, str):
            yield Site("event", ident, ("weight",), model.weight, "number")
        yield from _passages("event", ident, ("brief",), model.brief)
        for ci, choice in enumerate(model.choice):
            at: tuple[str | int, ...] = ("choice", ci)
            for name in ("visible_if", "available_if"):
                text = getattr(choice, name)
                if text is not None:
                    yield Site("event", ident, (*at, name), text, "condition")
            for ei, effect in enumerate(choice.effects):
                yield Site("event", ident, (*at, "effects", ei), effect, "effect")
            yield from _passages("event", ident, (*at, "text"), choice.text)
            yield from _counsel("event", ident, at, choice.counsel)
            for fi, follow in enumerate(choice.followups):
                if follow.when is not None:
                    yield Site("event", ident, (*at, "followups", fi, "when"), follow.when, "condition")
            for oi, outcome in enumerate(choice.outcome):
                opath = (*at, "outcome", oi)
                if isinstance(outcome.chance, str):
                    yield Site("event", ident, (*opath, "chance"), outcome.chance, "number")
                for ei, effect in enumerate(outcome.effects):
                    yield Site("event", ident, (*opath, "effects", ei), effect, "effect")
                for fi, follow in enumerate(outcome.followups):
                    if follow.when is not None:
                        yield Site("event", ident, (*opath, "followups", fi, "when"), follow.when, "condition")
                yield from _passages("event", ident, (*opath, "text"), outcome.text)
    for ident, action in content.actions.items():
        act = action.model
        if act.when is not None:
            yield Site("action", ident, ("when",), act.when, "condition")
        yield from _passages("action", ident, ("text",), act.text)
        yield from _counsel("action", ident, (), act.counsel)
        for name in ("cost", "effects"):
            for ei, effect in enumerate(getattr(act, name)):
                yield Site("action", ident, (name, ei), effect, "effect")
        for fi, follow in enumerate(act.followups):
            if follow.when is not None:
                yield Site("action", ident, ("followups", fi, "when"), follow.when, "condition")
        for oi, outcome in enumerate(act.outcome):
            apath: tuple[str | int, ...] = ("outcome", oi)
            if isinstance(outcome.chance, str):
                yield Site("action", ident, (*apath, "chance"), outcome.chance, "number")
            yield from _passages("action", ident, (*apath, "text"), outcome.text)
            for ei, effect in enumerate(outcome.effects):
                yield Site("action", ident, (*apath, "effects", ei), effect, "effect")
            for fi, follow in enumerate(outcome.followups):
                if follow.when is not None:
                    yield Site("action", ident, (*apath, "followups", fi, "when"), follow.when, "condition")
    for rule in content.rules:
        yield Site("rule", rule.model.id, ("when",), rule.model.when, "condition")
        for ei, effect in enumerate(rule.model.effects):
            yield Site("rule", rule.model.id, ("effects", ei), effect, "effect")
    for ending in content.endings:
        if ending.model.when is not None:
            yield Site("ending", ending.model.id, ("when",), ending.model.when, "condition")
        yield from _passages("ending", ending.model.id, ("epilogue",), ending.model.epilogue)
    for ident, named in content.passages.items():
        yield from _passages("passage", ident, ("text",), named.text)


def texts(content: Content) -> Iterator[tuple[Part, ...]]:
    """Every text of the content the player reads, compiled: briefs, counsel, choices', outcomes' and
    actions' texts, farewells and epilogues."""
    for event in content.events.values():
        yield event.brief
        for choice in event.choices:
            yield choice.parts
            yield from (counsel.says for counsel in choice.counsel)
            yield from (outcome.parts for outcome in choice.outcomes)
    for action in content.actions.values():
        yield action.text
        yield from (counsel.says for counsel in action.counsel)
        yield from (outcome.parts for outcome in action.outcomes)
    yield from content.farewells.values()
    yield from (ending.epilogue for ending in content.endings)


def slot_reads(content: Content) -> set[str]:
    """The names the texts of the content show in braces (`{capital}`)."""
    return {name for parts in texts(content) for text in every_text(parts) for name in slot_names(text)}
