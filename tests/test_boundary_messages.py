"""What a call that does not fit a compiled function says, and which numbers
its float and int parameters take.

- A call whose arguments do not bind (missing, surplus, unknown or repeated
  arguments) raises CPython's TypeError word for word, for functions and
  for the methods, constructors and class methods of compiled classes,
  where CPython counts `self` and `cls`.
- A wrong item deep inside an argument is named by its place:
  `f() argument 'xs': xs[3]['k'][2]: expected int, got str` (the argument
  itself of a wrong type keeps `f() argument 'xs' must be ..., not ...`).
- A `float` parameter takes what float(x) takes in practice: Python ints,
  numpy floating and integer scalars, converted as float(x) converts them;
  an `int` parameter takes numpy integers; both refuse str, None and
  arrays, naming the parameter."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple, Union

import numpy as np
import pytest
from hypothesis import given, strategies as st

import pyjitx
from deep_helpers import outcome

pytestmark = pytest.mark.needs_jit


# ------------------------------------------------------- arguments that do not bind

def two_and_default(x: int, y: int, z: int = 1) -> int:
    return x + y + z


def nothing() -> int:
    return 0


class Point:
    def __init__(self, x: int, y: int = 0) -> None:
        self.x = x
        self.y = y

    def moved(self, dx: int, dy: int = 0) -> int:
        return self.x + dx + dy

    @staticmethod
    def origin(scale: int) -> int:
        return 0 * scale

    @classmethod
    def make(cls, x: int) -> int:
        return x


class Point3(Point):
    pass


class Bare:
    def size(self) -> int:
        return 1


CompiledPoint = pyjitx.compile(Point)
CompiledPoint3 = pyjitx.compile(Point3)
CompiledBare = pyjitx.compile(Bare)

CALLS = [((), {}), ((1,), {}), ((1, 2, 3, 4), {}), ((1, 2, 3, 4, 5), {}),
         ((1, 2), {"w": 3}), ((1, 2), {"z": 3, "w": 4}), ((1,), {"x": 2}),
         ((1, 2), {"y": 3}), ((), {"y": 1}), ((1,), {"y": 2, "x": 3})]


@pytest.mark.parametrize("args, kwargs", CALLS)
def test_a_function_reports_what_cpython_reports(args, kwargs):
    compiled = pyjitx.compile(two_and_default)
    assert outcome(lambda: compiled(*args, **kwargs)) == \
        outcome(lambda: two_and_default(*args, **kwargs))


@pytest.mark.parametrize("args, kwargs", [((1,), {}), ((), {"x": 1}), ((1, 2), {})])
def test_a_function_without_parameters(args, kwargs):
    compiled = pyjitx.compile(nothing)
    assert outcome(lambda: compiled(*args, **kwargs)) == outcome(lambda: nothing(*args, **kwargs))


def method_calls(cls):
    p = cls(1)
    return [
        lambda: cls(), lambda: cls(1, 2, 3), lambda: cls(1, z=2), lambda: cls(1, x=2),
        lambda: p.moved(), lambda: p.moved(1, 2, 3), lambda: p.moved(1, dx=2),
        lambda: p.moved(q=1), lambda: cls.moved(), lambda: cls.moved(p),
        lambda: cls.origin(), lambda: cls.origin(1, 2), lambda: p.origin(scale=1, x=2),
        lambda: cls.make(), lambda: cls.make(1, 2), lambda: p.make(1, 2), lambda: cls.make(y=1),
    ]


@pytest.mark.parametrize("index", range(17))
@pytest.mark.parametrize("python, compiled", [(Point, CompiledPoint), (Point3, CompiledPoint3)])
def test_methods_report_what_cpython_reports(python, compiled, index):
    # (CPython counts self and cls: "takes 2 positional arguments but 3
    # were given" of a one-parameter method)
    expected = outcome(method_calls(python)[index])
    assert expected.startswith("TypeError: Point.")
    assert outcome(method_calls(compiled)[index]) == expected


def test_a_class_without_init_takes_no_arguments():
    assert outcome(lambda: CompiledBare(1)) == outcome(lambda: Bare(1)) == \
        "TypeError: Bare() takes no arguments"
    assert CompiledBare().size() == 1


def test_constructor_type_errors_name_the_class():
    with pytest.raises(TypeError, match=r"^Point\(\) argument 'x' must be int, not str$"):
        CompiledPoint("a")


# ------------------------------------------------------------ items deep inside

def records(xs: List[Dict[str, List[int]]]) -> int:
    return len(xs)


def table(d: Dict[str, int]) -> int:
    return len(d)


def pair(t: Tuple[int, str]) -> int:
    return len(t)


def numbers(s: Set[int]) -> int:
    return len(s)


def anything(x: Any) -> int:
    return 1


def mixed(xs: List[Union[int, str]]) -> int:
    return len(xs)


def maybe(xs: Optional[List[int]]) -> int:
    return 0


def keyed(d: Dict[Tuple[int, int], str]) -> int:
    return len(d)


def cube(x: List[List[List[float]]]) -> int:
    return len(x)


@pytest.mark.parametrize("fn, arg, message", [
    (records, [{}, {}, {}, {"k": [1, 2, "x"]}], "records() argument 'xs': xs[3]['k'][2]: "
                                                "expected int, got str"),
    (records, [{"a": [1]}, {"k": 3}], "records() argument 'xs': xs[1]['k']: "
                                      "expected List[int], got int"),
    (records, [{"a": [1]}, {5: [1]}], "records() argument 'xs': xs[1] key 5: "
                                      "expected str, got int"),
    (table, {"a": 1, "b": "x"}, "table() argument 'd': d['b']: expected int, got str"),
    (table, {"a": 1, 5: 2}, "table() argument 'd': d key 5: expected str, got int"),
    (pair, (1, 2), "pair() argument 't': t[1]: expected str, got int"),
    (numbers, {1, "a"}, "numbers() argument 's': s item 'a': expected int, got str"),
    (anything, [1, [2, object()]], "anything() argument 'x': x[1][1]: pyjitx cannot pass a "
                                   "object value to compiled code"),
    (mixed, [1, "a", 2.5], "mixed() argument 'xs': xs[2]: expected Union[int, str], got float"),
    (maybe, [1, None], "maybe() argument 'xs': xs[1]: expected int, got NoneType"),
    (keyed, {(1, 2): "a", (1, "b"): "c"}, "keyed() argument 'd': d key (1, 'b')[1]: "
                                          "expected int, got str"),
    (cube, [[[1.0]], [[2.0, 3.0], [4.0, "z"]]], "cube() argument 'x': x[1][1][1]: "
                                                "expected float, got str"),
    (records, [{"k": [1]}] * 3 + [{"k": (1, 2)}], "records() argument 'xs': xs[3]['k']: "
                                                  "expected List[int], got tuple"),
    (cube, [[[1.0]], [(1.0,)]], "cube() argument 'x': x[1][0]: expected List[float], got tuple"),
    # the argument itself: its type
    (records, "abc", "records() argument 'xs' must be List[Dict[str, List[int]]], not str"),
    (pair, [1, "a"], "pair() argument 't' must be Tuple[int, str], not list"),
])
def test_a_wrong_item_inside_an_argument_is_named_by_its_place(fn, arg, message):
    with pytest.raises(TypeError) as info:
        pyjitx.compile(fn)(arg)
    assert str(info.value) == message


def test_a_long_key_is_shortened_in_the_place():
    key = "k" * 100
    with pytest.raises(TypeError) as info:
        pyjitx.compile(table)({key: "x"})
    assert str(info.value) == f"table() argument 'd': d['{'k' * 36}...]: expected int, got str"


def test_a_wrong_item_deep_down_a_nest():
    x: Any = [[[["a"]]]]
    with pytest.raises(TypeError, match=r"^cube\(\) argument 'x': x\[0\]\[0\]\[0\]: expected "
                                        r"float, got list$"):
        pyjitx.compile(cube)(x)


class Holder:
    def __init__(self) -> None:
        self.rows: List[List[int]] = []


CompiledHolder = pyjitx.compile(Holder)


def test_attributes_and_pyfunc_results_name_the_place():
    h = CompiledHolder()
    with pytest.raises(TypeError, match=r"^attribute 'rows' of Holder: rows\[1\]\[0\]: expected "
                                        r"int, got str$"):
        h.rows = [[1], ["a"]]
    with pytest.raises(TypeError, match=r"^attribute 'rows' of Holder must be List\[List\[int\]\], "
                                        r"not int$"):
        h.rows = 5
    assert h.rows == []


@pyjitx.pyfunc
def bad_rows() -> List[List[int]]:
    return [[1], [2, "x"]]  # type: ignore[list-item]


def use_rows() -> int:
    return len(bad_rows())


def test_a_pyfunc_result_names_the_place():
    with pytest.raises(TypeError, match=r"^bad_rows\(\) must return List\[List\[int\]\]: "
                                        r"result\[1\]\[1\]: expected int, got str$"):
        pyjitx.compile(use_rows)()


# -------------------------------------------------------------- float and int

def half(x: float) -> float:
    return x / 2


def twice(n: int) -> int:
    return n * 2


def untyped(x):
    return x * 2


@pytest.mark.parametrize("value", [np.float32(0.1), np.float64(2.5), np.float16(1.5),
                                   np.int64(3), np.int32(-7), np.uint8(200), 2, True,
                                   2**53 + 1, -(2**60), 10**300])
def test_a_float_parameter_takes_what_float_takes(value):
    assert pyjitx.compile(half)(value) == float(value) / 2
    assert type(pyjitx.compile(half)(value)) is float


def test_a_float_parameter_overflows_as_float_does():
    assert outcome(lambda: pyjitx.compile(half)(10**400)) == outcome(lambda: float(10**400)) == \
        "OverflowError: int too large to convert to float"


@given(st.integers(min_value=-(2**1000), max_value=2**1000))
def test_ints_convert_to_float_exactly_as_float_does(n):
    assert pyjitx.compile(half)(n) == float(n) / 2


@given(st.floats(width=32, allow_nan=False))
def test_float32_widens_exactly(x):
    assert pyjitx.compile(half)(np.float32(x)) == float(np.float32(x)) / 2


@pytest.mark.parametrize("fn, value, name", [
    (half, "1.5", "str"), (half, None, "NoneType"), (half, np.array(2.0), "numpy.ndarray"),
    (half, np.array([1.0, 2.0]), "numpy.ndarray"), (half, [1.0], "list"),
    (twice, "1", "str"), (twice, None, "NoneType"), (twice, np.array(2), "numpy.ndarray"),
    (twice, np.array([1, 2]), "numpy.ndarray"), (twice, 1.0, "float"),
    (twice, np.float64(2.0), "numpy.float64"),
])
def test_what_a_number_parameter_refuses(fn, value, name):
    param, kind = ("x", "float") if fn is half else ("n", "int")
    with pytest.raises(TypeError) as info:
        pyjitx.compile(fn)(value)
    assert str(info.value) == f"{fn.__name__}() argument '{param}' must be {kind}, not {name}"


@pytest.mark.parametrize("value", [np.int64(3), np.int8(-2), np.uint16(7)])
def test_an_int_parameter_takes_numpy_integers(value):
    assert pyjitx.compile(twice)(value) == int(value) * 2


@pytest.mark.parametrize("value", [np.float32(1.5), np.float64(2.5), np.int64(3), 4, 2.5])
def test_an_unannotated_parameter_takes_numpy_scalars(value):
    result = pyjitx.compile(untyped)(value)
    assert result == untyped(value)
    assert type(result) is (int if isinstance(value, (int, np.integer)) else float)
