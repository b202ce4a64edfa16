"""Deterministic inputs of the text workloads (text2ids, string ops, BERT).

This module owns every input the text workloads feed to their kernels:
the mixed English / accented / Chinese vocabulary and sentences of
text2ids, the short Unicode strings of the string-ops workload, the BERT
vocabulary (a real `vocab.txt` named by PYJITX_BENCH_BERT_VOCAB, else a
deterministic ~30k-entry one generated into benchmarks/data/ on first use,
which git ignores), the BERT input texts, and the character table that
stands in for `unicodedata` inside compiled code.  It also holds a plain
reference BERT tokenizer (after Hugging Face's BasicTokenizer and
WordpieceTokenizer, using `unicodedata`) that the data are checked against.
Everything comes from fixed seeds, so every run and every runner sees the
same inputs.  Nothing here imports pyjitx or a peer.
"""
from __future__ import annotations

import functools
import os
import random
import unicodedata
from typing import Dict, List, Optional, Tuple

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
VOCAB_ENV = "PYJITX_BENCH_BERT_VOCAB"
GENERATED_VOCAB = "bert-vocab-generated-v1.txt"

ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
          "w", "y", "z", "st", "tr", "ch", "sh", "th", "pl", "gr", "br", "cl", "fr", ""]
VOWELS = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "io", "y"]
CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "x"]
ACCENTS = {"a": "áàâä", "e": "éèêë", "i": "íïî", "o": "óôö", "u": "úüû", "c": "ç", "n": "ñ"}
# Common CJK unified ideographs: a fixed pool drawn from U+4E00..U+9FA5.
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FA5


def syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)


def english_word(rng: random.Random, max_syllables: int = 3) -> str:
    return "".join(syllable(rng) for _ in range(rng.randint(1, max_syllables)))


def accented(rng: random.Random, word: str) -> str:
    """`word` with one to two letters given an accent (when it has any to accent)."""
    chars = list(word)
    spots = [i for i, c in enumerate(chars) if c in ACCENTS]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        chars[i] = rng.choice(ACCENTS[chars[i]])
    return "".join(chars)


def cjk_pool(rng: random.Random, size: int) -> List[str]:
    return [chr(c) for c in rng.sample(range(CJK_FIRST, CJK_LAST + 1), size)]


def cjk_word(rng: random.Random, pool: List[str]) -> str:
    return "".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))


def zipf_picker(rng: random.Random, items: List[str]):
    """A function drawing from `items` with weight 1/(rank + 10) (frequent words first)."""
    weights = [1.0 / (rank + 10) for rank in range(len(items))]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return lambda: rng.choices(items, cum_weights=cum)[0]


# ---------------------------------------------------------------- text2ids

def text2ids_vocab(size: int = 13_000, seed: int = 2024) -> List[str]:
    """`size` distinct words: ~62% English-like (some capitalised), ~19% accented, ~19% Chinese."""
    rng = random.Random(seed)
    pool = cjk_pool(rng, 3000)
    words: List[str] = []
    seen = set()
    n_accented = size * 19 // 100
    n_cjk = size * 19 // 100
    n_english = size - n_accented - n_cjk
    makers = [(n_english, lambda: english_word(rng) if rng.random() > 0.1
               else english_word(rng).capitalize()),
              (n_accented, lambda: accented(rng, english_word(rng))),
              (n_cjk, lambda: cjk_word(rng, pool))]
    for count, make in makers:
        added = 0
        while added < count:
            w = make()
            if w and w not in seen:
                seen.add(w)
                words.append(w)
                added += 1
    rng.shuffle(words)
    return words


def text2ids_inputs(n_sentences: int, seed: int = 7) -> Tuple[List[str], Dict[str, int], int]:
    """(sentences, table word -> id in 1..13000, unknown id 0); ~8% of words are unknown."""
    words = text2ids_vocab()
    table = {w: i + 1 for i, w in enumerate(words)}
    rng = random.Random(seed)
    pool = cjk_pool(random.Random(seed + 1), 3500)
    pick = zipf_picker(rng, words)
    sentences = []
    for _ in range(n_sentences):
        out = []
        for _ in range(rng.randint(15, 25)):
            r = rng.random()
            if r < 0.04:
                out.append(english_word(rng, 4))            # mostly unknown
            elif r < 0.06:
                out.append(cjk_word(rng, pool))
            elif r < 0.08:
                out.append(accented(rng, english_word(rng, 4)))
            else:
                out.append(pick())
        sep = "  " if rng.random() < 0.1 else " "
        sentences.append(sep.join(out) + ("." if rng.random() < 0.3 else ""))
    return sentences, table, 0


# ---------------------------------------------------------------- string ops

def strops_inputs(n: int, seed: int = 11) -> List[str]:
    """`n` short strings: "The key-name: Value" records, padded, mixed case and scripts."""
    rng = random.Random(seed)
    pool = cjk_pool(rng, 500)
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.55:
            key = " ".join(english_word(rng) for _ in range(rng.randint(1, 3)))
        elif kind < 0.8:
            key = " ".join(accented(rng, english_word(rng)) for _ in range(rng.randint(1, 3)))
        else:
            key = " ".join(cjk_word(rng, pool) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.3:
            key = key.replace(" ", "-", 1)
        if rng.random() < 0.3:
            key = "the " + key
        r = rng.random()
        key = key.upper() if r < 0.15 else key.title() if r < 0.5 else key
        if rng.random() < 0.6:
            value = rng.choice([str(rng.randint(0, 99999)), english_word(rng).capitalize(),
                                accented(rng, english_word(rng)).upper(), cjk_word(rng, pool)])
            text = key + rng.choice([":", ": ", " : "]) + value
        else:
            text = key
        pad = rng.choice(["", "", " ", "  ", "\t", " \n"])
        out.append(pad + text + rng.choice(["", "", " ", "\t"]))
    return out


# ---------------------------------------------------------------- BERT

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
UNK = "[UNK]"
MAX_CHARS = 100


def generated_vocab(seed: int = 30_522) -> List[str]:
    """A deterministic BERT-like vocabulary of 30,000 entries (vocab.txt order)."""
    rng = random.Random(seed)
    vocab: List[str] = list(SPECIAL) + [f"[unused{i}]" for i in range(95)]
    seen = set(vocab)

    def add(tok: str) -> None:
        if tok and tok not in seen:
            seen.add(tok)
            vocab.append(tok)

    for c in range(33, 127):
        if not ("A" <= chr(c) <= "Z"):
            add(chr(c))
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        add("##" + c)
    for c in cjk_pool(random.Random(4), 2500):       # the texts draw from a larger pool
        add(c)
    for c in "£€¥©®°±²³µ¶·¹º¼½¾×÷ßæøþðłđħ":
        add(c)
        add("##" + c)
    for _ in range(900):
        add("##" + syllable(rng))
    while len(vocab) < 25_000:
        add(english_word(rng))
    while len(vocab) < 30_000:
        add("##" + english_word(rng, 2))
    return vocab


def vocab_path() -> str:
    """The vocab.txt to use: $PYJITX_BENCH_BERT_VOCAB, else the generated file (made if absent)."""
    given = os.environ.get(VOCAB_ENV)
    if given:
        return given
    path = os.path.join(DATA_DIR, GENERATED_VOCAB)
    if not os.path.exists(path):
        os.makedirs(DATA_DIR, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("".join(tok + "\n" for tok in generated_vocab()))
        os.replace(tmp, path)
    return path


@functools.lru_cache(maxsize=None)
def load_vocab(path: Optional[str] = None) -> Dict[str, int]:
    """token -> id (its line number), read from a vocab.txt the way BERT loads one."""
    vocab: Dict[str, int] = {}
    with open(path or vocab_path(), encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            vocab[line.rstrip("\n")] = i
    return vocab


def bert_texts(n: int, seed: int = 5) -> List[str]:
    """`n` raw texts of ~25 tokens: capitalised and accented words, punctuation, numbers,
    Chinese runs without spaces, odd whitespace and control characters, an emoji, and
    now and then a word over 100 characters."""
    rng = random.Random(seed)
    pool = cjk_pool(random.Random(4), 3000)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(18, 30)):
            r = rng.random()
            if r < 0.55:
                w = english_word(rng)
                w = w.capitalize() if rng.random() < 0.2 else w.upper() if rng.random() < 0.03 else w
            elif r < 0.68:
                w = accented(rng, english_word(rng))
                w = w.capitalize() if rng.random() < 0.3 else w
            elif r < 0.8:
                w = "".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
            elif r < 0.86:
                w = rng.choice([str(rng.randint(0, 9999)), f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}",
                                f"{rng.random() * 100:.2f}", f"{rng.randint(1, 99)}%"])
            elif r < 0.93:
                w = rng.choice(["(", "\"", "'", "[", "¿"]) + english_word(rng) + \
                    rng.choice([")", "\"", "'", "]", "?", "!", "…"])
            elif r < 0.97:
                w = english_word(rng) + rng.choice(["'s", "n't", "-" + english_word(rng), "/" + english_word(rng)])
            elif r < 0.985:
                w = rng.choice(["\u00a0", "\t", "\u200b", "\x00", "\u3000", "\ufffd", "🙂", "½", "©", "—"])
            else:
                w = "".join(english_word(rng) for _ in range(rng.randint(3, 40)))   # maybe > 100 chars
            parts.append(w)
            if rng.random() < 0.12:
                parts.append(rng.choice([",", ".", ";", ":", "!", "?"]))
        out.append(" ".join(parts))
    return out


def json_lines(n: int, seed: int = 13) -> List[str]:
    """`n` JSON lines of ~250 bytes, as a log or an API dump has them: ids,
    a nested user object (accented and CJK names), floats, a list of tags,
    booleans and nulls, now and then an escape or an emoji."""
    import json

    rng = random.Random(seed)
    pool = cjk_pool(random.Random(4), 3000)
    out = []
    for i in range(n):
        name = accented(rng, english_word(rng)) if rng.random() < 0.7 else \
            "".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        doc = {
            "id": 10_000_000 + i,
            "user": {"name": name.capitalize(), "followers": rng.randint(0, 10 ** 6),
                     "verified": rng.random() < 0.1, "bio": None if rng.random() < 0.5 else
                     " ".join(english_word(rng) for _ in range(rng.randint(2, 8)))},
            "text": " ".join(english_word(rng) for _ in range(rng.randint(4, 14)))
                    + rng.choice(["", " 🙂", "\n", " \"quoted\""]),
            "score": round(rng.random() * 100, rng.randint(0, 6)),
            "tags": [english_word(rng) for _ in range(rng.randint(0, 4))],
        }
        out.append(json.dumps(doc, ensure_ascii=rng.random() < 0.5))
    return out


def _is_whitespace(c: str) -> bool:
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def _is_control(c: str) -> bool:
    return c not in "\t\n\r" and unicodedata.category(c).startswith("C")


def _is_punctuation(c: str) -> bool:
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _char_rule(c: str) -> str:
    """What BERT's basic tokenizer makes of one character, spaces marking token breaks."""
    cp = ord(c)
    if cp == 0 or cp == 0xFFFD or _is_control(c):
        return ""
    if _is_whitespace(c):
        return " "
    if is_cjk(cp):
        return f" {c} "
    return "".join(f" {x} " if _is_punctuation(x) else x for x in _strip_accents(c.lower()))


@functools.lru_cache(maxsize=None)
def char_table() -> Dict[str, str]:
    """The stand-in for `unicodedata` inside the kernel: each BMP character that BERT's
    basic tokenizer changes (lower case, accents stripped, controls dropped, whitespace
    to " ", punctuation spaced), except CJK ideographs, which the kernel spaces by
    code-point range.  Characters outside the table (and outside the BMP) pass as is."""
    table: Dict[str, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF or is_cjk(cp):
            continue
        c = chr(cp)
        m = _char_rule(c)
        if m != c:
            table[c] = m
    return table


def reference_basic(text: str) -> List[str]:
    """Hugging Face BasicTokenizer (do_lower_case, tokenize_chinese_chars), on whole strings."""
    cleaned = []
    for c in text:
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or _is_control(c):
            continue
        cleaned.append(" " if _is_whitespace(c) else c)
    spaced = "".join(f" {c} " if is_cjk(ord(c)) else c for c in "".join(cleaned))
    tokens: List[str] = []
    for tok in spaced.strip().split():
        tok = _strip_accents(tok.lower())
        word: List[str] = []
        for c in tok:
            if _is_punctuation(c):
                if word:
                    tokens.append("".join(word))
                    word = []
                tokens.append(c)
            else:
                word.append(c)
        if word:
            tokens.append("".join(word))
    return tokens


def reference_wordpiece(token: str, vocab: Dict[str, int]) -> List[int]:
    """Hugging Face WordpieceTokenizer on one basic token: greedy longest match first."""
    if len(token) > MAX_CHARS:
        return [vocab[UNK]]
    ids: List[int] = []
    start = 0
    while start < len(token):
        end = len(token)
        found = None
        while start < end:
            piece = token[start:end] if start == 0 else "##" + token[start:end]
            if piece in vocab:
                found = vocab[piece]
                break
            end -= 1
        if found is None:
            return [vocab[UNK]]
        ids.append(found)
        start = end
    return ids


def reference_bert(texts: List[str], vocab: Dict[str, int]) -> List[List[int]]:
    return [[i for tok in reference_basic(t) for i in reference_wordpiece(tok, vocab)]
            for t in texts]


def bert_inputs(n: int) -> Tuple[List[str], Dict[str, int], Dict[str, str], int, int]:
    """(texts, vocab, char table, [UNK] id, max chars per word) for the kernel."""
    vocab = load_vocab(vocab_path())
    return bert_texts(n), vocab, char_table(), vocab[UNK], MAX_CHARS
