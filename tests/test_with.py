"""`with` over instances of compiled classes, differentially against
CPython: __enter__/__exit__ order with and without `as`, several items,
exceptions in the body (re-raised, or swallowed by a true __exit__ result),
in __enter__, in the target assignment and in __exit__ itself; leaving the
body by return, break and continue (nested, in loops, inside try); virtual
__exit__ of a subclass; `with` in Python code over a compiled class;
__exit__ receiving the exception (issubclass, isinstance, str, raise) and
swallowing it by its result.  Then the documented deviations (no
traceback; `with` in Python passes None) and the compile errors."""
from __future__ import annotations

from types import TracebackType
from typing import List, Optional, Tuple, Type

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_result, assert_same, assert_same_effects, compiled


class Recorder:
    """Logs entering and leaving; `swallow` is what __exit__ returns; fails
    on enter or exit when asked to."""

    def __init__(self, name: str, log: List[str], swallow: bool = False, fail_enter: bool = False,
                 fail_exit: bool = False) -> None:
        self.name = name
        self.log = log
        self.swallow = swallow
        self.fail_enter = fail_enter
        self.fail_exit = fail_exit

    def __enter__(self) -> Recorder:
        self.log.append("enter " + self.name)
        if self.fail_enter:
            raise KeyError("enter " + self.name)
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool:
        self.log.append("exit " + self.name)
        if self.fail_exit:
            raise IndexError("exit " + self.name)
        return self.swallow


class Quiet(Recorder):
    """Overrides __exit__ (called through the vtable for a Recorder)."""

    def __exit__(self, exc_type, exc, tb) -> bool:  # unannotated: also fine
        self.log.append("quiet " + self.name)
        return True


class Pair:
    def __init__(self, a: int, b: int) -> None:
        self.a = a
        self.b = b

    def __enter__(self) -> Tuple[int, int]:
        return (self.a, self.b)

    def __exit__(self, exc_type, exc, tb) -> None:
        self.a = 0


class Listing:
    def __init__(self, items: List[int]) -> None:
        self.items = items
        self.closed = False

    def __enter__(self) -> List[int]:
        return self.items

    def __exit__(self, exc_type: Optional[type], exc: Optional[Exception], tb: object) -> None:
        self.closed = True


# ------------------------------------------------------- compiled code


def protocol(fail_at: int, swallow: bool, fail_enter: bool, fail_exit: bool) -> List[str]:
    log: List[str] = []
    try:
        with Recorder("a", log, swallow) as a, Recorder("b", log, False, fail_enter, fail_exit):
            log.append("body " + a.name)
            if fail_at == 1:
                raise ValueError("body")
            log.append("more")
            if fail_at == 2:
                log.append(str([1][fail_at]))  # IndexError from an operation
        with Recorder("c", log):
            log.append("no as")
    except Exception as e:  # noqa: BLE001
        log.append("caught " + str(e))
    log.append("end")
    return log


def early_exits(n: int, stop: int, skip: int) -> List[str]:
    log: List[str] = []
    with Recorder("outer", log):
        for i in range(n):
            with Recorder(str(i), log):
                if i == skip:
                    continue
                with Recorder("inner", log, False):
                    if i == stop:
                        break
                    log.append("work")
                log.append("after inner")
        while True:
            with Recorder("w", log):
                break
        log.append("loops done")
    return log


def returns(n: int) -> str:
    log: List[str] = []
    with Recorder("r", log):
        for i in range(5):
            with Recorder(str(i), log):
                if i == n:
                    return ",".join(log)  # evaluated before the __exit__ calls
    return "end:" + ",".join(log)


def log_of_returns(n: int) -> List[str]:
    log: List[str] = []
    _returning_inside(n, log)
    return log


def _returning_inside(n: int, log: List[str]) -> int:
    with Recorder("x", log), Recorder("y", log):
        if n > 0:
            return n
        log.append("fall through")
    return -1


def exit_fails_on_return(n: int) -> str:
    log: List[str] = []
    try:
        with Recorder("r", log, False, False, True):
            try:
                if n > 0:
                    return "returned"
            except IndexError:
                return "wrong handler"
    except IndexError as e:
        return "outer caught " + str(e) + " " + ",".join(log)
    return "fell through"


def virtual_exit(kind: int, fail: bool) -> List[str]:
    log: List[str] = []
    manager = Quiet("q", log) if kind == 0 else Recorder("r", log, True)
    with manager:
        if fail:
            raise RuntimeError("swallowed")
    return log


def unpack_target(a: int, b: int) -> int:
    p = Pair(a, b)
    with p as (x, y):
        total = x * 10 + y
    return total + p.a


def unpack_list_target(items: List[int]) -> str:
    manager = Listing(items)
    try:
        with manager as (first, second):
            return str(first + second)
    except ValueError as e:
        return f"{e} closed={manager.closed}"


def reuse(n: int) -> List[str]:
    log: List[str] = []
    manager = Recorder("m", log)
    for _ in range(n):
        with manager as same:
            same.log.append("x")
    return log


@given(st.integers(0, 2), st.booleans(), st.booleans(), st.booleans())
def test_protocol_and_exceptions(fail_at, swallow, fail_enter, fail_exit):
    assert_same(protocol, compiled(protocol), fail_at, swallow, fail_enter, fail_exit)


@given(st.integers(0, 5), st.integers(-1, 5), st.integers(-1, 5))
def test_break_and_continue_exit_the_withs_they_leave(n, stop, skip):
    assert_same(early_exits, compiled(early_exits), n, stop, skip)


@given(st.integers(-1, 5))
def test_return_exits_every_with_after_evaluating_its_value(n):
    assert_same(returns, compiled(returns), n)
    assert_same(log_of_returns, compiled(log_of_returns), n)


@pytest.mark.parametrize("n", [0, 1])
def test_exit_raising_on_return_goes_to_the_handlers_around_the_with(n):
    assert_same(exit_fails_on_return, compiled(exit_fails_on_return), n)


@given(st.integers(0, 1), st.booleans())
def test_overridden_exit_is_called_virtually(kind, fail):
    assert_same(virtual_exit, compiled(virtual_exit), kind, fail)


@given(st.integers(-9, 9), st.integers(-9, 9))
def test_tuple_target(a, b):
    assert_same(unpack_target, compiled(unpack_target), a, b)


@given(st.lists(st.integers(-9, 9), max_size=3))
def test_failing_target_assignment_runs_exit(items):
    assert_same(unpack_list_target, compiled(unpack_list_target), items)


@given(st.integers(0, 3))
def test_one_manager_entered_again(n):
    assert_same(reuse, compiled(reuse), n)


# ---------------------------------------------------------- from Python


CompiledRecorder = pyjitx.compile(Recorder)


@pytest.mark.parametrize("swallow", [False, True])
def test_with_in_python_over_a_compiled_class(swallow):
    raised = False
    try:
        with CompiledRecorder("p", [], swallow) as r:
            raise KeyError("k")
    except KeyError:
        raised = True
    assert raised is not swallow
    assert r.log == ["enter p", "exit p"]


# ------------------------------------------ the exception in __exit__


class MyError(ValueError):
    pass


class Guard:
    """Looks at the exception and swallows ValueErrors when asked to."""

    def __init__(self, log: List[str], swallow_values: bool) -> None:
        self.log = log
        self.swallow_values = swallow_values

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool:
        if exc_type is None:
            self.log.append("clean " + str(exc))
            return False
        self.log.append("saw " + str(exc))
        if isinstance(exc, KeyError):
            self.log.append("a key error")
        if isinstance(exc, (IndexError, MyError)) and exc_type:
            self.log.append("index or mine")
        if issubclass(exc_type, (ArithmeticError, LookupError)):
            self.log.append("arithmetic or lookup")
        return self.swallow_values and issubclass(exc_type, ValueError)


class Translator:
    """Raises its own exception from __exit__, or re-raises the one it got."""

    def __init__(self, mode: int) -> None:
        self.mode = mode

    def __enter__(self) -> int:
        return self.mode

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and self.mode == 1:
            raise RuntimeError("translated: " + str(exc))
        if exc is not None and self.mode == 2:
            raise exc
        return False


def exception_passed(mode: int, swallow: bool) -> List[str]:
    log: List[str] = []
    try:
        with Guard(log, swallow):
            if mode == 1:
                raise ValueError("bad value")
            if mode == 2:
                raise KeyError("k")
            if mode == 3:
                log.append(str([1][mode]))  # IndexError from an operation
            if mode == 4:
                raise MyError("mine")
            if mode == 5:
                log.append(str(mode // (mode - 5)))
            log.append("body done")
    except Exception as e:  # noqa: BLE001
        log.append("caught " + str(e))
    return log


def exception_translated(mode: int, fail: bool) -> str:
    try:
        with Translator(mode) as m:
            if fail:
                raise KeyError(m)
        return "no exception"
    except RuntimeError as e:
        return "runtime: " + str(e)
    except KeyError as e:
        return "key: " + str(e)


@given(st.integers(0, 6), st.booleans())
def test_exit_receives_the_exception(mode, swallow):
    assert_same(exception_passed, compiled(exception_passed), mode, swallow)


@given(st.integers(0, 3), st.booleans())
def test_exit_raises_its_own_exception_or_the_one_it_got(mode, fail):
    assert_same(exception_translated, compiled(exception_translated), mode, fail)


# ---------------------------------------------- documented deviations


class Inspector:
    def __init__(self) -> None:
        self.saw_traceback = False

    def __enter__(self) -> Inspector:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.saw_traceback = tb is not None
        return True


def traceback_is_not_passed() -> bool:
    inspector = Inspector()
    with inspector:
        raise ValueError("x")
    return inspector.saw_traceback


@pytest.mark.needs_jit
def test_exit_receives_none_for_the_traceback():
    assert traceback_is_not_passed() is True
    assert_result(pyjitx.compile(traceback_is_not_passed), False)


CompiledGuard = pyjitx.compile(Guard)


@pytest.mark.needs_jit
def test_with_in_python_passes_none_for_the_exception():
    guard = CompiledGuard([], True)
    with pytest.raises(ValueError):
        with guard:
            raise ValueError("v")
    assert guard.log == ["clean None"]  # Python's Guard: ["saw v"], and swallowed


# ------------------------------------------------------------- errors


class NoExit:
    def __enter__(self) -> int:
        return 1


class TypedExit:
    def __enter__(self) -> int:
        return 1

    def __exit__(self, exc_type: int, exc: Optional[Exception], tb: object) -> None:
        pass


class StarExit:
    def __enter__(self) -> int:
        return 1

    def __exit__(self, *exc: object) -> None:
        pass


def over_star_exit() -> int:
    with StarExit() as n:
        return n


def over_str(s: str) -> int:
    with s:
        return 1


def over_no_exit() -> int:
    with NoExit() as n:
        return n


def over_typed_exit() -> int:
    with TypedExit() as n:
        return n


def return_through_with_and_finally(log: List[str]) -> int:
    try:
        with Recorder("r", log):
            return 1
    finally:
        log.append("finally")


def test_return_through_with_and_finally():
    # __exit__ first (the inner statement), then the finally body
    assert_same_effects(return_through_with_and_finally,
                        pyjitx.compile(return_through_with_and_finally), [])


@pytest.mark.needs_jit
@pytest.mark.parametrize("fn, args, words", [
    (over_str, ("x",), "'with' over a str is not supported"),
    (over_no_exit, (), "does not support the context manager protocol"),
    (over_typed_exit, (), "parameter 'exc_type' is annotated int"),
    (over_star_exit, (), "__exit__ takes (self, exc_type, exc_value, traceback)"),
], ids=lambda x: getattr(x, "__name__", None) if callable(x) else None)
def test_compile_errors(fn, args, words):
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(fn)(*args)
    assert words in str(info.value)
