"""Text read from files, made safe to show: control characters become visible escapes, so a save's
name or a scenario's title can never move the cursor, clear the screen or recolour a terminal.

Every front end (the plain game, the command's listings, the terminal interface) shows text that
came from a file through `shown` (one line) or `shown_lines` (prose that keeps its line breaks).
"""

from __future__ import annotations

import re
from typing import IO, Any

# DEL and the C1 controls, and the invisible characters that reorder or hide text (bidirectional
# overrides and isolates, zero-width marks, the byte-order mark); with the C0 controls, all escaped.
_OTHERS = "\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")  # keeps tab (\x09) and line feed (\x0a)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """One line of text from a file, safe for any terminal: every control character (line breaks
    and tabs too) written as a visible escape such as \\x1b."""
    return _ONE_LINE.sub(_escape, str(text))


def shown_lines(text: object) -> str:
    """Prose from a file, safe for any terminal: line breaks and tabs kept, every other control
    character written as a visible escape."""
    return _LINES.sub(_escape, str(text))


def is_safe(text: str) -> bool:
    """Whether one line of text needs no escaping."""
    return _ONE_LINE.search(text) is None


class SafeStream:
    """A text stream that escapes control characters in everything written to it but line breaks
    and tabs: for a front end whose output mixes its own text with text from files."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown_lines(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
