"""The cache of validated content: playing content that has not changed skips parsing its TOML and
validating it (and, with that, importing pydantic at all).

There is one cache file for each set of content folders, in the folder named by REDLINE_CACHE
(by default `$XDG_CACHE_HOME/redline`, else `~/.cache/redline`; REDLINE_CACHE=off turns the cache
off). It holds the entries read from each content file, under a key made of the bytes of every
content file and of the code that defines and validates the format: any change to either gives
another key, and the content is read and validated afresh. Only content that validated without a
problem is written. The cache is never a source of errors: a missing, stale, damaged or foreign
cache file is ignored and replaced, and a folder that cannot be written only means that the
content is validated every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VARIABLE = "REDLINE_CACHE"
MAGIC = b"redline-content-cache 1\n"
# the modules whose code decides what validated content looks like
_FORMAT_CODE = ("model.py", "validate.py")


def folder() -> Path | None:
    """Where cache files go; None when the cache is off."""
    chosen = os.environ.get(VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen.strip() and chosen.strip().lower() != "off" else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "redline"


def make_key(content_hash: str) -> str:
    """The key of content with this hash, as validated by the code of this version of the game."""
    digest = hashlib.sha256(f"{content_hash}\0{sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    here = Path(__file__).parent
    for name in _FORMAT_CODE:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def _slot(folders: Sequence[Path]) -> Path | None:
    """The cache file of a set of content folders."""
    where = folder()
    if where is None:
        return None
    names = "\0".join(str(path.resolve()) for path in folders)
    return where / f"{hashlib.sha256(names.encode()).hexdigest()[:24]}.pickle"


def read(folders: Sequence[Path], wanted: str) -> Any:
    """What was written for these folders under this key; None on a miss, whatever the reason."""
    slot = _slot(folders)
    if slot is None:
        return None
    try:
        data = slot.read_bytes()
    except OSError:
        return None
    header = MAGIC + wanted.encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        return pickle.loads(data[len(header):])
    except Exception:  # damaged or written by other code: any failure is a miss
        return None


def write(folders: Sequence[Path], key: str, payload: Any) -> None:
    """Keep the payload for these folders under this key, atomically; silently not, if it cannot."""
    slot = _slot(folders)
    if slot is None:
        return
    from game.files import WriteError, write_file

    try:
        slot.parent.mkdir(parents=True, exist_ok=True)
        data = MAGIC + key.encode() + b"\n" + pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        write_file(slot, data, durable=False)  # (a cache lost in a crash is only checked again)
    except (OSError, WriteError, pickle.PicklingError):
        return
