"""Real events of the shipped Red Line scenario come up on their real dates, or say when they happened.

The table below holds the real date of every real event the scenario tells, from the scenario
research. A turn covers `days_per_turn` days from `Content.day(turn)`. An event's possible turns
are those on which the calendar parts of its trigger hold (the parts that read only the turn,
the date, the season and the named dates); an event that only comes as a follow-up can come on
the turn its schedulers can fire plus the follow-up's `after`.

The rule, for every listed event:
- it can never come up before the turn that contains its real date;
- an event told as it happens ("present") can come up only on turns that contain its real date;
- an event told as a report ("report") may come later, and then its brief names the real date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.content import Content
from game.loader import load_scenario
from game.model import FollowUp
from game.text import passages

SCENARIO = Path(__file__).resolve().parent.parent / "content" / "red-line"

D = dt.date

#: event id -> (first real date, last real date, how it is told)
REAL_DATES: dict[str, tuple[dt.date, dt.date, str]] = {
    # the White House briefing: at least 3,000 North Korean troops in Russia
    "going_public": (D(2024, 10, 23), D(2024, 10, 23), "present"),
    # Rep. Turner: consider "direct military action"
    "turner_call": (D(2024, 10, 23), D(2024, 10, 23), "report"),
    # Putin at the BRICS summit: "our business"
    "moscow_reply": (D(2024, 10, 24), D(2024, 10, 24), "report"),
    # Yoon: Seoul may review its ban on lethal arms "more flexibly"
    "korea_seoul_ask": (D(2024, 10, 24), D(2024, 10, 24), "report"),
    # the Pentagon's 10,000 (28 Oct); 8,000 in Kursk per Blinken and Austin (31 Oct)
    "kursk_eight_thousand": (D(2024, 10, 28), D(2024, 10, 31), "report"),
    # Beijing: "their own matter"
    "korea_beijing_channel": (D(2024, 11, 1), D(2024, 11, 1), "report"),
    # Zelensky asks for strikes on the training camps
    "camp_strikes": (D(2024, 11, 1), D(2024, 11, 1), "report"),
    # the US election
    "election_result": (D(2024, 11, 5), D(2024, 11, 6), "report"),
    # Putin signs the new nuclear doctrine
    "doctrine_update": (D(2024, 11, 19), D(2024, 11, 19), "report"),
    # Oreshnik strikes Dnipro
    "oreshnik": (D(2024, 11, 21), D(2024, 11, 21), "report"),
    # Yoon declares martial law (lifted within hours)
    "korea_martial_law": (D(2024, 12, 3), D(2024, 12, 3), "report"),
    # the Russia-DPRK treaty enters into force
    "kursk_treaty_cover": (D(2024, 12, 4), D(2024, 12, 4), "report"),
    # the Pentagon confirms North Korean troops in combat
    "combat_confirmed": (D(2024, 12, 16), D(2024, 12, 16), "report"),
    # two North Korean prisoners captured (shown on 11 Jan)
    "pows_captured": (D(2025, 1, 9), D(2025, 1, 9), "report"),
    # Ukraine's new attack in Kursk: "historically January" in the research
    "kursk_january": (D(2025, 1, 1), D(2025, 1, 31), "present"),
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_scenario(SCENARIO)


def turns(content: Content) -> range:
    return range(1, content.scenario.last_turn + 1)


def covers(content: Content, turn: int, first: dt.date, last: dt.date) -> bool:
    """Whether the days of a turn overlap the span first..last."""
    start = content.day(turn)
    end = start + dt.timedelta(days=content.scenario.days_per_turn - 1)
    return start <= last and first <= end


def schedulers(content: Content) -> Iterator[tuple[str | None, FollowUp]]:
    """Every follow-up written in the scenario, with the event that schedules it (None for actions)."""
    for compiled in content.events.values():
        event = compiled.model
        for choice in event.choice:
            for followup in choice.followups:
                yield event.id, followup
            for outcome in choice.outcome:
                for followup in outcome.followups:
                    yield event.id, followup
    for action in content.actions.values():
        for outcome in action.model.outcome:
            for followup in outcome.followups:
                yield None, followup


def possible_turns(content: Content) -> dict[str, set[int]]:
    """The turns on which each event could come up, by the calendar alone."""
    last = content.scenario.last_turn
    possible: dict[str, set[int]] = {}
    for ident, compiled in content.events.items():
        trigger = compiled.trigger
        if trigger is None:
            possible[ident] = set()
        else:
            possible[ident] = {t for t in turns(content)
                               if all(part(content.calendar(t)) for part in trigger.calendar)}
    written = list(schedulers(content))
    changed = True
    while changed:  # follow-ups of follow-ups
        changed = False
        for source, followup in written:
            origin = set(turns(content)) if source is None else possible[source]
            due = {t + followup.after for t in origin if t + followup.after <= last}
            if not due <= possible[followup.event]:
                possible[followup.event] |= due
                changed = True
    return possible


def names_date(text: str, first: dt.date, last: dt.date) -> bool:
    for day in (first, last):
        month = MONTHS[day.month - 1]
        if f"{day.day} {month}" in text or f"{day.day} {month[:3]}" in text:
            return True
    return False


def test_every_listed_event_is_real_and_exists(content: Content) -> None:
    for ident in REAL_DATES:
        assert ident in content.events, ident
        event = content.events[ident].model
        assert not event.hypothetical, f"{ident} tells a real event but is marked hypothetical"
        assert event.source, f"{ident} tells a real event but names no source"


def verdict(content: Content, ident: str, possible: set[int], brief: str) -> str | None:
    """What is wrong with when an event can come up, or None."""
    first, last, told = REAL_DATES[ident]
    if not possible:
        return f"{ident} can never come up"
    real = {t for t in turns(content) if covers(content, t, first, last)}
    shown = {t: str(content.day(t)) for t in sorted(possible)}
    if min(possible) < min(real):
        return f"{ident} can come up before {first}: {shown}"
    if told == "present" and not possible <= real:
        return f"{ident} is told as it happens but can come up off {first}: {shown}"
    if possible - real and not names_date(brief.replace("**", ""), first, last):
        return f"{ident} can come up after {last} ({shown}) and its brief does not say it happened on {first}"
    return None


@pytest.mark.parametrize("ident", sorted(REAL_DATES))
def test_real_event_comes_up_on_its_date_or_names_it(content: Content, ident: str) -> None:
    possible = possible_turns(content)[ident]
    assert verdict(content, ident, possible, "\n\n".join(passages(content.events[ident].model.brief))) is None


def test_the_rule_catches_drift(content: Content) -> None:
    """The drifts the design review found are caught, so the test above is not vacuous."""
    undated = "Moscow has published its revised nuclear doctrine."
    # the doctrine on 28 Nov (turn 10) in the present tense
    assert verdict(content, "doctrine_update", {10}, undated)
    # a turn early, even with the date named
    assert verdict(content, "doctrine_update", {6}, "On 19 November Putin signed it.")
    # Oreshnik on 2 Dec (turn 11), undated
    assert verdict(content, "oreshnik", {11}, "A new missile has struck Dnipro.")
    # the January attack told as it happens in February
    assert verdict(content, "kursk_january", {21, 28}, "Kyiv will attack in Kursk within days.")
    # and the right answers pass
    assert verdict(content, "doctrine_update", {7}, undated) is None
    assert verdict(content, "doctrine_update", {7, 8}, "On 19 November Putin signed it.") is None
