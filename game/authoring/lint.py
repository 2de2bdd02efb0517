"""Static warnings of `redline check`: what the content declares but can never use, or uses but can
never make happen. Each warning has the place it is about; none stops the content from loading."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from game.authoring.intervals import ANY, BOTH, Abstract, Span, never_holds
from game.authoring.sites import Site, sites, slot_reads
from game.content import Content, Location
from game.expr import ExprError, reads, reads_directly, watch

#: where a piece of content was written: (kind, id, field path within the entry) -> its place
Place = Callable[..., Location]

_WHAT = {("trigger",): "its trigger", ("when",): "its condition"}


def ranges(content: Content) -> dict[str, Abstract]:
    """What each name can be, as declared: stats within their bounds, flags true or false. The
    calendar is left out (the loader judges it turn by turn), and counters are unbounded."""
    found: dict[str, Abstract] = {ident: Span(stat.min, stat.max) for ident, stat in content.stats.items()}
    found.update({ident: BOTH for ident in content.flags})
    found.update({ident: ANY for ident in content.counters})
    for name, value in content.names.constants.items():
        found[name] = Span(value, value)
    return found


def warnings(content: Content, place: Place) -> list[tuple[Location, str]]:
    """Every static warning of the content, each with its place."""
    found: list[tuple[Location, str]] = []
    every = list(sites(content))
    found += _never_holds(content, every, place)
    found += _rescheduling(content, place)
    found += _once_brought_back(content, place)
    found += _unused_names(content, every, place)
    found += _silent_advisors(content, place)
    found += _silent_choices(content, place)
    found += _texts_that_tell_the_truth(content, every, place)
    return found


def _read_before_deciding(site: Site) -> bool:
    """Whether a site is a condition of a text the player reads before deciding: a brief, counsel,
    an action's text."""
    path = site.path
    if site.kind == "event":
        return path[0] == "brief" or (path[0] == "choice" and len(path) > 2 and path[2] == "counsel")
    return site.kind == "action" and path[0] in ("text", "counsel")


def _texts_that_tell_the_truth(content: Content, every: list[Site], place: Place) -> Iterator[tuple[Location, str]]:
    """A condition of a text read before deciding that reads a hidden stat itself: which words the
    player reads would tell them what the gauge does not."""
    hidden = {ident for ident, stat in content.stats.items() if stat.hidden is not None}
    if not hidden:
        return
    for site in every:
        if site.role != "condition" or not _read_before_deciding(site):
            continue
        try:
            told = sorted(reads_directly(site.text, content.names) & hidden)
        except ExprError:
            continue
        if told:
            yield place(site.kind, site.ident, *site.path), (
                f"{site.kind} '{site.ident}': this text's condition reads the hidden stat '{told[0]}' itself, so "
                f"what the player reads would tell them the truth; read estimate(\"{told[0]}\") or "
                f"band(\"{told[0]}\") instead, as the gauge does")


def _never_holds(content: Content, every: list[Site], place: Place) -> Iterator[tuple[Location, str]]:
    known = ranges(content)
    for site in every:
        if site.role != "condition":
            continue
        why = never_holds(site.text, known)
        if why is not None:
            field = site.path[-1]
            yield place(site.kind, site.ident, *site.path), (
                f"{site.kind} '{site.ident}': its '{field}' can never hold within the declared ranges: {why}")


def _followups(content: Content) -> Iterator[tuple[str, str, tuple[str | int, ...], Any]]:
    """Every follow-up the content schedules: from an event's choices and their outcomes, and from a
    standing action and its outcomes: (its kind, its id, the follow-up's field path within it, the
    follow-up)."""
    holders: list[tuple[str, str, tuple[str | int, ...], Any]] = []
    for ident, event in content.events.items():
        holders += [("event", ident, ("choice", ci), choice) for ci, choice in enumerate(event.model.choice)]
    holders += [("action", ident, (), action.model) for ident, action in content.actions.items()]
    for kind, ident, at, holder in holders:
        lists: list[tuple[tuple[str | int, ...], Any]] = [((*at, "followups"), holder.followups)]
        lists += [((*at, "outcome", oi, "followups"), o.followups) for oi, o in enumerate(holder.outcome)]
        for path, followups in lists:
            for fi, follow in enumerate(followups):
                yield kind, ident, (*path, fi), follow


def _rescheduling(content: Content, place: Place) -> Iterator[tuple[Location, str]]:
    for kind, ident, path, follow in _followups(content):
        if kind == "event" and follow.event == ident and follow.after == 0 and follow.when is None:
            yield place("event", ident, *path, "event"), (
                f"event '{ident}' schedules itself again at once (after = 0, no 'when'): "
                "taking this choice brings the same event straight back")


def _once_brought_back(content: Content, place: Place) -> Iterator[tuple[Location, str]]:
    """A follow-up (of a choice or of a standing action) of an event that fires once and can also come
    by its trigger, whose `when` does not ask whether it has fired: the engine brings a due follow-up
    whatever came before, so the player would read the same event twice."""
    for kind, ident, path, follow in _followups(content):
        target = content.events.get(follow.event)
        if target is None or not target.model.once or target.model.trigger is None:
            continue
        try:
            asks = follow.when is not None and follow.event in watch(follow.when, content.names).fired
        except ExprError:
            continue
        if not asks:
            yield place(kind, ident, *path, "event"), (
                f"event '{follow.event}' fires once but can also come by its trigger, and this follow-up "
                f"brings it whatever came before: the player could read it twice; add "
                f"fired(\"{follow.event}\") == 0 to the follow-up's 'when'")


def _unused_names(content: Content, every: list[Site], place: Place) -> Iterator[tuple[Location, str]]:
    read: set[str] = slot_reads(content)  # (a value shown in a text is read)
    written: set[str] = set()
    for site in every:
        target = site.target
        if target is not None:
            written.add(target)
        try:
            read |= reads(site.value, content.names)
        except ExprError:
            continue
    for kind, names in (("flag", content.flags), ("counter", content.counters)):
        for ident, declared in names.items():
            if ident in written and ident not in read:
                yield place(kind, ident), f"{kind} '{ident}' is set but nothing reads it"
            elif ident in read and ident not in written:
                value = str(declared.initial).lower()
                yield place(kind, ident), (f"{kind} '{ident}' is read but nothing sets it, so it is always "
                                           f"{value}")
            elif ident not in read and ident not in written:
                yield place(kind, ident), f"{kind} '{ident}' is neither set nor read"


def _silent_choices(content: Content, place: Place) -> Iterator[tuple[Location, str]]:
    """A choice without a text whose outcome (or lack of one) has none either: the player who takes it
    reads nothing of what it did."""
    for event in content.events.values():
        for index, choice in enumerate(event.model.choice):
            if choice.text:
                continue
            if not choice.outcome:
                yield place("event", event.id, "choice", index, "id"), (
                    f"event '{event.id}': choice '{choice.id}' has no text and no outcomes, so the player who "
                    "takes it reads nothing of what it did; give it a `text`")
            for number, outcome in enumerate(choice.outcome):
                if not outcome.text:
                    yield place("event", event.id, "choice", index, "outcome", number, "id"), (
                        f"event '{event.id}': outcome '{outcome.id}' of choice '{choice.id}' has no text and "
                        "neither has the choice, so the player it comes to reads nothing of what happened; "
                        "give one of them a `text`")


def _silent_advisors(content: Content, place: Place) -> Iterator[tuple[Location, str]]:
    speaking = {counsel.advisor for event in content.events.values() for choice in event.model.choice
                for counsel in choice.counsel}
    speaking |= {counsel.advisor for action in content.actions.values() for counsel in action.model.counsel}
    for ident in content.advisors:
        if ident not in speaking:
            yield place("advisor", ident), f"advisor '{ident}' never speaks: no choice or action has their counsel"
