"""The command line: `python -m benchmarks [--quick] [--only NAME] [--json PATH] [--report [PATH]]`.

This module owns the list of workloads, option parsing, the run's
environment (a temporary PYJITX_CACHE_DIR unless one is set, peer
detection), running each selected workload so that one failing workload
costs only its own rows, and printing the table (and the JSON dump, and the written report of
benchmarks/report.py).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from . import (arrays, augment, classes, compile_time, cpp_host, peers, programs, report, scalar, text,
               threads)
from .results import PYJITX, Row, Settings, dump_json, error_row, join_notes, table
from .timing import short_error


@dataclass
class Workload:
    key: str
    title: str                                   # what --only matches, with key
    run: Callable[[Settings], List[Row]]
    heading: Optional[Callable[[Settings], str]] = None   # title with sizes, for progress

    def describe(self, settings: Settings) -> str:
        return self.heading(settings) if self.heading else self.title


def workloads() -> List[Workload]:
    found = [Workload(w.key, w.title.format(n="n"), lambda s, w=w: scalar.run_workload(w, s),
                      w.name) for w in scalar.WORKLOADS]
    found += [Workload(w.key, w.title.format(n="n"), lambda s, w=w: text.run_workload(w, s),
                       w.name) for w in text.WORKLOADS]
    found += [
        Workload("method", "method call inside compiled code", classes.run_method_loop),
        Workload("pymethod", "method call from Python", classes.run_method_from_python),
        Workload("anylist", "List[Any] mixed values", classes.run_mixed),
        Workload("pad", "pad-to-array: ragged id lists -> int64 ids + int8 mask", arrays.run_pad),
        Workload("image", "image pipeline: resize + crop + normalise", arrays.run_image),
        Workload("augment", "random augmentation: shuffle + choices + gauss over a batch",
                 augment.run_batch),
        Workload("augmentone", "random augmentation: one example at a time from a Python loop",
                 augment.run_per_call),
        Workload("compile", "cold compile", compile_time.run_cold_compile),
        Workload("cache", "cached load", compile_time.run_cached_load),
        Workload("gil", "GIL release threads", threads.run_gil),
        Workload("cpphost", "C++ host: WordPiece pipeline via pyjitx::Session",
                 cpp_host.run_wordpiece),
        Workload("cppoverhead", "C++ host: Session::run overhead", cpp_host.run_overhead),
    ]
    found += [Workload(f"prog_{name}", programs.title(name),
                       lambda s, name=name: programs.run_program(name, s),
                       lambda s, name=name: programs.title(name, s))
              for name in programs.names()]
    return found


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="Time pyjitx against CPython (and numba, matxscript, "
                                            "torch.jit when installed), side by side.")
    p.add_argument("--quick", action="store_true",
                   help="fewer rounds and smaller sizes (a smoke test)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run workloads whose key or title contains NAME (repeatable); keys: "
                        + ", ".join(w.key for w in workloads()))
    p.add_argument("--rounds", type=int, metavar="N",
                   help="interleaved rounds per workload (default 7, --quick 3)")
    p.add_argument("--no-peers", action="store_true",
                   help="leave numba, matxscript and torch.jit out even where installed")
    p.add_argument("--json", metavar="PATH", help="also write the raw numbers as JSON")
    p.add_argument("--report", nargs="?", const="", metavar="PATH",
                   help="also write a Markdown report with the machine, the table and a chart "
                        "(default benchmarks/results/REPORT.md; ratios.png and results.json "
                        "next to it)")
    return p.parse_args(argv)


def selected(only: Optional[List[str]]) -> List[Workload]:
    if not only:
        return workloads()
    wanted = [o.lower() for o in only]
    return [w for w in workloads()
            if any(o in w.key.lower() or o in w.title.lower() for o in wanted)]


def pyjitx_state() -> str:
    try:
        import pyjitx
    except Exception as exc:
        return f"pyjitx not importable ({short_error(exc)})"
    version = getattr(pyjitx, "__version__", "?")
    if os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"):
        return f"pyjitx {version} with PYJITX_DISABLE_JIT set (plain Python, not compiled)"
    if not hasattr(pyjitx, "compile"):
        return f"pyjitx {version} (no pyjitx.compile yet)"
    return f"pyjitx {version}"


def busy_note() -> str:
    """A warning when other processes already keep the cores busy."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return ""
    cores = os.cpu_count() or 1
    if load < 0.5 * cores:
        return ""
    return (f"warning: load average {load:.1f} on {cores} cores before starting; "
            "other processes are competing, expect noisy timings")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 7)
    settings = Settings(quick=args.quick, rounds=max(1, rounds),
                        subprocess_rounds=max(1, min(rounds, 2 if args.quick else 5)),
                        target=0.02 if args.quick else 0.05)
    chosen = selected(args.only)
    if not chosen:
        print(f"no workload matches {args.only}; keys: "
              + ", ".join(w.key for w in workloads()), file=sys.stderr)
        return 2

    own_cache = None
    if "PYJITX_CACHE_DIR" not in os.environ:
        own_cache = tempfile.mkdtemp(prefix="pyjitx-bench-")
        os.environ["PYJITX_CACHE_DIR"] = own_cache
    started = time.perf_counter()
    try:
        if args.no_peers:
            settings.peers = peers.Peers(missing={label: "left out (--no-peers)"
                                                  for label in peers.PEERS})
        else:
            settings.peers = peers.detect()
        jit = pyjitx_state()
        print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
              f"{os.cpu_count()} cores; {jit}")
        found = ", ".join(f"{k} {v}" for k, v in settings.peers.available.items()) or "none"
        print(f"peers: {found}")
        for label, why in settings.peers.missing.items():
            print(f"{label}: {why}")
        load = busy_note()
        if load:
            print(load)
        try:
            load_before = os.getloadavg()
        except OSError:
            load_before = None
        print(f"{settings.rounds} interleaved rounds per workload "
              f"({settings.subprocess_rounds} for fresh-process ones), median shown"
              + ("; --quick" if args.quick else ""))
        sys.stdout.flush()

        rows: List[Row] = []
        for i, w in enumerate(chosen, 1):
            print(f"[{i}/{len(chosen)}] {w.describe(settings)} ... ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
            try:
                rows.extend(w.run(settings))
            except Exception as exc:  # one workload's failure costs only its rows
                rows.append(error_row(w.title, "-", short_error(exc)))
        if "PYJITX_DISABLE_JIT" in jit:
            for row in rows:
                if row.impl.startswith(PYJITX):
                    row.notes = join_notes(row.notes, "JIT disabled")
    finally:
        if own_cache:
            shutil.rmtree(own_cache, ignore_errors=True)
            del os.environ["PYJITX_CACHE_DIR"]
    elapsed = time.perf_counter() - started

    print()
    print(table(rows))
    print()
    notes = ["vs CPython: CPython's time / this implementation's (speed-up); on the GIL rows, "
             "serial wall time / threaded wall time."]
    if args.quick:
        notes.append("--quick: smaller sizes and fewer rounds; the goals are indicative only.")
    for line in notes:
        print(line)
    print(f"total {elapsed:.0f} s")
    meta = {
        "python": platform.python_version(), "platform": platform.platform(),
        "cores": os.cpu_count(), "pyjitx": jit, "quick": args.quick,
        "rounds": settings.rounds, "subprocess_rounds": settings.subprocess_rounds,
        "peers": settings.peers.available, "peers_missing": settings.peers.missing,
        "elapsed_s": elapsed, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_before": load_before,
    }
    if args.json:
        dump_json(args.json, rows, meta)
        print(f"raw numbers written to {args.json}")
    if args.report is not None:
        header = [f"{jit}; {settings.rounds} interleaved rounds per workload "
                  f"({settings.subprocess_rounds} for fresh-process ones), median shown; "
                  f"total {elapsed:.0f} s"]
        if load_before is not None:
            cores = os.cpu_count() or 1
            header.append(f"load average {load_before[0]:.2f} on {cores} cores when the run "
                          "started" + (" -- the machine was shared with other work, expect "
                                       "noisy timings" if load_before[0] >= 0.5 * cores else ""))
        written = report.write(args.report, rows, meta, report.default_command(argv),
                               notes, header)
        print("report written to " + ", ".join(str(p) for p in written.values()))
    return 0
