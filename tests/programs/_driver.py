"""Run one program's workload in this interpreter: `python _driver.py NAME`.

    python tests/programs/_driver.py NAME [--size REPR]         # prints the result
    python tests/programs/_driver.py NAME --bench [--rounds N] [--target S]   # timings as JSON

Compiled unless PYJITX_DISABLE_JIT=1 is set (then the decorators return
the plain functions and classes: CPython runs the same file).  Without
--bench it prints the workload's result (its repr) after whatever the
program printed; a failure to compile or run is a traceback on stderr and
exit status 1.  With --bench the last line of stdout is one JSON object:
import_s (importing the program, which may construct compiled instances),
first_s (the first run, which compiles what it calls), samples (seconds
per run, each the mean of enough back-to-back runs to last --target) and
result (the sha256 of the first result's repr, to check both
implementations agree), or, where the program fails, error (the
exception's type and first line) and compile_error (whether it is a
pyjitx.CompileError).
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
    p.add_argument("--target", type=float, default=0.0,
                   help="seconds one sample should last at least (runs repeated; default: one run)")
    args = p.parse_args(argv)
    sys.path.insert(0, HERE)
    from _workloads import WORKLOADS

    w = WORKLOADS[args.name]
    if args.size is not None:
        size = ast.literal_eval(args.size)
    else:
        size = w.bench_size if args.bench else w.test_size
    if not args.bench:
        result = w.run(importlib.import_module(args.name), size)
        sys.stdout.flush()
        print(f"result: {result!r}", flush=True)
        return 0
    try:
        t0 = time.perf_counter()
        module = importlib.import_module(args.name)
        t1 = time.perf_counter()
        result = w.run(module, size)
        t2 = time.perf_counter()
        digest = hashlib.sha256(repr(result).encode()).hexdigest()   # before later runs change it
    except Exception as exc:  # the table shows it, as "does not compile: ..."
        first = next((line for line in str(exc).splitlines() if line.strip()), "")
        sys.stdout.flush()
        print("\n" + json.dumps({"error": f"{type(exc).__name__}: {first}".rstrip(": "),
                                 "compile_error": type(exc).__name__ == "CompileError"}))
        return 0
    number = 1  # runs per sample: enough to last --target seconds
    if args.target > 0:
        start = time.perf_counter()
        w.run(module, size)
        warm = time.perf_counter() - start
        number = max(1, min(1000, int(args.target / max(warm, 1e-9))))
    samples = []
    gc_was_enabled = gc.isenabled()
    for _ in range(args.rounds):
        gc.disable()
        start = time.perf_counter()
        for _ in range(number):
            w.run(module, size)
        samples.append((time.perf_counter() - start) / number)
        if gc_was_enabled:
            gc.enable()
    sys.stdout.flush()
    print("\n" + json.dumps({"import_s": t1 - t0, "first_s": t2 - t1, "samples": samples,
                             "result": digest}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
