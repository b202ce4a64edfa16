"""Text workloads timed in this process: text2ids, string ops, BERT WordPiece.

This module owns the three str/list/dict workloads of issue 3: which
implementations take part (CPython, the plain kernel of text_kernels;
pyjitx, `pyjitx.compile` of the same kernel; each importable peer through
its text_<peer> module, end to end and, where the peer can keep a
converted vocabulary, with the vocabulary converted once; and for BERT,
Hugging Face's Rust `tokenizers` as a reference when it imports), the
correctness check against CPython's result before timing (a mismatch is
shown as WRONG and not timed), and the rows.

Every timed call starts from Python objects and ends with Python objects:
a peer's conversions of arguments (numba's typed.List / typed.Dict,
matxscript's matx.List / matx.Dict, TorchScript's IValues) and of the
result back to Python lists are part of its time, as pyjitx's boundary
conversions are part of its.  While pyjitx cannot compile a kernel its
cell says "unsupported: <reason>", and starts showing a number, with no
change here, as soon as it can.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import collections_kernels, text_data, text_kernels
from .peers import quiet
from .results import CPYTHON, PYJITX, Row, Settings, fill_rows, join_notes, speedups
from .timing import calibrate, interleave, short_error, time_call, timed_result

PEER_MODULES = {"numba": "text_numba", "matxscript": "text_matx", "torch.jit": "text_torch"}


@dataclass
class TextWorkload:
    key: str                                  # --only matches this and the title
    title: str                                # "{n}" is replaced by the size
    kernel: Callable                          # the plain Python function
    inputs: Callable[[int], Tuple[Any, ...]]  # size -> the kernel's arguments
    sizes: Tuple[int, int]                    # (default, --quick)
    vocab_args: Tuple[int, ...] = ()          # argument positions a real program converts once
    # label -> maker of a Candidate, for a workload whose implementations are not one
    # kernel compiled or not (texttok: a library's classes)
    makers: Optional[Callable[[], Dict[str, Callable[[], "Candidate"]]]] = None

    def size(self, settings: Settings) -> int:
        return self.sizes[1] if settings.quick else self.sizes[0]

    def name(self, settings: Settings) -> str:
        return self.title.format(n=f"{self.size(settings):,}")


WORKLOADS = [
    TextWorkload("text2ids", "text2ids: {n} sentences x ~20 words, 13k-word Dict[str, int]",
                 text_kernels.text2ids, text_data.text2ids_inputs, (1000, 200),
                 vocab_args=(1,)),
    TextWorkload("strops", "string ops (strip/lower/replace/find/slice/split/join) "
                           "on {n} short strings",
                 text_kernels.string_ops, lambda n: (text_data.strops_inputs(n),),
                 (10_000, 1000)),
    TextWorkload("boundary", "boundary: a List[str] of {n} words in (time / n = cost per string)",
                 text_kernels.boundary_count,
                 lambda n: (text_data.strops_inputs(n),), (10_000, 1000)),
    TextWorkload("bert", "BERT basic + WordPiece: {n} texts, 30k vocab",
                 text_kernels.bert_wordpiece, text_data.bert_inputs, (1000, 60),
                 vocab_args=(1, 2)),
    TextWorkload("jsonl", "JSON lines: json.loads of {n} ~250-byte lines, a nested field "
                          "pulled from each",
                 text_kernels.json_field, lambda n: (text_data.json_lines(n),), (10_000, 1000),
                 makers=lambda: _jsonl_makers()),
    # (neither key nor title contains "bert", so that --only bert stays the kernel workload)
    TextWorkload("texttok", "pyjitx.text tokenizer: encode_batch of {n} texts, max_length 128, "
                            "30k vocab",
                 None, lambda n: (text_data.bert_texts(n), 128), (1000, 60),
                 makers=lambda: _texttok_makers()),
    # issue 18: the standard library natively (CPython and pyjitx only: the peers have no
    # Counter or defaultdict to script)
    TextWorkload("collections", "collections: Counter + most_common, defaultdict(list) "
                                "grouping, deque window, pairwise bigrams over {n} sentences",
                 collections_kernels.token_stats,
                 lambda n: (text_data.text2ids_inputs(n)[0], 20), (2000, 200),
                 makers=lambda: _collections_makers()),
]


def _same(value: Any) -> Any:
    return value


@dataclass
class Candidate:
    """One implementation ready to call.

    `setup(args)` runs once, untimed (a peer's vocabulary converted once, as
    a real program would keep it); each timed call is then
    `to_python(fn(*convert(state)))`: the per-call conversions of arguments
    and result are part of the time.
    """
    fn: Callable
    setup: Callable[[Tuple[Any, ...]], Any] = _same
    convert: Callable[[Any], Tuple[Any, ...]] = _same
    to_python: Callable[[Any], Any] = _same
    notes: str = ""


def first_line(exc: BaseException, limit: int = 70) -> str:
    """A CompileError's own message (no source excerpt), else short_error."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message.strip():
        text = message.strip().splitlines()[0]
        return text if len(text) <= limit else text[: limit - 3] + "..."
    return short_error(exc, limit)


def peer_module(label: str):
    with quiet():
        return importlib.import_module(f"benchmarks.{PEER_MODULES[label]}")


def candidates(w: TextWorkload, settings: Settings,
               args: Tuple[Any, ...]) -> Dict[str, Callable[[], Candidate]]:
    """Implementation label -> a maker of its Candidate (may raise)."""
    if w.makers is not None:
        return w.makers()
    makers: Dict[str, Callable[[], Candidate]] = {
        CPYTHON: lambda: Candidate(w.kernel),
        PYJITX: lambda: Candidate(_pyjitx(w.kernel)),
    }
    peers = settings.peers
    if peers is not None:
        for label in peers.available:
            def e2e(label=label) -> Candidate:
                with quiet():
                    return peer_module(label).build(w.key, ())
            makers[f"{label}: e2e"] = e2e
            if w.vocab_args and getattr(peer_module(label), "CAN_PREBUILD", False):
                def prebuilt(label=label) -> Candidate:
                    with quiet():
                        return peer_module(label).build(w.key, w.vocab_args)
                makers[f"{label}: vocab prebuilt"] = prebuilt
    if w.key == "bert" and importlib.util.find_spec("tokenizers") is not None:
        makers["HF tokenizers (ref)"] = _hf_tokenizers
    return makers


def _hf_tokenizers() -> Candidate:
    """Hugging Face's Rust BertWordPieceTokenizer on the same vocab.txt, one text at a time."""
    with quiet():
        from tokenizers import BertWordPieceTokenizer
    tok = BertWordPieceTokenizer(text_data.vocab_path(), lowercase=True, strip_accents=True,
                                 clean_text=True, handle_chinese_chars=True)

    def encode(texts, *_):
        return [tok.encode(t, add_special_tokens=False).ids for t in texts]

    return Candidate(encode, notes="Rust, one text per encode() call (reference)")


class _Batch:
    """(ids, attention mask, token type ids) as int64 arrays, compared by value:
    every texttok row ends with one (what a model is fed)."""

    def __init__(self, arrays: Any) -> None:
        import numpy as np
        self.arrays = tuple(np.asarray(a, dtype=np.int64) for a in arrays)

    def __eq__(self, other: Any) -> bool:
        import numpy as np
        return (type(other) is _Batch and len(self.arrays) == len(other.arrays)
                and all(a.shape == b.shape and np.array_equal(a, b)
                        for a, b in zip(self.arrays, other.arrays)))

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __str__(self) -> str:
        return f"<batch {[a.shape for a in self.arrays]}: {self.arrays[0][:1].tolist()}>"


def _jsonl_makers() -> Dict[str, Callable[[], Candidate]]:
    """jsonl: CPython's json (its C scanner) against the compiled kernel,
    whose json.loads is the runtime's own parser (no peer compiles json)."""
    return {
        CPYTHON: lambda: Candidate(text_kernels.json_field, notes="json's C scanner"),
        PYJITX: lambda: Candidate(_pyjitx(text_kernels.json_field),
                                  notes="runtime parser, GIL released"),
    }


def _collections_makers() -> Dict[str, Callable[[], Candidate]]:
    kernel = collections_kernels.token_stats
    return {CPYTHON: lambda: Candidate(kernel), PYJITX: lambda: Candidate(_pyjitx(kernel))}


def _texttok_makers() -> Dict[str, Callable[[], Candidate]]:
    """texttok: the same BertTokenizer class run by CPython and compiled, HF's Rust
    tokenizers (encode_batch, padded and truncated alike) and transformers' Python
    BERT tokenizer, each on text_data's vocab.txt, loaded once (untimed); each
    ends with three int64 arrays [n, max_length] (numpy from the lists Rust gives)."""
    def cpython() -> Candidate:
        import pyjitx.text
        tok = pyjitx.text.python_module().BertTokenizer.from_vocab_file(text_data.vocab_path())
        return Candidate(tok.encode_batch, to_python=_Batch,
                         notes="pyjitx.text's source run by CPython")

    def compiled() -> Candidate:
        import pyjitx.text
        tok = pyjitx.text.BertTokenizer.from_vocab_file(text_data.vocab_path())
        return Candidate(tok.encode_batch, to_python=_Batch, notes="int64 arrays out")

    def rust() -> Candidate:
        with quiet():
            from tokenizers import BertWordPieceTokenizer
        tok = BertWordPieceTokenizer(text_data.vocab_path(), lowercase=True, clean_text=True,
                                     handle_chinese_chars=True)

        def encode(texts, max_length):
            tok.enable_padding(length=max_length)
            tok.enable_truncation(max_length)
            out = tok.encode_batch(texts)
            return [[e.ids for e in out], [e.attention_mask for e in out],
                    [e.type_ids for e in out]]

        return Candidate(encode, to_python=_Batch,
                         notes="Rust encode_batch (threads), lists to arrays")

    def transformers_python() -> Candidate:
        with quiet():
            from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy
        tok = BertTokenizerLegacy(text_data.vocab_path())

        def encode(texts, max_length):
            out = tok(texts, padding="max_length", truncation=True, max_length=max_length,
                      return_tensors="np", return_token_type_ids=True)
            return out["input_ids"], out["attention_mask"], out["token_type_ids"]

        return Candidate(encode, to_python=_Batch, notes="BertTokenizerLegacy, numpy out")

    makers: Dict[str, Callable[[], Candidate]] = {CPYTHON: cpython, PYJITX: compiled}
    if importlib.util.find_spec("tokenizers") is not None:
        makers["HF tokenizers (Rust)"] = rust
    if importlib.util.find_spec("transformers") is not None:
        makers["transformers (Python)"] = transformers_python
    return makers


def _pyjitx(kernel: Callable) -> Callable:
    import pyjitx
    return pyjitx.compile(kernel)


def _describe_mismatch(got: Any, expected: Any) -> str:
    if type(got) is not type(expected):
        return f"type {type(got).__name__}, CPython {type(expected).__name__}"
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            return f"{len(got)} items, CPython {len(expected)}"
        for i, (a, b) in enumerate(zip(got, expected)):
            if a != b or type(a) is not type(b):
                return f"item {i}: {str(a)[:30]!r} vs CPython {str(b)[:30]!r}"
    return f"{str(got)[:30]!r} vs CPython {str(expected)[:30]!r}"


def run_workload(w: TextWorkload, settings: Settings) -> List[Row]:
    name = w.name(settings)
    args = w.inputs(w.size(settings))
    rows: Dict[str, Row] = {}
    timed: Dict[str, Callable[[], float]] = {}
    expected: Any = None
    for impl, make in candidates(w, settings, args).items():
        row = rows[impl] = Row(name, impl)
        verb = "unsupported" if impl == PYJITX else "cannot compile"
        try:
            cand = make()
        except Exception as exc:
            reason = first_line(exc)
            if reason.lower().startswith(verb + " "):   # "unsupported: unsupported ..."
                reason = reason[len(verb) + 1:]
            row.notes = f"{verb}: {reason}"
            continue
        row.notes = cand.notes
        try:
            state = cand.setup(args)
        except Exception as exc:
            row.notes = join_notes(row.notes, f"error converting inputs: {first_line(exc)}")
            continue

        def thunk(fn=cand.fn, state=state, convert=cand.convert, to_python=cand.to_python):
            return to_python(fn(*convert(state)))

        try:
            result, first = timed_result(thunk)
        except Exception as exc:
            first_verb = "unsupported" if impl == PYJITX else "error"
            row.notes = join_notes(row.notes, f"{first_verb}: {first_line(exc)}")
            continue
        row.extra["first_call_s"] = first
        if impl == CPYTHON:
            expected = result
        elif type(result) is not type(expected) or result != expected:
            row.notes = join_notes(row.notes, "WRONG: " + _describe_mismatch(result, expected))
            continue
        number = calibrate(thunk, first, settings.target)
        row.extra["calls_per_sample"] = number
        timed[impl] = lambda thunk=thunk, number=number: time_call(thunk, number)
    errors: Dict[str, str] = {}
    fill_rows(rows, interleave(timed, settings.rounds, errors), errors)
    ordered = list(rows.values())
    speedups(ordered)
    return ordered
