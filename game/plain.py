"""The plain-text game: numbered choices over stdin and stdout, for screen readers, pipes and tests."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Collection
from typing import IO

from game.debrief import advisor_lines, format_number, with_unit
from game.engine import ActionView, Change, ChoiceView, Decision, Drift, Engine, GameState, Resolution, StatView
from game.model import Scenario
from game.stakes import Leaning, Stakes, StakesView
from game.text import estimate_figure, shown_value

WIDTH = 78


_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")


def plain_text(text: str) -> str:
    """Markdown emphasis markers removed: a screen reader should not read out asterisks."""
    return _EMPHASIS.sub("", text)


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def wrap(text: str, indent: str = "") -> str:
    """Wrap prose paragraph by paragraph, keeping blank lines between them and list items apart."""
    blocks = []
    for paragraph in plain_text(text).strip().split("\n\n"):
        lines = paragraph.strip().splitlines()
        if lines and all(_LIST_ITEM.match(line) or line.startswith("  ") for line in lines) \
                and _LIST_ITEM.match(lines[0]):
            items: list[str] = []
            for line in lines:
                if _LIST_ITEM.match(line):
                    items.append(line.strip())
                else:
                    items[-1] += " " + line.strip()
            blocks.append("\n".join(
                textwrap.fill(" ".join(item.split()), WIDTH, initial_indent=indent,
                              subsequent_indent=indent + "  ")
                for item in items
            ))
        elif lines:
            blocks.append(textwrap.fill(" ".join(paragraph.split()), WIDTH, initial_indent=indent,
                                        subsequent_indent=indent))
    return "\n\n".join(blocks)


def format_stat(view: StatView) -> str:
    value = with_unit(format_number(view.value), view.unit)
    if view.hidden:
        band = (view.high - view.low) / 2
        return f"{view.label}: {estimate_figure(view.value, band, view.min, view.max, view.unit)} (estimate)"
    return f"{view.label}: {value}"


def format_intro(scenario: Scenario) -> str:
    """Who the player is, the scenario's introduction, and where it leaves the record."""
    parts = [f"You are: {scenario.role}"]
    parts += [wrap(text) for text in (scenario.intro, scenario.departure_note()) if text]
    return "\n\n".join(parts)


def zone_note(view: StatView, stakes: StakesView) -> str:
    """' [game ends at ≤ 0: The resignation letter]' for a meter with danger zones, else ''."""
    zones = stakes.zones.get(view.id, ())
    if not zones:
        return ""
    parts = [f"{zone.describe(view.min, view.max)}{f' if {zone.condition_text}' if zone.condition else ''}: "
             f"{zone.title}" for zone in zones]
    return f"  [game ends at {'; '.join(parts)}]"


#: how a push is said in words: by its size, 1 to 3
_SIZES = {1: "a little", 2: "", 3: "a lot"}


def leaning_text(leaning: Leaning) -> str:
    """'Political capital down a lot; Escalation up (uncertain)': a choice's leaning in words."""
    parts = []
    for push in leaning.pushes:
        size = _SIZES[push.size]
        way = "up" if push.change > 0 else "down"
        parts.append(f"{push.label} {way}{' ' + size if size else ''}{' (uncertain)' if push.uncertain else ''}")
    return "; ".join(parts)


def format_decision(engine: Engine, decision: Decision, stakes: StakesView | None = None) -> str:
    content = engine.content
    event = decision.event
    season = next((s.label for s in content.scenario.seasons if s.id == decision.season), "")
    head = [f"Turn {decision.turn}", decision.date.strftime("%a %d %b %Y")]
    if season:
        head.append(season)
    for name, days in decision.days_to.items():
        if days > 0:
            head.append(f"{days} day{'' if days == 1 else 's'} to {name.replace('_', ' ')}")
            break
    lines = ["", "=" * WIDTH, " · ".join(head), "=" * WIDTH, "", f"## {event.title}", ""]
    if event.hypothetical:
        lines += ["[Hypothetical: this event departs from the historical record.]", ""]
    lines.append(wrap(decision.brief))
    if event.source:
        lines += ["", f"Source: {event.source}"]
    counsel_lines = []
    for number, choice in enumerate(decision.choices, start=1):
        for counsel in choice.counsel:
            advisor = content.advisors[counsel.advisor]
            verb = "recommends" if counsel.position == "for" else "opposes"
            counsel_lines.append(f"- {advisor.name} ({advisor.stance}) {verb} {number}:")
            counsel_lines.append(wrap(counsel.says, "    "))
    if counsel_lines:
        lines += ["", "Counsel:", *counsel_lines]
    lines += ["", "Meters:"] + [f"  {format_stat(v)}{zone_note(v, stakes) if stakes else ''}" for v in decision.stats]
    if stakes is not None and stakes.warnings:
        bounds = {view.id: (view.min, view.max) for view in decision.stats}
        lines += [""] + [f"Warning: {w.text(*bounds[w.stat])}." for w in stakes.warnings]
    lines += ["", "Choices:"]
    for number, choice in enumerate(decision.choices, start=1):
        if choice.available:
            lines.append(f"  {number}. {choice.label}")
        else:
            lines.append(f"  {number}. [unavailable] {choice.label} ({choice.reason})")
        leaning = stakes.leanings.get(choice.id) if stakes is not None else None
        if leaning is not None and stakes is not None:
            if stakes.show_leanings and leaning.pushes:
                lines.append(f"     Leans: {leaning_text(leaning)}")
            if leaning.ends:
                lines.append(f"     Warning: {leaning.ending_text}.")
            if leaning.nears:
                lines.append(f"     Warning: {leaning.near_text}.")
    if decision.actions:
        open_now = sum(1 for action in decision.actions if action.available)
        lines.append(f"  a. Actions of your own ({open_now} of {len(decision.actions)} open now)")
    return "\n".join(lines)


def stat_range(engine: Engine, change: Change) -> tuple[float, float]:
    stat = engine.content.stats[change.stat]
    return stat.min, stat.max


def change_text(change: Change, low: float, high: float) -> str:
    """'Political capital: 50 -> 45', or for a hidden stat its estimates before and after, as the
    gauge of a stat ranging from `low` to `high` shows them."""
    if change.hidden:
        return (f"{change.label}: estimate {shown_value(change.shown_before, low, high, True)} -> "
                f"{shown_value(change.shown_after, low, high, True)}")
    return f"{change.label}: {format_number(change.before)} -> {format_number(change.after)}"


def drift_text(drift: Drift) -> str:
    """A rule's text, or a quiet stretch, once however many turns it repeated."""
    count = len(drift.turns)
    if drift.quiet:
        return f"{count} quiet turns: nothing needed your decision." if count > 1 else f"A {drift.text}"
    return f"Over {count} turns: {drift.text}" if count > 1 else drift.text


def format_choices(decision: Decision) -> list[str]:
    """The numbered choices (asked again after an action), and the line that opens the standing actions."""
    lines = ["", "Choices:"]
    for number, choice in enumerate(decision.choices, start=1):
        if choice.available:
            lines.append(f"  {number}. {choice.label}")
        else:
            lines.append(f"  {number}. [unavailable] {choice.label} ({choice.reason})")
    if decision.actions:
        open_now = sum(1 for action in decision.actions if action.available)
        lines.append(f"  a. Actions of your own ({open_now} of {len(decision.actions)} open now)")
    return lines


def format_actions(engine: Engine, decision: Decision) -> str:
    """The standing actions: what each costs and does, whether it can be taken now and why not, counsel."""
    per_turn = engine.content.scenario.actions_per_turn
    lines = ["", f"Actions of your own ({per_turn} a turn; the event above stays to be decided):"]
    for number, action in enumerate(decision.actions, start=1):
        lines += ["", *format_action(engine, number, action)]
    return "\n".join(lines)


def format_action(engine: Engine, number: int, action: ActionView) -> list[str]:
    mark = "" if action.available else "[unavailable] "
    lines = [f"  {number}. {mark}{action.label}", f"     Cost: {action.cost_text}"]
    if action.limits_text:
        lines.append(f"     Limits: {action.limits_text}")
    if not action.available:
        lines.append(f"     Not now: {action.reason}")
    if action.text:
        lines.append(wrap(action.text, "     "))
    for counsel in action.counsel:
        advisor = engine.content.advisors[counsel.advisor]
        verb = "recommends it" if counsel.position == "for" else "opposes it"
        lines.append(f"     - {advisor.name} ({advisor.stance}) {verb}:")
        lines.append(wrap(counsel.says, "         "))
    return lines


def pick_action(decision: Decision, answer: str) -> tuple[ActionView | None, str]:
    """The action a typed answer (a number or an action id) names, or None and why not."""
    actions = decision.actions
    picked = None
    if answer.isdigit() and 1 <= int(answer) <= len(actions):
        picked = actions[int(answer) - 1]
    else:
        picked = next((a for a in actions if a.id == answer), None)
    if picked is None:
        return None, f"Please type a number from 1 to {len(actions)}, or press Enter to go back."
    if not picked.available:
        return None, f"That action cannot be taken now: {picked.reason}"
    return picked, ""


def format_resolution(engine: Engine, resolution: Resolution, read: Collection[str] = ()) -> str:
    """The account of a decision: what the choice did, what chance decided, what the turn did on its
    own, what was set in motion, and why an estimate moved; each apart. The turn's notes in `read`
    (those under the last decision's account) are folded into one line."""
    lines = [""]
    if resolution.text:
        lines += [wrap(resolution.text), ""]
    if resolution.choice_changes:
        lines.append("What the action did:" if resolution.action else "What your choice did:")
        lines += [f"  {change_text(change, *stat_range(engine, change))}" for change in resolution.choice_changes]
    if resolution.outcome is not None:
        odds = ""
        if resolution.odds is not None and resolution.odds < 1:
            about = "about " if resolution.odds_estimated else ""
            odds = f" (it had {about}a {max(1, round(resolution.odds * 100))}% chance"
            odds += ", by your estimates)" if resolution.odds_estimated else ")"
        lines.append(f"What chance decided{odds}:")
        lines += ([f"  {change_text(change, *stat_range(engine, change))}" for change in resolution.outcome_changes]
                  or ["  no meter moved"])
    for flag in resolution.flags_set:
        lines.append(f"  Now true: {engine.content.flags[flag].description or flag}")
    for flag in resolution.flags_cleared:
        lines.append(f"  No longer true: {engine.content.flags[flag].description or flag}")
    if resolution.scheduled:
        lines.append("Set in motion: consequences that will surface in the coming weeks.")
    fresh = [drift for drift in resolution.drift if drift.quiet or drift.text not in read]
    again = len(resolution.drift) - len(fresh)
    if resolution.drift or resolution.drift_changes:
        lines.append("Meanwhile, on its own, until the next decision:")
        lines += [f"  · {drift_text(drift)}" for drift in fresh]
        if again:
            lines.append(f"  · and {again} more as after your last decision" if fresh
                         else f"  · {again} note{'s' if again > 1 else ''} as after your last decision")
        lines += [f"  {change_text(change, *stat_range(engine, change))}" for change in resolution.drift_changes]
    if resolution.estimate_notes:
        lines.append("Your estimates:")
        lines += [f"  {note}" for note in resolution.estimate_notes]
    for advisor, farewell in zip(resolution.departures, resolution.farewells, strict=False):
        lines.append(departure_text(engine, advisor, farewell))
    if len(lines) == 1 or lines[-1] == "":
        lines.append("Nothing you can measure changed.")
    return "\n".join(lines)


def departure_text(engine: Engine, advisor: str, farewell: str) -> str:
    """What the player is told when an advisor leaves (`farewell`: their `leaving` text, rendered)."""
    who = engine.content.advisors[advisor]
    said = f" {farewell.strip()}" if farewell.strip() else ""
    return wrap(f"{who.name} ({who.title}) has left your staff.{said}")


def format_ending(engine: Engine, state: GameState) -> str:
    ending = engine.ending(state)
    assert ending is not None
    lines = ["", "=" * WIDTH, f"ENDING: {ending.title}"]
    if ending.grade:
        lines.append(f"Grade: {ending.grade}")
    lines += ["=" * WIDTH, "", wrap(engine.epilogue(state)), "", "What was hidden from you:"]
    for ident, stat in engine.content.stats.items():
        if stat.hidden is None:
            continue
        view = engine.stat_view(state.values, ident, state.seed, state.turn)
        lines.append(
            f"  {stat.label}: truly {with_unit(format_number(float(state.values[ident])), stat.unit)}; "
            f"your last estimate was "
            f"{estimate_figure(view.value, (view.high - view.low) / 2, view.min, view.max, view.unit)}"
        )
    record = advisor_lines(engine, state)
    if record:
        lines += ["", "Your advisors:", *[f"  {line}" for line in record]]
    lines.append(f"\nDecisions taken: {len(state.decisions)}")
    return "\n".join(lines)


def pick(decision: Decision, answer: str) -> tuple[ChoiceView | None, str]:
    """The choice a typed answer (a number or a choice id) names, or None and why not."""
    picked = None
    if answer.isdigit() and 1 <= int(answer) <= len(decision.choices):
        picked = decision.choices[int(answer) - 1]
    else:
        picked = decision.choice(answer)
    if picked is None:
        return None, f"Please type a number from 1 to {len(decision.choices)}."
    if not picked.available:
        return None, f"That choice is not available: {picked.reason}"
    return picked, ""


#: What `play` returns from asking for an action when input ends or the player stops.
_STOP = "stop"


def _ask_action(engine: Engine, decision: Decision, answer: str, read: Callable[[], str | None],
                out: IO[str]) -> ActionView | str | None:
    """The action the player picks ("a", then a number; or "a 2" at once), None to go back, or _STOP."""
    rest = answer[1:].strip()
    if not rest:
        print(format_actions(engine, decision), file=out)
    while True:
        if not rest:
            print("\nAction (number, or Enter to go back): ", end="", file=out, flush=True)
            typed = read()
            if typed is None:
                return _STOP
            rest = typed.strip()
            if not rest:
                return None
            if rest.lower() in ("q", "quit", "exit"):
                return _STOP
        picked, problem = pick_action(decision, rest)
        if picked is not None:
            return picked
        print(problem, file=out)
        rest = ""


def play(
    engine: Engine,
    state: GameState,
    read: Callable[[], str | None],
    out: IO[str],
    after_decision: Callable[[GameState], None] | None = None,
    leanings: bool = True,
    consult: Callable[[GameState, Decision], list[str]] | None = None,
) -> GameState:
    """Play until the game ends or input runs out. `read` returns None at end of input.

    `l` shows or hides the choices' leanings (they start shown with `leanings`). With `consult`,
    `o` prints what it returns (the analyst's odds)."""
    stakes = Stakes(engine)
    shown_decision = True
    noted: frozenset[str] = frozenset()  # (the turn's notes under the last account, folded in the next)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        if shown_decision:
            print(format_decision(engine, decision, stakes.view(state, leanings)), file=out)
        else:  # (after an action: the same event, its choices again)
            print(f"\nStill to decide: {decision.event.title}", file=out)
            print("\n".join(format_choices(decision)), file=out)
        shown_decision = True
        action: ActionView | None = None
        picked: ChoiceView | None = None
        more = ", a for actions" if decision.actions else ""
        while True:
            toggle = "l to hide leanings" if leanings else "l to show leanings"
            offer = ", o for the analyst's odds" if consult is not None else ""
            print(f"\nYour choice (number{more}, {toggle}{offer}, or q to stop): ", end="", file=out, flush=True)
            answer = read()
            if answer is None:
                print("\nInput ended; the game stops here.", file=out)
                return state
            answer = answer.strip()
            if answer.lower() in ("q", "quit", "exit"):
                print("Stopped.", file=out)
                return state
            if decision.actions and answer[:1].lower() == "a" and (len(answer) == 1 or not answer[1].isalpha()):
                asked = _ask_action(engine, decision, answer, read, out)
                if asked == _STOP:
                    print("\nStopped.", file=out)
                    return state
                if isinstance(asked, ActionView):
                    action = asked
                    break
                print("\n".join(format_choices(decision)), file=out)
                continue
            if answer.lower() == "l":
                leanings = not leanings
                if not stakes.leanings_shown:
                    print("This scenario does not show leanings.", file=out)
                    continue
                print(format_decision(engine, decision, stakes.view(state, leanings)), file=out)
                continue
            if consult is not None and answer.lower() in ("o", "odds"):
                print("\n".join(consult(state, decision)), file=out)
                continue
            picked, problem = pick(decision, answer)
            if picked is None:
                print(problem, file=out)
                continue
            break
        if action is not None:
            resolution = engine.act(state, action.id)
            state = resolution.state
            print(f"\nAction: {action.label} (cost: {action.cost_text})", file=out)
            print(format_resolution(engine, resolution), file=out)
            if after_decision is not None:
                after_decision(state)
            shown_decision = False
            continue
        assert picked is not None
        resolution = engine.choose(state, picked.id)
        state = resolution.state
        print(format_resolution(engine, resolution, noted), file=out)
        noted = frozenset(drift.text for drift in resolution.drift if not drift.quiet)
        if after_decision is not None:
            after_decision(state)
    print(format_ending(engine, state), file=out)
    return state
