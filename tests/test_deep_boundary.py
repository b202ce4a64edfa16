"""Deep and self-holding values crossing the boundary.

CPython handles a list nested 50,000 deep as an ordinary value; so does the
conversion between Python and the runtime, both ways (it keeps its own
stack instead of recursing on the C stack): `len(x)` of a 50,000-deep list
passed to an `Any` parameter is 1, and a 100,000-deep value built in
compiled code comes back whole.  A value that compiled code made to hold
itself comes back as a Python object that holds itself; one that Python
made is refused with ValueError (compiled code does not hold cycles that
come in, docs/guide/types.md).

The deepest cases run in a fresh interpreter (deep_helpers.run_script):
before this each crashed the process with SIGSEGV."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

import pyjitx
from deep_helpers import run_script

pytestmark = pytest.mark.needs_jit


def nest(n: int, make=lambda x: [x]) -> Any:
    x: Any = []
    for _ in range(n):
        x = make(x)
    return x


def same_value(a: Any, b: Any) -> bool:
    """a == b with the types too, iteratively (== of a value this deep
    raises RecursionError)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, (list, tuple)):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, dict):
            if list(x) != list(y):
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif x != y:
            return False
    return True


def length(x: Any) -> int:
    return len(x)


def round_trip(x: Any) -> Any:
    return x


def innermost(x: Any) -> int:
    n = 0
    while len(x) == 1:
        x = x[0]
        n += 1
    return n


@pytest.mark.parametrize("make", [lambda x: [x], lambda x: (x,), lambda x: {"k": x},
                                  lambda x: [x, 1], lambda x: ({"k": [x]},)])
def test_nested_values_cross_both_ways(make):
    value = nest(2000, make)
    assert pyjitx.compile(length)(value) == len(value)
    back = pyjitx.compile(round_trip)(value)
    assert same_value(back, value)
    assert not same_value(back, nest(1999, make))


def test_a_deep_list_is_walked_by_compiled_code():
    assert pyjitx.compile(innermost)(nest(3000)) == 3000


def test_deep_values_cross_the_boundary(tmp_path):
    lines = run_script(tmp_path, """
        def depth_of(x):
            n = 0
            while isinstance(x, (list, tuple)) and len(x) == 1 or isinstance(x, dict) and "k" in x:
                x = x["k"] if isinstance(x, dict) else x[0]
                n += 1
            return n

        def nest(n, make):
            x = []
            for _ in range(n):
                x = make(x)
            return x

        def length(x: Any) -> int:
            return len(x)

        def typed_length(x: List[Any]) -> int:
            return len(x)

        def untyped_length(x):
            return len(x)

        def build(n: int) -> Any:
            x: Any = []
            for _ in range(n):
                x = [x]
            return x

        def build_dicts(n: int) -> Dict[str, Any]:
            x: Dict[str, Any] = {}
            for _ in range(n):
                x = {"k": x}
            return x

        def identity(x: Any) -> Any:
            return x

        def grow(x: List[Any]) -> None:
            x.append(1)

        deep = nest(50_000, lambda x: [x])
        for fn in (length, typed_length, untyped_length):
            print(fn.__name__, pyjitx.compile(fn)(deep))
        print("tuples", pyjitx.compile(length)(nest(50_000, lambda x: (x,))))
        print("dicts", pyjitx.compile(length)(nest(50_000, lambda x: {"k": x})))
        print("build", depth_of(pyjitx.compile(build)(100_000)), depth_of(build(100_000)))
        print("build_dicts", depth_of(pyjitx.compile(build_dicts)(100_000)))
        back = pyjitx.compile(identity)(deep)
        print("identity", back is deep, depth_of(back))
        pyjitx.compile(grow)(deep)
        print("written back", len(deep), deep[1], depth_of(deep[0]))
    """)
    assert lines == ["length 1", "typed_length 1", "untyped_length 1", "tuples 1", "dicts 1",
                     "build 100000 100000", "build_dicts 100000", "identity True 50000",
                     "written back 2 1 49999"]


def test_deep_values_through_attributes_and_pyfuncs(tmp_path):
    lines = run_script(tmp_path, """
        def depth_of(x):
            n = 0
            while isinstance(x, list) and len(x) == 1:
                x = x[0]
                n += 1
            return n

        class Holder:
            def __init__(self) -> None:
                self.value: Any = None

            def depth(self) -> int:
                n = 0
                x = self.value
                while len(x) == 1:
                    x = x[0]
                    n += 1
                return n

        Compiled = pyjitx.compile(Holder)

        @pyjitx.pyfunc
        def deep_from_python(n: int) -> Any:
            x = []
            for _ in range(n):
                x = [x]
            return x

        @pyjitx.pyfunc
        def depth_in_python(x: Any) -> int:
            return depth_of(x)

        def through_python(n: int) -> int:
            x = deep_from_python(n)
            return depth_in_python(x)

        h = Compiled()
        x = []
        for _ in range(60_000):
            x = [x]
        h.value = x
        print(h.depth(), depth_of(h.value))
        print(pyjitx.compile(through_python)(60_000))
    """)
    assert lines == ["60000 60000", "60000"]


# ------------------------------------------------------- values that hold themselves

def test_python_cycles_are_refused_with_value_error():
    a: List[Any] = []
    a.append(a)
    d: Dict[str, Any] = {}
    d["self"] = d
    inner: List[Any] = []
    outer = {"inner": inner}
    inner.append(outer)
    for value in (a, d, inner):
        with pytest.raises(ValueError, match="contains itself"):
            pyjitx.compile(length)(value)
    a.clear()
    d.clear()
    inner.clear()


def test_values_that_hold_themselves_come_back_as_such(tmp_path):
    # (a cycle made in compiled code is never freed: a subprocess)
    lines = run_script(tmp_path, """
        def self_list(n: int) -> Any:
            xs: List[Any] = [n]
            xs.append(xs)
            return xs

        def self_dict(n: int) -> Dict[str, Any]:
            d: Dict[str, Any] = {"n": n}
            d["self"] = d
            return d

        def list_in_dict_in_itself(n: int) -> List[Any]:
            xs: List[Any] = [n]
            d: Dict[str, Any] = {"xs": xs}
            xs.append(d)
            return xs

        def in_a_tuple(n: int) -> Tuple[List[Any], List[Any]]:
            xs: List[Any] = [n]
            xs.append(xs)
            return (xs, xs)

        class Holder:
            def __init__(self) -> None:
                self.items: List[Any] = []
                self.items.append(1)
                self.items.append(self.items)

        Compiled = pyjitx.compile(Holder)

        for fn in (self_list, self_dict, list_in_dict_in_itself, in_a_tuple):
            compiled = pyjitx.compile(fn)(1)
            print(repr(compiled) == repr(fn(1)), repr(compiled))
        x = pyjitx.compile(self_list)(1)
        print(x[1] is x)
        d = pyjitx.compile(self_dict)(1)
        print(d["self"] is d)
        xs = pyjitx.compile(list_in_dict_in_itself)(1)
        print(xs[1]["xs"] is xs)
        t = pyjitx.compile(in_a_tuple)(1)
        print(t[0] is t[1] and t[0][1] is t[0])
        items = Compiled().items
        print(items[1] is items, repr(items))
    """)
    assert lines == ["True [1, [...]]", "True {'n': 1, 'self': {...}}",
                     "True [1, {'xs': [...]}]", "True ([1, [...]], [1, [...]])",
                     "True", "True", "True", "True", "True [1, [...]]"]
