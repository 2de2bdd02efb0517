"""Time from process start to the first frame of the situation room, against a bare Textual app.

Each run is a fresh Python process, headless. The game's process loads and checks the scenario
(from its content cache, as every start but the first after a change does), builds the app with
the same factory as `redline`, and stops once the situation room has been drawn; the bare process
draws a Header, a Static and a Footer. Runs alternate between the two so that a busy machine slows
both alike. Prints the medians (with the share of the game's start spent loading content, and the
ratio without it), the first start after a content change (no cache), the peak memory of each,
and, last, `startup_vs_bare_textual: R` (target: R <= 1.3; peak memory target: <= 1.5x the bare
app).

Run: python benchmarks/startup.py [--runs 7] [--scenario PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Both children take the moment their process was started (argv[1], from the parent's clock) and
# print how long it took to reach a drawn frame, and their peak resident memory.
COMMON = """
import sys, time, asyncio, resource, json
spawned = float(sys.argv[1])

def report(app_exit_at, content_s=0.0):
    print(json.dumps({"first_frame_s": app_exit_at - spawned, "content_s": content_s,
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))

async def drawn(app):
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()
"""

BARE = COMMON + """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("A bare Textual app.")
        yield Footer()

at = []
async def autopilot(pilot):
    await pilot.pause()
    await drawn(pilot.app)
    at.append(time.time())
    pilot.app.exit()

Bare().run(headless=True, size=(100, 30), auto_pilot=autopilot)
report(at[0])
"""

GAME = COMMON + """
sys.path.insert(0, sys.argv[2])
from game.gcpause import Pause
pause = Pause()  # as `redline` does before it imports the interface (game/cli.py, cmd_tui)
from pathlib import Path
loading = time.perf_counter()
from game.loader import load_scenario
content = load_scenario(Path(sys.argv[3]))
content_s = time.perf_counter() - loading
from game.tui.app import build_app
app = build_app(content, seed=1, start="room", saves_dir=Path(sys.argv[4]), autosave=False, settle_heap=pause)

from game.tui.screens.situation import SituationRoom

at = []
async def autopilot(pilot):
    while not isinstance(pilot.app.screen, SituationRoom):
        await pilot.pause()
    await drawn(pilot.app)
    at.append(time.time())
    pilot.app.exit()

app.run(headless=True, size=(100, 30), auto_pilot=autopilot)
report(at[0], content_s)
"""


def run_child(code: str, scratch: dict[str, str], *args: str) -> dict[str, float]:
    # Both apps run from compiled bytecode, as an installed game does after its first start; the
    # bytecode (and the game's content cache) go to scratch folders, so the benchmark writes
    # nothing into the project or the player's cache.
    env = dict(os.environ, **scratch)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("TEXTUAL", None)
    spawned = time.time()
    done = subprocess.run([sys.executable, "-c", code, str(spawned), *args], capture_output=True, text=True,
                          env=env, check=False, timeout=120)
    if done.returncode != 0:
        sys.exit(f"startup benchmark: a child process failed:\n{done.stderr.strip()}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs of each app (default: 7)")
    parser.add_argument("--scenario", type=Path, default=ROOT / "content" / "red-line",
                        help="the scenario folder the game loads (default: the shipped one)")
    args = parser.parse_args()
    bare: list[dict[str, float]] = []
    game: list[dict[str, float]] = []
    cold: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as saves, tempfile.TemporaryDirectory() as scratch:
        warm = {"PYTHONPYCACHEPREFIX": f"{scratch}/bytecode", "REDLINE_CACHE": f"{scratch}/content"}
        uncached = dict(warm, REDLINE_CACHE="off")
        game_args = (str(ROOT), str(args.scenario), saves)
        # one of each first, unmeasured: it compiles the bytecode, fills the game's content cache
        # and warms the disk cache
        run_child(BARE, warm)
        run_child(GAME, warm, *game_args)
        for _ in range(args.runs):
            bare.append(run_child(BARE, warm))
            game.append(run_child(GAME, warm, *game_args))
            cold.append(run_child(GAME, uncached, *game_args))
    bare_s = statistics.median(r["first_frame_s"] for r in bare)
    game_s = statistics.median(r["first_frame_s"] for r in game)
    cold_s = statistics.median(r["first_frame_s"] for r in cold)
    content_s = statistics.median(r["content_s"] for r in game)
    bare_mib = statistics.median(r["peak_rss_kib"] for r in bare) / 1024
    game_mib = statistics.median(r["peak_rss_kib"] for r in game) / 1024
    cold_mib = statistics.median(r["peak_rss_kib"] for r in cold) / 1024
    print(f"scenario: {args.scenario.name}; {args.runs} runs each, medians")
    print(f"bare_textual_first_frame_ms: {bare_s * 1000:.0f}")
    # the first start after the content changed: the TOML is parsed and validated (with pydantic)
    print(f"first_start_after_a_content_change_ms: {cold_s * 1000:.0f} ({cold_s / bare_s:.2f}x bare, "
          f"{cold_mib:.1f} MiB)")
    print(f"situation_room_first_frame_ms: {game_s * 1000:.0f}")
    # the part spent importing the loader and loading the scenario, before any Textual
    print(f"of_which_content_loading_ms: {content_s * 1000:.0f}")
    print(f"interface_only_vs_bare_textual: {(game_s - content_s) / bare_s:.2f}")
    print(f"bare_textual_peak_rss_mib: {bare_mib:.1f}")
    print(f"situation_room_peak_rss_mib: {game_mib:.1f}")
    print(f"peak_memory_vs_bare_textual: {game_mib / bare_mib:.2f}")
    # each game run against the bare run just before it, for a sense of the spread on a busy machine
    paired = sorted(g["first_frame_s"] / b["first_frame_s"] for g, b in zip(game, bare, strict=True))
    print(f"startup_vs_bare_textual_run_by_run: {paired[0]:.2f}..{paired[-1]:.2f}, "
          f"median {statistics.median(paired):.2f}")
    print(f"startup_vs_bare_textual: {game_s / bare_s:.2f}")


if __name__ == "__main__":
    main()
