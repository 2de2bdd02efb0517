"""Widgets of the game's screens: the footer, the situation room's panes, and the dev-mode problems panel."""
