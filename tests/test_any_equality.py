"""Equality between a typed value and items of another type: `in`,
count, index, remove, dict and set lookups (d[k], get, pop, del, discard,
remove) and ==, != and ordering of lists, dicts, sets and tuples, where the
needle's static type is not the container's item type -- an int among
List[Any] items, 1.0 among ints, 2**53 + 1 among floats, True as a key of
a Dict[int, str], [1] among lists of floats, None among Optional[str]
items, an Any among typed items.  Python compares across types (1 == 1.0
== True, hash-equal keys are one key), and so must compiled code
(containers._probe and the run-time path of the Any operations).

Each subject runs in CPython and compiled on deep copies of the same
hypothesis-generated values (ints up to int64, floats with -0.0, NaN and
inf, bools, str with CJK and emoji, None, nested lists and tuples); the
results, the containers afterwards and the exception types and messages
must agree.  The subjects are generated, one per (container type, needle
type), into a module written at import time (pyjitx reads their source).

NaN: CPython's containers find an item by identity before comparing, so
`x in [x]` is True for a NaN x.  Compiled code keeps floats unboxed in
typed containers and variables, where a NaN equals nothing; in Any
containers one Python NaN object is one box within a call, and a box is
found by identity (docs/guide/semantics.md, "Containers and the
boundary").  The strategies draw a fresh NaN object each time; the
identity cases are tested on their own at the end."""
from __future__ import annotations

import atexit
import copy
import importlib.util
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any, List, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import INT64_MAX, INT64_MIN, _Raised, _run, is_disabled, same_value

# ------------------------------------------------------------ values

ints = st.one_of(st.integers(-2, 3), st.sampled_from([2 ** 53, 2 ** 53 + 1, INT64_MAX,
                                                       INT64_MIN, -(2 ** 53) - 1]))
fresh_nan = st.builds(lambda: float("nan"))  # a new object each time
floats = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.0, -2.0, 2.5, math.inf, -math.inf,
                                    2.0 ** 53, 9.2e18, 1e300]), fresh_nan)
bools = st.booleans()
strs = st.sampled_from(["", "a", "b", "中", "😀", "a😀中", "1", "True"])
scalars = st.one_of(ints, floats, bools, strs, st.none())
hashables = st.one_of(scalars, st.tuples(ints, strs), st.tuples(floats, strs))
anys = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.tuples(inner, inner)), max_leaves=5)
int_lists = st.lists(ints, max_size=3)
float_lists = st.lists(floats, max_size=3)
int_str = st.tuples(ints, strs)
float_str = st.tuples(floats, strs)
optional_strs = st.one_of(st.none(), strs)

NEEDLES = {
    "int": ints, "float": floats, "bool": bools, "str": strs, "Any": anys,
    "List[int]": int_lists, "Tuple[int, str]": int_str, "Tuple[float, str]": float_str,
    "Optional[str]": optional_strs,
}

# container annotation -> (kind, strategy of its items / keys, needle types, dict default)
LISTS = {
    "List[Any]": (anys, ["int", "float", "bool", "str", "Any", "List[int]", "Tuple[int, str]",
                         "Optional[str]"]),
    "List[int]": (ints, ["float", "bool", "Any", "str", "int"]),
    "List[float]": (floats, ["int", "bool", "Any"]),
    "List[bool]": (bools, ["int", "float", "Any"]),
    "List[str]": (strs, ["Any", "Optional[str]", "int"]),
    "List[List[float]]": (float_lists, ["List[int]", "Any"]),
    "List[Tuple[float, str]]": (float_str, ["Tuple[int, str]", "Any"]),
    "List[Optional[str]]": (optional_strs, ["str", "Optional[str]", "Any"]),
}
DICTS = {  # key type -> (keys, value annotation, values, default, needles)
    "Dict[Any, int]": (hashables, ints, "-7", ["int", "float", "bool", "str", "Any",
                                               "Tuple[int, str]", "Optional[str]"]),
    "Dict[int, str]": (ints, strs, '"-"', ["float", "bool", "Any", "str"]),
    "Dict[float, str]": (floats, strs, '"-"', ["int", "bool", "Any"]),
    "Dict[str, int]": (strs, ints, "-7", ["Any", "Optional[str]", "int"]),
    "Dict[Tuple[int, str], int]": (int_str, ints, "-7", ["Tuple[float, str]", "Any"]),
}
SETS = {
    "Set[Any]": (hashables, ["int", "float", "bool", "str", "Any", "Tuple[int, str]",
                             "List[int]"]),
    "Set[int]": (ints, ["float", "bool", "Any", "str"]),
    "Set[float]": (floats, ["int", "bool", "Any"]),
    "Set[str]": (strs, ["Any", "Optional[str]"]),
}


def ident(annotation: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in annotation).strip("_")


# ------------------------------------------------------------ subjects

LIST_SUBJECT = '''
def {name}(xs: {c}, x: {n}) -> Any:
    out: List[Any] = [x in xs, x not in xs, xs.count(x)]
    try:
        out.append(xs.index(x))
    except ValueError as e:
        out.append("ValueError: " + str(e))
    try:
        out.append(xs.index(x, 1))
    except ValueError as e:
        out.append("ValueError: " + str(e))
    try:
        xs.remove(x)
        out.append(len(xs))
    except ValueError as e:
        out.append("ValueError: " + str(e))
    return out
'''

DICT_SUBJECT = '''
def {name}(d: {c}, x: {n}) -> Any:
    out: List[Any] = [x in d, x not in d, d.get(x, {default})]
    try:
        out.append(d[x])
    except KeyError as e:
        out.append("KeyError: " + str(e))
    try:
        out.append(d.pop(x))
    except KeyError as e:
        out.append("KeyError: " + str(e))
    out.append(d.pop(x, {default}))
    try:
        del d[x]
    except KeyError as e:
        out.append("KeyError: " + str(e))
    return out
'''

DICT_DEL_SUBJECT = '''
def {name}(d: {c}, x: {n}) -> Any:
    del d[x]
    return len(d)
'''

SET_SUBJECT = '''
def {name}(s: {c}, x: {n}) -> Any:
    out: List[Any] = [x in s, x not in s]
    s.discard(x)
    out.append(len(s))
    try:
        s.remove(x)
    except KeyError as e:
        out.append("KeyError: " + str(e))
    return out
'''

SUBJECTS = []  # (function name, container strategy, needle strategy)
_source = ["from typing import Any, Dict, List, Optional, Set, Tuple\n"]
for c, (items, needles) in LISTS.items():
    for n in needles:
        name = f"list_{ident(c)}__{ident(n)}"
        _source.append(LIST_SUBJECT.format(name=name, c=c, n=n))
        SUBJECTS.append((name, st.lists(items, max_size=5), NEEDLES[n]))
for c, (keys, values, default, needles) in DICTS.items():
    for n in needles:
        name = f"dict_{ident(c)}__{ident(n)}"
        _source.append(DICT_SUBJECT.format(name=name, c=c, n=n, default=default))
        SUBJECTS.append((name, st.dictionaries(keys, values, max_size=4), NEEDLES[n]))
        name = f"dictdel_{ident(c)}__{ident(n)}"
        _source.append(DICT_DEL_SUBJECT.format(name=name, c=c, n=n))
        SUBJECTS.append((name, st.dictionaries(keys, values, max_size=4), NEEDLES[n]))
for c, (items, needles) in SETS.items():
    for n in needles:
        name = f"set_{ident(c)}__{ident(n)}"
        _source.append(SET_SUBJECT.format(name=name, c=c, n=n))
        SUBJECTS.append((name, st.sets(items, max_size=4), NEEDLES[n]))

# ==, != and ordering between containers of different item types
COMPARE_SUBJECT = '''
def {name}(a: {a}, b: {b}) -> Any:
    return [a == b, a != b, b == a, b != a]
'''
ORDER_SUBJECT = '''
def {name}(a: {a}, b: {b}) -> Any:
    return [a < b, a <= b, a > b, a >= b]
'''
COMPARISONS = [
    ("List[Any]", "List[int]", st.lists(anys, max_size=3), int_lists),
    ("List[Any]", "List[float]", st.lists(anys, max_size=3), float_lists),
    ("List[Any]", "List[str]", st.lists(anys, max_size=3), st.lists(strs, max_size=3)),
    ("List[int]", "List[float]", int_lists, float_lists),
    ("List[int]", "List[bool]", int_lists, st.lists(bools, max_size=3)),
    ("List[int]", "List[str]", int_lists, st.lists(strs, max_size=2)),
    ("List[List[int]]", "List[List[float]]", st.lists(int_lists, max_size=2),
     st.lists(float_lists, max_size=2)),
    ("List[Tuple[int, str]]", "List[Tuple[float, str]]", st.lists(int_str, max_size=2),
     st.lists(float_str, max_size=2)),
    ("Tuple[Any, Any]", "Tuple[int, str]", st.tuples(anys, anys), int_str),
    ("Tuple[Any, Any]", "Tuple[float, str]", st.tuples(anys, anys), float_str),
    ("Tuple[int, str]", "Tuple[float, str]", int_str, float_str),
    ("Tuple[Any, ...]", "Tuple[int, ...]", st.lists(anys, max_size=3).map(tuple),
     int_lists.map(tuple)),
    ("Dict[Any, Any]", "Dict[int, float]", st.dictionaries(hashables, anys, max_size=3),
     st.dictionaries(ints, floats, max_size=3)),
    ("Dict[str, int]", "Dict[str, float]", st.dictionaries(strs, ints, max_size=3),
     st.dictionaries(strs, floats, max_size=3)),
    ("Dict[int, str]", "Dict[float, str]", st.dictionaries(ints, strs, max_size=3),
     st.dictionaries(floats, strs, max_size=3)),
    ("Set[Any]", "Set[int]", st.sets(hashables, max_size=3), st.sets(ints, max_size=3)),
    ("Set[int]", "Set[float]", st.sets(ints, max_size=3), st.sets(floats, max_size=3)),
    ("Set[int]", "Set[bool]", st.sets(ints, max_size=3), st.sets(bools, max_size=2)),
]
ORDERED = [("List[Any]", "List[int]"), ("List[int]", "List[float]"), ("Tuple[Any, Any]", "Tuple[int, str]"),
           ("Tuple[int, str]", "Tuple[float, str]"), ("Set[int]", "Set[float]"),
           ("List[List[int]]", "List[List[float]]")]
COMPARE_CASES = []
for a, b, sa, sb in COMPARISONS:
    name = f"eq_{ident(a)}__{ident(b)}"
    _source.append(COMPARE_SUBJECT.format(name=name, a=a, b=b))
    COMPARE_CASES.append((name, sa, sb))
    if (a, b) in ORDERED:
        name = f"order_{ident(a)}__{ident(b)}"
        _source.append(ORDER_SUBJECT.format(name=name, a=a, b=b))
        COMPARE_CASES.append((name, sa, sb))


def _load():
    directory = Path(tempfile.mkdtemp(prefix="pyjitx-any-equality-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "any_equality_subjects.py"
    path.write_text("".join(_source), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("any_equality_subjects", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


subjects = _load()
_compiled = {}


def jit(fn):
    if fn not in _compiled:
        _compiled[fn] = pyjitx.compile(fn)
    return _compiled[fn]


def deep_same(a, b) -> bool:
    """Exact equality through lists, tuples and dicts; sets with == (which
    of 1, 1.0 and True a set or a dict key keeps is not compared)."""
    if isinstance(a, (set, frozenset)) or isinstance(b, (set, frozenset)):
        return type(a) is type(b) and len(a) == len(b) and all(
            any(x == y or deep_same(x, y) for y in b) for x in a)
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(deep_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            deep_same(x, y) and deep_same(a[x], b[y]) for x, y in zip(a, b))
    return same_value(a, b)


def check(pyfunc, *args):
    compiled = jit(pyfunc)
    py_args, jit_args = copy.deepcopy(args), copy.deepcopy(args)
    expected = _run(pyfunc, py_args, {})
    got = _run(compiled, jit_args, {})
    call = f"{pyfunc.__name__}{args!r}"
    if isinstance(expected, _Raised):
        assert isinstance(got, _Raised), f"{call}: CPython raised {expected!r}, compiled returned {got!r}"
        assert type(got.exc) is type(expected.exc), f"{call}: CPython raised {expected!r}, compiled {got!r}"
        assert str(got.exc) == str(expected.exc), f"{call}: CPython raised {expected!r}, compiled {got!r}"
    else:
        if isinstance(got, _Raised):
            raise AssertionError(f"{call}: CPython returned {expected!r}, compiled raised {got!r}") from got.exc
        assert deep_same(expected, got), f"{call}: CPython returned {expected!r}, compiled {got!r}"
    if not is_disabled(compiled, pyfunc):
        assert deep_same(py_args, jit_args), (
            f"{call}: arguments afterwards differ: CPython {py_args!r}, compiled {jit_args!r}")


@pytest.mark.parametrize("name,container,needle", SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_lookup_across_types(name, container, needle):
    fn = getattr(subjects, name)

    @given(container, needle)
    def run(c, x):
        check(fn, c, x)

    run()


@pytest.mark.parametrize("name,first,second", COMPARE_CASES, ids=[c[0] for c in COMPARE_CASES])
def test_compare_across_types(name, first, second):
    fn = getattr(subjects, name)

    @given(first, second)
    def run(a, b):
        check(fn, a, b)

    run()


@given(st.data())
def test_needle_taken_from_the_container(data):
    """A needle that equals an item (drawn from the items), of another type
    than the items (the hits the strategies above find less often)."""
    items = data.draw(st.lists(ints, min_size=1, max_size=4))
    pick = data.draw(st.sampled_from(items))
    for as_type in (float, bool):
        if as_type is bool and pick not in (0, 1):
            continue
        needle, n = as_type(pick), as_type.__name__
        check(subject("list", "List[int]", n), items, needle)
        check(subject("set", "Set[int]", n), set(items), needle)
        check(subject("dict", "Dict[int, str]", n), {i: str(i) for i in items}, needle)
    check(subject("list", "List[Any]", "int"), [float(i) for i in items], pick)
    check(subject("dict", "Dict[Any, int]", "float"), {i: i for i in items}, float(pick))


def subject(kind: str, container: str, needle: str):
    return getattr(subjects, f"{kind}_{ident(container)}__{ident(needle)}")


# ------------------------------------------------------------ the brief's examples

def contains_two(xs: List[Any]) -> bool:
    return 2 in xs


def contains_b(xs: List[Any]) -> bool:
    return "b" in xs


def count_two(xs: List[Any]) -> int:
    return xs.count(2)


def equals_literal(xs: List[Any]) -> bool:
    return xs == [1, 2]


def contains_float(xs: List[Any]) -> bool:
    return 1.0 in xs


def true_key(d: Any) -> Any:
    return d[True]


def one_float(s: Any) -> Any:
    return 1.0 in s


def test_the_examples():
    assert jit(contains_two)([1, 2, 3]) is True
    assert jit(contains_b)(["a", "b"]) is True
    assert jit(count_two)([2, 2.0, True, "2"]) == 2
    assert jit(equals_literal)([1, 2]) is True
    assert jit(equals_literal)([1.0, 2]) is True
    assert jit(contains_float)([1, 2]) is True
    assert jit(true_key)({1: "a"}) == "a"
    assert jit(one_float)({1}) is True


# ------------------------------------------------------------ NaN

def nan_count(xs: List[Any]) -> int:
    return xs.count(xs[0])


def nan_in(xs: List[Any], x: Any) -> bool:
    return x in xs


def nan_append_first(xs: List[Any]) -> List[Any]:
    xs.append(xs[0])
    return xs


def nan_typed(xs: List[float]) -> bool:
    return xs[0] in xs


def nan_key(d: Any, x: Any) -> Any:
    return x in d


def test_nan_identity_in_any_containers():
    """One Python NaN object is one box within a call: found by identity
    as CPython finds it, and written back as that object."""
    n, m = float("nan"), float("nan")
    for fn, args in ((nan_count, ([n, n, m],)), (nan_in, ([n], n)), (nan_in, ([n], m)),
                     (nan_in, ([[n]], [n])), (nan_key, ({n: 1}, n)), (nan_key, ({n}, m))):
        assert jit(fn)(*args) == fn(*args), (fn.__name__, args)
    xs = [n, m]
    if not is_disabled(jit(nan_append_first), nan_append_first):
        assert jit(nan_append_first)(xs) is xs
    assert len(xs) == 3 and xs[2] is n


@pytest.mark.needs_jit
def test_nan_in_a_typed_float_container_equals_nothing():
    """(the documented difference: floats are unboxed, without identity)"""
    n = float("nan")
    assert nan_typed([n]) is True
    assert jit(nan_typed)([n]) is False
