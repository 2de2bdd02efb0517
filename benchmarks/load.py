"""Load + validate + compile time of a synthetic 5,000-event scenario, against a bare tomli parse.

Content is read afresh each round (the content cache is off), as on the first load after an edit.
Prints both times, the time of a load from the content cache for comparison, and, last,
`load_vs_parse: R` (target: R <= 3).
Run: python benchmarks/load.py [--events 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tomli

from benchmarks.synthetic import write_scenario
from game.loader import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REDLINE_CACHE"] = "off"
        folder = Path(tmp) / "synthetic"
        files = write_scenario(folder, args.events, files=50)
        size = sum(p.stat().st_size for p in files)
        print(f"scenario: {args.events} events in {len(files)} files, {size / 1e6:.1f} MB")
        parse_times, load_times = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for path in sorted(folder.rglob("*.toml")):
                tomli.loads(path.read_bytes().decode("utf-8"))
            parse_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            content = load_scenario(folder)
            load_times.append(time.perf_counter() - start)
        assert len(content.events) == args.events
        os.environ["REDLINE_CACHE"] = str(Path(tmp) / "cache")
        load_scenario(folder)  # fills the cache
        cached_times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            load_scenario(folder)
            cached_times.append(time.perf_counter() - start)
    parse, load = min(parse_times), min(load_times)
    print(f"tomli_parse_s: {parse:.3f}")
    print(f"load_from_cache_s: {min(cached_times):.3f} (entries read back, expressions compiled)")
    print(f"load_validate_compile_s: {load:.3f}")
    print(f"load_vs_parse: {load / parse:.2f}")


if __name__ == "__main__":
    main()
