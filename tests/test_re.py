"""`re` in compiled code, tested differentially against CPython's re.

The patterns below cover what issue 18 asks for: the flags I, M, S, X, A,
U (and L for bytes), named groups, greedy, non-greedy and possessive
quantifiers, atomic groups, lookahead and lookbehind, backreferences,
conditionals, and \\w \\d \\s \\b as CPython defines them for str and bytes.

So that each operation is compiled once (not once per pattern), the test
generates a module: one module-level re.compile per pattern (P0, P1, ...)
and, per operation, one function `op(i, s)` that runs pattern i
(an if-chain over i) and returns repr() of what the operation gave --
the same text in CPython and in compiled code when the results (values
and types, None included) are the same.  That module is imported once, its
functions run by CPython and compiled by pyjitx, and hypothesis feeds them
texts: ASCII, accented letters, CJK, emoji, case-folding specials (Kelvin
sign, long s, dotted I), Unicode digits and spaces, the empty string.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import textwrap
import time
from typing import Any, Callable, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import JIT_DISABLED

pytestmark = pytest.mark.needs_jit

# (pattern, flags); every pattern must compile in CPython
STR_PATTERNS: List[Tuple[str, int]] = [
    # Unicode classes (the default for str patterns)
    (r"\w+", 0),
    (r"\d+", 0),
    (r"\s+", 0),
    (r"\W+|\D\S", 0),
    (r"\b\w", 0),
    (r"\B.", 0),
    (r"\b", 0),
    (r"[^\W\d_]+", 0),
    (r"[\w.+-]+@[\w-]+\.[\w.]+", 0),
    (r"[é-ü]+|[\u4e00-\u9fff]+|😀+", 0),
    (r"[^a-z\s]", 0),
    # flags
    (r"\w+", re.A),
    (r"\d|\s|\b.", re.A),
    (r"\w+\s\d", re.U),
    (r"[a-z]+", re.I),
    (r"k|s|straße|i", re.I),
    (r"[^k]+", re.I),
    (r"[a-z]+", re.I | re.A),
    (r"\u0130|ǅ|ω", re.I),
    (r"^\w+$", re.M),
    (r"^.*$", re.M | re.S),
    (r"a.c|.$", 0),
    (r".+", re.S),
    (r"""\d+   # a number
          [ ]?  # maybe a space
          (?P<unit> [a-z]+ )  # its unit""", re.X),
    (r"(?i)a(?-i:b)c", 0),
    (r"(?s:.)\Z|\A\w", 0),
    (r"$", 0),
    (r"(?m)$\n?", 0),
    # groups
    (r"(a)(b)?(c)", 0),
    (r"(?P<first>\w)(?P<rest>\w*)", 0),
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"(\w)\1", 0),
    (r"(\w)\1", re.I),
    (r"(?:(a)|b)+", 0),
    # quantifiers
    (r"a*?b", 0),
    (r"(a|b)*?c", 0),
    (r"\w{2,3}", 0),
    (r"\w{,2}?x", 0),
    (r"(ab){2}", 0),
    # lookaround
    (r"(?<=a)b", 0),
    (r"(?<!a)b", 0),
    (r"(?=\w)\W?", 0),
    (r"(?!a)\w", 0),
    (r"(?<=(a))\w\1", 0),
    (r"\w+(?=\s)", 0),
    (r"(?<![\w])\d+(?![\w])", 0),
    # conditionals
    (r"(<)?\w+(?(1)>|$)", 0),
    (r"(a)?(?(1)b|c)", 0),
    (r"(?P<q>['\"])?\w+(?(q)(?P=q))", 0),
    # empty matches
    (r"", 0),
    (r"x*", 0),
    (r"(?=a)", 0),
    (r"a|", 0),
    (r"(a)|b", 0),
    (r"(a*)*b", 0),
    (r"(a|)*", 0),
    (r"(?:a?)+?b", 0),
    (r"(\w+?)(\d*)$", 0),
    (r"\s*", 0),
    # tokenisers
    (r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""", 0),
    (r"https?://[^\s<>\"']+|www\.[^\s<>\"']+", 0),
    (r"[.\]\-^]|\\", 0),
]

# possessive quantifiers and atomic groups: new in Python 3.11's re (3.10's
# parser, which compiled code uses too, calls them a "multiple repeat")
if sys.version_info >= (3, 11):
    STR_PATTERNS += [
        (r"x*+x", 0),
        (r"\w++\d", 0),
        (r"(?:ab|a)++b", 0),
        (r"a{2,}+", 0),
        (r"(?>a+)b", 0),
        (r"(?>ab|a)c", 0),
    ]

BYTES_PATTERNS: List[Tuple[bytes, int]] = [
    (rb"\w+", 0),
    (rb"\d+|\s+", 0),
    (rb"\b\w", 0),
    (rb"[a-z]+", re.I),
    (rb"(\w)\1", re.I),
    (rb"^.+$", re.M),
    (rb".+", re.S),
    (rb"[\x80-\xff]+", 0),
    (rb"(?P<x>a)?(?(x)b|c)", 0),
    (rb"(?<=a)b|(?=c)", 0),
    (rb"x*", 0),
    (rb"\w+", re.L),
]


def _template(pattern: Any, groups: int, names: List[str]) -> Any:
    """A replacement template using what the pattern has: the whole match,
    a numbered group, a named one (unmatched groups give "")."""
    t = r"<\g<0>>"
    if groups:
        t += r"\1"
    if names:
        t += r"[\g<" + names[0] + ">]"
    t += r"\n\\"
    return t.encode() if isinstance(pattern, bytes) else t


def _module_source(patterns: List[Tuple[Any, int]], prefix: str, text_type: str) -> str:
    lines = ["import re", "from typing import List", ""]
    for k, (pattern, flags) in enumerate(patterns):
        lines.append(f"{prefix}{k} = re.compile({pattern!r}, {int(flags)})")
    lines.append("")
    ops = {
        "search": "repr(S(P.search(s)))",
        "findall": "repr(P.findall(s))",
        "split": "repr(P.split(s))",
        "split2": "repr(P.split(s, 2))",
        "sub": "repr(P.sub(T, s))",
        "subn1": "repr(P.subn(T, s, 1))",
        "subfn": ("repr(P.sub(lambda m: m.group(0)[::-1] + str(m.start()), s))"
                  if text_type == "str" else "repr(P.sub(lambda m: m.group(0)[::-1], s))"),
        "finditer": "repr([(m.span(), m.groups(), m.groupdict(), m.lastindex, m.lastgroup) "
                    "for m in P.finditer(s)])",
        "match": "repr(M(P.match(s)))",
        "fullmatch": "repr(M(P.fullmatch(s)))",
        "window": "repr(P.findall(s, 1, len(s) - 1))",
    }
    lines.append(textwrap.dedent("""
        def S(m):
            return None if m is None else m.span()


        def M(m):
            if m is None:
                return None
            return (m.group(), m.groups(), m.groupdict(), m.span(), m.lastindex, m.lastgroup,
                    [m.span(k) for k in range(m.re.groups + 1)], m[0])
    """))
    for op, expr in ops.items():
        lines.append(f"def {op}(i: int, s: {text_type}) -> str:")
        for k, (pattern, flags) in enumerate(patterns):
            compiled = re.compile(pattern, flags)
            template = _template(pattern, compiled.groups, list(compiled.groupindex))
            body = expr.replace("P.", f"{prefix}{k}.").replace("T", repr(template))
            lines.append(f"    if i == {k}:")
            lines.append(f"        return {body}")
        lines.append("    return ''")
        lines.append("")
    return "\n".join(lines)


OPS = ["search", "findall", "split", "split2", "sub", "subn1", "subfn", "finditer", "match",
       "fullmatch", "window"]


def _import_generated(tmp_path_factory, name: str, source: str):
    path = tmp_path_factory.mktemp("re_generated") / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _compiled_ops(module, patterns, empty) -> dict:
    compiled = {}
    for op in OPS:
        fn = getattr(module, op)
        compiled[op] = (fn, pyjitx.compile(fn))
        # warm-up: each pattern's runtime object is built the first time it
        # is used and then kept (as re's cache keeps it); build them all
        # before the leak-checked tests run
        for i in range(len(patterns)):
            _outcome(compiled[op][1], i, empty)
    return compiled


@pytest.fixture(scope="module")
def str_ops(tmp_path_factory):
    module = _import_generated(tmp_path_factory, "pjx_re_generated_str",
                               _module_source(STR_PATTERNS, "P", "str"))
    return _compiled_ops(module, STR_PATTERNS, "")


@pytest.fixture(scope="module")
def bytes_ops(tmp_path_factory):
    module = _import_generated(tmp_path_factory, "pjx_re_generated_bytes",
                               _module_source(BYTES_PATTERNS, "B", "bytes"))
    return _compiled_ops(module, BYTES_PATTERNS, b"")


def _outcome(fn: Callable, *args: Any) -> Tuple[str, Any]:
    try:
        return ("value", fn(*args))
    except Exception as exc:  # noqa: BLE001 -- the exception is the outcome compared
        return ("raised", (type(exc), str(exc)))


def _check_all(ops: dict, patterns, text: Any) -> None:
    for op, (py, jit) in ops.items():
        for i, (pattern, flags) in enumerate(patterns):
            expected = _outcome(py, i, text)
            got = _outcome(jit, i, text)
            assert got == expected, (
                f"{op} with pattern {i} {pattern!r} (flags {flags}) on {text!r}: "
                f"compiled {got}, CPython {expected}")


# Characters the patterns treat specially: ASCII letters and digits,
# spaces, accented and case-folding letters (Kelvin sign, long s, dotted
# capital I, the titlecase dz), CJK, emoji, non-ASCII digits and spaces.
SPECIAL = ("abcxk sS_09 <>'\"@.:/-\n\t"
           "éüßİıſKǅǆΩωΣς中文日本語😀🎉٣\u00a0\u2028\u3000")
TEXTS = st.one_of(
    st.text(alphabet=SPECIAL, max_size=24),
    st.text(alphabet=st.sampled_from("ab <>'\"c1"), max_size=16),
    st.text(max_size=16),
    st.just(""),
)
BYTES = st.one_of(
    st.binary(max_size=20),
    st.text(alphabet="abcx 09_\n\t.<>", max_size=20).map(str.encode),
    st.text(alphabet=SPECIAL, max_size=12).map(lambda t: t.encode("utf-8")),
)


@pytest.mark.parametrize("text", [
    "", " ", "a", "ab", "abc", "aab", "xab c", "aaab", "aaa", "ba", "bb", "cab",
    "Hello world, it's 12:30 — café 中文 😀!", "don't  stop\n", "x\n", "\n",
    "<tag> tag> <tag", "'quoted' \"both\"", "1 kg, 22 m", "KELVIN Kk straße STRASSE",
    "user.name+x@mail.example.com https://a.b/c?d=1 www.x.y", "word word again again",
])
def test_str_patterns_examples(str_ops, text):
    _check_all(str_ops, STR_PATTERNS, text)


@given(TEXTS)
def test_str_patterns_hypothesis(str_ops, text):
    _check_all(str_ops, STR_PATTERNS, text)


@pytest.mark.parametrize("text", [
    b"", b"a", b"ab c", b"aab", b"\xe9t\xe9 \xff\xfe", b"ac bcd", b"x\nyy\n", b"AaBb",
])
def test_bytes_patterns_examples(bytes_ops, text):
    _check_all(bytes_ops, BYTES_PATTERNS, text)


@given(BYTES)
def test_bytes_patterns_hypothesis(bytes_ops, text):
    _check_all(bytes_ops, BYTES_PATTERNS, text)


# ---- empty matches (CPython 3.7+: an empty match next to a previous match) ----

def empty_findall(s: str) -> List[str]:
    return re.findall(r"\b|x*", s)


def empty_split(s: str) -> List[str]:
    return re.split(r"x*", s)


def empty_sub(s: str) -> str:
    return re.sub(r"x*", "-", s)


def empty_subn_count(s: str) -> Tuple[str, int]:
    return re.subn(r"(?=x)|$", "|", s, count=3)


@pytest.mark.parametrize("fn", [empty_findall, empty_split, empty_sub, empty_subn_count])
@pytest.mark.parametrize("text", ["", "x", "abxd", "xx", "a xx b", "中x😀"])
def test_empty_matches(fn, text):
    jit = pyjitx.compile(fn)
    jit("")  # builds the pattern object (kept)
    assert jit(text) == fn(text)


# ---- patterns written inside functions, module-level calls, flags as arguments ----

def inline_patterns(s: str) -> Tuple[List[Optional[str]], List[str], str, int]:
    words = re.compile(r"(?P<w>[a-z]+)", re.IGNORECASE)
    found = [m.group("w") for m in words.finditer(s)]
    parts = re.split(r"\s*,\s*", s, maxsplit=1)
    swapped = re.sub(r"(\w+) (\w+)", r"\2 \1", s, flags=re.ASCII)
    return found, parts, swapped, len(re.findall(r"^\w", s, re.M))


def match_functions(s: str) -> Tuple[bool, bool, bool]:
    return (re.match(r"\w", s) is not None, re.search(r"\d", s) is not None,
            re.fullmatch(r"[\w\s,]*", s) is not None)


def escape(s: str) -> Tuple[str, List[str]]:
    return re.escape(s), re.findall(r"a\.b\*", re.escape(s))


@pytest.mark.parametrize("fn", [inline_patterns, match_functions, escape])
@given(text=TEXTS)
def test_functions_and_inline_patterns(fn, text):
    jit = _compiled(fn)
    assert _outcome(jit, text) == _outcome(fn, text)


_COMPILED: dict = {}


def _compiled(fn: Callable) -> Callable:
    """Compiled once, its patterns built (and kept) before any leak-checked call."""
    if fn not in _COMPILED:
        jit = pyjitx.compile(fn)
        _outcome(jit, "")
        _COMPILED[fn] = jit
    return _COMPILED[fn]


# ---- Match objects ------------------------------------------------------------

DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(?P<day>\d\d))?")


def match_details(s: str) -> Any:
    m = DATE.search(s)
    if m is None:
        return None
    return (m.group(), m.group(1), m.group("month"), m.group(1, "day"), m[2], m["year"],
            m.groups(), m.groups("-"), m.groupdict(), m.groupdict("?"), m.start(), m.end(2),
            m.span("day"), m.start(3), m.lastindex, m.lastgroup, m.pos, m.endpos, m.string,
            m.expand(r"\g<day>/\2/\1"))


@pytest.mark.parametrize("text", ["2024-05-17", "on 1999-12 ok", "none", "", "中文 2000-01-02😀"])
def test_match_object(text):
    jit = _compiled(match_details)
    assert jit(text) == match_details(text)


def no_such_group_number(s: str) -> Optional[str]:
    m = DATE.search(s)
    return None if m is None else m.group(4)


def no_such_group_name(s: str) -> Optional[str]:
    m = DATE.search(s)
    return None if m is None else m.group("week")


def no_such_group_start(s: str) -> int:
    m = DATE.search(s)
    return -2 if m is None else m.start(-1)


@pytest.mark.parametrize("fn", [no_such_group_number, no_such_group_name, no_such_group_start])
def test_no_such_group(fn):
    jit = _compiled(fn)
    with pytest.raises(IndexError) as expected:
        fn("2024-01-02")
    with pytest.raises(IndexError) as got:
        jit("2024-01-02")
    assert str(got.value) == str(expected.value) == "no such group"


# ---- errors -------------------------------------------------------------------

def bad_pattern(s: str) -> List[str]:
    return re.findall(r"(a", s)


def bad_repeat(s: str) -> List[str]:
    return re.findall(r"a**", s)


def bad_lookbehind(s: str) -> List[str]:
    return re.findall(r"(?<=a+)b", s)


def bad_template(s: str) -> str:
    return re.sub(r"(a)", r"\2", s)


def bad_named_template(s: str) -> str:
    return re.sub(r"(?P<x>a)", r"\g<y>", s)


def bytes_on_str(s: str) -> List[bytes]:
    return re.findall(rb"a", s)  # type: ignore[arg-type]


@pytest.mark.parametrize("fn", [bad_pattern, bad_repeat, bad_lookbehind, bad_template,
                                bad_named_template])
def test_re_errors(fn):
    """A bad pattern or template raises what CPython raises (re.error, or
    IndexError for an unknown group name) with CPython's message where the
    code runs (as re.compile would there)."""
    expected = _outcome(fn, "aab")
    assert expected[0] == "raised"
    assert _outcome(pyjitx.compile(fn), "aab") == expected


def test_bytes_pattern_on_str():
    with pytest.raises(TypeError) as expected:
        bytes_on_str("a")
    try:
        jit = pyjitx.compile(bytes_on_str)
        jit("a")
    except pyjitx.CompileError as exc:
        assert "bytes" in str(exc)
    except TypeError as exc:
        assert str(exc) == str(expected.value)
    else:
        pytest.fail("a bytes pattern on a str neither raised TypeError nor was refused")


def runtime_pattern(p: str, s: str) -> List[str]:
    return re.findall(p, s)


def test_runtime_pattern_is_a_compile_error():
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(runtime_pattern)("a", "a")
    message = str(info.value)
    assert "pattern" in message and "re.compile" in message
    assert "-->" in message and "^" in message  # where, with a caret


# ---- backtracking that CPython also does: no crash, the same answer ------------

NESTED = re.compile(r"(a+)+b")
ALTERNATING = re.compile(r"(?:a|b)*c")
LAZY_DOTS = re.compile(r"(.*?,){3}x", re.S)


def catastrophic(s: str) -> bool:
    return NESTED.match(s) is not None


def long_alternation(s: str) -> int:
    m = ALTERNATING.match(s)
    return -1 if m is None else m.end()


def lazy_dots(s: str) -> bool:
    return LAZY_DOTS.search(s) is not None


def test_catastrophic_pattern_short_text():
    """(a+)+b on 18 a's: exponential backtracking (as in CPython), no crash."""
    jit = _compiled(catastrophic)
    text = "a" * 18
    started = time.perf_counter()
    assert jit(text) is catastrophic(text) is False
    assert time.perf_counter() - started < 60
    assert jit("aaab") is True


def test_deep_backtracking_no_recursion():
    """200,000 iterations of a group: the engine's stacks are its own (no C
    recursion), so no stack overflow."""
    jit = _compiled(long_alternation)
    text = "ab" * 100_000
    assert jit(text) == long_alternation(text) == -1
    assert jit(text + "c") == long_alternation(text + "c")
    text = ",".join("y" * 20 for _ in range(12))
    assert _compiled(lazy_dots)(text) == lazy_dots(text)


@pytest.mark.skipif(JIT_DISABLED, reason="nothing compiled")
def test_every_pattern_compiles_in_cpython():
    # the lists above are the oracle's inputs: each must be a valid pattern
    for pattern, flags in STR_PATTERNS + BYTES_PATTERNS:
        re.compile(pattern, flags)
