"""Workflows for the pipeline round-trip tests (tests/test_pipeline_roundtrip.py).

The test copies this file into a temporary directory under another module
name, traces and saves each case there in one process, deletes the copy,
and loads and runs the saved directories in a fresh process where neither
this source nor its classes can be imported.  CASES maps a case name to
(a function returning the traced callable, its example arguments, the
argument tuples to run)."""
import json
import random
import re
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

import pyjitx
from pyjitx import NDArray
from pyjitx.text import BertTokenizer, Vocabulary


# ---- scalar
@pyjitx.compile
def affine(x: int, k: int) -> int:
    return x * k + 1

@pyjitx.compile
def halve(x: int) -> float:
    return x / 2

def scalar_flow(x: int, y: float):
    a = affine(x, 3)
    return halve(a), y


# ---- string
@pyjitx.compile
def normalise(s: str) -> str:
    return " ".join(s.lower().split())

@pyjitx.compile
def shout(s: str, marks: int) -> str:
    return s.upper() + "!" * marks

def string_flow(text: str):
    n = normalise(text)
    return shout(n, 2), n


# ---- containers
@pyjitx.compile
def count_words(words: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts

@pyjitx.compile
def split_words(s: str) -> List[str]:
    return s.split()

@pyjitx.compile
def top(counts: Dict[str, int], n: int) -> List[Tuple[str, int]]:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:n]

def container_flow(text: str):
    words = split_words(text)
    counts = count_words(words)
    return {"top": top(counts, 2), "counts": counts, "pair": [words, 7]}


# ---- classes: a class holding another class
@pyjitx.compile
class Vocab:
    def __init__(self, words: List[str], unk: int) -> None:
        self.ids: Dict[str, int] = {}
        for w in words:
            if w not in self.ids:
                self.ids[w] = len(self.ids)
        self.unk = unk

    def lookup(self, w: str) -> int:
        return self.ids.get(w, self.unk)

    def size(self) -> int:
        return len(self.ids)


class TokenizerError(ValueError):
    pass


@pyjitx.compile
class Tokenizer:
    def __init__(self, vocab: Vocab, lower: bool, max_len: int) -> None:
        self.vocab = vocab
        self.lower = lower
        self.max_len = max_len

    def __call__(self, text: str) -> Tuple[List[int], List[int]]:
        if not text:
            raise TokenizerError("empty text")
        if self.lower:
            text = text.lower()
        ids = [self.vocab.lookup(w) for w in text.split()][:self.max_len]
        mask = [1] * len(ids)
        while len(ids) < self.max_len:
            ids.append(0)
            mask.append(0)
        return ids, mask


class ClassFlow:
    def __init__(self) -> None:
        words = ["the", "cat", "sat", "on", "mat"]
        self.tok = Tokenizer(Vocab(words, 99), True, 6)
        words.append("changed after construction")  # must not reach the saved state

    def process(self, text: str):
        ids, mask = self.tok(text)        # a tuple result, unpacked: two item nodes
        return ids, mask


# ---- Any
@pyjitx.compile
def describe(x: Any) -> Any:
    if isinstance(x, int):
        return x * 2
    if isinstance(x, str):
        return [x, len(x)]
    return {"other": x}

@pyjitx.compile
def pack(items: List[Any]) -> Dict[str, Any]:
    return {"n": len(items), "first": items[0], "items": items}

def any_flow(x, y):
    return pack([describe(x), describe(y), 1.5, None])


# ---- unions (held as Any, checked against their members at the boundary)
@pyjitx.compile
def parse_count(s: str) -> Optional[int]:
    s = s.strip()
    return int(s) if s.isdigit() else None

@pyjitx.compile
def label(n: Optional[int], fallback: Union[int, str]) -> str:
    if n is None:
        return f"none:{fallback}"
    return f"{n * 2}:{fallback}"

def union_flow(text, fallback):
    n = parse_count(text)
    return label(n, fallback), n


# ---- NDArray
@pyjitx.compile
class Linear:
    def __init__(self, w: NDArray[np.float32, 2], b: NDArray[np.float32, 1]) -> None:
        self.w = w
        self.b = b

    def __call__(self, x: NDArray[np.float32, 1]) -> NDArray[np.float32, 1]:
        out = self.b.copy()
        for i in range(self.w.shape[0]):
            s = 0.0
            for j in range(self.w.shape[1]):
                s += float(self.w[i, j] * x[j])
            out[i] += s
        return out

@pyjitx.compile
def relu(x: NDArray[np.float32, 1]) -> NDArray[np.float32, 1]:
    return x * (x > 0)

class ArrayFlow:
    def __init__(self) -> None:
        # small exact values: float32 and float64 arithmetic agree on them,
        # whichever numpy promotion rules the plain Python run follows
        rng = np.random.default_rng(0)
        self.layer = Linear(rng.integers(-3, 4, (3, 4)).astype(np.float32),
                            np.array([0.5, -1.0, 2.0], np.float32))

    def process(self, x):
        return relu(self.layer(x))


# The example of docs/spec.md §3: texts.split() is a glue op (a method of
# a built-in type on a traced value)
@pyjitx.compile
class Text2Ids:
    def __init__(self, table: Dict[str, int]) -> None:
        self.table = table
    def __call__(self, words: List[str]) -> List[int]:
        return [self.table.get(w, 2) for w in words]

class WorkFlow:
    def __init__(self):
        self.text2ids = Text2Ids({"hello": 0, "world": 1})
    def process(self, texts: str):
        return self.text2ids(texts.split())


GLUE_TEXT2IDS = Text2Ids({"hello": 0, "world": 1, "x": 7})


# glue ops of every sort between compiled ops: methods, operators,
# comparisons as values, indexing, slicing, reflected operators
def glue_flow(text: str, n: int):
    words = text.lower().split(",", maxsplit=n)
    ids = GLUE_TEXT2IDS(words)
    head = words[0].strip()
    return (ids, head[1:], ids[-1] * 2 + n, 10 - n, -n, n == 2, n >= len_of(words),
            text.replace(",", "_"), {"n": n // 2, "k": head.upper()})


@pyjitx.compile
def len_of(words: List[str]) -> int:
    return len(words)


# ---- pyjitx.text: a BERT tokenizer held by the pipeline (nested compiled
# instances rebuilt from the saved state)
class BertFlow:
    def __init__(self):
        vocab = Vocabulary(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "##s",
                            "world", "世", "界", ",", "!", "##o"])
        self.tok = BertTokenizer(vocab)
    def process(self, text: str):
        return self.tok.tokenize(text), self.tok.encode(text, 12)


# ---- module state: a captured vocabulary and a `global` counter travel in
# the object code (no Python module in the loading process)
STOP = frozenset({"the", "a"})
IDS = {"cat": 1, "sat": 2, "日本": 3}
CALLS = 0

@pyjitx.compile
def module_ids(text: str) -> List[int]:
    global CALLS
    CALLS += 1
    return [IDS.get(w, 0) for w in text.split() if w not in STOP] + [CALLS]

def module_flow(text: str):
    return module_ids(text)


# ---- the standard library together (issue 18): json, re, Counter and a
# seeded random.Random, natively in the saved code (a C++ host runs it too)
TOKEN = re.compile(r"\w+|[^\w\s]")

@pyjitx.compile
def featurise(line: str, seed: int) -> str:
    doc = json.loads(line)
    text: str = doc["text"]
    tokens = [t.lower() for t in TOKEN.findall(text)]
    counts = Counter(tokens)
    rng = random.Random(seed)
    sample = rng.sample(tokens, min(3, len(tokens)))
    rng.shuffle(tokens)
    out: Dict[str, Any] = {"id": doc["id"], "top": counts.most_common(2), "sample": sample,
                           "shuffled": tokens, "noise": round(rng.gauss(0.0, 1.0), 6)}
    return json.dumps(out, sort_keys=True, ensure_ascii=False)

def stdlib_flow(line: str, seed: int):
    return featurise(line, seed)


CASES = {
    "scalar": (lambda: scalar_flow, (3, 2.5),
               [(4, 1.0), (-7, 0.0), (2 ** 40, -3.5), (0, float("inf"))]),
    "union": (lambda: union_flow, (" 12 ", "x"),
              [(" 7", 3), ("abc", "fallback"), ("", 0), ("٣", "é")]),
    "string": (lambda: string_flow, ("Hello  World",),
               [("Ünïcode  ÇA  va",), ("héllo 🎉  WORLD",), ("",), ("Straße",)]),
    "container": (lambda: container_flow, ("a b a c b a",),
                  [("a b a c b a",), ("",), ("一 二 一 三",), ("x",)]),
    "class": (lambda: ClassFlow().process, ("The cat sat",),
              [("The cat sat",), ("mat ON the ROOF of the cat sat",), ("",), ("Ça",)]),
    "any": (lambda: any_flow, (3, "ab"),
            [(3, "ab"), ("hey", 5), (2.5, [1, "x"]), (None, {"k": (1, 2)})]),
    "ndarray": (lambda: ArrayFlow().process, (np.ones(4, np.float32),),
                [(np.arange(4, dtype=np.float32),), (-np.ones(4, np.float32),),
                 (np.array([0.25, -1.5, 2.0, 3.0], np.float32),)]),
    "spec": (lambda: WorkFlow().process, ("hello world",),
             [("hello world",), ("hello world unknown",), ("",), ("world  hello world",)]),
    "bert": (lambda: BertFlow().process, ("Héllo, 世界!",),
             [("Héllo, 世界!",), ("HELLOS wörld 🎉\tunknownword",), ("",),
              ("hello " * 12,)]),
    "module": (lambda: module_flow, ("the cat",),
               [("the cat sat",), ("a 日本 dog",), ("",)]),
    "stdlib": (lambda: stdlib_flow, ('{"id": 0, "text": "a b"}', 1),
               [('{"id": 1, "text": "The cat sat on the mat. The END!"}', 7),
                ('{"id": 2, "text": "Ça va? 日本語 😀 ça"}', 1), ('{"id": 3, "text": ""}', 0),
                ('{"id": 4, "text": "x"', 2)]),
    "glue": (lambda: glue_flow, ("Hello,World,x", 1),
             [("Hello,World,x", 1), (" hello ,world", 2), ("a,b,c,d", 0), ("hello,world", 3),
              ("", 0)]),
}
