"""python tests/fuzzing [--programs N] [--seed S] [--jobs J]

Generates programs S .. S+N-1 (generator.py), runs each in CPython and
compiled (runner.py), and prints a summary and every mismatch with its
seed and source.  Exit status 1 when any mismatch is found.

Modes: CI runs 1,000 programs from a seed derived from the commit (a few
minutes on two cores; each commit covers new programs); before a release,
run 10,000 or more:  python tests/fuzzing --programs 20000 --jobs 8"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fuzzing.runner import Tally, run_bounds  # noqa: E402  (after the path is set)

CHUNK = 25


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/fuzzing", description=__doc__.split("\n\n")[1])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="the first program's seed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    stop = args.seed + args.programs
    chunks = [(s, min(s + CHUNK, stop)) for s in range(args.seed, stop, CHUNK)]
    total = Tally()
    if args.jobs <= 1:
        for bounds in chunks:
            total.add(run_bounds(bounds))
    else:
        # fresh worker processes every few chunks: each compile leaves some
        # JIT memory behind (llvmlite), which adds up over thousands
        with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=8) as pool:
            for tally in pool.imap_unordered(run_bounds, chunks):
                total.add(tally)
    elapsed = time.perf_counter() - start
    for mismatch in sorted(total.mismatches, key=lambda m: m.seed):
        print(mismatch.report())
    print(f"fuzz: {total.programs} programs (seeds {args.seed}..{stop - 1}), {total.calls} calls "
          f"({total.raised} raising in CPython), {len(total.mismatches)} mismatches "
          f"in {elapsed:.0f} s")
    return 1 if total.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
