"""Parameters and arguments, differentially against CPython: `*args` and
`**kwargs` in definitions (typed: `*args: int` is a Tuple[int, ...],
`**kw: str` a Dict[str, str]; untyped), keyword-only and positional-only
parameters with defaults, `f(*xs, **kw)` at call sites (tuples, lists and
dicts whose lengths only the run time knows), nested functions and lambdas
with such parameters, print(*xs)/max(*xs)/min(*xs), and the Python
boundary: calling these functions with keywords binds as CPython does,
with its TypeError messages."""
from __future__ import annotations

import contextlib
import io
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-1000, 1000)
short_ints = st.lists(ints, max_size=5)
names = st.sampled_from(["a", "b", "c", "d", "e", "rest", "z"])
int_kwargs = st.dictionaries(names, ints, max_size=4)


def outcome(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except TypeError as exc:  # the binding errors: same message as CPython's
        return ("TypeError", str(exc))
    except Exception as exc:  # noqa: BLE001
        return (type(exc).__name__, None)


def assert_same_binding(fn, *args, **kwargs):
    """fn and its compiled twin agree, TypeError messages included."""
    expected = outcome(fn, *args, **kwargs)
    got = outcome(compiled(fn), *args, **kwargs)
    assert got == expected, f"{fn.__name__}{args}{kwargs}"


# ---------------------------------------------------------------- definitions

def total(*args: int) -> int:
    return sum(args) * len(args)


def scaled(k: float, *values: float) -> List[float]:
    return [k * v for v in values]


def labels(**names: str) -> Dict[str, str]:
    return {k: v.upper() for k, v in names.items()}


def everything(a, b=2, *rest, c, d=4, **kw):
    return a, b, rest, c, d, kw


def keyword_only(x: int, *, scale: int = 2, offset: int = 0) -> int:
    return x * scale + offset


def positional_only(a: int, b: int = 10, /, c: int = 100) -> int:
    return a + b * 2 + c * 3


def mixed_kinds(a: int, /, b: str, *, c: Optional[str] = None, **extra: int) -> str:
    return f"{a} {b} {c} {sorted(extra.items())}"


@given(short_ints)
def test_typed_star_args(xs):
    assert_same(total, compiled(total), *xs)


@given(st.floats(-10, 10), st.lists(st.floats(-10, 10) | ints, max_size=4))
def test_star_args_after_a_parameter(k, values):
    assert_same(scaled, compiled(scaled), k, *values)


@given(st.dictionaries(names, st.text(alphabet="aé世", max_size=3), max_size=4))
def test_typed_star_star_kwargs(kw):
    assert_same(labels, compiled(labels), **kw)


@given(st.lists(st.one_of(ints, st.text(max_size=2), st.none()), max_size=5), int_kwargs)
def test_untyped_args_and_kwargs_bind_as_cpython(values, kw):
    assert_same_binding(everything, *values, **kw)


@given(st.lists(ints, max_size=4), st.dictionaries(st.sampled_from(["x", "scale", "offset", "y"]),
                                                   ints, max_size=3))
def test_keyword_only_parameters_from_python(values, kw):
    assert_same_binding(keyword_only, *values, **kw)


@given(st.lists(ints, max_size=4), st.dictionaries(st.sampled_from(["a", "b", "c"]), ints,
                                                   max_size=2))
def test_positional_only_parameters_from_python(values, kw):
    assert_same_binding(positional_only, *values, **kw)


@given(st.integers(0, 3), st.sets(st.sampled_from(["a", "b", "c", "x", "y"]), max_size=3),
       ints, st.text(max_size=2))
def test_every_kind_of_parameter_from_python(npositional, keywords, n, s):
    # (values of the annotated types: the binding is what varies)
    values = [n, s, s][:npositional]
    kw = {k: (n if k in ("a", "x", "y") else s) for k in keywords}
    assert_same_binding(mixed_kinds, *values, **kw)


def test_keyword_only_is_not_filled_positionally_on_the_fast_path():
    # the machine code takes (x, scale, offset) in order: a positional call
    # of three must not reach it directly
    fn = compiled(keyword_only)
    assert fn(3, scale=4) == 12
    for _ in range(3):
        with pytest.raises(TypeError) as info:
            fn(3, 4, 5)
        assert str(info.value) == "keyword_only() takes 1 positional argument but 3 were given"


# -------------------------------------------------------- calls in compiled code

def three(a: int, b: int, c: int = 10) -> int:
    return a * 100 + b * 10 + c


def call_with_list(xs: List[int]) -> int:
    return three(*xs)


def call_with_prefix_and_keyword(xs: List[int]) -> int:
    return three(1, *xs, c=5)


def call_with_dict(d: Dict[str, int]) -> int:
    return three(**d)


def call_with_both(xs: List[int], d: Dict[str, int]) -> int:
    return three(*xs, **d)


def call_with_tuple(t: Tuple[int, str, float]) -> Any:
    return everything(*t, c=None), everything(t[0], *(t[1], t[2]), **{"c": 1, "q": 2})


def call_star_args(xs: List[int], ys: List[int]) -> int:
    return total(*xs, 7, *ys) + total() + total(*(1, 2))


def forward(*args: int, **kwargs: int) -> int:
    return three(*args, **kwargs)


def call_keyword_only(x: int, d: Dict[str, int]) -> Tuple[int, int, int]:
    return keyword_only(x), keyword_only(x, offset=1), keyword_only(x, **d)


def call_positional_only(xs: List[int]) -> int:
    return positional_only(*xs) + positional_only(1, c=2)


def call_untyped_kwargs(d: Dict[str, int]) -> Any:
    return everything(0, c=1, **d)


@given(st.lists(ints, max_size=5))
def test_star_list_at_a_call(xs):
    # every length: too few, defaults, too many -- CPython's TypeErrors
    assert_same_binding(call_with_list, xs)
    assert_same_binding(call_with_prefix_and_keyword, xs)


@given(int_kwargs)
def test_star_star_dict_at_a_call(d):
    assert_same_binding(call_with_dict, d)
    assert_same_binding(call_untyped_kwargs, d)


@given(st.lists(ints, max_size=4), int_kwargs)
def test_star_list_and_star_star_dict_at_a_call(xs, d):
    assert_same_binding(call_with_both, xs, d)
    assert_same_binding(forward, *xs, **d)


@given(st.tuples(ints, st.text(max_size=2), st.floats(-5, 5)))
def test_star_tuple_unpacks_items_of_different_types(t):
    assert_same(call_with_tuple, compiled(call_with_tuple), t)


@given(st.lists(ints, max_size=4), st.lists(ints, max_size=4))
def test_star_args_collect_unpacked_sequences(xs, ys):
    assert_same(call_star_args, compiled(call_star_args), xs, ys)


@given(ints, st.dictionaries(st.sampled_from(["scale", "offset", "x", "other"]), ints,
                             max_size=2))
def test_keyword_only_at_a_call(x, d):
    assert_same_binding(call_keyword_only, x, d)


@given(st.lists(ints, max_size=4))
def test_positional_only_at_a_call(xs):
    assert_same_binding(call_positional_only, xs)


# ---------------------------------------------- nested functions and lambdas

def nested(xs: List[int], d: Dict[str, int]) -> Any:
    def inner(a: int, /, b: int = 1, *more: int, k: int = 0, **kw: int) -> int:
        return a + b * 10 + sum(more) * 100 + k * 1000 + len(kw) * 10000

    f = lambda *a, k=2: sum(a) * k
    g = lambda a, /, *, b: a - b
    return (inner(*xs, **d) if xs else -1), f(*xs), f(1, 2, k=3), g(5, b=2), inner(1, 2, 3, k=4)


@given(st.lists(ints, max_size=4), st.dictionaries(st.sampled_from(["b", "k", "x"]), ints,
                                                   max_size=2))
def test_nested_functions_and_lambdas_with_every_kind_of_parameter(xs, d):
    assert_same_binding(nested, xs, d)


# -------------------------------------------------------------- built-ins

def star_builtins(xs: List[int], t: Tuple[int, int]) -> Any:
    print(*xs, sep=",")
    return max(*xs), min(*xs, key=lambda v: -v), max(*t), abs(*(t[0],)), divmod(*t)


@given(st.lists(ints, max_size=4), st.tuples(ints, st.integers(1, 9)))
def test_star_arguments_of_builtins(xs, t):
    results = []
    for fn in (star_builtins, compiled(star_builtins)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            results.append((outcome(fn, xs, t), out.getvalue()))
    assert results[1] == results[0]


# ------------------------------------------------------- methods of classes

class Greeter:
    def __init__(self, greeting: str, *, punctuation: str = "!") -> None:
        self.greeting = greeting
        self.punctuation = punctuation

    def greet(self, name: str, /, *, loud: bool = False) -> str:
        text = f"{self.greeting}, {name}{self.punctuation}"
        return text.upper() if loud else text


def greet_all(names: List[str], loud: bool) -> List[str]:
    g = Greeter("hello", punctuation="?")
    return [g.greet(n, loud=loud) for n in names] + [Greeter(*["hi"]).greet(*names[:1])]


@given(st.lists(st.sampled_from(["ann", "bo", "é"]), min_size=1, max_size=3), st.booleans())
def test_keyword_only_and_positional_only_methods(names_, loud):
    assert_same(greet_all, compiled(greet_all), names_, loud)


class Accumulator:
    def __init__(self, *start: int, **tags: str) -> None:
        self.total = sum(start)
        self.tags = tags

    def add(self, *values: int, scale: int = 1) -> int:
        self.total += sum(values) * scale
        return self.total


def accumulate(xs: List[int], d: Dict[str, str]) -> Tuple[int, int, Dict[str, str]]:
    acc = Accumulator(*xs, **d)
    acc.add(1, 2, scale=3)
    return acc.add(*xs), acc.total, acc.tags


@given(st.lists(ints, max_size=4), st.dictionaries(names, st.text(max_size=2), max_size=2))
def test_methods_with_star_args_and_star_star_kwargs(xs, d):
    assert_same(accumulate, compiled(accumulate), xs, d)


def test_methods_with_star_args_from_python():
    Acc = pyjitx.compile(Accumulator)
    acc = Acc(1, 2, colour="red")
    assert (acc.total, acc.tags) == (3, {"colour": "red"})
    assert acc.add(4, 5, scale=2) == 21
    with pytest.raises(TypeError) as info:
        acc.add(1, scale=2, other=3)
    assert str(info.value) == "Accumulator.add() got an unexpected keyword argument 'other'"


def test_constructor_binding_errors_name_init_as_cpython():
    Greet = pyjitx.compile(Greeter)
    for args, kwargs in (((), {}), (("a", "b"), {}), (("a",), {"punct": "?"}),
                         (("a",), {"greeting": "b"})):
        with pytest.raises(TypeError) as compiled_error:
            Greet(*args, **kwargs)
        with pytest.raises(TypeError) as python_error:
            Greeter(*args, **kwargs)
        assert str(compiled_error.value) == str(python_error.value)


@pyjitx.pyfunc
def tagged(x: int, /, *, label: str = "n") -> str:
    return f"{label}={x}"


def call_a_pyfunc(x: int) -> str:
    return tagged(x, label="v") + " " + tagged(x) + " " + tagged(*[x], **{"label": "w"})


@given(ints)
def test_keyword_only_parameters_of_a_pyfunc(x):
    assert_same(call_a_pyfunc, compiled(call_a_pyfunc), x)
