"""`python -m bench [--quick] [NAME ...]`: run the benchmarks of SPEC §11.

Every module `bench/bench_*.py` has `run(quick: bool) -> list[Result]`. Each prints its
detail, then one line per budget; the exit code is 1 if any budget is over. The scale
curves the benchmarks record are printed last as a table; a full run of them all also
draws them in docs/benchmark-curves.svg.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import signal
import sys
import time
from pathlib import Path

QUICK_LIMIT = 120  # seconds


def stop(signum: int, _frame: object) -> None:
    # `kill` ends the run as Ctrl-C does: the benchmark in progress unwinds, so its
    # temporary folder (over 2 GB for the sync's store copies) and servers go with it.
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, stop)
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("names", nargs="*", help="only these benchmarks (e.g. startup finish)")
    args = parser.parse_args()
    here = Path(__file__).parent
    modules = sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if info.name.startswith("bench_")
    )
    if args.names:
        modules = [m for m in modules if m.removeprefix("bench_") in args.names]
    failed = False
    started = time.monotonic()
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name.removeprefix('bench_')}", flush=True)
        began = time.monotonic()
        for result in module.run(args.quick):
            for line in result.detail:
                print(f"   {line}")
            print(result.line(), flush=True)
            failed |= not result.ok
        print(f"   ({time.monotonic() - began:.1f} s)", flush=True)
    from bench.common import CURVES
    from bench.curves import chart, table

    if CURVES:
        print("== curves")
        for line in table(CURVES):
            print(line)
        if not args.quick and not args.names:  # a full run draws the chart in docs/
            print(f"   chart: {chart(CURVES)}")
    took = time.monotonic() - started
    if args.quick and not args.names:
        # The quick run is what a change's author repeats, so it is kept under two
        # minutes: its own length is a figure too.
        print(
            f"bench-quick took {took:.0f} s ({'ok' if took < QUICK_LIMIT else 'over'}: limit {QUICK_LIMIT} s)"
        )
    else:
        print(f"took {took:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
