"""The game's colour themes: a dark crisis room and a light daytime office."""

from __future__ import annotations

from textual.theme import Theme

CRISIS_ROOM = Theme(
    name="crisis-room",
    primary="#C9453B",
    secondary="#5B7FA6",
    accent="#E0A43A",
    warning="#E0A43A",
    error="#E5534B",
    success="#5FAF6E",
    foreground="#E4E1DA",
    background="#14171C",
    surface="#1C2027",
    panel="#262B34",
    dark=True,
)

SITUATION_DAY = Theme(
    name="situation-day",
    primary="#A3271E",
    secondary="#2F5A88",
    accent="#8A5A00",
    warning="#8A5A00",
    error="#B3261E",
    success="#2E7D3A",
    foreground="#1D1F23",
    background="#F4F1EA",
    surface="#FBF9F4",
    panel="#E6E1D6",
    dark=False,
)

THEMES = (CRISIS_ROOM, SITUATION_DAY)
DEFAULT_THEME = CRISIS_ROOM.name
