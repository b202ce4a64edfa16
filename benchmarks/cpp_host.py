"""A saved pipeline run by a C++ host (pyjitx::Session) against the same
pipeline from Python (issue 7's measurement).

- "cpphost-wordpiece": the BERT basic + WordPiece kernel of text_kernels as
  a compiled class (30k vocabulary held as its state), traced into a
  one-op pipeline and saved; then 1,000 sentences, one `run` each, timed
  as CPython (the plain class), the pipeline from Python (`pyjitx.load`
  in this process, `Pipeline.run`) and the C++ host
  (benchmarks/cpp_host_bench.cpp, compiled here with the system g++ -O2).
- "cpphost-overhead": a pipeline of one `int -> int` op: the cost of one
  `run` call itself, Python vs C++ (ns per call).

The C++ rounds run inside the host process, after Python's interleaved
rounds: its medians are not interleaved with the others'.  Both sides
check their results against CPython's (count and sum of the ids).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Dict, List

from . import text_data, text_kernels
from .results import CPYTHON, PYJITX, Row, Settings, fill_rows, speedups
from .timing import calibrate, interleave, short_error, time_call, timed_result

HOST_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpp_host_bench.cpp")
CPP = "pyjitx C++ Session"


class WordPiece:
    """The benchmark's BERT tokenizer as a class, so that a pipeline keeps
    its vocabulary as state (the plain CPython reference)."""

    def __init__(self, vocab: "Dict[str, int]", norm: "Dict[str, str]", unk_id: int,
                 max_chars: int) -> None:
        self.vocab = vocab
        self.norm = norm
        self.unk_id = unk_id
        self.max_chars = max_chars

    def __call__(self, text: str) -> "List[int]":
        return text_kernels.bert_wordpiece([text], self.vocab, self.norm, self.unk_id,
                                           self.max_chars)[0]


def identity(x: int) -> int:
    return x + 1


def _compile_host(tmp: str) -> str:
    from pyjitx.backend import link

    cxx = shutil.which("g++") or shutil.which("c++")
    if cxx is None:
        raise RuntimeError("no C++ compiler")
    exe = os.path.join(tmp, "cpp_host_bench")
    subprocess.run([cxx, "-std=c++17", "-O2", HOST_SOURCE, "-o", exe, *link.cflags(),
                    *link.libs()], check=True, capture_output=True, timeout=300)
    return exe


def _run_host(exe: str, *args: str) -> dict:
    out = subprocess.run([exe, *args], check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


def _checksum(results) -> Dict[str, int]:
    ids = [i for r in results for i in (r if isinstance(r, list) else [r])]
    return {"count": len(ids), "total": sum(ids)}


def _rows(name: str, samples: Dict[str, list], errors: Dict[str, str], per_call: int,
          cpp: dict, expected: Dict[str, int]) -> List[Row]:
    rows = {impl: Row(name, impl) for impl in samples}
    fill_rows(rows, samples, errors, per_call=per_call)
    row = Row(name, CPP, notes="rounds inside the host, not interleaved")
    if "error" in cpp:
        row.notes = f"error: {cpp['error']}"
    elif {"count": cpp["count"], "total": cpp["total"]} != expected:
        row.notes = "WRONG: its ids differ from CPython's"
    else:
        seconds = [s / per_call * 1e9 for s in cpp["seconds"]] if per_call else cpp["seconds"]
        row.samples = seconds
        row.value = sorted(seconds)[len(seconds) // 2]
        row.unit = "ns/call" if per_call else "s"
    ordered = list(rows.values()) + [row]
    speedups(ordered)
    return ordered


def _time(candidates, settings: Settings):
    timed, errors = {}, {}
    for impl, thunk in candidates.items():
        try:
            _, first = timed_result(thunk)
        except Exception as exc:
            errors[impl] = short_error(exc)
            continue
        number = calibrate(thunk, first, settings.target)
        timed[impl] = lambda thunk=thunk, number=number: time_call(thunk, number)
    samples = interleave(timed, settings.rounds, errors)
    for impl in candidates:
        samples.setdefault(impl, [])
    return samples, errors


def run_wordpiece(settings: Settings) -> List[Row]:
    import pyjitx

    n = 200 if settings.quick else 1000
    name = f"C++ host: WordPiece pipeline, {n:,} sentences, one run each"
    texts, vocab, norm, unk, max_chars = text_data.bert_inputs(n)
    plain = WordPiece(vocab, norm, unk, max_chars)
    compiled = pyjitx.compile(WordPiece)(vocab, norm, unk, max_chars)
    tmp = tempfile.mkdtemp(prefix="pyjitx-bench-cpp-")
    try:
        pipeline = pyjitx.trace(lambda text: compiled(text), texts[0])
        pipeline.save(os.path.join(tmp, "wordpiece"))
        loaded = pyjitx.load(os.path.join(tmp, "wordpiece"))
        expected = _checksum([plain(t) for t in texts])
        if _checksum([loaded.run({"text": t}) for t in texts]) != expected:
            raise AssertionError("the loaded pipeline's ids differ from CPython's")
        samples, errors = _time({
            CPYTHON: lambda: [plain(t) for t in texts],
            f"{PYJITX} pipeline from Python": lambda: [loaded.run({"text": t}) for t in texts],
        }, settings)
        with open(os.path.join(tmp, "texts.json"), "w", encoding="utf-8") as f:
            json.dump(texts, f, ensure_ascii=False)
        try:
            cpp = _run_host(_compile_host(tmp), "texts", os.path.join(tmp, "wordpiece"),
                            os.path.join(tmp, "texts.json"), str(settings.rounds))
        except Exception as exc:
            cpp = {"error": short_error(exc)}
        return _rows(name, samples, errors, 0, cpp, expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_overhead(settings: Settings) -> List[Row]:
    import pyjitx

    n = 20_000 if settings.quick else 200_000
    name = "C++ host: Session::run overhead, a one-op int pipeline"
    op = pyjitx.compile(identity)
    tmp = tempfile.mkdtemp(prefix="pyjitx-bench-cpp-")
    try:
        pipeline = pyjitx.trace(lambda x: op(x), 1)
        pipeline.save(os.path.join(tmp, "ident"))
        loaded = pyjitx.load(os.path.join(tmp, "ident"))
        numbers = range(n)
        expected = _checksum([identity(i) for i in numbers])
        samples, errors = _time({
            CPYTHON: lambda: [identity(i) for i in numbers],
            f"{PYJITX} pipeline from Python": lambda: [loaded.run({"x": i}) for i in numbers],
        }, settings)
        try:
            cpp = _run_host(_compile_host(tmp), "ints", os.path.join(tmp, "ident"), str(n),
                            str(settings.rounds))
        except Exception as exc:
            cpp = {"error": short_error(exc)}
        return _rows(name, samples, errors, n, cpp, expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
