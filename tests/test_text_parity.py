"""pyjitx.text.BertTokenizer against Hugging Face, on a generated multilingual corpus.

The corpus (tests/text_corpus.py: 3,000 lines, ~500k characters of many
scripts, emoji, controls, odd whitespace, combining marks, long words) and
a vocabulary built from it are written to a tmp dir; the compiled
tokenizer must then give, line for line:

- exactly transformers' Python BERT tokenizer's tokens, ids, and padded
  batch (ids, attention mask, token type ids; pairs too): the semantics
  pyjitx.text follows;
- exactly the Rust `tokenizers` BERT pipeline's (and transformers 5's
  BertTokenizer, which is it) on every line without the documented
  differences (a capital sigma -- Rust has no final-sigma rule --, U+FFFF
  and characters of Unicode versions CPython's tables lack); the lines
  with them are counted and must differ only there;
- exactly what the same classes give run by CPython (pyjitx.text.python_module()).

The HF comparisons are skipped, saying why, only when the import fails.
"""
from __future__ import annotations

import difflib
import os
import unicodedata

import numpy as np
import pytest

import pyjitx.text as text
import text_corpus

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")

N_LINES = 3000
MAX_LEN = 48
# where the Rust pipeline and the Python tokenizer differ (pyjitx/text.py's docstring)
RUST_DIFFERS = ("Σ", "\uffff")


def rust_differs(line: str) -> bool:
    """Does the line hold a character where the Rust pipeline is documented
    to differ: a capital sigma, U+FFFF, or a character this CPython's
    Unicode tables do not assign (Rust knows Unicode 15; CPython 3.10 has
    13.0, 3.11 14.0, 3.13 15.1)?"""
    return any(c in RUST_DIFFERS or unicodedata.category(c) == "Cn" for c in line)

PY = text.python_module()


@pytest.fixture(scope="module")
def corpus():
    return text_corpus.corpus_lines(N_LINES)


@pytest.fixture(scope="module")
def vocab_file(corpus, tmp_path_factory):
    tokens = text_corpus.build_vocab(corpus, PY.BasicTokenizer().tokenize)
    return text_corpus.write_vocab(tmp_path_factory.mktemp("vocab") / "vocab.txt", tokens)


@pytest.fixture(scope="module")
def tok(vocab_file):
    return text.BertTokenizer.from_vocab_file(vocab_file)


@pytest.fixture(scope="module")
def py_tok(vocab_file):
    return PY.BertTokenizer.from_vocab_file(vocab_file)


def python_hf(vocab_file, **kwargs):
    """transformers' Python BERT tokenizer (BertTokenizerLegacy in 5.x, BertTokenizer before)."""
    try:
        from transformers.models.bert import tokenization_bert_legacy as legacy
        cls = legacy.BertTokenizerLegacy
    except ImportError:
        try:
            from transformers import BertTokenizer as cls
        except ImportError as exc:
            pytest.skip(f"transformers does not import: {exc}")
        if getattr(cls, "is_fast", False) or "Fast" in cls.__name__:
            pytest.skip("this transformers has no Python BertTokenizer")
    return cls(vocab_file, **kwargs)


def rust_hf(vocab_file, lowercase=True):
    """The Rust pipeline: BertNormalizer + BertPreTokenizer + WordPiece + [CLS]/[SEP]."""
    try:
        from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
        from tokenizers.models import WordPiece
    except ImportError as exc:
        pytest.skip(f"tokenizers does not import: {exc}")
    t = Tokenizer(WordPiece.from_file(vocab_file, unk_token="[UNK]", max_input_chars_per_word=100))
    t.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                              strip_accents=None, lowercase=lowercase)
    t.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    t.add_special_tokens(text_corpus.SPECIAL)
    cls_id, sep_id = t.token_to_id("[CLS]"), t.token_to_id("[SEP]")
    t.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    return t


def first_difference(a, b):
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [(a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"][:3]


def assert_lines_equal(got_of, want_of, lines, label):
    bad = []
    for k, line in enumerate(lines):
        got, want = got_of(line), want_of(line)
        if got != want:
            bad.append((k, line[:80], first_difference(got, want)))
    assert not bad, f"{len(bad)} of {len(lines)} lines differ from {label}: {bad[:3]}"


# ------------------------------------------------------------ compiled vs CPython

def test_the_corpus_is_what_the_tests_say(corpus):
    assert len(corpus) == N_LINES
    joined = "".join(corpus)
    assert sum(1 for line in corpus if not line.strip()) > 20          # empty and blank lines
    for needle in ("\x00", "\t", "\u200d", "\u0301", "Σ", "👨", "中", "\ufffd", "[SEP]"):
        assert needle in joined
    assert max(len(w) for line in corpus for w in line.split()) > 100


def test_compiled_tokens_match_cpython(corpus, tok, py_tok):
    assert_lines_equal(tok.tokenize, py_tok.tokenize, corpus, "the same class in CPython")


def test_compiled_batch_matches_cpython(corpus, tok, py_tok):
    got = tok.encode_batch(corpus, MAX_LEN)
    want = py_tok.encode_batch(corpus, MAX_LEN)
    for g, w in zip(got, want):
        assert g.dtype == np.int64 and g.shape == (N_LINES, MAX_LEN)
        np.testing.assert_array_equal(g, w)


# ------------------------------------------------------------ transformers' Python tokenizer

def test_tokens_and_ids_match_transformers_python_tokenizer(corpus, vocab_file, tok):
    hf = python_hf(vocab_file)
    assert_lines_equal(tok.tokenize, hf.tokenize, corpus, type(hf).__name__)
    assert_lines_equal(lambda s: tok.encode(s, 512), lambda s: hf.encode(s, max_length=512, truncation=True),
                       corpus, type(hf).__name__ + ".encode")


def test_padded_batch_matches_transformers_python_tokenizer(corpus, vocab_file, tok):
    hf = python_hf(vocab_file)
    want = hf(corpus, padding="max_length", truncation=True, max_length=MAX_LEN,
              return_tensors="np", return_token_type_ids=True, return_attention_mask=True)
    ids, mask, types = tok.encode_batch(corpus, MAX_LEN)
    np.testing.assert_array_equal(ids, want["input_ids"])
    np.testing.assert_array_equal(mask, want["attention_mask"])
    np.testing.assert_array_equal(types, want["token_type_ids"])


def test_pairs_match_transformers_python_tokenizer(corpus, vocab_file, tok):
    hf = python_hf(vocab_file)
    a, b = corpus[0:400], corpus[400:800]
    want = hf(a, b, padding="max_length", truncation="longest_first", max_length=MAX_LEN,
              return_tensors="np", return_token_type_ids=True, return_attention_mask=True)
    ids, mask, types = tok.encode_pair_batch(a, b, MAX_LEN)
    np.testing.assert_array_equal(ids, want["input_ids"])
    np.testing.assert_array_equal(mask, want["attention_mask"])
    np.testing.assert_array_equal(types, want["token_type_ids"])


def test_cased_and_accent_options_match_transformers_python_tokenizer(corpus, vocab_file):
    lines = corpus[:600]
    for kwargs in ({"do_lower_case": False}, {"do_lower_case": True, "strip_accents": False},
                   {"do_lower_case": False, "strip_accents": True},
                   {"tokenize_chinese_chars": False}):
        hf = python_hf(vocab_file, **kwargs)
        ours = text.BertTokenizer(text.Vocabulary.from_file(vocab_file), **kwargs)
        assert_lines_equal(ours.tokenize, hf.tokenize, lines, f"{type(hf).__name__}({kwargs})")


def test_decode_matches_transformers_python_tokenizer(corpus, vocab_file, tok):
    hf = python_hf(vocab_file)
    for line in corpus[:300]:
        ids = tok.encode(line, 64)
        assert tok.convert_ids_to_tokens(ids) == hf.convert_ids_to_tokens(ids)
        assert tok.decode(ids) == hf.decode(ids), line
        assert tok.decode(ids, True) == hf.decode(ids, skip_special_tokens=True), line


# ------------------------------------------------------------ the Rust tokenizers

def test_matches_rust_tokenizers_except_documented_cases(corpus, vocab_file, tok):
    rust = rust_hf(vocab_file)
    same = [line for line in corpus if not rust_differs(line)]
    documented = [line for line in corpus if rust_differs(line)]
    assert len(same) > N_LINES // 2
    assert_lines_equal(tok.tokenize, lambda s: rust.encode(s, add_special_tokens=False).tokens,
                       same, "tokenizers (Rust)")
    rust.enable_padding(length=MAX_LEN, pad_id=0)
    rust.enable_truncation(MAX_LEN)
    encodings = rust.encode_batch(same)
    ids, mask, types = tok.encode_batch(same, MAX_LEN)
    np.testing.assert_array_equal(ids, np.array([e.ids for e in encodings]))
    np.testing.assert_array_equal(mask, np.array([e.attention_mask for e in encodings]))
    np.testing.assert_array_equal(types, np.array([e.type_ids for e in encodings]))
    # the documented lines differ only in the documented characters' words
    rust.no_padding()
    rust.no_truncation()
    for line in documented:
        got = tok.tokenize(line)
        want = rust.encode(line, add_special_tokens=False).tokens
        for ours, theirs in first_difference(got, want):
            assert any(c in "".join(ours) + "".join(theirs) for c in "ςσ") or \
                "[UNK]" in ours + theirs or (not ours) or (not theirs), (line, ours, theirs)


def test_transformers_default_bert_tokenizer_where_it_is_rust(corpus, vocab_file, tok):
    try:
        import transformers
    except ImportError as exc:
        pytest.skip(f"transformers does not import: {exc}")
    hf = transformers.BertTokenizer(vocab_file)
    if not getattr(hf, "is_fast", False):
        pytest.skip("transformers.BertTokenizer is the Python one here (tested above)")
    same = [line for line in corpus if not rust_differs(line)]
    assert_lines_equal(tok.tokenize, hf.tokenize, same, "transformers.BertTokenizer (Rust)")


def test_random_code_points_match_transformers_python_tokenizer(vocab_file, tok):
    """Strings of random code points (all planes, unassigned ones included, with
    capitals, sigma, combining marks and brackets mixed in), cased and uncased."""
    import random
    rng = random.Random(1)

    def char():
        r = rng.random()
        c = (rng.randint(0, 0x2FFF) if r < 0.5 else rng.randint(0, 0x10FFFF) if r < 0.8
             else rng.choice([0x20, 0x41, 0x61, 0x301, 0x3A3, 0x130, 0x1E9E, 0xDF, 0x5B, 0x5D]))
        return chr(0x20 if 0xD800 <= c <= 0xDFFF else c)

    cased = text.BertTokenizer(text.Vocabulary.from_file(vocab_file), do_lower_case=False)
    pairs = [(tok, python_hf(vocab_file)), (cased, python_hf(vocab_file, do_lower_case=False))]
    lines = ["".join(char() for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for ours, hf in pairs:
        assert_lines_equal(ours.tokenize, hf.tokenize, lines, type(hf).__name__)
