"""`redline check` on very large content with one mistake at its end, against a bare parse of the same
files in the same run: a single 50 MB file, and a scenario of 100,000 short events, in 100 files and in one.

Each is run as its own process (the content cache off), as an author would run it; the figures are
the wall time and the peak memory of that process. Prints, per content, its size, the check's time
and memory, the bare parse's time, and last `slowest_check_s: S` (target: S < 15 on this machine).
Run: python benchmarks/bigfiles.py [--megabytes 50] [--events 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import HEADER, STATS, event_toml

MISTAKE = '\n[[event]]\nid = "last_one"\ntitle = "X"\nbrief = "Y"\ntrigger = "alpah > 3"\n\n  [[event.choice]]\n' \
          '  id = "a"\n  label = "A"\n'


def _header(folder: Path) -> None:
    folder.mkdir(parents=True)
    stats = "".join(f'[[stat]]\nid = "{s}"\nlabel = "{s.title()}"\ninitial = 50\n\n' for s in STATS)
    flags = "".join(f'[[flag]]\nid = "flag_{c}"\n\n' for c in "abcd")
    (folder / "scenario.toml").write_text(HEADER.format(last_turn=40) + "\n" + stats + flags, encoding="utf-8")


def one_big_file(folder: Path, megabytes: float) -> None:
    """A scenario whose events are all in one file of about `megabytes` MB."""
    _header(folder)
    rng = random.Random(1)
    target = int(megabytes * 1_000_000)
    with (folder / "events.toml").open("w", encoding="utf-8") as out:
        written, index = 0, 0
        while written < target:
            written += out.write(event_toml(rng, index, 1000))
            index += 1
        out.write(MISTAKE)


def short_event(rng: random.Random, index: int) -> str:
    a, b = rng.sample(STATS, 2)
    return (f'[[event]]\nid = "event_{index}"\ntitle = "Event {index}"\nbrief = "Something happened."\n'
            f'trigger = "{a} >= {rng.randint(10, 90)}"\n\n'
            f'  [[event.choice]]\n  id = "act"\n  label = "Act"\n  effects = ["{a} += {rng.randint(1, 9)}"]\n\n'
            f'  [[event.choice]]\n  id = "wait"\n  label = "Wait"\n  effects = ["{b} -= {rng.randint(1, 9)}"]\n\n')


def many_events(folder: Path, events: int, files: int = 100) -> None:
    """A scenario of `events` short events in `files` files."""
    _header(folder)
    rng = random.Random(2)
    per_file = events // files
    for number in range(files):
        with (folder / f"events_{number:03d}.toml").open("w", encoding="utf-8") as out:
            for index in range(number * per_file, (number + 1) * per_file):
                out.write(short_event(rng, index))
            if number == files - 1:
                out.write(MISTAKE)


def _run(command: list[str]) -> tuple[float, float, str]:
    """Wall time, peak memory (MB) and output of a command run as its own process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED, *command], capture_output=True, text=True,
                          env={**os.environ, "REDLINE_CACHE": "off"})
    took = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    peak = float(lines[-1]) if lines else float("nan")
    return took, peak, "\n".join(lines[:-1]) + done.stderr


# runs the command in-process, then prints its own peak memory in MB
_MEASURED = """
import resource, runpy, sys
sys.argv = sys.argv[1:]
try:
    if sys.argv[0] == 'parse':
        import pathlib, tomli
        for path in sorted(pathlib.Path(sys.argv[1]).rglob('*.toml')):
            tomli.loads(path.read_text(encoding='utf-8'))
    else:
        from game.cli import main
        main(sys.argv)
finally:
    sys.stdout.flush()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Path, Callable[[Path], None]]] = [
                ("one 50 MB file", Path(tmp) / "big_file", lambda f: one_big_file(f, args.megabytes)),
                 ("100,000 events in 100 files", Path(tmp) / "many_files", lambda f: many_events(f, args.events)),
                 ("100,000 events in one file", Path(tmp) / "one_file", lambda f: many_events(f, args.events, 1))]
        for title, folder, make in cases:
            make(folder)
            size = sum(p.stat().st_size for p in folder.rglob("*.toml")) / 1e6
            parse_s, parse_mb, _ = _run(["parse", str(folder)])
            check_s, check_mb, output = _run(["check", str(folder)])
            found = [line for line in output.splitlines() if "alpah" in line]
            print(f"{title}: {size:.1f} MB of TOML; check {check_s:.1f} s, peak {check_mb:.0f} MB; "
                  f"bare parse {parse_s:.1f} s, peak {parse_mb:.0f} MB; check/parse {check_s / parse_s:.2f}")
            print(f"  reported: {found[0] if found else output.strip()[:200]}")
            slowest = max(slowest, check_s)
    print(f"slowest_check_s: {slowest:.1f}")


if __name__ == "__main__":
    main()
