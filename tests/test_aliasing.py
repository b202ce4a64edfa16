"""Aliasing at the boundary (pyjitx/_convert.c, "identity within one
call"): a Python list, dict or set reached twice in one call's arguments --
f(x, x), [r, r], the same list as a dict value and as a list argument, at
any depth -- is one runtime object in compiled code, is written back once
into the same Python object, and a runtime object that came from an
argument comes back to Python as that argument (`f(x) is x`).

Every differential check runs CPython and the compiled function on deep
copies of the same arguments (copy.deepcopy keeps the sharing) and compares
the results and the arguments afterwards as object graphs: values with
their exact types, and which containers are the same object (`x[0] is
x[1]`, the result being an argument or a part of one)."""
from __future__ import annotations

import copy
import math
from typing import Any, Dict, List, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import _Raised, _run, float_bits, is_disabled

_compiled: Dict[Any, Any] = {}


def jit(fn):
    if fn not in _compiled:
        _compiled[fn] = pyjitx.compile(fn)
    return _compiled[fn]


# ----------------------------------------------------------- object graphs

def graph(value, ids=None):
    """`value` as a comparable tree in which every list, dict and set is
    numbered in the order it is first met and a later meeting is a
    reference to that number: two graphs are equal when the values, their
    types and the sharing are."""
    if ids is None:
        ids = {}
    if isinstance(value, (list, dict, set)):
        if id(value) in ids:
            return ("same as", ids[id(value)])
        number = ids[id(value)] = len(ids)
        if isinstance(value, list):
            return (type(value).__name__, number, [graph(v, ids) for v in value])
        if isinstance(value, dict):
            return (type(value).__name__, number,
                    [(graph(k, ids), graph(v, ids)) for k, v in value.items()])
        return (type(value).__name__, number, sorted(repr(graph(v, ids)) for v in value))
    if isinstance(value, tuple):
        return ("tuple", [graph(v, ids) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else float_bits(value))
    return (type(value).__name__, value)


def check(pyfunc, *args):
    """The same outcome in CPython and compiled on deep copies of `args`;
    the arguments afterwards and the result the same graph (the result
    taken with the arguments, so that returning one of them counts)."""
    compiled = jit(pyfunc)
    py_args, jit_args = copy.deepcopy(args), copy.deepcopy(args)
    expected = _run(pyfunc, py_args, {})
    got = _run(compiled, jit_args, {})
    call = f"{pyfunc.__name__}{args!r}"
    if isinstance(expected, _Raised):
        assert isinstance(got, _Raised), f"{call}: CPython raised {expected!r}, compiled returned {got!r}"
        assert type(got.exc) is type(expected.exc), f"{call}: CPython raised {expected!r}, compiled {got!r}"
        assert str(got.exc) == str(expected.exc), f"{call}: CPython raised {expected!r}, compiled {got!r}"
        expected = got = None
    elif isinstance(got, _Raised):
        raise AssertionError(f"{call}: CPython returned {expected!r}, compiled raised {got!r}") from got.exc
    if is_disabled(compiled, pyfunc):
        return
    assert graph((py_args, expected)) == graph((jit_args, got)), (
        f"{call}: CPython left {py_args!r} and returned {expected!r}; "
        f"compiled left {jit_args!r} and returned {got!r}")


# ---------------------------------------------------------------- strategies

small_floats = st.sampled_from([0.0, -0.0, 1.0, 2.5, -3.0, math.inf])
small_ints = st.integers(-3, 9)
keys = st.sampled_from(["a", "b", "中", "😀"])


@st.composite
def pooled(draw, leaf, max_size=5):
    """A list of containers from `leaf` in which the same object often
    comes back (drawn from a small pool, the same object each time its
    index is drawn) and a fresh one now and then: structures built from it
    share sub-objects."""
    pool = draw(st.lists(leaf, min_size=1, max_size=3))
    picks = draw(st.lists(st.integers(0, len(pool)), max_size=max_size))
    return [pool[i] if i < len(pool) else draw(leaf) for i in picks], pool


@st.composite
def rows_and_row(draw, item):
    """(rows, row): a List[List[T]] whose rows may repeat, and a row that
    may be one of them."""
    rows, pool = draw(pooled(st.lists(item, max_size=3)))
    return rows, draw(st.sampled_from(pool + [[]]))


@st.composite
def dict_and_list(draw):
    """(d, xs): a Dict[str, List[int]] whose values may repeat, and a list
    that may be one of them."""
    values, pool = draw(pooled(st.lists(small_ints, max_size=3), max_size=4))
    d = dict(zip(draw(st.lists(keys, min_size=len(values), max_size=len(values))), values))
    return d, draw(st.sampled_from(pool + [[]]))


@st.composite
def dicts_and_dict(draw):
    values, pool = draw(pooled(st.dictionaries(keys, small_ints, max_size=3), max_size=3))
    d = dict(zip(draw(st.lists(keys, min_size=len(values), max_size=len(values))), values))
    return d, draw(st.sampled_from(pool + [{}]))


@st.composite
def sets_and_set(draw):
    sets, pool = draw(pooled(st.sets(small_ints, max_size=3), max_size=4))
    return sets, draw(st.sampled_from(pool + [set()]))


@st.composite
def any_nest(draw):
    """An Any value: lists and dicts whose inner lists repeat."""
    rows, _ = draw(pooled(st.lists(st.one_of(small_ints, small_floats, keys), max_size=3),
                          max_size=4))
    return draw(st.sampled_from([rows, {"rows": rows, "first": rows[0] if rows else []},
                                 [rows, rows]]))


def test_the_strategies_share():
    """(the strategies do make shared objects)"""
    from hypothesis import find

    rows, row = find(rows_and_row(small_ints), lambda c: len(c[0]) > 1 and c[0][0] is c[0][1]
                     and c[1] is c[0][0])
    assert rows[0] is rows[1] is row
    d, xs = find(dict_and_list(), lambda c: any(v is c[1] for v in c[0].values()))
    assert any(v is xs for v in d.values())


# ------------------------------------------------------------ the brief's examples

def bump_both(a: List[List[float]], b: List[List[float]]) -> None:
    a[0][0] += 1.0
    b[0][0] += 1.0


def bump_rows(xs: List[List[float]]) -> None:
    for row in xs:
        row[0] += 1.0


def test_one_object_passed_twice():
    f = jit(bump_both)
    x = [[0.0]]
    f(x, x)
    assert x == [[2.0]]


def test_one_row_listed_twice():
    g = jit(bump_rows)
    r = [0.0]
    xs = [r, r]
    g(xs)
    assert r == [2.0]
    assert xs[0] is r and xs[1] is r


# ------------------------------------------------------------ subjects

def list_ops(a: List[List[int]], b: List[int]) -> List[int]:
    b.append(len(a))
    for row in a:
        row.append(len(b))
        if len(row) > 2:
            del row[0]
    if a:
        a[0] += b
        a[-1].extend([7, len(a[0])])
        a[0].sort()
        a[-1][0] = 100
    if b:
        b.pop()
    return b


def float_rows(a: List[List[float]], b: List[float]) -> float:
    b.append(0.5)
    total = 0.0
    for row in a:
        if row:
            row[0] += 1.0
            total += row[-1]
        row.insert(0, total)
    a.reverse()
    return total


def take_row(rows: List[List[int]], extra: List[int]) -> List[int]:
    rows.append(extra)
    r = rows.pop(0)
    r.append(len(rows))
    extra.append(-1)
    return r


def rows_result(rows: List[List[int]], extra: List[int]) -> List[List[int]]:
    """A result that holds argument objects (twice)."""
    extra.append(len(rows))
    return [extra, rows[0] if rows else extra, extra]


def dict_ops(d: Dict[str, List[int]], xs: List[int]) -> Dict[str, List[int]]:
    xs.append(1)
    for k in d:
        d[k].append(len(d[k]))
    if "a" in d:
        d["a"] += [5]
        d["a"].sort(reverse=True)
    d["new"] = xs
    if "b" in d:
        del d["b"]
    return d


def dict_of_dicts(a: Dict[str, Dict[str, int]], b: Dict[str, int]) -> int:
    b["x"] = len(b)
    n = 0
    for k in a:
        inner = a[k]
        inner[k] = len(inner)
        n += inner.get("x", 0)
    a.pop("a", b)
    b.update({"y": n})
    return n


def set_ops(a: List[Set[int]], b: Set[int]) -> int:
    b.add(5)
    for s in a:
        s.add(len(s))
        s.discard(0)
    b.discard(1)
    return len(b)


def any_ops(x: Any) -> Any:
    if isinstance(x, dict):
        rows = x["rows"]
        x["first"].append("first")
    else:
        rows = x
    for row in rows:
        if isinstance(row, list):
            row.append(len(row))
        else:
            row.append(0)
    return x


def tuple_rows(t: Tuple[List[int], List[int]]) -> int:
    t[0].append(1)
    if t[1]:
        t[1].pop()
    return len(t[0]) + len(t[1])


def unannotated(x, y):
    x.append(y)
    y.append(len(x))
    return x


@given(rows_and_row(small_ints))
def test_lists_shared_at_any_depth(case):
    rows, row = case
    check(list_ops, rows, row)
    check(take_row, rows, row)
    check(rows_result, rows, row)


def pick_inner(rows: List[List[int]], d: Dict[str, List[int]]) -> Tuple[List[int], List[int], List[int]]:
    """Nothing changes anything (no argument is written back): the result
    holds the arguments' own inner lists."""
    empty: List[int] = []
    first = rows[0] if rows else empty
    last = rows[-1] if rows else empty
    return (first, last, d["a"] if "a" in d else empty)


def pick_any(x: Any) -> Any:
    if isinstance(x, dict):
        return (x["rows"], x["first"])
    return x[:1] + x[-1:]


@given(rows_and_row(small_ints), dict_and_list())
def test_unchanged_inner_objects_come_back_as_themselves(case, dcase):
    check(pick_inner, case[0], dcase[0])
    check(pick_inner, [dcase[1]], {"k": case[1]})


@given(any_nest())
def test_unchanged_any_inner_objects_come_back_as_themselves(x):
    check(pick_any, x)


@given(rows_and_row(small_floats))
def test_float_rows_shared(case):
    rows, row = case
    check(float_rows, rows, row)
    check(bump_rows, rows)
    if rows:
        check(bump_both, rows, rows)
        check(bump_both, rows, [row])


@given(dict_and_list())
def test_a_list_in_a_dict_and_an_argument(case):
    d, xs = case
    check(dict_ops, d, xs)


@given(dicts_and_dict())
def test_dicts_shared(case):
    a, b = case
    check(dict_of_dicts, a, b)


@given(sets_and_set())
def test_sets_shared(case):
    a, b = case
    check(set_ops, a, b)


@given(any_nest())
def test_any_shared(x):
    check(any_ops, x)
    check(unannotated, x if isinstance(x, list) else [x], [])


@given(st.lists(small_ints, max_size=3), st.booleans())
def test_a_tuple_of_one_list_twice(xs, same):
    check(tuple_rows, (xs, xs if same else list(xs)))


# ------------------------------------------------------------ identity of results

def append_and_return(xs: List[int]) -> List[int]:
    xs.append(1)
    return xs


def dict_back(d: Dict[str, int]) -> Dict[str, int]:
    return d


def pair_back(a: List[int], b: List[int]) -> List[int]:
    b.append(2)
    return a


def grid() -> List[List[int]]:
    row = [0, 0]
    return [row, row]


@pytest.mark.needs_jit
def test_an_argument_returned_is_the_argument():
    xs = [0]
    assert jit(append_and_return)(xs) is xs and xs == [0, 1]
    d = {"a": 1}
    assert jit(dict_back)(d) is d
    a, b = [1], [2]
    assert jit(pair_back)(a, b) is a and b == [2, 2]
    assert jit(pair_back)(a, a) is a and a == [1, 2]
    # through the slow path (keywords) too
    assert jit(pair_back)(a=a, b=a) is a and a == [1, 2, 2]


@pytest.mark.needs_jit
def test_an_object_made_once_comes_back_once():
    g = jit(grid)()
    assert g == [[0, 0], [0, 0]] and g[0] is g[1]


# ------------------------------------------------------------ one object, two types

def int_and_float(a: List[int], b: List[float]) -> float:
    b.append(0.5)
    return float(len(a))


def int_and_float_reading(a: List[int], b: List[float]) -> float:
    return a[0] + b[0]


def any_and_int(a: List[Any], b: List[int]) -> int:
    a.append("s")
    return len(b)


def nested_two_types(t: Tuple[List[int], List[float]]) -> None:
    t[1].append(0.5)


@pytest.mark.needs_jit
def test_one_list_as_two_types_that_may_change_is_a_type_error():
    x = [1]
    with pytest.raises(TypeError, match=r"^int_and_float\(\) arguments 'a' and 'b' share one "
                                        r"list, as List\[int\] and as List\[float\]"):
        jit(int_and_float)(x, x)
    assert x == [1]
    with pytest.raises(TypeError, match=r"arguments 'a' and 'b' share one list, as List\[Any\] "
                                        r"and as List\[int\]"):
        jit(any_and_int)(x, x)
    with pytest.raises(TypeError, match=r"argument 't' holds one list twice, as List\[int\] "
                                        r"and as List\[float\]"):
        jit(nested_two_types)((x, x))
    assert x == [1]


def test_one_list_as_two_types_that_nothing_changes():
    x = [1, 2]
    assert jit(int_and_float_reading)(x, x) == 2.0


# ------------------------------------------------------------ cycles

def length_any(x: Any) -> int:
    return len(x)


def length_dict(d: Dict[str, Any]) -> int:
    return len(d)


@pytest.mark.needs_jit
def test_a_container_that_holds_itself_is_refused():
    x: list = [1]
    x.append(x)
    with pytest.raises(ValueError, match=r"^length_any\(\) argument 'x' holds a list that "
                                         r"contains itself"):
        jit(length_any)(x)
    d: dict = {}
    d["me"] = [d]
    with pytest.raises(ValueError, match="holds a dict that contains itself"):
        jit(length_dict)(d)


# ------------------------------------------------------------ write-back in place

class Row(list):
    pass


@pytest.mark.needs_jit
def test_list_subclasses_stay_themselves():
    r = Row([0.0])
    xs = [r, [1.0]]
    jit(bump_rows)(xs)
    assert xs[0] is r and type(xs[0]) is Row and r == [1.0]


def mutate_after_raise(a: List[List[int]], b: List[int]) -> None:
    b.append(1)
    a[0].append(2)
    raise ValueError("after")


@given(rows_and_row(small_ints))
def test_changes_before_an_exception_are_written_back(case):
    rows, row = case
    check(mutate_after_raise, rows, row)


def opt_append(xs: "List[int] | None") -> None:
    if xs is not None:
        xs.append(1)


def test_optional_and_tuple_arguments_are_written_back():
    check(opt_append, [0])
    check(opt_append, None)
    check(tuple_rows, ([0], [1, 2]))


# ------------------------------------------------------------ pyfunc and attributes

@pyjitx.pyfunc
def _same_rows(rows: List[List[int]]) -> bool:
    return rows[0] is rows[1]


@pyjitx.pyfunc
def _shared_rows() -> List[List[int]]:
    r = [1]
    return [r, r]


@pyjitx.pyfunc
def _holds_itself() -> List[Any]:
    x: list = [1]
    x.append(x)
    return x


def pass_shared_to_python() -> bool:
    r = [1]
    return _same_rows([r, r])


def change_shared_from_python() -> List[int]:
    rows = _shared_rows()
    rows[0].append(2)
    return rows[1]


def take_itself() -> int:
    return len(_holds_itself())


@pytest.mark.needs_jit
def test_pyfunc_arguments_and_results_keep_sharing():
    assert jit(pass_shared_to_python)() is True
    assert jit(change_shared_from_python)() == [1, 2]
    with pytest.raises(ValueError, match="contains itself"):
        jit(take_itself)()


@pyjitx.compile
class Holder:
    items: List[Any]

    def __init__(self) -> None:
        self.items = []

    def first_grows(self) -> int:
        self.items[0].append(0)
        return len(self.items[1])


@pytest.mark.needs_jit
def test_attributes_set_from_python_keep_sharing():
    h = Holder()
    r: list = []
    h.items = [r, r]
    assert h.first_grows() == 1
    x: list = [1]
    x.append(x)
    with pytest.raises(ValueError, match="contains itself"):
        h.items = x


def add_one(s: Set[int]) -> int:
    s.add(1)
    return len(s)


def add_to_each(sets: List[Set[int]]) -> int:
    for s in sets:
        s.add(1)
    return len(sets)


@pytest.mark.needs_jit
def test_a_frozenset_changed_in_place_is_an_error():
    """CPython raises AttributeError when a frozenset's (missing) add is
    called; compiled code holds a set and can only tell afterwards."""
    with pytest.raises(TypeError, match="a frozenset argument was changed in place"):
        jit(add_one)(frozenset({2}))
    with pytest.raises(TypeError, match="a frozenset argument was changed in place"):
        jit(add_to_each)([{3}, frozenset({2})])
    assert jit(add_one)(frozenset({1})) == 1  # nothing changed
