"""Starting the way `redline` does: garbage collection is held off until the first frame, then resumes."""

from __future__ import annotations

import gc
from pathlib import Path

from game.content import Content
from game.gcpause import paused_gc
from game.tui.app import build_app
from game.tui.screens.situation import SituationRoom


async def test_collection_resumes_once_the_first_frame_is_drawn(mini_content: Content, tmp_path: Path) -> None:
    gc.enable()
    try:
        with paused_gc() as pause:  # as `redline` does before importing the interface
            app = build_app(mini_content, seed=3, start="room", saves_dir=tmp_path, autosave=False, settle_heap=pause)
            assert not gc.isenabled()
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                assert isinstance(app.screen, SituationRoom)
                assert gc.isenabled(), "a game left without garbage collection would grow without bound"
                assert not pause.on
    finally:
        gc.unfreeze()

