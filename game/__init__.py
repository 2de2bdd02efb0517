"""Red Line: a terminal strategy game of the October 2024 crisis, and the engine that runs it."""

__version__ = "0.1.0"
