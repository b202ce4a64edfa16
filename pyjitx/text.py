"""pyjitx.text: BERT tokenization, written in the compiled subset.

`Vocabulary`, `BasicTokenizer`, `WordPieceTokenizer` and `BertTokenizer`
are compiled classes (`@pyjitx.compile`): ordinary Python whose methods
pyjitx compiles; `python_module()` loads this same source with
`pyjitx.compile` switched off, so the same classes run by CPython -- the
tests check that both give identical results, and the benchmark times the
two.  Instances work from Python, from compiled code and inside a
`pyjitx.trace` pipeline (their constructor arguments are the saved state).

Semantics: those of transformers' Python BERT tokenizer
(`BertTokenizerLegacy` in transformers 5, `BertTokenizer` before it:
`BasicTokenizer` + `WordpieceTokenizer`), step by step:

1. clean: drop U+0000, U+FFFD and every character of a category C*
   (Cc, Cf, Cn, Co, Cs) except tab, newline and carriage return; each
   space, tab, newline, carriage return and Zs character becomes " ";
2. CJK: put spaces around each CJK ideograph (HF's code point ranges,
   `is_cjk`; Hangul, kana and the rest are not spaced);
3. NFC of the whole text (transformers added this; ASCII text skips it);
4. split on whitespace (`str.split()`);
5. per token, unless in `never_split`: lower case (`str.lower`, with
   Python's final-sigma rule) when `do_lower_case`, and accents stripped
   (NFD, then Mn characters dropped) when `strip_accents` is True, or
   None with `do_lower_case`;
6. split each token at punctuation: every ASCII non-alphanumeric
   printable (33-47, 58-64, 91-96, 123-126) and every P* character is a
   token of its own;
7. WordPiece per word: greedy longest match first, continuations prefixed
   "##"; a word longer than `max_input_chars_per_word` characters, or with
   a rest no vocabulary entry matches, is one `unk_token`.

The Rust `tokenizers` library (`BertNormalizer` + `BertPreTokenizer` +
`WordPiece`, what transformers 5's `BertTokenizer` is) differs from this
on a few inputs, where the code here follows the Python tokenizer:

- it lower-cases character by character, so a final capital sigma
  becomes "σ" where Python's `str.lower` gives "ς" ("ΟΔΟΣ" -> "οδοσ" vs
  "οδος");
- it applies no NFC, so with accents kept (`strip_accents=False`, or a
  cased tokenizer) a decomposed "e" + U+0301 stays two characters where
  the Python tokenizer composes "é";
- its Unicode tables are not CPython's: it keeps noncharacters such as
  U+FFFF (Cn, dropped here), and characters assigned after CPython's
  Unicode version (Python 3.11: Unicode 14; U+1FABF, an emoji of Unicode
  15) are letters or symbols to it, unassigned (Cn) and dropped here.

On the 3,000-line corpus of tests/test_text_parity.py (500k characters,
many scripts) the Python tokenizer and this code agree on every line;
the Rust pipeline differs on ~700 lines, all of them with a capital
sigma, U+FFFF or U+1FABF, and agrees on every other line.

Special tokens are split out of the raw text
first and kept whole, as HF does with its added tokens: "a[SEP]b" is
"a", "[SEP]", "b".

Batches (`encode_batch`) follow HF's `padding="max_length",
truncation=True`: every row is exactly `max_length` long, [CLS] ... [SEP]
then [PAD] ids, attention mask 1 over the real tokens, token type ids 0
for the first text ([CLS], its tokens, its [SEP]) and 1 for the second of
a pair; pairs are truncated longest first (a token off the longer one,
the second on a tie), as HF's Python tokenizer does.
"""

import os
import unicodedata
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

import pyjitx
from pyjitx import NDArray

IdsI64 = NDArray[np.int64, 2]

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


# ------------------------------------------------------------ character classes

def is_cjk(cp: int) -> bool:
    """HF's "Chinese character": the CJK Unified Ideographs blocks and extensions A-E,
    and the compatibility ideographs."""
    return ((cp >= 0x4E00 and cp <= 0x9FFF) or (cp >= 0x3400 and cp <= 0x4DBF)
            or (cp >= 0x20000 and cp <= 0x2A6DF) or (cp >= 0x2A700 and cp <= 0x2B73F)
            or (cp >= 0x2B740 and cp <= 0x2B81F) or (cp >= 0x2B820 and cp <= 0x2CEAF)
            or (cp >= 0xF900 and cp <= 0xFAFF) or (cp >= 0x2F800 and cp <= 0x2FA1F))


def is_ascii_punctuation(cp: int) -> bool:
    return ((cp >= 33 and cp <= 47) or (cp >= 58 and cp <= 64) or (cp >= 91 and cp <= 96)
            or (cp >= 123 and cp <= 126))


def is_punctuation(ch: str) -> bool:
    """HF's _is_punctuation: ASCII non-alphanumeric printables and categories P*."""
    cp = ord(ch)
    if cp < 128:
        return is_ascii_punctuation(cp)
    return unicodedata.category(ch)[0] == "P"


def clean_and_space(text: str, chinese: bool) -> str:
    """Steps 1 and 2: controls dropped, whitespace to " ", CJK ideographs spaced."""
    pieces: List[str] = []
    run = 0           # start of the run of characters copied unchanged
    i = 0
    if text.isascii():
        n = len(text)
        while i < n:
            cp = ord(text[i])
            if cp >= 32 and cp < 127:
                i += 1
                continue
            if run < i:
                pieces.append(text[run:i])
            if cp == 9 or cp == 10 or cp == 13:
                pieces.append(" ")
            i += 1
            run = i
        if run == 0:
            return text
        if run < n:
            pieces.append(text[run:n])
        return "".join(pieces)
    chars: List[str] = []
    changed = False
    for ch in text:
        cp = ord(ch)
        if cp >= 32 and cp < 127:
            chars.append(ch)
        elif cp < 128:
            changed = True
            if cp == 9 or cp == 10 or cp == 13:
                chars.append(" ")
        elif chinese and is_cjk(cp):
            changed = True
            # cleaning comes first: an unassigned code point in a CJK range (U+2CEA2,
            # U+FADA ...) is Cn and dropped; U+4E00..U+9FEF are all assigned
            if (cp >= 0x4E00 and cp <= 0x9FEF) or unicodedata.category(ch)[0] != "C":
                chars.append(" ")
                chars.append(ch)
                chars.append(" ")
        elif cp == 0xFFFD:
            changed = True
        else:
            cat = unicodedata.category(ch)
            if cat[0] == "C":
                changed = True
            elif cat == "Zs":
                changed = True
                chars.append(" ")
            else:
                chars.append(ch)
    if not changed:
        return text
    return "".join(chars)


def strip_accents(token: str) -> str:
    """NFD, then the nonspacing marks (Mn) dropped."""
    if token.isascii():
        return token
    chars: List[str] = []
    for ch in unicodedata.normalize("NFD", token):
        if ord(ch) < 128 or unicodedata.category(ch) != "Mn":
            chars.append(ch)
    return "".join(chars)


def split_on_punctuation(token: str, out: List[str]) -> None:
    """Append the pieces of `token` to `out`: each punctuation character alone."""
    n = len(token)
    start = 0
    i = 0
    if token.isascii():
        while i < n:
            if is_ascii_punctuation(ord(token[i])):
                if start < i:
                    out.append(token[start:i])
                out.append(token[i])
                start = i + 1
            i += 1
    else:
        for ch in token:
            if is_punctuation(ch):
                if start < i:
                    out.append(token[start:i])
                out.append(ch)
                start = i + 1
            i += 1
    if start == 0:
        if n > 0:
            out.append(token)
    elif start < n:
        out.append(token[start:n])


# ------------------------------------------------------------ the classes

@pyjitx.compile
class Vocabulary:
    """A WordPiece vocabulary: token -> id (a dict) and id -> token (a list).

    `Vocabulary(tokens)`: the id of a token is its position (vocab.txt order;
    a token listed twice keeps its last id, as HF's loader does);
    `Vocabulary.from_file(path)` reads a vocab.txt (one token per line).
    `unk_token` is the token unknown words map to; `unk_id` is -1 when the
    vocabulary lacks it."""

    def __init__(self, tokens: List[str], unk_token: str = "[UNK]") -> None:
        self.tokens: List[str] = []
        self.ids: Dict[str, int] = {}
        # continuation pieces without their "##": "##ing" is found as "ing"
        self.continuations: Dict[str, int] = {}
        self.longest = 0            # longest token, in characters
        self.longest_continuation = 0
        for i in range(len(tokens)):
            tok = tokens[i]
            self.tokens.append(tok)
            self.ids[tok] = i
            n = len(tok)
            if n > self.longest:
                self.longest = n
            if n > 2 and tok.startswith("##"):
                self.continuations[tok[2:]] = i
                if n - 2 > self.longest_continuation:
                    self.longest_continuation = n - 2
        self.unk_token = unk_token
        self.unk_id = self.ids.get(unk_token, -1)

    def __len__(self) -> int:
        return len(self.tokens)

    def size(self) -> int:
        """The number of ids (lines of the vocab.txt)."""
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.ids

    def contains(self, token: str) -> bool:
        return token in self.ids

    def id(self, token: str) -> int:
        """The token's id, else the unknown token's (-1 if there is none)."""
        return self.ids.get(token, self.unk_id)

    def token(self, i: int) -> str:
        """The token of id `i`, else the unknown token (HF's convert_ids_to_tokens)."""
        if i >= 0 and i < len(self.tokens):
            tok = self.tokens[i]
            if self.ids.get(tok, -1) == i:
                return tok
        return self.unk_token

    def ids_of(self, tokens: List[str]) -> List[int]:
        out: List[int] = []
        for tok in tokens:
            out.append(self.ids.get(tok, self.unk_id))
        return out

    def tokens_of(self, ids: List[int]) -> List[str]:
        out: List[str] = []
        for i in ids:
            out.append(self.token(i))
        return out


@pyjitx.compile
class BasicTokenizer:
    """HF's BasicTokenizer (steps 1-6 of the module docstring): text -> words.

    `strip_accents`: None follows `do_lower_case`, True or False forces it."""

    def __init__(self, do_lower_case: bool = True, tokenize_chinese_chars: bool = True,
                 strip_accents: Any = None, never_split: Optional[List[str]] = None) -> None:
        self.do_lower_case = do_lower_case
        self.tokenize_chinese_chars = tokenize_chinese_chars
        if strip_accents is None:
            self.strip_accents = do_lower_case
        else:
            self.strip_accents = bool(strip_accents)
        self.never_split: Dict[str, int] = {}
        if never_split is not None:
            given: List[str] = never_split
            for tok in given:
                self.never_split[tok] = 1

    def tokenize(self, text: str) -> List[str]:
        out: List[str] = []
        self.tokenize_into(text, out)
        return out

    def tokenize_into(self, text: str, out: List[str]) -> None:
        """Append the words of `text` to `out`."""
        text = clean_and_space(text, self.tokenize_chinese_chars)
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        check_never = len(self.never_split) > 0
        for token in text.split():
            if check_never and token in self.never_split:
                out.append(token)
                continue
            if self.do_lower_case:
                token = token.lower()
            if self.strip_accents:
                token = strip_accents(token)
            split_on_punctuation(token, out)


@pyjitx.compile
class WordPieceTokenizer:
    """Greedy longest-match-first WordPiece over a Vocabulary ("##" continuations)."""

    def __init__(self, vocab: Vocabulary, unk_token: str = "[UNK]",
                 max_input_chars_per_word: int = 100) -> None:
        self.vocab = vocab
        self.unk_token = unk_token
        self.unk_id = vocab.ids.get(unk_token, -1)
        self.max_input_chars_per_word = max_input_chars_per_word

    def word_ids(self, word: str, out: List[int]) -> None:
        """Append the ids of one word's pieces to `out` (the unknown id for a bad word).

        Only candidate pieces no longer than the vocabulary's longest entry
        are looked up: a longer one cannot match, so the result is the same."""
        n = len(word)
        if n > self.max_input_chars_per_word:
            out.append(self.unk_id)
            return
        vocab = self.vocab
        first = len(out)
        start = 0
        while start < n:
            end = n
            found = -1
            if start == 0:
                if end > vocab.longest:
                    end = vocab.longest
                while end > 0:
                    found = vocab.ids.get(word[0:end], -1)
                    if found >= 0:
                        break
                    end -= 1
            else:
                if end - start > vocab.longest_continuation:
                    end = start + vocab.longest_continuation
                while end > start:
                    found = vocab.continuations.get(word[start:end], -1)
                    if found >= 0:
                        break
                    end -= 1
            if found < 0:
                while len(out) > first:
                    out.pop()
                out.append(self.unk_id)
                return
            out.append(found)
            start = end

    def tokenize(self, text: str) -> List[str]:
        """The pieces of each whitespace-separated word of `text`."""
        ids: List[int] = []
        for word in text.split():
            self.word_ids(word, ids)
        out: List[str] = []
        for i in ids:
            if i < 0:
                out.append(self.unk_token)
            else:
                out.append(self.vocab.tokens[i])
        return out


@pyjitx.compile
class BertTokenizer:
    """HF's BERT tokenizer: BasicTokenizer, then WordPiece, [CLS]/[SEP], padding.

    `never_split=None` keeps the five special tokens whole (as HF passes its
    special tokens); ids are int64."""

    def __init__(self, vocab: Vocabulary, do_lower_case: bool = True,
                 tokenize_chinese_chars: bool = True, strip_accents: Any = None,
                 never_split: Optional[List[str]] = None, unk_token: str = "[UNK]",
                 sep_token: str = "[SEP]", pad_token: str = "[PAD]", cls_token: str = "[CLS]",
                 mask_token: str = "[MASK]", max_input_chars_per_word: int = 100) -> None:
        keep: List[str] = [unk_token, sep_token, pad_token, cls_token, mask_token]
        self.keep_whole: List[str] = [unk_token, sep_token, pad_token, cls_token, mask_token]
        if never_split is not None:
            given: List[str] = never_split
            for tok in given:
                keep.append(tok)
        self.user_never_split: Dict[str, int] = {}
        if never_split is not None:
            user: List[str] = never_split
            for tok in user:
                self.user_never_split[tok] = 1
        self.vocab = vocab
        self.basic = BasicTokenizer(do_lower_case, tokenize_chinese_chars, strip_accents, keep)
        self.wordpiece = WordPieceTokenizer(vocab, unk_token, max_input_chars_per_word)
        self.unk_token = unk_token
        self.unk_id = vocab.ids.get(unk_token, -1)
        self.cls_id = vocab.ids.get(cls_token, -1)
        self.sep_id = vocab.ids.get(sep_token, -1)
        self.pad_id = vocab.ids.get(pad_token, -1)
        self.special: Dict[int, int] = {}
        for tok in [unk_token, sep_token, pad_token, cls_token, mask_token]:
            if tok in vocab.ids:
                self.special[vocab.ids[tok]] = 1

    def ids(self, text: str) -> List[int]:
        """The WordPiece ids of `text`, no special tokens added."""
        words: List[str] = []
        self.basic.tokenize_into(self.space_special_tokens(text), words)
        out: List[int] = []
        check = len(self.user_never_split) > 0
        for word in words:
            if check and word in self.user_never_split:
                out.append(self.vocab.ids.get(word, self.unk_id))
            else:
                self.wordpiece.word_ids(word, out)
        return out

    def space_special_tokens(self, text: str) -> str:
        """`text` with a space either side of each special token in it,
        leftmost first, the longest at a position: HF splits these out of the raw text
        before the basic tokenizer sees it."""
        present = False
        for tok in self.keep_whole:
            if len(tok) > 0 and tok in text:
                present = True
        if not present:
            return text
        pieces: List[str] = []
        n = len(text)
        run = 0
        i = 0
        while i < n:
            best = 0
            for tok in self.keep_whole:
                m = len(tok)
                if m > best and text.startswith(tok, i):
                    best = m
            if best > 0:
                pieces.append(text[run:i])
                pieces.append(" ")
                pieces.append(text[i:i + best])
                pieces.append(" ")
                i += best
                run = i
            else:
                i += 1
        pieces.append(text[run:n])
        return "".join(pieces)

    def tokenize(self, text: str) -> List[str]:
        """The WordPiece tokens of `text` (HF's tokenizer.tokenize)."""
        out: List[str] = []
        for i in self.ids(text):
            if i < 0:
                out.append(self.unk_token)
            else:
                out.append(self.vocab.tokens[i])
        return out

    def _check(self) -> None:
        if self.cls_id < 0 or self.sep_id < 0:
            raise ValueError("the vocabulary lacks the [CLS] or [SEP] token")
        if self.unk_id < 0:
            raise ValueError("the vocabulary lacks the unknown token")

    def encode(self, text: str, max_length: int = 512, add_special_tokens: bool = True) -> List[int]:
        """[CLS] ids [SEP], truncated to `max_length` ids in all (HF's encode with
        truncation=True, no padding)."""
        self._check()
        ids = self.ids(text)
        if not add_special_tokens:
            if len(ids) > max_length:
                return ids[:max_length]
            return ids
        if max_length < 2:
            raise ValueError("max_length must leave room for [CLS] and [SEP]")
        keep = max_length - 2
        out: List[int] = [self.cls_id]
        n = len(ids)
        if n > keep:
            n = keep
        for k in range(n):
            out.append(ids[k])
        out.append(self.sep_id)
        return out

    def encode_pair(self, text: str, pair: str, max_length: int = 512) -> Tuple[List[int], List[int]]:
        """(ids, token type ids) of [CLS] a [SEP] b [SEP]; the longer side loses a
        token at a time (the second on a tie) until it fits (HF longest_first)."""
        self._check()
        a = self.ids(text)
        b = self.ids(pair)
        if max_length < 3:
            raise ValueError("max_length must leave room for [CLS] and two [SEP]")
        na = len(a)
        nb = len(b)
        while na + nb > max_length - 3:
            if na > nb:
                na -= 1
            else:
                nb -= 1
        ids: List[int] = [self.cls_id]
        types: List[int] = [0]
        for k in range(na):
            ids.append(a[k])
            types.append(0)
        ids.append(self.sep_id)
        types.append(0)
        for k in range(nb):
            ids.append(b[k])
            types.append(1)
        ids.append(self.sep_id)
        types.append(1)
        return ids, types

    def encode_batch(self, texts: List[str], max_length: int = 128) -> Tuple[IdsI64, IdsI64, IdsI64]:
        """(input ids, attention mask, token type ids), int64 arrays [len(texts), max_length]:
        HF's padding="max_length", truncation=True."""
        n = len(texts)
        ids = np.zeros((n, max_length), np.int64)
        mask = np.zeros((n, max_length), np.int64)
        types = np.zeros((n, max_length), np.int64)
        for r in range(n):
            row = self.encode(texts[r], max_length)
            for j in range(len(row)):
                ids[r, j] = row[j]
                mask[r, j] = 1
            if self.pad_id != 0:
                for j in range(len(row), max_length):
                    ids[r, j] = self.pad_id
        return ids, mask, types

    def encode_pair_batch(self, texts: List[str], pairs: List[str],
                          max_length: int = 128) -> Tuple[IdsI64, IdsI64, IdsI64]:
        """encode_batch for (text, pair) rows."""
        if len(texts) != len(pairs):
            raise ValueError("texts and pairs differ in length")
        n = len(texts)
        ids = np.zeros((n, max_length), np.int64)
        mask = np.zeros((n, max_length), np.int64)
        types = np.zeros((n, max_length), np.int64)
        for r in range(n):
            row, kinds = self.encode_pair(texts[r], pairs[r], max_length)
            for j in range(len(row)):
                ids[r, j] = row[j]
                mask[r, j] = 1
                types[r, j] = kinds[j]
            if self.pad_id != 0:
                for j in range(len(row), max_length):
                    ids[r, j] = self.pad_id
        return ids, mask, types

    def convert_ids_to_tokens(self, ids: List[int]) -> List[str]:
        return self.vocab.tokens_of(ids)

    def convert_tokens_to_ids(self, tokens: List[str]) -> List[int]:
        return self.vocab.ids_of(tokens)

    def decode(self, ids: List[int], skip_special_tokens: bool = False) -> str:
        """Tokens joined by spaces, "##" continuations glued on, then HF's
        clean_up_tokenization (" ." -> ".", " n't" -> "n't", ...)."""
        tokens: List[str] = []
        for i in ids:
            if skip_special_tokens and i in self.special:
                continue
            tokens.append(self.vocab.token(i))
        s = " ".join(tokens).replace(" ##", "").strip()
        return (s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re"))


# ------------------------------------------------------------ loading

def read_vocab_file(path: str) -> List[str]:
    """The tokens of a vocab.txt, one per line (the newline stripped, as HF does)."""
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh]


def _vocab_from_file(cls, path: str, unk_token: str = "[UNK]"):
    """Vocabulary.from_file(path): a vocab.txt, id = line number."""
    return cls(read_vocab_file(path), unk_token)


def _bert_from_vocab_file(cls, path: str, do_lower_case: bool = True, **kwargs):
    """BertTokenizer.from_vocab_file(path, ...): the vocab.txt and BertTokenizer's options."""
    unk = kwargs.get("unk_token", "[UNK]")
    return cls(Vocabulary(read_vocab_file(path), unk), do_lower_case, **kwargs)


# Plain Python (not compiled) class methods: the instances they make are built
# from Python, so a traced pipeline can save them.
Vocabulary.from_file = classmethod(_vocab_from_file)
BertTokenizer.from_vocab_file = classmethod(_bert_from_vocab_file)


def python_module():
    """This module's source loaded again with pyjitx.compile disabled: the same classes
    and functions run by CPython (the reference the tests and benchmarks compare with)."""
    import importlib.util
    import sys
    name = "pyjitx._text_python"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.abspath(__file__))
    module = importlib.util.module_from_spec(spec)
    saved = os.environ.get("PYJITX_DISABLE_JIT")
    os.environ["PYJITX_DISABLE_JIT"] = "1"
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del os.environ["PYJITX_DISABLE_JIT"]
        else:
            os.environ["PYJITX_DISABLE_JIT"] = saved
    sys.modules[name] = module
    return module


__all__ = ["Vocabulary", "BasicTokenizer", "WordPieceTokenizer", "BertTokenizer",
           "SPECIAL_TOKENS", "read_vocab_file", "python_module", "is_cjk"]
