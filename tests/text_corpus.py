"""A deterministic multilingual corpus and a vocabulary built from it, for the
BERT tokenizer tests (tests/test_text_parity.py) and the `texttok` benchmark.

`corpus_lines(n)` gives `n` lines from a fixed seed: English-like words
(capitalised, upper case, accented, with decomposed accents), Greek with
final sigmas, Cyrillic, Arabic and Hebrew with their vowel marks,
Devanagari, Thai, Chinese (the unified block, extension A and B,
compatibility ideographs), Japanese kana, Korean syllables and conjoining
jamo (NFC composes those), fullwidth Latin, numbers, punctuation of many
scripts, symbols, emoji (ZWJ families, skin tones, flags, keycaps,
variation selectors), control and format characters, odd whitespace,
combining marks alone or stacked, special-token strings, words over 100
characters and empty lines.

`build_vocab(lines, basic)` makes a vocab.txt-ordered token list from the
words that `basic` (a function text -> words) finds in the lines: the
special tokens, most single characters (some left out so that [UNK] shows
up), "##" forms of most of them, the frequent words, and frequent prefixes
and "##" suffixes, so that WordPiece has real choices to make.  Nothing
here imports pyjitx; everything is plain CPython.
"""
from __future__ import annotations

import random
from collections import Counter
from typing import Callable, List

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "st", "tr", "ch", "sh", "th", "pl", "gr", "br", ""]
VOWELS = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "y"]
CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "ck"]
ACCENTS = {"a": "áàâäãå", "e": "éèêë", "i": "íìïî", "o": "óòôöõø", "u": "úùüû", "c": "ç",
           "n": "ñ", "s": "śš", "z": "žź", "y": "ýÿ"}
COMBINING = ["\u0301", "\u0300", "\u0308", "\u0302", "\u0303", "\u0327", "\u030c", "\u0323"]

PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + list(
    "¿¡«»„“”‘’‹›—–…·、。「」『』【】《》！？，：；（）〜・※†‡‰§¶।॥؟،؛׃׳״๏๚፡።〽")
SYMBOLS = list("€£¥¢©®°±×÷∞≈≠≤≥√∑∏∂µ™℃№←→↑↓★☆♠♥♦♣♪☺") + ["½", "¼", "²", "³", "ⅻ", "Ⅻ"]
EMOJI = ["😀", "🙂", "🎉", "🚀", "🐍", "🌍", "❤️", "✨", "👍🏽", "👋🏿", "🇯🇵", "🇫🇷", "1️⃣", "#️⃣",
         "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "👩\u200d💻", "🧑\u200d🚀", "🫠", "🪿"]
CONTROLS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200c", "\u200d", "\u200e",
            "\ufeff", "\ufffd", "\u00ad", "\ue000", "\uffff", "\U000e0001", "\u2066"]
SPACES = ["\t", "\n", "\r", "\r\n", "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\x0b",
          "\x0c", "\x1c", "\u1680", "\u202f", "  "]
GREEK_UPPER = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
GREEK_LOWER = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґ"
ARABIC = [chr(c) for c in range(0x0627, 0x064B)]
ARABIC_MARKS = [chr(c) for c in range(0x064B, 0x0653)]
HEBREW = [chr(c) for c in range(0x05D0, 0x05EB)]
HEBREW_MARKS = [chr(c) for c in range(0x05B0, 0x05BD)]
DEVANAGARI = [chr(c) for c in range(0x0915, 0x093A)]
DEVANAGARI_MARKS = [chr(c) for c in range(0x093E, 0x094E)] + ["\u0902", "\u0901"]
THAI = [chr(c) for c in range(0x0E01, 0x0E2F)]
THAI_MARKS = ["\u0E31", "\u0E34", "\u0E35", "\u0E36", "\u0E37", "\u0E38", "\u0E48", "\u0E49"]
HIRAGANA = [chr(c) for c in range(0x3041, 0x3097)]
KATAKANA = [chr(c) for c in range(0x30A1, 0x30FB)]
SPECIAL_STRINGS = ["[SEP]", "[CLS]", "[MASK]", "[PAD]", "[UNK]", "a[SEP]b", "x[MASK]", "[cls]",
                   "[SEP][SEP]", "[[MASK]]"]


def _latin(rng: random.Random) -> str:
    w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                for _ in range(rng.randint(1, 3)))
    r = rng.random()
    if r < 0.2:
        chars = list(w)
        spots = [i for i, c in enumerate(chars) if c in ACCENTS]
        for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
            chars[i] = rng.choice(ACCENTS[chars[i]])
        w = "".join(chars)
    elif r < 0.25:
        i = rng.randrange(len(w) + 1)
        w = w[:i] + rng.choice(COMBINING) + w[i:]        # a decomposed accent
    r = rng.random()
    if r < 0.2:
        w = w.capitalize()
    elif r < 0.25:
        w = w.upper()
    return w


def _from(rng: random.Random, letters, marks=None, lo: int = 2, hi: int = 7,
          mark_p: float = 0.3) -> str:
    out = []
    for _ in range(rng.randint(lo, hi)):
        out.append(rng.choice(letters))
        if marks and rng.random() < mark_p:
            out.append(rng.choice(marks))
    return "".join(out)


def _greek(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return _from(rng, GREEK_UPPER, lo=2, hi=6) + ("Σ" if rng.random() < 0.6 else "")
    w = _from(rng, GREEK_LOWER, lo=2, hi=6)
    return w.capitalize() if rng.random() < 0.3 else w


def _cjk(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.8:
            out.append(chr(rng.randint(0x4E00, 0x4FFF)))      # a small pool: repeats
        elif r < 0.88:
            out.append(chr(rng.randint(0x3400, 0x3440)))
        elif r < 0.94:
            out.append(chr(rng.randint(0x20000, 0x20040)))
        else:
            out.append(chr(rng.randint(0xF900, 0xF920)))      # NFC maps these to unified ones
    return "".join(out)


def _hangul(rng: random.Random) -> str:
    if rng.random() < 0.2:      # conjoining jamo: NFC composes them into syllables
        return "".join(chr(0x1100 + rng.randrange(19)) + chr(0x1161 + rng.randrange(21))
                       for _ in range(rng.randint(1, 3)))
    return "".join(chr(rng.randint(0xAC00, 0xAC00 + 400)) for _ in range(rng.randint(1, 4)))


def _number(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(0, 9999)), f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}",
                       f"{rng.random() * 100:.2f}", f"{rng.randint(1, 99)}%", "٣٤٥", "१२३", "０１２",
                       f"${rng.randint(1, 99)}.99", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}"])


def _piece(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.40:
        return _latin(rng)
    if r < 0.45:
        return _greek(rng)
    if r < 0.50:
        return _from(rng, CYRILLIC, lo=2, hi=8)
    if r < 0.54:
        return _from(rng, ARABIC, ARABIC_MARKS)
    if r < 0.56:
        return _from(rng, HEBREW, HEBREW_MARKS)
    if r < 0.59:
        return _from(rng, DEVANAGARI, DEVANAGARI_MARKS, mark_p=0.5)
    if r < 0.62:
        return _from(rng, THAI, THAI_MARKS, lo=3, hi=9)
    if r < 0.70:
        return _cjk(rng)
    if r < 0.73:
        return _from(rng, HIRAGANA + KATAKANA, lo=2, hi=6)
    if r < 0.76:
        return _hangul(rng)
    if r < 0.80:
        return _number(rng)
    if r < 0.87:
        return rng.choice(PUNCT) + _latin(rng) + rng.choice(PUNCT)
    if r < 0.89:
        return rng.choice(SYMBOLS)
    if r < 0.92:
        return rng.choice(EMOJI)
    if r < 0.94:
        return _latin(rng) + rng.choice(CONTROLS) + _latin(rng)
    if r < 0.95:
        return rng.choice(COMBINING) * rng.randint(1, 3) + _latin(rng)   # marks with no base
    if r < 0.96:
        return "".join(chr(rng.randint(0xFF21, 0xFF3A)) for _ in range(rng.randint(1, 4)))  # fullwidth
    if r < 0.97:
        return rng.choice(SPECIAL_STRINGS)
    if r < 0.98:
        return rng.choice(["İstanbul", "STRASSE", "Straße", "ǅemal", "ﬁne", "Å", "K", "Ω", "ΐ"])
    if r < 0.99:
        n = rng.choice([99, 100, 101, 150, 300])
        return "".join(rng.choice("abcdefghij") for _ in range(n))       # around the 100 limit
    return _latin(rng) + rng.choice(["'s", "n't", "-" + _latin(rng), "/" + _latin(rng), "'"])


def corpus_lines(n: int = 3000, seed: int = 2026) -> List[str]:
    """`n` lines of ~0-40 pieces joined by spaces (now and then odd whitespace or none)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        r = rng.random()
        if r < 0.02:
            lines.append("")
            continue
        if r < 0.03:
            lines.append(rng.choice(SPACES) * rng.randint(1, 3))
            continue
        parts = []
        for _ in range(rng.randint(1, 40)):
            parts.append(_piece(rng))
            r = rng.random()
            parts.append(" " if r < 0.85 else rng.choice(SPACES) if r < 0.95 else "")
        lines.append("".join(parts).rstrip(" "))
    return lines


def build_vocab(lines: List[str], basic: Callable[[str], List[str]], seed: int = 7) -> List[str]:
    """The tokens of a vocab.txt for `lines` (see the module docstring)."""
    rng = random.Random(seed)
    words: Counter = Counter()
    for line in lines:
        words.update(basic(line))
    vocab: List[str] = list(SPECIAL) + [f"[unused{i}]" for i in range(5)]
    seen = set(vocab)

    def add(tok: str) -> None:
        if tok and tok not in seen:
            seen.add(tok)
            vocab.append(tok)

    chars: Counter = Counter()
    for w, c in words.items():
        for ch in w:
            chars[ch] += c
    for ch in sorted(chars):
        if rng.random() < 0.93:
            add(ch)
        if rng.random() < 0.85:
            add("##" + ch)
    for w, c in words.most_common(1500):
        if len(w) > 1 and rng.random() < 0.8:
            add(w)
    prefixes: Counter = Counter()
    suffixes: Counter = Counter()
    for w, c in words.items():
        for k in range(2, min(5, len(w))):
            prefixes[w[:k]] += c
            suffixes[w[k:]] += c
    for p, _ in prefixes.most_common(800):
        add(p)
    for s, _ in suffixes.most_common(1200):
        if len(s) <= 6:
            add("##" + s)
    return vocab


def write_vocab(path, tokens: List[str]) -> str:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("".join(t + "\n" for t in tokens))
    return str(path)
