"""Run the Python property tests (tests/test_fuzz_python.py) with random seeds for minutes.

    PYTHONPATH=python python benchmarks/fuzz_python.py --minutes 3

Each round runs every property with ``--examples`` fresh random examples (hypothesis,
``derandomize=False``); an exception other than the properties' expected ``InputError`` fails the
property and is printed with hypothesis's minimal failing example. Exit status 1 when any
property failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "python"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="time budget (default 3)")
    parser.add_argument("--examples", type=int, default=200, help="examples per property per round")
    args = parser.parse_args()

    os.environ["VOLLTRACK_FUZZ_EXAMPLES"] = str(args.examples)  # random seeds, many examples
    import test_fuzz_python as props

    tests = {name: getattr(props, name) for name in props.PROPERTIES}
    runs = dict.fromkeys(tests, 0)
    failures: dict[str, str] = {}
    end = time.monotonic() + args.minutes * 60
    rounds = 0
    while time.monotonic() < end:
        rounds += 1
        for name, test in tests.items():
            if name in failures or time.monotonic() >= end:
                continue
            try:
                test()
                runs[name] += args.examples
            except Exception:  # a property failed: record it, keep fuzzing the others
                failures[name] = traceback.format_exc()
    for name, n in runs.items():
        state = "FAILED" if name in failures else "ok"
        print(f"{name}: {state}, about {n} examples")
    for name, text in failures.items():
        print(f"\n=== {name}\n{text}")
    total = sum(runs.values())
    print(f"{rounds} rounds, about {total} examples in {args.minutes} min; "
          f"{len(failures)} properties failed")  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
