"""time's clocks and string's constants in compiled code
(libruntime/stdtime.c): the clocks are the ones CPython reads, so compiled
readings fall between Python readings taken around the call."""
from __future__ import annotations

import string
import time
from typing import List, Tuple

import pytest

import pyjitx
from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit


@pyjitx.compile
def clocks() -> Tuple[float, int, float, int, float, int, float, int]:
    return (time.time(), time.time_ns(), time.monotonic(), time.monotonic_ns(),
            time.perf_counter(), time.perf_counter_ns(), time.process_time(),
            time.process_time_ns())


@pyjitx.compile
def elapsed(seconds: float) -> float:
    start = time.perf_counter()
    time.sleep(seconds)
    return time.perf_counter() - start


def test_clocks_read_cpythons_clocks():
    before = (time.time(), time.time_ns(), time.monotonic(), time.monotonic_ns(),
              time.perf_counter(), time.perf_counter_ns())
    got = clocks()
    after = (time.time(), time.time_ns(), time.monotonic(), time.monotonic_ns(),
             time.perf_counter(), time.perf_counter_ns())
    for b, g, a in zip(before, got[:6], after):
        assert type(g) is type(b) and b <= g <= a
    assert type(got[6]) is float and type(got[7]) is int and got[6] > 0


def test_sleep():
    assert 0.02 <= elapsed(0.02) < 1.0
    with pytest.raises(ValueError, match="sleep length must be non-negative"):
        elapsed(-1.0)
    with pytest.raises(ValueError, match="Invalid value NaN"):
        elapsed(float("nan"))


def constants() -> List[str]:
    return [string.ascii_letters, string.ascii_lowercase, string.ascii_uppercase,
            string.digits, string.hexdigits, string.octdigits, string.punctuation,
            string.whitespace, string.printable]


def char_classes(s: str) -> List[int]:
    return [sum(1 for c in s if c in string.punctuation), sum(1 for c in s if c in string.digits),
            sum(1 for c in s if c in string.whitespace)]


def test_string_constants():
    assert_same(constants, compiled(constants))
    assert_same(char_classes, compiled(char_classes), "Hello, world! 42 \t中文。")
