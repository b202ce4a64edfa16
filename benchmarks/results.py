"""Result rows, run settings, and how rows are shown.

This module owns the shape of a result (`Row`), the run settings every
workload group receives (`Settings`), helpers that turn a workload's
samples into rows (ratio against CPython, goal met or missed, error and
mismatch cells), and the text table and JSON dump of a whole run.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from .timing import median

CPYTHON = "CPython"
PYJITX = "pyjitx"


@dataclass
class Settings:
    """What every workload group is told about the run."""
    quick: bool
    rounds: int                 # rounds for in-process workloads
    subprocess_rounds: int      # rounds for workloads that start an interpreter per sample
    target: float               # seconds one in-process sample should last
    peers: Any = None           # benchmarks.peers.Peers


@dataclass
class Row:
    """One cell line of the table: a workload timed for one implementation.

    `value` is the median in `unit`: "s" (seconds per call), "ns/call",
    "ms" or "x" (a plain ratio).  `ratio` is CPython's time over this
    implementation's (the speed-up), where that applies.
    """
    workload: str
    impl: str
    value: Optional[float] = None
    unit: str = "s"
    ratio: Optional[float] = None
    notes: str = ""
    samples: List[Any] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)


def error_row(workload: str, impl: str, reason: str) -> Row:
    return Row(workload, impl, notes=f"error: {reason}")


def goal_note(goal: Optional[str], met: Optional[bool]) -> str:
    if not goal:
        return ""
    if met is None:
        return f"goal {goal}"
    return f"goal {goal}: {'met' if met else 'MISSED'}"


def join_notes(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def fill_rows(rows: Dict[str, Row], samples: Dict[str, List[float]], errors: Dict[str, str],
              per_call: int = 0) -> None:
    """Each implementation's interleaved samples into its row: the median,
    or the error that stopped it; per call in ns when `per_call` > 0 (the
    number of calls in one sample)."""
    for impl, values in samples.items():
        row = rows[impl]
        if impl in errors:
            row.notes = join_notes(row.notes, f"error: {errors[impl]}")
            continue
        row.samples = values
        row.value = median(values)
        if per_call and row.value is not None:
            row.samples = [v / per_call * 1e9 for v in values]
            row.value = row.value / per_call * 1e9
            row.unit = "ns/call"


def speedups(rows: Sequence[Row], baseline: str = CPYTHON) -> None:
    """Fill each row's ratio: the baseline row's value over the row's value."""
    base = next((r.value for r in rows if r.impl == baseline and r.value), None)
    if base is None:
        return
    for row in rows:
        if row.value:
            row.ratio = base / row.value


def apply_goal(rows: Sequence[Row], impl: str, goal: str,
               met: Callable[[Row], Optional[bool]]) -> None:
    """Note `goal` on the row of `impl`, with whether `met(row)` holds."""
    for row in rows:
        if row.impl == impl:
            ok = met(row) if row.value is not None else None
            row.notes = join_notes(row.notes, goal_note(goal, ok))


# ---- showing rows

def format_value(value: Optional[float], unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value >= 1.0:
            return f"{value:.3f} s"
        if value >= 1e-3:
            return f"{value * 1e3:.2f} ms"
        if value >= 1e-6:
            return f"{value * 1e6:.2f} us"
        return f"{value * 1e9:.1f} ns"
    if unit == "ns/call":
        return f"{value:.1f} ns/call"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}"


def format_ratio(ratio: Optional[float]) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.1f}x" if ratio >= 10 else f"{ratio:.2f}x"


HEADER = ("workload", "impl", "median", "vs CPython", "notes (goal)")


def table(rows: Sequence[Row]) -> str:
    """The rows as a plain-text table; the workload name shown once per group."""
    cells: List[Sequence[str]] = []
    previous = None
    for row in rows:
        name = row.workload if row.workload != previous else ""
        previous = row.workload
        cells.append((name, row.impl, format_value(row.value, row.unit),
                      format_ratio(row.ratio), row.notes))
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
              for i, h in enumerate(HEADER)]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(HEADER), "-+-".join("-" * w for w in widths)]
    previous = None
    for row, c in zip(rows, cells):
        if previous is not None and row.workload != previous:
            out.append("-+-".join("-" * w for w in widths))
        previous = row.workload
        out.append(line(c))
    return "\n".join(out)


def dump_json(path: str, rows: Sequence[Row], meta: Dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"meta": meta, "rows": [asdict(r) for r in rows]}, fh, indent=2,
                  default=str)
        fh.write("\n")
