"""pyjitx.text's API: Vocabulary, BasicTokenizer, WordPieceTokenizer and
BertTokenizer compiled and run by CPython (pyjitx.text.python_module())
give identical results -- on hand-picked cases and on random Unicode text
(hypothesis) -- and a BertTokenizer held by a workflow class traces into a
pipeline that saves, loads and runs with equal results."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx
import pyjitx.text as text

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")

PY = text.python_module()
TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello", "world",
          "!", ",", ".", "'", "s", "t", "don", "中", "文", "é", "e", "cafe", "##s", "a", "b", "c",
          "##a", "##b", "##c", "οδος", "при", "##вет", "😀", "naive", "x", "##x"]


def both(tokens=TOKENS, **kwargs):
    return (text.BertTokenizer(text.Vocabulary(tokens), **kwargs),
            PY.BertTokenizer(PY.Vocabulary(tokens), **kwargs))


def test_python_module_is_plain_python():
    assert PY.BertTokenizer is not text.BertTokenizer
    assert not hasattr(PY.BertTokenizer, "__pjx_class__")
    assert hasattr(text.BertTokenizer, "__pjx_class__")


def test_vocabulary(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("".join(t + "\n" for t in TOKENS + ["hello"]), encoding="utf-8")
    for mod in (text, PY):
        v = mod.Vocabulary.from_file(str(path))
        assert len(v) == v.size() == len(TOKENS) + 1
        assert v.id("hello") == len(TOKENS)            # listed twice: the last id, as HF
        assert v.token(8) == "[UNK]" and v.token(len(TOKENS)) == "hello"
        assert v.id("nope") == 1 and v.token(-1) == "[UNK]" and v.token(10 ** 6) == "[UNK]"
        assert v.contains("##aff") and "##aff" in v and not v.contains("aff")
        assert v.ids_of(["un", "##aff", "?"]) == [5, 6, 1]
        assert v.tokens_of([5, 6, 999]) == ["un", "##aff", "[UNK]"]
        assert mod.Vocabulary(["a"]).unk_id == -1


@pytest.mark.parametrize("case", [
    "UNaffable hello, World!", "don't", "中文 ab中c", "Café naïve cafe\u0301s", "ΟΔΟΣ οδος",
    "привет 😀 \x00\ufffd\u200bx", "a\tb\nc\rd\u00a0e\u3000f", "", "   ", "[SEP] a[MASK]b [cls]",
    "x" * 101, "x" * 100, "abcabc", "\u0301\u0301", "hello... world!!!", "İI ß",
    "\U0002cea2\u2695\ufada\uf900\u9fff\U0002a6df"])
def test_tokens_ids_and_batches_compiled_equal_cpython(case):
    tok, py = both()
    assert tok.tokenize(case) == py.tokenize(case)
    assert tok.encode(case, 8) == py.encode(case, 8)
    assert tok.encode_pair(case, "hello " + case, 10) == py.encode_pair(case, "hello " + case, 10)
    assert tok.basic.tokenize(case) == py.basic.tokenize(case)
    assert tok.wordpiece.tokenize(case) == py.wordpiece.tokenize(case)
    for g, w in zip(tok.encode_batch([case, "hello"], 6), py.encode_batch([case, "hello"], 6)):
        np.testing.assert_array_equal(g, w)


def test_known_answers():
    tok, _ = both()
    assert tok.tokenize("UNaffable, hello World!") == ["un", "##aff", "##able", ",", "hello", "world", "!"]
    assert tok.encode("hello world", 3) == [2, 8, 3]
    assert tok.encode("hello world") == [2, 8, 9, 3]
    assert tok.encode("hello", add_special_tokens=False) == [8]
    ids, types = tok.encode_pair("hello world", "world", 6)
    assert ids == [2, 8, 9, 3, 9, 3] and types == [0, 0, 0, 0, 1, 1]
    ids, mask, types = tok.encode_batch(["hello", "world hello x"], 5)
    assert ids.tolist() == [[2, 8, 3, 0, 0], [2, 9, 8, 34, 3]]
    assert mask.tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    assert types.tolist() == [[0] * 5, [0] * 5]
    assert tok.decode([2, 8, 9, 11, 3]) == "[CLS] hello world, [SEP]"
    assert tok.decode([2, 5, 6, 7, 3], skip_special_tokens=True) == "unaffable"
    assert tok.tokenize("a" * 101) == ["[UNK]"]
    cased, _ = both(do_lower_case=False)
    assert cased.tokenize("Hello") == ["[UNK]"] and cased.tokenize("hello") == ["hello"]
    # unassigned code points in the CJK ranges are dropped (cleaning comes first)
    assert tok.tokenize("\U0002cea2\ufada中") == ["中"]
    keep, _ = both(never_split=["Hello!"])
    assert keep.tokenize("Hello! hello!") == ["[UNK]", "hello", "!"]


def test_errors():
    tok = text.BertTokenizer(text.Vocabulary(["a", "b"]))
    with pytest.raises(ValueError):
        tok.encode("a")
    with pytest.raises(ValueError):
        both()[0].encode("a", 1)


alphabet = st.characters(blacklist_categories=("Cs",))
mixed = st.sampled_from(list("aAbBcC éÉüÜ中文\t\n\u00a0\u3000.,!?'-#[]ΣσςΟΔ😀\u200d\u0301\x00\ufffd")
                        + ["[SEP]", "[MASK]", "un", "aff", "able", "hello"])


@settings(max_examples=150)
@given(st.one_of(st.text(alphabet, max_size=40), st.lists(mixed, max_size=30).map("".join)),
       st.integers(min_value=2, max_value=12))
def test_random_text_compiled_equals_cpython(s, max_length):
    tok, py = TOK_PAIR
    assert tok.tokenize(s) == py.tokenize(s)
    assert tok.encode(s, max_length) == py.encode(s, max_length)
    assert tok.encode_pair(s, s[::-1], max_length + 1) == py.encode_pair(s, s[::-1], max_length + 1)


TOK_PAIR = both()


class Workflow:
    """A traced pipeline: a BertTokenizer op between two glue ops."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def process(self, line: str):
        texts = line.split("|")
        ids, mask, types = self.tokenizer.encode_batch(texts, 8)
        return ids, mask


def test_bert_tokenizer_in_a_saved_and_loaded_pipeline(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("".join(t + "\n" for t in TOKENS), encoding="utf-8")
    tok = text.BertTokenizer.from_vocab_file(str(path))
    flow = Workflow(tok)
    example = "hello world|UNaffable!"
    pipeline = pyjitx.trace(flow.process, example)
    pipeline.save(str(tmp_path / "saved"))
    loaded = pyjitx.load(str(tmp_path / "saved"))
    for line in [example, "cafe\u0301s|中文 x|", "a b c|don't"]:
        want = flow.process(line)
        for got in (pipeline.run({"line": line}), loaded.run({"line": line})):
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w)
