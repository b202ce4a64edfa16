"""Run one program's workload in this interpreter: `python _driver.py NAME`.

    python tests/programs/_driver.py NAME [--size REPR]         # prints the result
    python tests/programs/_driver.py NAME --bench --rounds N    # prints timings as JSON

Compiled unless PYJITX_DISABLE_JIT=1 is set (then the decorators return
the plain functions and classes: CPython runs the same file).  Without
--bench it prints the workload's result (its repr) after whatever the
program printed; a failure to compile or run is a traceback on stderr and
exit status 1.  With --bench the last line of stdout is one JSON object:
import_s (importing the program, which may construct compiled instances),
first_s (the first run, which compiles what it calls), samples (the
following runs, seconds each) and result (the sha256 of the first result's
repr, to check both implementations agree).
"""
from __future__ import annotations

import argparse
import ast
import gc
import hashlib
import importlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv: list) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("name")
    p.add_argument("--size", help="the workload's size, a Python literal (default: the test's)")
    p.add_argument("--bench", action="store_true", help="time the workload at its benchmark size")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    sys.path.insert(0, HERE)
    from _workloads import WORKLOADS

    w = WORKLOADS[args.name]
    if args.size is not None:
        size = ast.literal_eval(args.size)
    else:
        size = w.bench_size if args.bench else w.test_size
    t0 = time.perf_counter()
    module = importlib.import_module(args.name)
    t1 = time.perf_counter()
    result = w.run(module, size)
    t2 = time.perf_counter()
    if not args.bench:
        sys.stdout.flush()
        print(f"result: {result!r}", flush=True)
        return 0
    samples = []
    gc_was_enabled = gc.isenabled()
    for _ in range(args.rounds):
        gc.disable()
        start = time.perf_counter()
        w.run(module, size)
        samples.append(time.perf_counter() - start)
        if gc_was_enabled:
            gc.enable()
    sys.stdout.flush()
    print("\n" + json.dumps({"import_s": t1 - t0, "first_s": t2 - t1, "samples": samples,
                             "result": hashlib.sha256(repr(result).encode()).hexdigest()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
