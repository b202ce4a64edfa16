"""unicodedata in compiled code: normalize / is_normalized / category /
combining (and mirrored, east_asian_width, decomposition), differential
against CPython's unicodedata on every code point and on generated text."""
from __future__ import annotations

import random
import unicodedata
from typing import List
from unicodedata import category, normalize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx
from difftest import JIT_DISABLED, _Raised, _run, assert_same, unicode_text

FORMS = ("NFC", "NFD", "NFKC", "NFKD")
# every code point a pyjitx str can hold (no surrogates)
ALL_CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def jit(fn):
    return pyjitx.compile(fn)


def check(pyfunc, compiled, *args):
    """assert_same, and TypeError/ValueError messages too."""
    expected = assert_same(pyfunc, compiled, *args)
    if isinstance(expected, _Raised):
        got = _run(compiled, args, {})
        assert type(got.exc) is type(expected.exc)
        assert str(got.exc) == str(expected.exc)
    return expected


# ------------------------------------------------------------- subjects


def u_normalize(form: str, s: str) -> str:
    return unicodedata.normalize(form, s)


def u_is_normalized(form: str, s: str) -> bool:
    return unicodedata.is_normalized(form, s)


def u_category(c: str) -> str:
    return unicodedata.category(c)


def u_combining(c: str) -> int:
    return unicodedata.combining(c)


def u_lookups(c: str) -> str:
    return "%s %d %d %s [%s]" % (unicodedata.category(c), unicodedata.combining(c),
                                 unicodedata.mirrored(c), unicodedata.east_asian_width(c),
                                 unicodedata.decomposition(c))


def u_from_import(s: str) -> str:
    return normalize("NFD", s) + category(s[:1] or "x")


def u_version() -> str:
    return unicodedata.unidata_version


def u_categories(chars: List[str]) -> str:
    return "".join([unicodedata.category(c) for c in chars])


def u_combinings(chars: List[str]) -> List[int]:
    return [unicodedata.combining(c) for c in chars]


def u_other_lookups(chars: List[str]) -> List[str]:
    return [u_lookups(c) for c in chars]


def u_normalize_all(form: str, items: List[str]) -> List[str]:
    return [unicodedata.normalize(form, s) for s in items]


def u_is_normalized_all(form: str, items: List[str]) -> List[bool]:
    return [unicodedata.is_normalized(form, s) for s in items]


def u_bert_words(text: str) -> List[str]:
    """The BERT tokenizer's accent stripping: NFD, then drop the marks."""
    out = []
    for w in text.split():
        out.append("".join([c for c in unicodedata.normalize("NFD", w)
                            if unicodedata.category(c) != "Mn"]))
    return out


def u_split_normalized(text: str) -> List[str]:
    """`for w in s.split()` reads words into one reused buffer when w only
    reaches calls that keep nothing (unicodedata's): the results kept must
    still be copies, not that buffer."""
    out = []
    for w in text.split():
        out.append(unicodedata.normalize("NFC", w))
        out.append(normalize("NFKD", w))
        if len(w) == 1:
            out.append(unicodedata.category(w) + str(unicodedata.combining(w)))
        if unicodedata.is_normalized("NFD", w):
            out.append("nfd")
    return out


# ------------------------------------------------ every code point


def test_category_and_combining_of_every_code_point():
    assert jit(u_categories)(ALL_CHARS) == u_categories(ALL_CHARS)
    assert jit(u_combinings)(ALL_CHARS) == u_combinings(ALL_CHARS)


def test_other_lookups_of_every_code_point():
    assert jit(u_other_lookups)(ALL_CHARS) == u_other_lookups(ALL_CHARS)


@pytest.mark.parametrize("form", FORMS)
def test_normalize_every_code_point(form):
    got = jit(u_normalize_all)(form, ALL_CHARS)
    expected = u_normalize_all(form, ALL_CHARS)
    if got != expected:
        bad = [(hex(ord(c)), g, e) for c, g, e in zip(ALL_CHARS, got, expected) if g != e]
        pytest.fail(f"{len(bad)} differ, e.g. {bad[:5]}")
    assert jit(u_is_normalized_all)(form, ALL_CHARS) == u_is_normalized_all(form, ALL_CHARS)


# ---------------------------------------------------- generated text

# characters that take part in normalisation: they decompose, or combine
INTERESTING = [c for c in ALL_CHARS
               if unicodedata.decomposition(c) or unicodedata.combining(c)]
HANGUL = ([chr(c) for c in range(0x1100, 0x1113)] + [chr(c) for c in range(0x1161, 0x1176)]
          + [chr(c) for c in range(0x11A8, 0x11C3)] + ["가", "각", "한", "글", "힣"])
MARKS = ["\u0301", "\u0300", "\u0308", "\u0327", "\u0328", "\u0323", "\u031b", "\u0345",
         "\u05b0", "\u0e48", "\u093c", "\u0f71", "\u0f72", "\u0f74", "\u302a", "\u1dce"]
PIECES = (["a", "e", "o", "A", "Å", "é", "ñ", "ü", "ǖ", "ḉ", "ﬁ", "²", "½", "ℌ", "Ω", "K",
           "中", "文", "日本", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", " ", "", "ß", "ı",
           "\u0b47", "\u0b3e", "\u0cc6", "\u0cd5", "\u1025", "\u102e", "ｶﾞ", "ﾊﾟ", "㍿",
           "\u0344", "\u0f73", "\u2126", "\u212b", "\u1e9b"] + MARKS + HANGUL)

normalizable_text = st.one_of(
    unicode_text,
    st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
    st.text(st.sampled_from(MARKS + HANGUL + ["a", "e", "中", "\u0b47"]), max_size=10),
    st.text(st.sampled_from(INTERESTING), max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMS), normalizable_text)
def test_normalize_text(form, s):
    check(u_normalize, jit(u_normalize), form, s)
    check(u_is_normalized, jit(u_is_normalized), form, s)


def test_normalize_random_strings():
    rng = random.Random(1234)
    pool = INTERESTING + HANGUL + MARKS + ["a", "e", "中", " ", "\u0b47", "\u1100"]
    items = ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 9)))
             for _ in range(4000)]
    # and the same strings normalised, to hit the "yes"/"maybe" paths
    for form in FORMS:
        items += [unicodedata.normalize(form, s) for s in items[:500]]
    for form in FORMS:
        assert jit(u_normalize_all)(form, items) == u_normalize_all(form, items), form
        assert jit(u_is_normalized_all)(form, items) == u_is_normalized_all(form, items), form


@pytest.mark.parametrize("s", ["", "abc", "café", "e\u0301", "한국어", "\u1100\u1161\u11a8",
                               "a\u0328\u0301\u0323", "\u0301abc", "ﷺ", "Å", "\u1e9b\u0323",
                               "\u0b47\u0300\u0b3e", "ｶﾞｷﾞ", "x" * 300 + "é" * 300])
@pytest.mark.parametrize("form", FORMS)
def test_normalize_examples(form, s):
    check(u_normalize, jit(u_normalize), form, s)
    check(u_is_normalized, jit(u_is_normalized), form, s)


def test_bert_accent_stripping():
    text = "Héllo wörld ÀÉÎÕÜ naïve café 中文 한국어 ﬁne x\u0301 " * 20
    check(u_bert_words, jit(u_bert_words), text)


@pytest.mark.parametrize("text", ["the quick brown fox", "Héllo wörld ﬁ x\u0301 中文 한국",
                                  "", "   ", "a b c d e f g h" * 30])
def test_split_words_normalized(text):
    compiled = jit(u_split_normalized)
    check(u_split_normalized, compiled, text)
    if not JIT_DISABLED:  # the loop does use the word buffer
        assert "str_split_scratch" in compiled.inspect_ir()


def test_from_import_and_version():
    check(u_from_import, jit(u_from_import), "é")
    check(u_from_import, jit(u_from_import), "")
    check(u_version, jit(u_version))


# ------------------------------------------------------------- errors


@pytest.mark.parametrize("form", ["nfc", "", "N", "NF", "NFC ", "NFX", "NFKDD", "NFKX", "NFCD", "XFKC", "NKFC"])
def test_bad_form(form):
    check(u_normalize, jit(u_normalize), form, "abc")
    check(u_is_normalized, jit(u_is_normalized), form, "é")
    # CPython returns an empty string before it looks at the form
    check(u_normalize, jit(u_normalize), form, "")
    check(u_is_normalized, jit(u_is_normalized), form, "")


@pytest.mark.parametrize("c", ["", "ab", "é\u0301", "中文"])
def test_not_one_character(c):
    check(u_category, jit(u_category), c)
    check(u_combining, jit(u_combining), c)
    check(u_lookups, jit(u_lookups), c)


def _bad_attribute(c: str) -> str:
    return unicodedata.name(c)


def _bad_keyword(s: str) -> str:
    return unicodedata.normalize("NFC", unistr=s)


def _bad_type(s: str) -> str:
    return unicodedata.category(1)


def _bad_arity(s: str) -> str:
    return unicodedata.normalize(s)


@pytest.mark.parametrize("fn, words", [
    (_bad_attribute, "'unicodedata.name' cannot be called"),
    (_bad_keyword, "takes no keyword arguments"),
    (_bad_type, "category() argument must be a unicode character, not int"),
    (_bad_arity, "normalize() takes exactly 2 arguments (1 given)"),
])
def test_compile_errors(fn, words):
    if JIT_DISABLED:
        pytest.skip("the JIT is disabled")
    with pytest.raises(pyjitx.CompileError) as info:
        jit(fn)("a")
    assert words in str(info.value)


# --------------------------------------------------------------- leaks


def u_churn(items: List[str]) -> int:
    n = 0
    for s in items:
        for form in ("NFC", "NFD", "NFKC", "NFKD"):
            n += len(unicodedata.normalize(form, s))
            n += unicodedata.is_normalized(form, s)
        if len(s) == 1:
            n += len(unicodedata.category(s)) + unicodedata.combining(s)
            n += len(unicodedata.decomposition(s))
        try:
            unicodedata.normalize("bad", s)
        except ValueError:
            n += 1
    return n


def test_no_leaks():
    items = ["", "a", "é", "ﷺ", "한", "x" * 100 + "\u0301" * 200, "e\u0301\u0323"] * 50
    compiled = jit(u_churn)
    assert compiled(items) == u_churn(items)
    if JIT_DISABLED:
        return
    from pyjitx.runtime import live_objects

    before = live_objects()
    compiled(items)
    assert live_objects() == before
