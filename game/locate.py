"""Map a path inside parsed TOML (`("event", 3, "choice", 0, "label")`) back to a line and column.

tomli gives values, not positions, so this reads the source once more, lightly: table headers,
keys, array elements and inline tables. It assumes the text already parsed; on anything it does
not understand it stops and the positions found so far are used.

A large file is not read whole to place one problem: a quick pass (regular expressions, in C)
finds the header of each top-level entry (`[[event]]`, `[scenario]`), and only the entry asked
about is read key by key. That pass is trusted only when it finds as many entries of a kind as the
parsed file holds (a header written inside a multi-line string would make it miscount); otherwise
the whole text is read, as before.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Mapping, Sequence

Path = tuple[str | int, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: a header of a top-level table or array of tables: `[scenario]`, `[[event]]` (not `[[event.choice]]`)
_TOP_HEADER = re.compile(r"^[ \t]*\[(\[)?[ \t]*([A-Za-z0-9_-]+)[ \t]*\](\])?", re.MULTILINE)
_TRIPLE = re.compile(r"\"\"\"|'''")
#: how far apart the remembered line starts are, in characters (see _pos)
_MARK_EVERY = 4096


class Locator:
    """Positions (1-based line and column) of the keys and values of one TOML text."""

    def __init__(self, text: str, entries: Mapping[str, int] | None = None) -> None:
        """`entries`: how many entries of each kind (`event`: 3) the parsed text holds; with it, the
        locator reads only the entries asked about."""
        self.text = text
        self.keys: dict[Path, tuple[int, int]] = {}
        self.values: dict[Path, tuple[int, int]] = {}
        self._arrays: dict[Path, int] = {}
        self._entries = dict(entries) if entries is not None else None
        self._windows: dict[Path, tuple[int, int]] | None = None
        self._read: set[Path] = set()
        self._whole = False
        # known line starts, as (offset, line number) in two sorted lists
        self._mark_offsets = [0]
        self._mark_lines = [1]

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Where `path` was written, or its nearest written ancestor."""
        key = tuple(path)
        self._read_for(key)
        while key:
            if key in self.keys:
                return self.keys[key]
            key = key[:-1]
        return (1, 1)

    def value_position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Where the value at `path` starts (for columns inside an expression string)."""
        key = tuple(path)
        self._read_for(key)
        return self.values.get(key) or self.position(key)

    def line(self, number: int) -> str:
        """The text of a line (1-based), without its end."""
        start = self._line_start(number)
        if start is None:
            return ""
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]

    # --- what to read ----------------------------------------------------------------------

    def _read_for(self, path: Path) -> None:
        if self._whole:
            return
        window = self._window(path)
        if window is None:
            self._read_whole()
            return
        top = path[:2] if len(path) >= 2 and isinstance(path[1], int) else path[:1]
        if top in self._read:
            return
        self._read.add(top)
        if len(top) == 2:
            self._arrays[top[:1]] = int(top[1])  # so that the header read first makes it this entry
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            self._scan(*window)

    def _read_whole(self) -> None:
        self._whole = True
        self._arrays = {}
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            self._scan(0, len(self.text))

    def _window(self, path: Path) -> tuple[int, int] | None:
        """The stretch of text that holds the top-level entry of `path`, when the quick pass is trusted."""
        if not path or self._entries is None:
            return None
        if self._windows is None:
            self._windows = self._find_windows(self._entries)
        if len(path) >= 2 and isinstance(path[1], int):
            return self._windows.get(path[:2])
        return self._windows.get(path[:1])

    def _find_windows(self, entries: Mapping[str, int]) -> dict[Path, tuple[int, int]]:
        """Each top-level entry's stretch of text: from its header to the next top-level header.

        `entries` gives, for each key of the parsed text, the number of entries of an array of
        tables, or -1 for a table; a kind whose headers do not match it gets no stretch at all.
        """
        text = self.text
        strings = self._multiline_strings()
        headers: list[tuple[int, str, bool]] = []
        for match in _TOP_HEADER.finditer(text):
            start = match.start()
            if bisect.bisect_right(strings, start) % 2 == 1:  # inside a multi-line string
                continue
            array = match.group(1) is not None and match.group(3) is not None
            headers.append((start, match.group(2), array))
        windows: dict[Path, tuple[int, int]] = {}
        found: dict[str, int] = {}
        for index, (start, kind, array) in enumerate(headers):
            end = headers[index + 1][0] if index + 1 < len(headers) else len(text)
            if array:
                number = max(found.get(kind, 0), 0)
                found[kind] = number + 1
                windows[(kind, number)] = (start, end)
                windows.setdefault((kind,), (start, end))
            else:
                found[kind] = -1 if kind not in found else -2  # a table given twice: not trusted
                windows[(kind,)] = (start, end)
        trusted = {kind for kind, count in found.items() if entries.get(kind) == count}
        return {path: window for path, window in windows.items() if path[0] in trusted}

    def _multiline_strings(self) -> list[int]:
        """Offsets where multi-line strings open and close, alternately."""
        marks: list[int] = []
        open_with = ""
        text = self.text
        for match in _TRIPLE.finditer(text):
            delimiter = match.group()
            if not open_with:
                open_with = delimiter
                marks.append(match.start())
            elif delimiter == open_with and not (delimiter == '"""' and _escaped(text, match.start())):
                open_with = ""
                marks.append(match.end())
        return marks

    # --- lines ------------------------------------------------------------------------------

    def _pos(self, offset: int) -> tuple[int, int]:
        text = self.text
        at = bisect.bisect_right(self._mark_offsets, offset) - 1
        mark = self._mark_offsets[at]
        line = self._mark_lines[at] + text.count("\n", mark, offset)
        line_start = text.rfind("\n", mark, offset) + 1 or mark
        if line_start - mark > _MARK_EVERY:
            self._mark_offsets.insert(at + 1, line_start)
            self._mark_lines.insert(at + 1, line)
        return line, offset - line_start + 1

    def _line_start(self, number: int) -> int | None:
        at = bisect.bisect_right(self._mark_lines, number) - 1
        offset, line = self._mark_offsets[at], self._mark_lines[at]
        while line < number:
            found = self.text.find("\n", offset)
            if found < 0:
                return None
            offset, line = found + 1, line + 1
        return offset

    # --- scanning ---------------------------------------------------------------------------

    def _skip_space(self, i: int, newlines: bool) -> int:
        text = self.text
        while i < len(text):
            c = text[i]
            if c in " \t\r" or (newlines and c == "\n"):
                i += 1
            elif c == "#":
                while i < len(text) and text[i] != "\n":
                    i += 1
            else:
                break
        return i

    def _read_key(self, i: int) -> tuple[list[str], int]:
        """A possibly dotted, possibly quoted key starting at i."""
        text = self.text
        parts: list[str] = []
        while True:
            i = self._skip_space(i, newlines=False)
            if text[i] in "\"'":
                quote = text[i]
                end = text.index(quote, i + 1)
                parts.append(text[i + 1 : end])
                i = end + 1
            else:
                start = i
                while i < len(text) and text[i] in _BARE:
                    i += 1
                if i == start:
                    raise ValueError("no key")
                parts.append(text[start:i])
            i = self._skip_space(i, newlines=False)
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            return parts, i

    def _resolve(self, parts: list[str], base: Path = ()) -> Path:
        """Walk dotted key parts, stepping into the latest element of arrays of tables."""
        path: Path = base
        for part in parts:
            path = (*path, part)
            if path in self._arrays:
                path = (*path, self._arrays[path] - 1)
        return path

    def _scan(self, i: int, end: int) -> None:
        text = self.text
        table: Path = ()
        while i < end:
            i = self._skip_space(i, newlines=True)
            if i >= end:
                break
            start = i
            if text.startswith("[[", i):
                parts, i = self._read_key(i + 2)
                parent = self._resolve(parts[:-1])
                array = (*parent, parts[-1])
                self._arrays[array] = self._arrays.get(array, 0) + 1
                table = (*array, self._arrays[array] - 1)
                self.keys.setdefault(array, self._pos(start))
                self.keys[table] = self._pos(start)
                i = text.index("]]", i) + 2
            elif text[i] == "[":
                parts, i = self._read_key(i + 1)
                table = self._resolve(parts)
                self.keys[table] = self._pos(start)
                i = text.index("]", i) + 1
            else:
                parts, i = self._read_key(i)
                path = table + tuple(parts)
                self.keys[path] = self._pos(start)
                i = self._skip_space(i, newlines=False)
                if text[i] != "=":
                    raise ValueError("no '='")
                i = self._value(i + 1, path)
            # the rest of the line is a comment or nothing
            while i < len(text) and text[i] != "\n":
                i += 1

    def _value(self, i: int, path: Path) -> int:
        text = self.text
        i = self._skip_space(i, newlines=False)
        self.values[path] = self._pos(i)
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i : i + 3]
            j = i + 3
            if text.startswith("\n", j):
                self.values[path] = self._pos(j + 1)
            while True:
                j = text.index(quote, j)
                if quote == '"""' and _escaped(text, j):
                    j += 1
                    continue
                # a closing delimiter may be followed by up to two more quotes
                while text.startswith(quote[0], j + 3):
                    j += 1
                return j + 3
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"' or _escaped(text, j):
                j += 1
            return j + 1
        if c == "'":
            return text.index("'", i + 1) + 1
        if c == "[":
            i += 1
            index = 0
            while True:
                i = self._skip_space(i, newlines=True)
                if text[i] == "]":
                    return i + 1
                self.keys[(*path, index)] = self._pos(i)
                i = self._value(i, (*path, index))
                i = self._skip_space(i, newlines=True)
                if text[i] == ",":
                    i += 1
                    index += 1
        if c == "{":
            i += 1
            while True:
                i = self._skip_space(i, newlines=False)
                if text[i] == "}":
                    return i + 1
                key_start = i
                parts, i = self._read_key(i)
                inner = path + tuple(parts)
                self.keys[inner] = self._pos(key_start)
                i = self._skip_space(i, newlines=False)
                i = self._value(i + 1, inner)  # skip '='
                i = self._skip_space(i, newlines=False)
                if text[i] == ",":
                    i += 1
        while i < len(text) and text[i] not in ",]}\n#":
            i += 1
        return i


def _escaped(text: str, j: int) -> bool:
    backslashes = 0
    k = j - 1
    while k >= 0 and text[k] == "\\":
        backslashes += 1
        k -= 1
    return backslashes % 2 == 1
