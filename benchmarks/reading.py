"""Key presses per turn at 80×24 for a player who reads everything, counted by driving the game with Pilot.

A turn is one decision. In the situation room the reader pages through the brief and the counsel
with space until the end of it is on screen (and, when the counsel can be folded to a line per
advisor, first opens all of it in full with its key when it is not open yet, unless `--summaries`),
presses the number of the first choice that is available, then pages through the outcome to its end (space where space
reads on, else Page Down) and presses Enter. Presses that do not move the text are not counted:
the reader sees the end has come. Keys pressed once for the whole game (folding the dashboard,
which the settings remember) are not counted either. Prints the figures per turn, the last line
`presses_per_turn: X`.

Run: python benchmarks/reading.py [--seed 1] [--turns N] [--dashboard as-started|shown|folded] [--summaries]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from textual.containers import ScrollableContainer
from textual.screen import Screen

from game.content import Content
from game.loader import load_scenario
from game.paths import CONTENT
from game.tui.app import build_app

SIZE = (80, 24)
#: more presses than this on one screen means the text does not move on as it should
STUCK = 200


@dataclass
class Turn:
    """The presses of one decision."""

    event: str
    brief: int = 0  # paging through brief and counsel, and opening the counsel
    choose: int = 1
    outcome: int = 0  # paging through the outcome
    next: int = 1

    @property
    def total(self) -> int:
        return self.brief + self.choose + self.outcome + self.next


@dataclass
class Reading:
    turns: list[Turn] = field(default_factory=list)

    @property
    def presses(self) -> int:
        return sum(turn.total for turn in self.turns)

    @property
    def per_turn(self) -> float:
        return self.presses / len(self.turns) if self.turns else 0.0


def _key_for(screen: Screen[Any], action: str) -> str | None:
    """The key of the screen's binding for an action (by the action's name), if it has one."""
    for key, active in screen.active_bindings.items():
        if active.binding.action.split("(")[0] == action:
            return key
    return None


def _at_end(scroll: ScrollableContainer) -> bool:
    return scroll.scroll_y >= scroll.max_scroll_y


async def _page_to_end(pilot: Any, scroll: ScrollableContainer, key: str) -> int:
    presses = 0
    while not _at_end(scroll):
        assert presses < STUCK, f"{key} does not reach the end of #{scroll.id}"
        await pilot.press(key)
        await pilot.pause()
        presses += 1
    return presses


async def read_game(content: Content, seed: int, turns: int | None = None, dashboard: str = "as-started",
                    summaries: bool = False, size: tuple[int, int] = SIZE) -> Reading:
    """Play a game (or its first `turns` decisions) reading everything; the presses it took."""
    from game.tui.screens.outcome import OutcomeScreen
    from game.tui.screens.situation import SituationRoom

    reading = Reading()
    with tempfile.TemporaryDirectory() as saves:
        app = build_app(content, saves_dir=Path(saves), seed=seed, start="room", autosave=False)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            fold = _key_for(app.screen, "toggle_dashboard")
            started_folded = bool(getattr(app.screen, "dashboard_folded", False))  # (as it starts at this size)
            if dashboard != "as-started" and started_folded != (dashboard == "folded"):
                assert fold is not None, "this version of the game cannot fold the dashboard"
                await pilot.press(fold)
                await pilot.pause()
            while app.in_game and (turns is None or len(reading.turns) < turns):
                room = app.screen
                assert isinstance(room, SituationRoom), type(room)
                decision = app.decision
                assert decision is not None
                turn = Turn(decision.event.id)
                expand = _key_for(room, "expand_counsel")
                folded = [line for line in room.query("CounselLine") if not getattr(line, "expanded", True)]
                if expand is not None and folded and not summaries:
                    await pilot.press(expand)
                    await pilot.pause()
                    turn.brief += 1
                turn.brief += await _page_to_end(pilot, room.query_one("#brief", ScrollableContainer), "space")
                number = next(i for i, c in enumerate(decision.choices, start=1) if c.available)
                await pilot.press(str(number))
                await pilot.pause()
                outcome = app.screen
                assert isinstance(outcome, OutcomeScreen), type(outcome)
                page = "space" if _key_for(outcome, "read_on") == "space" else "pagedown"
                turn.outcome = await _page_to_end(pilot, outcome.query_one("#outcome-body", ScrollableContainer), page)
                await pilot.press("enter")
                await pilot.pause()
                await pilot.pause()
                reading.turns.append(turn)
    return reading


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--turns", type=int, default=None, help="decisions to read (default: the whole game)")
    parser.add_argument("--dashboard", choices=("as-started", "shown", "folded"), default="as-started",
                        help="the dashboard as the game starts at 80×24 (the default), or shown or folded")
    parser.add_argument("--summaries", action="store_true",
                        help="read the counsel's one line per advisor, not every argument in full")
    parser.add_argument("--scenario", type=Path, default=CONTENT / "red-line")
    args = parser.parse_args()
    content = load_scenario(args.scenario)
    reading = asyncio.run(read_game(content, args.seed, args.turns, args.dashboard, args.summaries))
    print(f"{'event':<28} {'brief':>5} {'choose':>6} {'outcome':>7} {'next':>4} {'total':>5}")
    for turn in reading.turns:
        print(f"{turn.event:<28} {turn.brief:>5} {turn.choose:>6} {turn.outcome:>7} {turn.next:>4} {turn.total:>5}")
    count = len(reading.turns)
    print(f"turns: {count}  presses: {reading.presses}")
    if count:
        print(f"brief_per_turn: {sum(t.brief for t in reading.turns) / count:.1f}")
        print(f"outcome_per_turn: {sum(t.outcome for t in reading.turns) / count:.1f}")
    print(f"presses_per_turn: {reading.per_turn:.1f}")


if __name__ == "__main__":
    main()
