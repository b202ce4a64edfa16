"""The `re` workloads: CPython's re against the same kernels compiled by
pyjitx (regex_kernels), end to end -- a list of Python strings in, Python
lists out, every conversion timed -- through the text workloads' runner
(text.run_workload: correctness checked against CPython first, interleaved
rounds)."""
from __future__ import annotations

from typing import Callable, Dict

from . import regex_kernels as k
from .results import CPYTHON, PYJITX
from .text import Candidate, TextWorkload, _pyjitx


def _makers(kernel: Callable) -> Callable[[], Dict[str, Callable[[], Candidate]]]:
    """CPython and pyjitx only: no peer compiles `re`."""
    return lambda: {CPYTHON: lambda: Candidate(kernel),
                    PYJITX: lambda: Candidate(_pyjitx(kernel))}


def _workload(key: str, title: str, kernel: Callable, inputs: Callable) -> TextWorkload:
    return TextWorkload(key, title, kernel, inputs, (1000, 100), makers=_makers(kernel))


WORKLOADS = [
    _workload("re_gpt2", "re: GPT-2 pre-tokeniser findall, {n} sentences",
              k.gpt2_pretokenize, k.texts_input),
    _workload("re_gpt2ids", "re: GPT-2 pre-tokeniser + vocab ids, {n} sentences",
              k.gpt2_ids, k.ids_inputs),
    _workload("re_scrub", "re: e-mail and URL scrubber (sub), {n} sentences",
              k.scrub, k.texts_input),
    _workload("re_split", r"re: split on \s+, {n} sentences", k.split_spaces, k.texts_input),
    _workload("re_words", r"re: findall of \w+, {n} sentences", k.findall_words, k.texts_input),
    _workload("re_counts", r"re: word counts (findall of \w+ on lower()), {n} sentences",
              k.word_counts, k.texts_input),
]
