"""Run the malformed-content campaign (tests/malformed.py) through `redline check`, as an author would,
and count the answers that are wrong: a traceback, no answer in time, sound content refused, a
problem without its place, out of line order, a missing message, follow-on errors.

Prints one line per case that went wrong, a table by kind, and last `wrong: N of M`.
Run: python benchmarks/malformed.py [--seed S] [--kind KIND] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.malformed import campaign, judge, make_special_files_removable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kind", help="only the cases of this kind")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="malformed-"))
    environment = {**os.environ, "REDLINE_CACHE": "off", "PYTHONIOENCODING": "utf-8"}
    try:
        cases = [c for c in campaign(root / "cases", args.seed) if args.kind in (None, c.kind)]
        totals: Counter[str] = Counter()
        failures: Counter[str] = Counter()
        slowest = (0.0, "")
        for case in cases:
            totals[case.kind] += 1
            start = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, "-m", "game", "check", *case.args], capture_output=True,
                                      timeout=args.timeout, env=environment, stdin=subprocess.DEVNULL)
                code: int | None = done.returncode
                output = done.stdout.decode("utf-8", "replace")
                errors = done.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                code, output, errors = None, "", ""
            took = time.perf_counter() - start
            slowest = max(slowest, (took, case.name))
            wrong = judge(case, code, output, errors)
            if wrong:
                failures[case.kind] += 1
                print(f"{case.name} ({case.kind}, {took:.1f} s): " + "; ".join(wrong)[:400])
        print()
        print(f"{'kind':<18}{'cases':>6}{'wrong':>7}")
        for kind in totals:
            print(f"{kind:<18}{totals[kind]:>6}{failures[kind]:>7}")
        print(f"slowest case: {slowest[1]} ({slowest[0]:.1f} s)")
        print(f"wrong: {sum(failures.values())} of {sum(totals.values())}")
    finally:
        make_special_files_removable(root)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
