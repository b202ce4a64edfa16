"""json.loads and json.dumps in compiled code, differentially against
CPython's json: parsed values (str and bytes input, Unicode, escapes and
surrogate pairs, floats read exactly, NaN/Infinity, repeated keys, deep
nesting), JSONDecodeError's message, pos, lineno, colno and doc, typed
targets (Dict[str, int], List[str] ... rebuilt, TypeError when a value does
not fit), and dumps' output for every combination of indent, separators,
sort_keys, ensure_ascii, allow_nan and skipkeys, with its TypeErrors and
ValueErrors.  The parser and writer are the runtime's own
(libruntime/json_*.c): nothing calls back into Python."""
from __future__ import annotations

import json
import math
import struct
from typing import Any, Dict, List, Optional, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx

from difftest import INT64_MAX, INT64_MIN, assert_same, compiled, is_disabled, same_value

# ---- strategies ------------------------------------------------------------
# text: all of Unicode but surrogates (pyjitx strings are UTF-8), with
# weight on ASCII, accents, CJK, emoji and the characters JSON escapes
_special = st.sampled_from(list('"\\/\b\f\n\r\t\x00\x1f\x7f é中文😀𝄞\u2028\ufeff'))
texts = st.text(st.one_of(_special, st.characters(blacklist_categories=("Cs",))), max_size=12)
ints = st.one_of(st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
                 st.integers(min_value=-1000, max_value=1000))
floats = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, math.nan,
                                                               0.1, 1e16, 1e-7, 123456789.125]))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(texts, inner, max_size=5)), max_leaves=20)

indents = st.one_of(st.none(), st.integers(min_value=-1, max_value=4),
                    st.sampled_from(["", "\t", "  ", "-é-"]))
separators = st.one_of(st.none(), st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : "),
                                                   (";", "=")]))


# ---- subjects -----------------------------------------------------------------
def loads(s: str) -> Any:
    return json.loads(s)


def loads_bytes(b: bytes) -> Any:
    return json.loads(b)


def loads_any(x: Any) -> Any:
    return json.loads(x)


def loads_optional(x: Optional[str]) -> Any:
    return json.loads(x)


def dumps(x: Any) -> str:
    return json.dumps(x)


def dumps_options(x: Any, indent: Any, seps: Any, sort_keys: bool, ensure_ascii: bool,
                  allow_nan: bool, skipkeys: bool) -> str:
    return json.dumps(x, indent=indent, separators=seps, sort_keys=sort_keys,
                      ensure_ascii=ensure_ascii, allow_nan=allow_nan, skipkeys=skipkeys)


def dumps_literal_options(x: Any) -> str:
    return json.dumps(x, indent=2, sort_keys=True, ensure_ascii=False, separators=(",", ": "))


def user_name(line: str) -> str:
    return json.loads(line)["user"]["name"]


def nested_pick(s: str) -> Any:
    doc = json.loads(s)
    return [doc["a"][1], doc["b"]["c"], len(doc["a"]), "c" in doc["b"]]


def roundtrip(x: Any) -> Any:
    return json.loads(json.dumps(x))


def typed_dict(s: str) -> Dict[str, int]:
    d: Dict[str, int] = json.loads(s)
    return d


def typed_list(s: str) -> List[str]:
    return json.loads(s)


def typed_floats(s: str) -> List[float]:
    return json.loads(s)


def typed_nested(s: str) -> Dict[str, List[Dict[str, float]]]:
    return json.loads(s)


def typed_any_dict(s: str) -> Dict[str, Any]:
    return json.loads(s)


def typed_any_list(s: str) -> List[Any]:
    return json.loads(s)


def typed_optional(s: str) -> List[Optional[int]]:
    return json.loads(s)


def typed_optional_floats(s: str) -> Dict[str, Optional[float]]:
    return json.loads(s)


def typed_union(s: str) -> List[Union[int, str]]:
    return json.loads(s)


def typed_sum(s: str) -> int:
    d: Dict[str, int] = json.loads(s)
    total = 0
    for k in d:
        total += d[k]
    d["extra"] = 1  # the rebuilt dict is an ordinary Dict[str, int]
    return total + len(d)


def typed_scalar(s: str) -> int:
    n: int = json.loads(s)
    return n + 1


def dumps_typed_dict(d: Dict[str, List[float]]) -> str:
    return json.dumps(d)


def dumps_int_keys(d: Dict[int, str]) -> str:
    return json.dumps(d, sort_keys=True)


def dumps_float_keys(d: Dict[float, bool]) -> str:
    return json.dumps(d)


def dumps_typed_list(xs: List[int], indent: int) -> str:
    return json.dumps(xs, indent=indent)


def dumps_tuple(t: Any) -> str:
    return json.dumps(t)


def catch_decode(s: str) -> str:
    try:
        json.loads(s)
        return "parsed"
    except json.JSONDecodeError as e:
        return "JSONDecodeError: " + str(e)


def catch_value(s: str) -> str:
    try:
        json.loads(s)
        return "parsed"
    except ValueError as e:
        return "ValueError: " + str(e)


def count_fields(lines: List[str], field: str) -> int:
    n = 0
    for line in lines:
        doc = json.loads(line)
        if field in doc:
            n += 1
    return n


# ---- loads ----------------------------------------------------------------------
@given(values, indents, separators, st.booleans(), st.booleans())
def test_loads_of_dumped_values(value, indent, seps, ensure_ascii, sort_keys):
    text = json.dumps(value, indent=indent, separators=seps, ensure_ascii=ensure_ascii,
                      sort_keys=sort_keys)
    assert_same(loads, compiled(loads), text)
    assert_same(loads_bytes, compiled(loads_bytes), text.encode())
    assert_same(loads_any, compiled(loads_any), text)


_json_alphabet = st.sampled_from(list('{}[],:"\\ \t\n\r0123456789-+.eEtrufalsnNIyiéu😀\x01/bx'))


def _check_decode_error(text):
    expected = got = None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        expected = e
    try:
        compiled(loads)(text)
    except json.JSONDecodeError as e:
        got = e
    if expected is None:
        return
    assert got is not None, f"{text!r}: no JSONDecodeError, CPython: {expected}"
    assert (got.msg, got.pos, got.lineno, got.colno, got.doc) == \
        (expected.msg, expected.pos, expected.lineno, expected.colno, expected.doc)
    assert got.args == expected.args


@given(st.text(_json_alphabet, max_size=16))
def test_loads_of_any_text(text):
    """Malformed documents: the same JSONDecodeError (message, positions)."""
    if "\\ud" in text.lower():  # (lone surrogates: see test_lone_surrogate)
        return
    assert_same(loads, compiled(loads), text)
    if not is_disabled(compiled(loads), loads):
        _check_decode_error(text)


@given(st.from_regex(r"\A-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?\Z"))
def test_loads_numbers(text):
    """Floats read correctly rounded, as CPython's float(); ints beyond int64
    raise OverflowError (CPython: a big int)."""
    assert_same(loads, compiled(loads), text)
    value = json.loads(text)
    if not isinstance(value, int) or INT64_MIN <= value <= INT64_MAX:  # (big: above)
        assert_same(loads, compiled(loads), f"[{text}, {{\"n\": {text}}}]")


@pytest.mark.parametrize("text", [
    "", " ", "nul", "-", "-Inf", "[", "{", '{"a"', '{"a":', '{"a":1', '{"a":1,', '[1,]',
    '{"a":1,}', '{"a" 1}', '[1 2]', "1 2", "01", "1.e5", "1e", "1e+", "+1", ".5", "tru",
    '"abc', '"a\x01b"', '"\\x"', '"\\u12"', '"\\u12x4"', '"\\', '"\\ud834\\u12x4"',
    "\ufeff[]", "[1,\n 2,\n x]", "\n\n  {\"a\" 1}", '["é😀", x]', "[] []", "{'a': 1}",
    "NaN1", "Infinity", "-Infinity", "NaN", "[true, false, null]", '{"a": 1, "a": 2}',
    '"\\ud83d\\ude00"', '"\\/\\b\\f\\n\\r\\t\\"\\\\"', '"\\u00e9\\u4e2d"', "1E400", "-0",
    "-0.0", "1e-400", "9223372036854775807", "-9223372036854775808",
])
def test_loads_cases(text):
    assert_same(loads, compiled(loads), text)
    if not is_disabled(compiled(loads), loads):
        _check_decode_error(text)


def test_big_ints_raise_overflow():
    f = compiled(loads)
    for text in ("9223372036854775808", "-9223372036854775809", "[1, 123456789012345678901234]"):
        json.loads(text)  # CPython: a big int
        if not is_disabled(f, loads):
            with pytest.raises(OverflowError, match="int too large for pyjitx int"):
                f(text)


@pytest.mark.needs_jit
def test_lone_surrogate_is_a_clear_error():
    """CPython keeps '\\ud834' as a lone surrogate; pyjitx strings are
    UTF-8 and cannot hold one: ValueError, never a wrong string."""
    f = compiled(loads)
    for text in ('"\\ud834"', '"\\udc00x"', '["\\ud834\\u0041"]'):
        json.loads(text)
        with pytest.raises(ValueError, match="lone surrogate"):
            f(text)


def test_deep_nesting_raises_recursion_error():
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        assert_same(loads, compiled(loads), text)
    ok = "[" * 200 + "]" * 200
    assert_same(loads, compiled(loads), ok)


@given(values)
def test_loads_bytes_utf8_sig(value):
    data = b"\xef\xbb\xbf" + json.dumps(value, ensure_ascii=False).encode()
    assert_same(loads_bytes, compiled(loads_bytes), data)


def test_loads_bytes_errors():
    f = compiled(loads_bytes)
    for data in (b"\xff", b'"\xe9"', b"[1, \xc3]", b"\xef\xbb\xbf[1, \xff]", b"\xef\xbb\xbf",
                 b"\xef\xbb\xbf\xef\xbb\xbf1", b""):
        assert_same(loads_bytes, f, data)
    if not is_disabled(f, loads_bytes):
        with pytest.raises(ValueError, match="UTF-16 or UTF-32"):
            f('{"a": 1}'.encode("utf-16"))
        # an encoded surrogate: CPython decodes it (surrogatepass), pyjitx
        # strings cannot hold it
        with pytest.raises(UnicodeDecodeError):
            f(b'"\xed\xa0\x80"')


def test_loads_of_other_types():
    for value in (1, None, 2.5, [1]):
        assert_same(loads_any, compiled(loads_any), value)
    for value in (None, "[1]"):
        assert_same(loads_optional, compiled(loads_optional), value)


def test_decode_error_reaches_python_as_json_decode_error():
    f = compiled(loads)
    try:
        f('{"a": [1, 2,, 3]}')
    except json.JSONDecodeError as e:
        assert isinstance(e, ValueError)
        assert (e.msg, e.pos, e.lineno, e.colno) == ("Expecting value", 12, 1, 13)
        assert e.doc == '{"a": [1, 2,, 3]}'
    else:
        if not is_disabled(f, loads):
            raise AssertionError("no JSONDecodeError")


@given(st.text(_json_alphabet, max_size=10))
def test_decode_errors_caught_in_compiled_code(text):
    if "\\ud" in text.lower():
        return
    assert_same(catch_decode, compiled(catch_decode), text)
    assert_same(catch_value, compiled(catch_value), text)


def test_json_decode_error_kind_is_the_runtimes():
    from pyjitx import exceptions

    assert exceptions.kind_of(json.JSONDecodeError) == 18501  # PJX_EXC_JSON_DECODE, json.h


# ---- pulling fields through Any --------------------------------------------------------
@given(texts, st.integers(min_value=INT64_MIN, max_value=INT64_MAX))
def test_field_through_any(name, age):
    line = json.dumps({"id": age, "user": {"name": name, "age": age}})
    assert_same(user_name, compiled(user_name), line)


def test_field_errors():
    for line in ('{"user": {}}', '{"user": 1}', "[]", '{"user": null}', "{"):
        assert_same(user_name, compiled(user_name), line)
    # the function says it returns a str: another value is a TypeError
    # (CPython returns it unchecked)
    if not is_disabled(compiled(user_name), user_name):
        with pytest.raises(TypeError, match="expected str, got int"):
            compiled(user_name)('{"user": {"name": 5}}')


@given(st.lists(values, min_size=2, max_size=2), st.dictionaries(texts, values, max_size=3))
def test_nested_pick(a, b):
    text = json.dumps({"a": a, "b": {"c": 1, **b}})
    assert_same(nested_pick, compiled(nested_pick), text)


def test_lines():
    lines = [json.dumps({"k": i} if i % 3 else {"j": i}) for i in range(30)]
    assert_same(count_fields, compiled(count_fields), lines, "k")


# ---- typed targets ------------------------------------------------------------------------
@given(st.dictionaries(texts, st.integers(min_value=INT64_MIN, max_value=INT64_MAX), max_size=6))
def test_typed_dict(d):
    assert_same(typed_dict, compiled(typed_dict), json.dumps(d))
    assert_same(typed_sum, compiled(typed_sum), json.dumps({k: v % 1000 for k, v in d.items()}))


@given(st.lists(texts, max_size=6), st.lists(st.one_of(floats, st.integers(-9, 9)), max_size=6))
def test_typed_lists(strs, nums):
    assert_same(typed_list, compiled(typed_list), json.dumps(strs))
    got = compiled(typed_floats)(json.dumps(nums))
    if not is_disabled(compiled(typed_floats), typed_floats):  # ints widen, as float(x)
        assert all(type(x) is float for x in got) and same_value(got, [float(x) for x in nums])


def test_typed_containers():
    assert compiled(typed_nested)('{"a": [{"x": 1.5, "y": 2}], "b": []}') == \
        {"a": [{"x": 1.5, "y": 2.0}], "b": []}
    for f in (typed_any_dict, typed_any_list):
        for text in ('{"a": [1, {"b": null}]}', '[1, "x", [true]]'):
            if (text[0] == "{") == (f is typed_any_dict):
                assert_same(f, compiled(f), text)
    assert compiled(typed_optional)("[1, null, 3]") == [1, None, 3]
    got = compiled(typed_optional_floats)('{"a": 1, "b": null, "c": 2.5}')
    assert got == {"a": 1.0, "b": None, "c": 2.5} and type(got["a"]) is float
    assert_same(typed_union, compiled(typed_union), '[1, "x", 2]')
    assert_same(typed_scalar, compiled(typed_scalar), "41")


@pytest.mark.needs_jit
@pytest.mark.parametrize("f, text, message", [
    (typed_dict, '{"a": 1, "b": "x"}', 'json.loads() result["b"] is str, not int '
                                       "(declared Dict[str, int])"),
    (typed_dict, "[1]", "json.loads() result is list, not Dict[str, int]"),
    (typed_list, '["a", null]', "json.loads() result[1] is None, not str (declared List[str])"),
    (typed_nested, '{"a": [{"x": "1"}]}', 'json.loads() result["a"][0]["x"] is str, not float '
                                          "(declared Dict[str, List[Dict[str, float]]])"),
    (typed_optional, '[1, 2.5]', "json.loads() result[1] is float, not Optional[int] "
                                 "(declared List[Optional[int]])"),
    (typed_scalar, '"41"', None),
])
def test_typed_mismatch(f, text, message):
    with pytest.raises(TypeError) as info:
        compiled(f)(text)
    if message is not None:
        assert str(info.value) == message


# ---- dumps ------------------------------------------------------------------------------------
@given(values, indents, separators, st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_dumps_options(value, indent, seps, sort_keys, ensure_ascii, allow_nan, skipkeys):
    assert_same(dumps_options, compiled(dumps_options), value, indent, seps, sort_keys,
                ensure_ascii, allow_nan, skipkeys)


@given(values)
def test_dumps_defaults(value):
    assert_same(dumps, compiled(dumps), value)
    assert_same(dumps_literal_options, compiled(dumps_literal_options), value)
    assert_same(roundtrip, compiled(roundtrip), value)


_odd_keys = st.one_of(st.none(), st.booleans(), ints, floats, st.just(float("nan")),
                      st.just(float("inf")), texts)


@given(st.dictionaries(_odd_keys, scalars, max_size=5), st.booleans(), st.booleans())
def test_dumps_keys(d, sort_keys, allow_nan):
    """int/float/bool/None keys as CPython converts them; mixed key types
    under sort_keys: sort's TypeError.  (A NaN key under sort_keys is left
    out: the runtime's sort of a List[Any] orders NaN otherwise than
    CPython's list.sort, as sorted() does in compiled code.)"""
    if sort_keys and any(isinstance(k, float) and math.isnan(k) for k in d):
        return
    assert_same(dumps_options, compiled(dumps_options), d, None, None, sort_keys, True,
                allow_nan, False)


@pytest.mark.parametrize("indent", [None, 2])
@given(st.lists(st.one_of(floats, st.sampled_from([math.nan, math.inf, -math.inf])), max_size=5),
       st.booleans())
def test_dumps_special_floats(indent, xs, allow_nan):
    assert_same(dumps_options, compiled(dumps_options), xs, indent, None, False, True, allow_nan,
                False)
    assert_same(dumps_options, compiled(dumps_options), {x: 1 for x in xs}, indent, None, False,
                True, allow_nan, False)


@pytest.mark.parametrize("value", [
    {1, 2}, b"x", {"a": {1}}, [1, b"x"], {(1, 2): 3}, {"a": 1, (1,): 2},
])
@pytest.mark.parametrize("skipkeys", [False, True])
def test_dumps_type_errors(value, skipkeys):
    def dumps_skip(x: Any, skip: bool) -> str:
        return json.dumps(x, skipkeys=skip)

    try:
        compiled(dumps_skip)
    except pyjitx.CompileError:
        raise
    try:
        expected = dumps_skip(value, skipkeys)
    except TypeError as e:
        expected = e
    try:
        got = compiled(dumps_skip)(value, skipkeys)
    except (TypeError, ValueError) as e:
        got = e
    if isinstance(expected, TypeError):
        assert type(got) is TypeError and str(got) == str(expected)
    else:
        assert got == expected


def test_dumps_circular():
    def cycle() -> str:
        xs: List[Any] = [1]
        xs.append(xs)
        try:
            return json.dumps(xs)
        except ValueError as e:
            return str(e)
        finally:
            xs.pop()  # (the runtime frees no cycles: broken here)

    assert_same(cycle, compiled(cycle))


def test_dumps_deep():
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        dumps(deep)
    f = compiled(dumps)
    if not is_disabled(f, dumps):
        with pytest.raises(RecursionError, match="while encoding a JSON object"):
            f(deep)
    shallow: Any = []
    for _ in range(300):
        shallow = [shallow]
    assert f(shallow) == dumps(shallow)


@given(st.dictionaries(texts, st.lists(floats, max_size=4), max_size=4))
def test_dumps_typed_values(d):
    assert_same(dumps_typed_dict, compiled(dumps_typed_dict), d)


@given(st.dictionaries(ints, texts, max_size=5), st.dictionaries(floats, st.booleans(), max_size=4),
       st.lists(ints, max_size=5), st.one_of(st.integers(-1, 3)))
def test_dumps_typed_keys_and_lists(int_keys, float_keys, xs, indent):
    assert_same(dumps_int_keys, compiled(dumps_int_keys), int_keys)
    assert_same(dumps_float_keys, compiled(dumps_float_keys), float_keys)
    assert_same(dumps_typed_list, compiled(dumps_typed_list), xs, indent)


def test_dumps_tuples_and_bad_options():
    assert_same(dumps_tuple, compiled(dumps_tuple), (1, "a", [2.5, None]))
    assert_same(dumps_tuple, compiled(dumps_tuple), {"t": (True, (), {})})
    f = compiled(dumps_options)
    for indent, seps in ((None, (",",)), (None, (",", ":", ";")), (None, [",", ":"]),
                         (1.5, None)):
        assert_same(dumps_options, f, [1, {"a": 2}], indent, seps, False, True, True, False)


# ---- unsupported forms are CompileErrors ------------------------------------------------------
def test_unsupported_keywords_are_compile_errors():
    def hooked(s: str) -> Any:
        return json.loads(s, parse_float=str)

    def defaulted(x: Any) -> str:
        return json.dumps(x, default=str)

    def file_dump(x: Any) -> None:
        json.dump(x, None)

    for f, what in ((hooked, "parse_float"), (defaulted, "default"), (file_dump, "json.dump")):
        if is_disabled(pyjitx.compile(f), f):
            continue
        with pytest.raises(pyjitx.CompileError, match=what):
            pyjitx.compile(f)(1 if f is not hooked else "1")


# ---- a host without Python ----------------------------------------------------------------------
def host_name(line: str) -> str:
    return json.loads(line)["user"]["name"]


def host_pretty(line: str) -> str:
    return json.dumps(json.loads(line), indent=1, sort_keys=True, ensure_ascii=False)


JSON_HOST = r"""
#include <stdio.h>
#include <string.h>
#include <pyjitx/object.h>

int32_t NAME(pjx_str *s, pjx_str **out);
int32_t PRETTY(pjx_str *s, pjx_str **out);

static pjx_str *text(const char *t) { return pjx_str_from_utf8(t, (int64_t)strlen(t)); }

int main(void) {
    pjx_str *doc = text("{\"user\": {\"name\": \"Zo\xc3\xab\"}, \"b\": [1, 2.5e3, null]}");
    pjx_str *bad = text("{\"user\": [1 2]}");
    pjx_str *r = NULL;
    if (NAME(doc, &r) != 0) return 10;
    printf("name %s\n", r->data);
    pjx_decref(r);
    if (PRETTY(doc, &r) != 0) return 11;
    printf("%s\n", r->data);
    pjx_decref(r);
    if (NAME(bad, &r) != -1) return 12;
    printf("%s: %s\n", pjx_err_kind_name(pjx_err_kind()), pjx_err_message());
    pjx_err_clear();
    pjx_decref(doc);
    pjx_decref(bad);
    printf("live %lld\n", (long long)pjx_live_objects());
    return 0;
}
"""


@pytest.mark.needs_jit
def test_json_runs_in_a_host_without_python(tmp_path):
    """The parser and writer are the runtime's: a C program with no Python
    in it runs compiled json code (and gets JSONDecodeError by name)."""
    import subprocess

    from pyjitx.backend import link
    from pyjitx.backend.target import portable_target
    from pyjitx.compiler import compile_function
    from pyjitx.ir.types import STR

    try:
        cc = link.c_compiler()
    except pyjitx.LinkError as exc:
        pytest.skip(f"no C compiler: {exc}")
    symbols, objects = {}, []
    for macro, fn in (("NAME", host_name), ("PRETTY", host_pretty)):
        module = compile_function(fn, (STR,), portable_target())
        path = tmp_path / f"{module.name}.o"
        path.write_bytes(module.code.object_bytes)
        objects.append(path)
        symbols[macro] = module.symbol
    link.link_shared(objects, tmp_path / "libjsonhost.so")
    src = tmp_path / "host.c"
    src.write_text(JSON_HOST)
    command = [*cc, str(src), "-o", str(tmp_path / "host"),
               *[f"-D{macro}={symbol}" for macro, symbol in symbols.items()], *link.cflags(),
               f"-L{tmp_path}", f"-Wl,-rpath,{tmp_path}", "-ljsonhost", *link.libs()]
    built = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    result = subprocess.run([str(tmp_path / "host")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = '{"user": {"name": "Zoë"}, "b": [1, 2.5e3, null]}'
    expected = "\n".join([
        "name Zoë", host_pretty(doc),
        "JSONDecodeError: Expecting ',' delimiter: line 1 column 13 (char 12)", "live 0", ""])
    assert result.stdout == expected


def parse_all(lines: List[str]) -> List[str]:
    out: List[str] = []
    for line in lines:
        try:
            out.append(json.dumps(json.loads(line), sort_keys=True))
        except ValueError as e:
            out.append(str(e))
    return out


def test_threads_parse_at_once():
    """Compiled json code runs without the GIL: two threads parsing (and
    failing) at once each get their own results and errors."""
    import threading

    lines = [json.dumps({"i": i, "s": "é" * (i % 5), "l": list(range(i % 7))}) if i % 4
             else '{"i": %d,' % i for i in range(2000)]
    expected = parse_all(lines)
    f = compiled(parse_all)
    results = [None, None]

    def work(k):
        results[k] = f(lines[k:] + lines[:k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == expected
    assert results[1] == expected[1:] + expected[:1]
