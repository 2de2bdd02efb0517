"""Widgets of the situation room: status bar, counsel, choices, dashboard and timeline."""
