"""The terminal interface: a Textual app around the engine. Only this package imports Textual."""
