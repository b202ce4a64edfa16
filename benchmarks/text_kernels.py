"""The text kernels, as plain annotated Python (issue 3's str/list/dict workloads).

This module owns the source that CPython runs as is and pyjitx compiles
unchanged: text2ids (split sentences and look words up in a Dict[str, int]),
string_ops (strip, lower, replace, startswith, find, slice, split and join
on short strings) and bert_wordpiece (BERT's basic tokenizer and greedy
longest-match WordPiece).  They are written in the plain subset a typed
compiler is likely to take first: annotated empty containers, explicit
loops, no comprehensions, no tuples, no exceptions, no chained comparisons.
matxscript and TorchScript script these same functions (text_matx,
text_torch), so the annotations are real typing objects here (no
`from __future__ import annotations`); numba's adapted versions live in
text_numba, the inputs in text_data.  Nothing here imports pyjitx.
"""
import json
from typing import Dict, List


def text2ids(texts: List[str], table: Dict[str, int], unk: int) -> List[List[int]]:
    out: List[List[int]] = []
    for text in texts:
        ids: List[int] = []
        for word in text.split():
            ids.append(table.get(word, unk))
        out.append(ids)
    return out


def string_ops(items: List[str]) -> List[str]:
    """Normalise "The Key-Name: Value" records to "key_name=value" (or "key_name")."""
    out: List[str] = []
    for s in items:
        t = s.strip().lower().replace("-", " ")
        if t.startswith("the "):
            t = t[4:]
        key = t
        value = ""
        k = t.find(":")
        if k >= 0:
            key = t[:k]
            value = t[k + 1:].strip()
        name = "_".join(key.split())
        if len(value) > 0:
            out.append(name + "=" + value)
        else:
            out.append(name)
    return out


def bert_wordpiece(texts: List[str], vocab: Dict[str, int], norm: Dict[str, str],
                   unk_id: int, max_chars: int) -> List[List[int]]:
    """BERT uncased tokenisation of each text to WordPiece ids.

    Basic tokenizer: each character becomes itself (ASCII lower-case letters,
    digits, space), " c " (CJK ideographs, found by code point as BERT does)
    or norm[c] -- the table of text_data.char_table, standing in for
    `unicodedata`: upper case lowered and accents stripped (NFD, Mn dropped),
    controls dropped, whitespace to " ", punctuation spaced.  Then a
    whitespace split, and greedy longest-match-first WordPiece with "##"
    continuations; [UNK] for a word over max_chars characters or with an
    unmatched rest.
    """
    out: List[List[int]] = []
    for text in texts:
        pieces: List[str] = []
        for ch in text:
            o = ord(ch)
            if (o >= 97 and o <= 122) or (o >= 48 and o <= 57) or o == 32:
                pieces.append(ch)
            elif (o >= 0x4E00 and o <= 0x9FFF) or (o >= 0x3400 and o <= 0x4DBF) \
                    or (o >= 0xF900 and o <= 0xFAFF) or (o >= 0x20000 and o <= 0x2A6DF) \
                    or (o >= 0x2A700 and o <= 0x2CEAF) or (o >= 0x2F800 and o <= 0x2FA1F):
                pieces.append(" " + ch + " ")
            else:
                pieces.append(norm.get(ch, ch))
        ids: List[int] = []
        for word in "".join(pieces).split():
            n = len(word)
            if n > max_chars:
                ids.append(unk_id)
                continue
            sub: List[int] = []
            matched = True
            start = 0
            while start < n:
                end = n
                found = -1
                while start < end:
                    piece = word[start:end]
                    if start > 0:
                        piece = "##" + piece
                    found = vocab.get(piece, -1)
                    if found >= 0:
                        break
                    end -= 1
                if found < 0:
                    matched = False
                    break
                sub.append(found)
                start = end
            if matched:
                for i in sub:
                    ids.append(i)
            else:
                ids.append(unk_id)
        out.append(ids)
    return out


def boundary_count(words: List[str]) -> int:
    """Does nothing but take a list of str in: times the boundary's
    per-element conversion (the call's time / the list's length)."""
    return len(words)


def json_field(lines: List[str]) -> List[str]:
    """Parse JSON lines and pull a nested field out of each (json.loads)."""
    names: List[str] = []
    for line in lines:
        doc = json.loads(line)
        names.append(doc["user"]["name"])
    return names
