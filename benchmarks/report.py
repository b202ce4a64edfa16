"""The written report of a run: `python -m benchmarks --report [PATH]`.

This module owns what the report says about the machine (CPU, cores,
memory, OS, the versions of Python, llvmlite/LLVM and whichever peers
import), the Markdown page (the command, a summary of ratios per workload
and implementation, the full table with every row and its notes), the bar
chart of ratios to CPython (`ratios.png`, matplotlib's Agg backend, a note
instead where matplotlib is missing) and the raw JSON (`results.json`),
the last two written next to the Markdown file.  It is generic over the
implementations the rows carry: a column per distinct `Row.impl`.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .results import CPYTHON, PYJITX, Row, dump_json, format_ratio, format_value

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "REPORT.md")
CHART = "ratios.png"
RAW = "results.json"

# distribution name -> label in the report; only those installed are listed
VERSIONS = (("llvmlite", "llvmlite"), ("numpy", "numpy"), ("torch", "torch"),
            ("numba", "numba"), ("matxscript", "matxscript"), ("tokenizers", "tokenizers"),
            ("matplotlib", "matplotlib"))


# ---- the machine

def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    kib = int(line.split()[1])
                    return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "?"


def _os_name() -> str:
    pretty = ""
    try:
        with open("/etc/os-release", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("PRETTY_NAME="):
                    pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    kernel = f"{platform.system()} {platform.release()} {platform.machine()}"
    return f"{pretty} ({kernel})" if pretty else kernel


def _llvm_version() -> Optional[str]:
    try:
        from llvmlite import binding
        return ".".join(str(p) for p in binding.llvm_version_info)
    except Exception:
        return None


def machine() -> List[Tuple[str, str]]:
    """(what, value) pairs describing this machine and the installed versions."""
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    out = [("CPU", _cpu_model()), ("cores", str(os.cpu_count())), ("memory", _memory()),
           ("OS", _os_name()), ("load average (1, 5, 15 min) at the end", load),
           ("Python", f"{platform.python_version()} ({platform.python_implementation()})")]
    for dist, label in VERSIONS:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
        if dist == "llvmlite":
            llvm = _llvm_version()
            version += f" (LLVM {llvm})" if llvm else ""
        out.append((label, version))
    return out


# ---- the Markdown

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _impls(rows: Sequence[Row]) -> List[str]:
    """The implementations in the order they first appear, CPython first."""
    seen: List[str] = []
    for row in rows:
        if row.impl not in seen and row.impl != "-":
            seen.append(row.impl)
    if CPYTHON in seen:
        seen.remove(CPYTHON)
        seen.insert(0, CPYTHON)
    return seen


def _workloads(rows: Sequence[Row]) -> List[str]:
    seen: List[str] = []
    for row in rows:
        if row.workload not in seen:
            seen.append(row.workload)
    return seen


def _summary_cell(r: Row) -> str:
    if r.ratio is not None:
        return format_ratio(r.ratio)
    if r.value is not None:
        return format_value(r.value, r.unit)
    if "WRONG" in r.notes:
        return "WRONG"
    if r.notes.startswith("unsupported"):
        return "unsupported"
    return "error" if "error" in r.notes else "-"


def summary_table(rows: Sequence[Row]) -> str:
    """One line per workload: CPython's median, pyjitx's speed-up over it,
    and every other implementation of the workload with its speed-up (or
    its median where it has no ratio) in one cell -- generic over the
    implementation names the rows carry."""
    lines = ["| workload | CPython | pyjitx | others (vs CPython) |", "|---|---:|---:|---|"]
    for w in _workloads(rows):
        mine = [r for r in rows if r.workload == w]
        cpy = next((r for r in mine if r.impl == CPYTHON), None)
        jit = next((r for r in mine if r.impl == PYJITX), None)
        others = [r for r in mine if r is not cpy and r is not jit]
        lines.append(f"| {_cell(w)} | {format_value(cpy.value, cpy.unit) if cpy else ''} | "
                     f"{_summary_cell(jit) if jit else ''} | "
                     + _cell("; ".join(f"{r.impl} {_summary_cell(r)}" for r in others)) + " |")
    return "\n".join(lines)


def full_table(rows: Sequence[Row]) -> str:
    """Every row: workload, implementation, median, ratio to CPython, notes."""
    lines = ["| workload | impl | median | vs CPython | notes (goal) |",
             "|---|---|---:|---:|---|"]
    previous = None
    for r in rows:
        name = r.workload if r.workload != previous else ""
        previous = r.workload
        lines.append(f"| {_cell(name)} | {_cell(r.impl)} | {format_value(r.value, r.unit)} | "
                     f"{format_ratio(r.ratio)} | {_cell(r.notes)} |")
    return "\n".join(lines)


# ---- the chart

def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def write_chart(rows: Sequence[Row], path: Path) -> Optional[str]:
    """A horizontal bar chart of each row's ratio to CPython (log scale),
    grouped by workload; None when written, else why not."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:
        return f"matplotlib is not available ({type(exc).__name__}: {exc}); no chart"
    impls = [i for i in _impls(rows) if i != CPYTHON]
    workloads = [w for w in _workloads(rows)
                 if any(r.workload == w and r.impl != CPYTHON and r.ratio for r in rows)]
    if not workloads:
        return "no row has a ratio to CPython; no chart"
    by = {(r.workload, r.impl): r.ratio for r in rows if r.ratio}
    present = [i for i in impls if any((w, i) in by for w in workloads)]
    cmap = plt.get_cmap("tab20" if len(present) > 10 else "tab10")
    colors = {impl: cmap(k % cmap.N) for k, impl in enumerate(present)}

    bar = 0.8
    ys, labels, y = [], [], 0.0
    fig_rows = sum(max(1, sum((w, i) in by for i in present)) for w in workloads)
    fig, ax = plt.subplots(figsize=(11, max(3.0, 0.22 * fig_rows + 0.5 * len(workloads))))
    used = set()
    for w in workloads:
        mine = [i for i in present if (w, i) in by]
        n = len(mine)
        for k, impl in enumerate(mine):
            pos = y + k * bar / max(n, 1)
            ax.barh(pos, by[(w, impl)], height=bar / max(n, 1) * 0.9, color=colors[impl],
                    label=impl if impl not in used else None, left=0)
            used.add(impl)
        ys.append(y + (n - 1) * bar / max(n, 1) / 2)
        labels.append(_short(w))
        y += 1.0
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("speed-up over CPython (CPython's time / this implementation's), log scale")
    ax.set_axisbelow(True)
    ax.grid(axis="x", which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
    return None


# ---- the whole report

def default_command(argv: Optional[Sequence[str]]) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    return "python -m benchmarks " + " ".join(shlex.quote(a) for a in args)


def write(path: str, rows: Sequence[Row], meta: Dict[str, Any], command: str,
          notes: Sequence[str] = (), header: Sequence[str] = ()) -> Dict[str, Path]:
    """Write the Markdown report at `path` (or DEFAULT_PATH when empty), the
    chart and the raw JSON next to it; the paths written."""
    md = Path(path or DEFAULT_PATH)
    md.parent.mkdir(parents=True, exist_ok=True)
    chart = md.parent / CHART
    raw = md.parent / RAW
    written = {"markdown": md, "json": raw}

    why_no_chart = write_chart(rows, chart)
    if why_no_chart is None:
        written["chart"] = chart
    dump_json(str(raw), rows, meta)

    out: List[str] = ["# pyjitx benchmark report", ""]
    out.append(f"- date: {meta.get('when') or time.strftime('%Y-%m-%dT%H:%M:%S%z')}")
    out.append(f"- command: `{command}`")
    for line in header:
        out.append(f"- {line}")
    out += ["", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in machine()]
    peers_found = meta.get("peers") or {}
    missing = meta.get("peers_missing") or {}
    if peers_found or missing:
        out.append("")
        out.append("Peers: " + (", ".join(f"{k} {v}" for k, v in peers_found.items()) or "none")
                   + "".join(f"; {k}: {v}" for k, v in missing.items()) + ".")
    out += ["", "## Summary", "",
            "CPython's median; the speed-up over CPython of pyjitx and of the others "
            "(CPython's median time / this implementation's; higher is faster), or the "
            "median where a row has no ratio.", "",
            summary_table(rows), "", "## Chart", ""]
    if why_no_chart is None:
        out.append(f"![speed-up over CPython per workload and implementation]({CHART})")
    else:
        out.append(f"({why_no_chart})")
    out += ["", "## All rows", "", full_table(rows), "", "## Notes", ""]
    out += [f"- {n}" for n in notes]
    out.append(f"- raw numbers (every sample): [{RAW}]({RAW})")
    out.append("")
    md.write_text("\n".join(out), encoding="utf-8")
    return written
