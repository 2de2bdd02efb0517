"""Map a path inside parsed TOML (`("event", 3, "choice", 0, "label")`) back to a line and column.

tomli gives values, not positions, so this reads the source once more, lightly: table headers,
keys, array elements and inline tables. It assumes the text already parsed; on anything it does
not understand it stops and the positions found so far are used.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Sequence

Path = tuple[str | int, ...]

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Locator:
    """Positions (1-based line and column) of the keys and values of one TOML text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.keys: dict[Path, tuple[int, int]] = {}
        self.values: dict[Path, tuple[int, int]] = {}
        self._arrays: dict[Path, int] = {}
        with contextlib.suppress(IndexError, ValueError):
            self._scan()

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Where `path` was written, or its nearest written ancestor."""
        key = tuple(path)
        while key:
            if key in self.keys:
                return self.keys[key]
            key = key[:-1]
        return (1, 1)

    def value_position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Where the value at `path` starts (for columns inside an expression string)."""
        key = tuple(path)
        return self.values.get(key) or self.position(key)

    # --- scanning ---------------------------------------------------------------------------

    def _pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

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

    def _scan(self) -> None:
        text = self.text
        table: Path = ()
        i = 0
        while i < len(text):
            i = self._skip_space(i, newlines=True)
            if i >= len(text):
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
