"""Pausing the cyclic garbage collector, always undone: `with paused_gc(): ...`.

Loading content, automated play and the start of the interface allocate many objects and make no
garbage cycles, so the collector would only rescan a growing heap. Pauses nest and may overlap in
threads: the collector is off while any pause is on, and when the last one ends it is left as it
was before the first began, also when the block raised. A pause can end before its block does
(`Pause.end`): the interface ends the start's pause once its first frame is drawn.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses on now
_enabled_before = False  # whether the collector was on when the first of them began


class Pause:
    """One pause of the collector, on until it ends (at the end of its block at the latest)."""

    def __init__(self) -> None:
        global _pauses, _enabled_before
        with _lock:
            if _pauses == 0:
                _enabled_before = gc.isenabled()
            _pauses += 1
            gc.disable()
        self.on = True

    def settle(self) -> None:
        """Move everything alive now out of the collector's way for good (it lives as long as the program)."""
        gc.freeze()

    def end(self, settle: bool = False) -> None:
        """End this pause now (with `settle`, first `settle()`); the collector resumes if it was the last one."""
        global _pauses
        with _lock:
            if not self.on:
                return
            self.on = False
            if settle:
                gc.freeze()
            _pauses -= 1
            if _pauses == 0 and _enabled_before:
                gc.enable()


@contextmanager
def paused_gc() -> Iterator[Pause]:
    """The collector off for the block (unless the pause is ended sooner), restored however it ends."""
    pause = Pause()
    try:
        yield pause
    finally:
        pause.end()
