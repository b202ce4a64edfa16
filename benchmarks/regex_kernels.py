"""Kernels and inputs of the `re` workloads: tokenisation patterns run by
CPython's re and, compiled, by pyjitx's engine -- the same source.

The patterns are module-level compiled patterns, as real code keeps them:
GPT-2's pre-tokeniser (its \\p{L}/\\p{N} classes written for `re`), an
e-mail and URL scrubber, a whitespace split and a word findall.  Inputs are
deterministic sentences of English-like words with contractions, numbers,
punctuation, e-mail addresses, URLs, accented words and some Chinese.
"""
from __future__ import annotations

import random
import re
from typing import Dict, List, Tuple

GPT2 = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
URL = re.compile(r"https?://[^\s<>\"']+|www\.[^\s<>\"']+")
SPACES = re.compile(r"\s+")
WORD = re.compile(r"\w+")


def gpt2_pretokenize(texts: List[str]) -> List[List[str]]:
    return [GPT2.findall(t) for t in texts]


def gpt2_ids(texts: List[str], vocab: Dict[str, int]) -> List[List[int]]:
    return [[vocab.get(piece, 0) for piece in GPT2.findall(t)] for t in texts]


def scrub(texts: List[str]) -> List[str]:
    return [URL.sub("<URL>", EMAIL.sub("<EMAIL>", t)) for t in texts]


def split_spaces(texts: List[str]) -> List[List[str]]:
    return [SPACES.split(t) for t in texts]


def findall_words(texts: List[str]) -> List[List[str]]:
    return [WORD.findall(t) for t in texts]


def word_counts(texts: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for t in texts:
        for w in WORD.findall(t.lower()):
            counts[w] = counts.get(w, 0) + 1
    return counts


# ---- inputs ------------------------------------------------------------------

_WORDS = ("the of and to in is was he for it with as his on be at by had are but from or "
          "have an they which one you were her all she there would their we him been has when "
          "who will more no if out so said what up its about into than them can only other new "
          "some could time these two may then do first any my now such like our over man me "
          "even most made after also did many before must through back years where much your "
          "way well down should because each just those people how too little state good very "
          "make world still own see men work long get here between both life being under never "
          "day same another know while last might us great old year off come since against go "
          "came right used take three").split()
_CONTRACTIONS = ["don't", "it's", "I'm", "we've", "they'll", "she'd", "you're", "can't", "John's"]
_ACCENTED = ["café", "naïve", "résumé", "Zürich", "São", "façade", "coöperate", "Ångström"]
_CJK = ["中文", "日本語", "한국어", "北京", "東京"]
_PUNCT = [",", ".", "!", "?", ";", ":", "...", "--", "(", ")", "\"", "'"]


def sentence(rng: random.Random) -> str:
    parts: List[str] = []
    for _ in range(rng.randint(12, 30)):
        k = rng.random()
        if k < 0.70:
            w = rng.choice(_WORDS)
            parts.append(w.capitalize() if rng.random() < 0.1 else w)
        elif k < 0.78:
            parts.append(rng.choice(_CONTRACTIONS))
        elif k < 0.84:
            parts.append(str(rng.randint(0, 5000)) if rng.random() < 0.7 else
                         f"{rng.randint(0, 99)}.{rng.randint(0, 99)}")
        elif k < 0.88:
            parts.append(rng.choice(_ACCENTED))
        elif k < 0.90:
            parts.append(rng.choice(_CJK))
        elif k < 0.93:
            parts.append(f"{rng.choice(_WORDS)}.{rng.choice(_WORDS)}@{rng.choice(_WORDS)}.com")
        elif k < 0.95:
            parts.append(f"https://www.{rng.choice(_WORDS)}.org/{rng.choice(_WORDS)}?id="
                         f"{rng.randint(1, 999)}")
        else:
            parts[-1:] = [(parts[-1] if parts else "") + rng.choice(_PUNCT)]
    text = " ".join(parts)
    if rng.random() < 0.2:
        text = text.replace(" ", "  ", 2) + "\n"
    return text


def texts(n: int) -> List[str]:
    rng = random.Random(18)
    return [sentence(rng) for _ in range(n)]


def texts_input(n: int) -> Tuple[List[str]]:
    return (texts(n),)


def ids_inputs(n: int) -> Tuple[List[str], Dict[str, int]]:
    corpus = texts(n)
    vocab: Dict[str, int] = {}
    for t in texts(200):
        for piece in GPT2.findall(t):
            vocab.setdefault(piece, len(vocab) + 1)
    return corpus, vocab
