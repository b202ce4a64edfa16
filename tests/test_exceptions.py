"""Exceptions in compiled code, differentially against CPython: raise with
messages, try/except (by class, tuple, subclass, bare), else, finally,
re-raise, user-defined exception classes, and errors from runtime
operations (IndexError, KeyError, ValueError) caught or propagated with
CPython's type and message."""
from __future__ import annotations

from typing import Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled


class ParseError(ValueError):
    pass


class StrictParseError(ParseError):
    pass


def parse_or_default(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def classify(xs: List[int], i: int, d: Dict[str, int], key: str) -> str:
    out = ""
    try:
        out = out + str(xs[i])
        out = out + str(d[key])
    except IndexError as e:
        out = out + "index:" + str(e)
    except KeyError as e:
        out = out + "key:" + str(e)
    else:
        out = out + ":else"
    finally:
        out = out + ":finally"
    return out


def by_tuple(a: int, b: int) -> str:
    try:
        x = a // b
        if x > 100:
            raise OverflowError("too big")
        return str(x)
    except (ZeroDivisionError, OverflowError) as e:
        return "caught " + str(e)


def user_error(text: str) -> int:
    if not text:
        raise StrictParseError("empty")
    if not text.isdigit():
        raise ParseError(f"not a number: {text!r}")
    return int(text)


def catch_base(text: str) -> str:
    try:
        return str(user_error(text))
    except ParseError as e:
        return "parse error: " + str(e)


def reraise(xs: List[int], i: int) -> int:
    try:
        return xs[i]
    except IndexError:
        raise


def finally_runs_on_error(xs: List[int], log: List[str]) -> int:
    try:
        return_value = xs[0] * 2
    finally:
        log.append("finally")
    return return_value


def nested(a: int) -> str:
    try:
        try:
            if a < 0:
                raise ValueError("negative")
            return str(10 // a)
        except ValueError as inner:
            return "inner " + str(inner)
    except ZeroDivisionError:
        return "outer"


def bare_except(d: Dict[str, int], k: str) -> int:
    try:
        return d[k]
    except:  # noqa: E722
        return -1


COMPILED = {f.__name__: pyjitx.compile(f) for f in (
    parse_or_default, classify, by_tuple, user_error, catch_base, reraise, nested, bare_except)}

text = st.text(alphabet=st.sampled_from("0123456789-+ x_é世"), max_size=6)


@given(text, st.integers(-5, 5))
def test_parse_or_default(s, default):
    assert_same(parse_or_default, COMPILED["parse_or_default"], s, default)


@given(st.lists(st.integers(-100, 100), max_size=4), st.integers(-6, 6),
       st.dictionaries(st.sampled_from(["a", "b", "ü"]), st.integers(-2**63, 2**63 - 1), max_size=2),
       st.sampled_from(["a", "b", "ü", ""]))
def test_classify(xs, i, d, key):
    assert_same(classify, COMPILED["classify"], xs, i, d, key)


@given(st.integers(-1000, 1000), st.integers(-3, 3))
def test_by_tuple(a, b):
    assert_same(by_tuple, COMPILED["by_tuple"], a, b)


@given(text)
def test_user_exception_classes(s):
    assert_same(user_error, COMPILED["user_error"], s)
    assert_same(catch_base, COMPILED["catch_base"], s)


def test_user_exception_reaches_python_as_its_class():
    with pytest.raises(StrictParseError, match="empty"):
        COMPILED["user_error"]("")
    with pytest.raises(ParseError, match="not a number: 'x'"):
        COMPILED["user_error"]("x")


@given(st.lists(st.integers(-5, 5), max_size=3), st.integers(-5, 5))
def test_reraise(xs, i):
    assert_same(reraise, COMPILED["reraise"], xs, i)


def test_finally_runs_on_both_paths():
    compiled = pyjitx.compile(finally_runs_on_error)
    log: List[str] = []
    assert compiled([4], log) == 8
    assert log == ["finally"]
    with pytest.raises(IndexError, match="list index out of range"):
        compiled([], log)
    assert log == ["finally", "finally"]


@given(st.integers(-3, 3))
def test_nested_try(a):
    assert_same(nested, COMPILED["nested"], a)


@given(st.dictionaries(st.sampled_from(["a", "b"]), st.integers(-2**63, 2**63 - 1), max_size=2),
       st.sampled_from(["a", "b"]))
def test_bare_except(d, k):
    assert_same(bare_except, COMPILED["bare_except"], d, k)


def test_key_error_carries_the_key():
    @pyjitx.compile
    def get(d: Dict[str, int], k: str) -> int:
        return d[k]

    with pytest.raises(KeyError) as info:
        get({}, "clé")
    assert info.value.args == ("clé",)


def _length_or_raise(s: str) -> int:
    if not s:
        raise ValueError("empty")
    return len(s)


def call_in_try(s: str) -> int:
    # s.strip() dies at the call: its release follows the raising op
    try:
        n = _length_or_raise(s.strip())
    except ValueError:
        n = -1
    return n


@given(st.text(alphabet=" ab", max_size=4))
def test_exception_from_call_whose_argument_dies_there(s):
    assert_same(call_in_try, compiled(call_in_try), s)


def which_class(n: int) -> List[str]:
    out: List[str] = []
    try:
        if n == 0:
            raise StrictParseError("strict")
        if n == 1:
            raise ParseError("parse")
        if n == 2:
            out.append(str({"a": 1}["b" * n]))
        out.append(str(10 // (n - 3)))
    except Exception as e:  # noqa: BLE001
        out.append(str(e))
        out.append(str(isinstance(e, ParseError)))
        out.append(str(isinstance(e, (StrictParseError, KeyError))))
        out.append(str(isinstance(e, ArithmeticError)))
    return out


@given(st.integers(0, 4))
def test_isinstance_of_a_caught_exception(n):
    assert_same(which_class, compiled(which_class), n)
