"""return, break and continue that leave a try with a finally: the finally
body runs on the way out (before the return value is handed back, after it
is computed), a return/break in the finally body overrides the jump, an
exception from the finally body replaces the return, nested finallys run
innermost first, and with-statements and finallys unwind together.  Each
against CPython on the same arguments."""
from __future__ import annotations

from typing import Dict, List

from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same, assert_same_effects

small = st.integers(-4, 6)
words = st.lists(st.sampled_from(["a", "bb", "", "日本", "é", "🙂x"]), max_size=6)


def cleanup_on_return(xs: List[int], log: List[str]) -> int:
    try:
        if not xs:
            return -1
        return xs[0] * 2
    finally:
        log.append(f"closed {len(xs)}")


def value_computed_before_finally(n: int) -> int:
    total = n
    try:
        return total            # the value is taken here...
    finally:
        total = 1000            # ...so this does not change it


def finally_return_overrides(n: int) -> int:
    try:
        if n > 2:
            return n
        raise ValueError(f"small {n}")
    finally:
        if n % 2 == 0:
            return -n           # swallows the ValueError too, as in Python


def finally_raises_instead(n: int, log: List[str]) -> int:
    try:
        return n
    finally:
        log.append("finally")
        if n < 0:
            raise KeyError(f"negative {n}")


def break_and_continue(xs: List[int], log: List[str]) -> int:
    total = 0
    for x in xs:
        try:
            if x < 0:
                continue
            if x > 4:
                break
            total += x
        finally:
            log.append(str(x))
    else:
        log.append("else")
    return total


def break_inside_finally_ends_loop(n: int) -> int:
    count = 0
    while True:
        try:
            count += 1
            if count > n:
                return count * 100  # cancelled by the break below
        finally:
            if count > n:
                break
    return count


def nested_finally(n: int, log: List[str]) -> int:
    try:
        try:
            if n > 0:
                return n
        finally:
            log.append("inner")
        log.append("between")
    finally:
        log.append("outer")
    return 0


def return_from_handler(s: str, d: Dict[str, int], log: List[str]) -> int:
    try:
        return d[s]
    except KeyError:
        log.append("missing")
        return len(s)
    else:
        log.append("unreachable")
    finally:
        log.append("done")


def loop_in_try_break_does_not_run_finally(xs: List[int], log: List[str]) -> int:
    try:
        for x in xs:
            if x == 3:
                break           # leaves only the loop: no finally here
            log.append(str(x))
        log.append("after loop")
        return len(log)
    finally:
        log.append("finally")


class Resource:
    def __init__(self, log: List[str], name: str) -> None:
        self.log = log
        self.name = name

    def __enter__(self) -> "Resource":
        self.log.append("enter " + self.name)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.log.append("exit " + self.name)
        return False


def with_and_finally(n: int, log: List[str]) -> int:
    for i in range(n):
        with Resource(log, f"r{i}"):
            try:
                with Resource(log, "inner"):
                    if i == 2:
                        return i
                    if i % 2 == 0:
                        continue
            finally:
                log.append(f"finally {i}")
        log.append(f"end {i}")
    return -1


def words_until_empty(ws: List[str]) -> str:
    out = ""
    i = 0
    while i < len(ws):
        try:
            w = ws[i]
            if not w:
                break
            out += w.upper()
        finally:
            i += 1
    return out + f"@{i}"


@given(st.lists(small, max_size=5))
def test_cleanup_on_return(xs):
    assert_same_effects(cleanup_on_return, pyjitx.compile(cleanup_on_return), xs, [])


@given(small)
def test_value_computed_before_finally(n):
    assert_same(value_computed_before_finally, pyjitx.compile(value_computed_before_finally), n)


@given(small)
def test_finally_return_overrides(n):
    assert_same(finally_return_overrides, pyjitx.compile(finally_return_overrides), n)


@given(small)
def test_finally_raises_instead(n):
    assert_same_effects(finally_raises_instead, pyjitx.compile(finally_raises_instead), n, [])


@given(st.lists(small, max_size=8))
def test_break_and_continue(xs):
    assert_same_effects(break_and_continue, pyjitx.compile(break_and_continue), xs, [])


@given(st.integers(0, 5))
def test_break_inside_finally_ends_loop(n):
    assert_same(break_inside_finally_ends_loop, pyjitx.compile(break_inside_finally_ends_loop), n)


@given(small)
def test_nested_finally(n):
    assert_same_effects(nested_finally, pyjitx.compile(nested_finally), n, [])


@given(st.sampled_from(["a", "bb", "", "日本"]), st.dictionaries(st.sampled_from(["a", "日本"]),
                                                                  small, max_size=2))
def test_return_from_handler(s, d):
    assert_same_effects(return_from_handler, pyjitx.compile(return_from_handler), s, d, [])


@given(st.lists(small, max_size=6))
def test_loop_inside_try(xs):
    fn = loop_in_try_break_does_not_run_finally
    assert_same_effects(fn, pyjitx.compile(fn), xs, [])


@given(st.integers(0, 5))
def test_with_and_finally_unwind_together(n):
    assert_same_effects(with_and_finally, pyjitx.compile(with_and_finally), n, [])


@given(words)
def test_break_with_counter_in_finally(ws):
    assert_same(words_until_empty, pyjitx.compile(words_until_empty), ws)


def numbers_until(limit: int, log: List[str]):
    n = 0
    while True:
        try:
            if n >= limit:
                return          # the generator ends; its finally runs first
        finally:
            log.append(f"checked {n}")
        yield n
        n += 1


def consume(limit: int, log: List[str]) -> int:
    total = 0
    for n in numbers_until(limit, log):
        total += n
    return total


@given(st.integers(0, 4))
def test_return_in_generator_runs_finally(limit):
    assert_same_effects(consume, pyjitx.compile(consume), limit, [])


def nested_helper(xs: List[int], log: List[str]) -> int:
    def doubled(x: int) -> int:
        try:
            if x < 0:
                return 0
            return x * 2
        finally:
            log.append(str(x))

    total = 0
    for x in xs:
        try:
            total += doubled(x)
        finally:
            log.append("+")
    return total


@given(st.lists(small, max_size=5))
def test_return_in_nested_function_runs_its_finally_only(xs):
    assert_same_effects(nested_helper, pyjitx.compile(nested_helper), xs, [])
