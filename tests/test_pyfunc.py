"""pyjitx.pyfunc: plain Python called from compiled code because the user
asked for it.  Differentially against CPython (the same functions, run by
the interpreter end to end): arguments and results of every boundary type,
keywords and defaults, Python exceptions caught inside compiled code or
propagated out with their type and message, instances of compiled classes
passed by reference, re-entry into compiled code, threads.  Then the
documented deviations, the errors at wrap, compile and run time, and that
modules calling Python are not cached."""
from __future__ import annotations

import threading
from typing import Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from pyjitx import cache

from difftest import assert_result, assert_same, compiled, expect_raises, finite_floats, ints, small_ints

texts = st.text(alphabet=st.sampled_from(list("ab cé中😀 \t")), max_size=12)


# ------------------------------------------------------------- pyfuncs


@pyjitx.pyfunc
def describe(a: int, x: float, s: str, flag: bool, nothing: None) -> str:
    return f"{a}|{x!r}|{s[::-1]}|{flag}|{nothing}"


@pyjitx.pyfunc
def halve(x: float) -> float:
    return x / 2


@pyjitx.pyfunc
def is_even(n: int) -> bool:
    return n % 2 == 0


@pyjitx.pyfunc
def words(text: str) -> List[str]:
    return text.split()


@pyjitx.pyfunc
def counts(xs: List[str]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for x in xs:
        out[x] = out.get(x, 0) + 1
    return out


@pyjitx.pyfunc
def span(xs: List[int]) -> Tuple[int, int]:
    return (min(xs), max(xs)) if xs else (0, 0)


@pyjitx.pyfunc
def first_long(xs: List[str], n: int) -> Optional[str]:
    return next((x for x in xs if len(x) >= n), None)


@pyjitx.pyfunc
def scaled(xs: List[float], k: float = 2.0, offset: int = 0) -> List[float]:
    return [x * k + offset for x in xs]


@pyjitx.pyfunc
def checked_ratio(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("no ratio with zero")
    if a < 0:
        raise ValueError(f"negative: {a}")
    if a > 1000:
        raise KeyError(a)
    return a // b


class RatioError(ArithmeticError):
    pass


@pyjitx.pyfunc
def strict_ratio(a: int, b: int) -> float:
    if b == 0:
        raise RatioError(f"{a}/0")
    return a / b


# ------------------------------------------------------- compiled code


def mix(a: int, x: float, s: str, flag: bool) -> str:
    out = describe(a, x, s, flag, None)
    out += "/" + str(halve(x)) + "/" + str(halve(a)) + "/" + str(is_even(a))
    return out


def container_round_trip(text: str, n: int) -> str:
    ws = words(text)
    c = counts(ws)
    c["extra"] = len(ws)  # the result is compiled code's own to change
    lo, hi = span([len(w) for w in ws])
    longest = first_long(ws, n)
    found = "none" if longest is None else longest
    return f"{sorted(c.items())}|{lo}|{hi}|{found}"


def keywords_and_defaults(xs: List[float], k: float) -> List[float]:
    return scaled(xs) + scaled(xs, k) + scaled(xs, offset=1) + scaled(offset=-1, k=k, xs=xs)


def catch_inside(a: int, b: int) -> str:
    try:
        return "ok " + str(checked_ratio(a, b))
    except ZeroDivisionError as e:
        return "zero " + str(e)
    except ValueError as e:
        return "value " + str(e)
    except LookupError as e:
        return "lookup " + str(e)


def propagate(a: int, b: int) -> int:
    return checked_ratio(a, b) + 1


def user_exception(a: int, b: int) -> str:
    try:
        return str(strict_ratio(a, b))
    except RatioError as e:
        return "ratio " + str(e)


def user_exception_escapes(a: int, b: int) -> float:
    return strict_ratio(a, b)


@given(ints, finite_floats, texts, st.booleans())
def test_scalars_both_ways(a, x, s, flag):
    assert_same(mix, compiled(mix), a, x, s, flag)


@given(st.lists(texts, max_size=6).map(" ".join), st.integers(0, 4))
def test_containers_both_ways(text, n):
    assert_same(container_round_trip, compiled(container_round_trip), text, n)


@given(st.lists(finite_floats, max_size=4), finite_floats)
def test_keywords_and_defaults(xs, k):
    assert_same(keywords_and_defaults, compiled(keywords_and_defaults), xs, k)


@given(st.integers(-5, 1005), st.integers(-2, 3))
def test_python_exceptions_caught_in_compiled_code(a, b):
    assert_same(catch_inside, compiled(catch_inside), a, b)


@given(st.integers(-5, 1005), st.integers(-2, 3))
def test_python_exceptions_propagate_with_type_and_message(a, b):
    assert_same(propagate, compiled(propagate), a, b)


@given(small_ints, st.integers(-1, 2))
def test_user_exception_classes(a, b):
    assert_same(user_exception, compiled(user_exception), a, b)
    assert_same(user_exception_escapes, compiled(user_exception_escapes), a, b)


@pytest.mark.needs_jit
def test_user_exception_keeps_its_message():
    expect_raises(pyjitx.compile(user_exception_escapes), RatioError, 7, 0, message="7/0")


# --------------------------------------- instances, re-entry, threads


class Account:
    def __init__(self, owner: str, balance: int) -> None:
        self.owner = owner
        self.balance = balance
        self.history: List[int] = []

    def deposit(self, amount: int) -> int:
        self.balance += amount
        self.history.append(amount)
        return self.balance


@pyjitx.pyfunc
def audit(account: Account, amount: int) -> Account:
    # Python sees the same instance: changes made here are seen afterwards
    account.deposit(amount)
    account.owner = account.owner.upper()
    return account


def banking(owner: str, amounts: List[int]) -> str:
    acct = Account(owner, 0)
    for amount in amounts:
        same = audit(acct, amount)
        same.deposit(1)
    return f"{acct.owner}:{acct.balance}:{acct.history}:{audit(acct, 0) is acct}"


@given(texts, st.lists(small_ints, max_size=5))
def test_instances_cross_by_reference(owner, amounts):
    assert_same(banking, compiled(banking), owner, amounts)


def square(n: int) -> int:
    return n * n


compiled_square = pyjitx.compile(square)


@pyjitx.pyfunc
def python_sum_of_squares(n: int) -> int:
    return sum(compiled_square(i) for i in range(n))  # compiled code again


def reenter(n: int) -> int:
    return python_sum_of_squares(n) + square(n)


@given(st.integers(0, 30))
def test_python_called_from_compiled_code_calls_compiled_code(n):
    assert_same(reenter, compiled(reenter), n)


def tally(n: int, seed: int) -> int:
    total = 0
    for i in range(n):
        if is_even(i + seed):
            total += i
    return total


def test_pyfunc_calls_from_threads_take_the_gil():
    compiled = pyjitx.compile(tally)
    expected = [tally(2000, k) for k in range(4)]
    results = [None] * 4

    def worker(k: int) -> None:
        results[k] = compiled(2000, k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


class Logger:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def line(self, n: int) -> str:
        return describe(n, 0.5, self.prefix, n > 0, None)


def log_lines(prefix: str, n: int) -> List[str]:
    logger = Logger(prefix)
    return [logger.line(i) for i in range(n)]


@given(texts, st.integers(0, 4))
def test_pyfunc_called_from_a_method(prefix, n):
    assert_same(log_lines, compiled(log_lines), prefix, n)


# ---------------------------------------------- documented deviations


@pyjitx.pyfunc
def denied(path: str) -> int:
    raise TimeoutError(f"cannot open {path}")


@pyjitx.pyfunc
def interrupted() -> int:
    raise KeyboardInterrupt


def open_or_default(path: str) -> str:
    try:
        return str(denied(path))
    except OSError as e:
        return "os error: " + str(e)


@pytest.mark.needs_jit
def test_exception_class_without_a_kind_goes_as_its_nearest_base():
    # CPython keeps TimeoutError (`except OSError` catches it in both);
    # compiled code knows OSError, so the class's name leads the message
    # (PermissionError, FileExistsError, ... have kinds since open() raises them)
    assert open_or_default("x") == "os error: cannot open x"
    assert_result(pyjitx.compile(open_or_default), "os error: TimeoutError: cannot open x", "x")


@pytest.mark.needs_jit
def test_python_exception_compiled_code_does_not_catch_reaches_the_caller_as_itself():
    assert_same(call_denied, pyjitx.compile(call_denied), "y")
    compiled_call = pyjitx.compile(call_interrupted)
    with pytest.raises(KeyboardInterrupt) as info:
        compiled_call()
    # the object the pyfunc raised, traceback included
    assert info.value.args == ()
    assert "interrupted" in [frame.name for frame in info.traceback]


@pyjitx.pyfunc
def stop_with(message: str) -> int:
    raise Timeout(message)


class Timeout(BaseException):
    pass


def stop_is_no_exception(message: str) -> str:
    try:
        stop_with(message)
    except Exception:
        return "caught as an Exception"
    return "not reached"


def stop_is_caught_by_its_class(message: str) -> str:
    try:
        stop_with(message)
    except Timeout as e:
        return "timeout " + str(e)
    return "not reached"


@pytest.mark.needs_jit
def test_base_exception_subclass_is_not_an_exception_in_compiled_code():
    compiled_stop = pyjitx.compile(stop_is_no_exception)
    with pytest.raises(Timeout) as info:
        compiled_stop("late")
    assert info.value.args == ("late",)
    assert_result(pyjitx.compile(stop_is_caught_by_its_class), "timeout late", "late")
    assert stop_is_caught_by_its_class("late") == "timeout late"


def call_denied(path: str) -> int:
    return denied(path)


def call_interrupted() -> int:
    return interrupted()


@pyjitx.pyfunc
def grow(xs: List[int]) -> int:
    xs.append(99)
    return len(xs)


def grown_length(xs: List[int]) -> str:
    n = grow(xs)
    return f"{n}:{len(xs)}"


@pytest.mark.needs_jit
def test_containers_are_converted_copies_for_python():
    # Python mutates a converted copy; compiled code's list is unchanged
    assert grown_length([1, 2]) == "3:3"
    assert_result(pyjitx.compile(grown_length), "3:2", [1, 2])


# ------------------------------------------------------------- errors


@pyjitx.pyfunc
def lies(n: int) -> int:
    return "not an int" if n else n  # type: ignore[return-value]


@pyjitx.pyfunc
def huge(n: int) -> int:
    return 2 ** 70 + n


def call_lies(n: int) -> int:
    return lies(n)


def call_huge(n: int) -> int:
    return huge(n)


@pytest.mark.needs_jit
def test_result_of_the_wrong_type_is_a_type_error_naming_the_function():
    compiled = pyjitx.compile(call_lies)
    assert compiled(0) == 0
    expect_raises(compiled, TypeError, 1, message="lies() must return int, not str")
    expect_raises(pyjitx.compile(call_huge), OverflowError, 1)


def test_annotations_are_required():
    def unannotated(a, b: int) -> int:
        return b

    def no_result(a: int):
        return a

    def star(*args: int) -> int:
        return 0

    with pytest.raises(TypeError, match="parameter 'a' needs an annotation"):
        pyjitx.pyfunc(unannotated)
    with pytest.raises(TypeError, match="return type needs an annotation"):
        pyjitx.pyfunc(no_result)
    with pytest.raises(TypeError, match=r"\*args"):
        pyjitx.pyfunc(star)
    with pytest.raises(TypeError, match="takes a callable"):
        pyjitx.pyfunc(3)


def test_the_wrapper_is_callable_from_python():
    assert halve(3) == 1.5 and halve.__name__ == "halve" and halve.__wrapped__(1) == 0.5
    assert pyjitx.pyfunc(halve) is halve


def wrong_argument() -> float:
    return halve("x")


@pyjitx.pyfunc
def takes_complex(z: complex) -> int:
    return 0


def call_takes_complex() -> int:
    return takes_complex(1)


def calls_uncompilable() -> int:
    return not_compilable(3)


def not_compilable(n: int) -> int:
    return id(n)


@pytest.mark.needs_jit
@pytest.mark.parametrize("fn, words", [
    (wrong_argument, "argument 'x' of halve() must be float, not str"),
    (call_takes_complex, "unsupported annotation"),
    (calls_uncompilable, "pyjitx.pyfunc(not_compilable)"),
], ids=lambda x: getattr(x, "__name__", None) if callable(x) else None)
def test_compile_errors(fn, words):
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(fn)()
    assert words in str(info.value)


@pytest.mark.needs_jit
def test_uncallable_objects_suggest_pyfunc():
    def calls_id(n: int) -> int:
        return id(n)

    with pytest.raises(pyjitx.CompileError, match="pyjitx.pyfunc"):
        pyjitx.compile(calls_id)(1)


@pytest.mark.needs_jit
def test_modules_calling_python_are_not_cached(monkeypatch):
    stored = []
    monkeypatch.setattr(cache, "store", lambda key, module: stored.append(module.name))

    def plain(n: int) -> int:
        return n + 1

    def calls_python(n: int) -> bool:
        return is_even(plain(n))

    assert pyjitx.compile(plain)(1) == 2
    assert pyjitx.compile(calls_python)(1) is True
    assert stored == ["plain"]
