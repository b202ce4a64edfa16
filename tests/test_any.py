"""`Any`, differentially against CPython: values of mixed types in
List[Any] / Dict[str, Any] / Tuple[Any, ...] through the boundary and
back, arithmetic mixing int/float/bool (and str/list concatenation and
repetition) with Python's results and exceptions, comparisons, hashing of
Any keys in dicts and sets, truth, len, indexing, membership, iteration,
int()/float(), isinstance() and the narrowing it gives, and unannotated
container parameters."""
from __future__ import annotations

from typing import Any, Dict, List, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

ints = st.integers(min_value=-10**6, max_value=10**6)
floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
texts = st.text(alphabet=st.sampled_from(list("ab é中😀 ")), max_size=6)
scalars = st.one_of(ints, floats, st.booleans(), st.none(), texts)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(texts, inner, max_size=3)), max_leaves=8)
numbers = st.one_of(ints, floats, st.booleans())


def identity(x: Any) -> Any:
    return x


def roundtrip(xs: List[Any], d: Dict[str, Any], t: Tuple[Any, ...]) -> Tuple[List[Any], Dict[str, Any], Tuple[Any, ...]]:
    return xs, d, t


def arithmetic(a: Any, b: Any) -> List[Any]:
    out: List[Any] = []
    out.append(a + b)
    out.append(a - b)
    out.append(a * b)
    return out


def division(a: Any, b: Any) -> List[Any]:
    return [a / b, a // b, a % b]


def bitwise(a: Any, b: Any) -> List[Any]:
    return [a & b, a | b, a ^ b, -a, ~a]


def comparisons(a: Any, b: Any) -> List[bool]:
    return [a == b, a != b, a < b, a <= b, a > b, a >= b]


def equality(a: Any, b: Any) -> List[bool]:
    return [a == b, a != b, a is None, b is not None]


def truth_and_text(a: Any) -> List[Any]:
    return [bool(a), not a, str(a), repr(a), a if a else "falsy"]


def containers(items: List[Any], i: int, probe: Any) -> List[Any]:
    xs = list(items)  # (assert_same hands both runs the same list)
    out: List[Any] = [len(xs), probe in xs]
    if xs:
        out.append(xs[i % len(xs)])
        xs[0] = probe
    out.append(xs)
    return out


def any_keys(keys: List[Any]) -> List[Any]:
    counts: Dict[Any, int] = {}
    seen: Set[Any] = set()
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
        seen.add(k)
    return [len(counts), len(seen), sorted(counts.values())]


def describe(x: Any) -> str:
    if isinstance(x, bool):
        return "bool:" + str(x)
    if isinstance(x, int):
        return "int:" + str(x + 1)
    if isinstance(x, float):
        return "float:" + str(x * 2.0)
    if isinstance(x, str):
        return "str:" + x.upper() + str(len(x))
    if x is None:
        return "none"
    if isinstance(x, list):
        return "list:" + str(len(x)) + ":" + ",".join([describe(v) for v in x])
    if isinstance(x, dict):
        return "dict:" + str(sorted([k for k in x]))
    if isinstance(x, tuple):
        return "tuple:" + str(len(x))
    return "other"


def walk(x: Any) -> int:
    """Sum of every int/float in a nested structure (floats truncated)."""
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return 0
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return int(x)
    total = 0
    if isinstance(x, dict):
        for k in x:
            total += walk(x[k])
        return total
    for item in x:
        total += walk(item)
    return total


def conversions(x: Any) -> List[Any]:
    return [int(x), float(x)]


def unannotated(xs, k: int):
    return [len(xs), xs[k], xs[k] * 2]


def mixed_literals(n: int) -> List[Any]:
    row: List[Any] = [n, "n", n * 0.5, n > 0, None]
    d: Dict[str, Any] = {"n": n, "s": str(n), "l": [n, n]}
    return row + [d, d["l"], (n, "x")]


def typed_out(x: Any) -> int:
    y: int = x  # a checked cast: TypeError when x is no int
    return y + 1


@given(values)
def test_identity_roundtrip(x):
    assert_same(identity, compiled(identity), x)


@given(st.lists(values, max_size=4), st.dictionaries(texts, values, max_size=3),
       st.tuples(values, values))
def test_containers_of_any_roundtrip(xs, d, t):
    assert_same(roundtrip, compiled(roundtrip), xs, d, t)


@given(st.one_of(numbers, texts, st.lists(ints, max_size=2)),
       st.one_of(numbers, texts, st.lists(ints, max_size=2)))
def test_arithmetic_mixes_types(a, b):
    assert_same(arithmetic, compiled(arithmetic), a, b)


@given(numbers, numbers)
def test_division(a, b):
    assert_same(division, compiled(division), a, b)


@given(st.one_of(ints, st.booleans()), st.one_of(ints, st.booleans(), floats))
def test_bitwise(a, b):
    assert_same(bitwise, compiled(bitwise), a, b)


@given(st.one_of(numbers, texts), st.one_of(numbers, texts))
def test_comparisons(a, b):
    assert_same(comparisons, compiled(comparisons), a, b)


@given(values, values)
def test_equality_of_any_values(a, b):
    assert_same(equality, compiled(equality), a, b)


@given(values)
def test_truth_and_text(a):
    assert_same(truth_and_text, compiled(truth_and_text), a)


@given(st.lists(scalars, max_size=5), st.integers(0, 10), scalars)
def test_list_of_any_operations(xs, i, probe):
    assert_same(containers, compiled(containers), xs, i, probe)


@given(st.lists(st.one_of(ints, st.booleans(), texts, st.floats(allow_nan=False, min_value=-3,
                                                                  max_value=3)), max_size=8))
def test_hashing_any_keys(keys):
    # 1, 1.0 and True are one key, as in Python
    assert_same(any_keys, compiled(any_keys), keys)


@given(values)
def test_isinstance_narrowing(x):
    assert_same(describe, compiled(describe), x)


@given(values)
def test_iteration_and_recursion_over_any(x):
    assert_same(walk, compiled(walk), x)


@given(st.one_of(numbers, texts, st.sampled_from(["12", " -7 ", "3.5", "1e3", "x"])))
def test_int_and_float_of_any(x):
    assert_same(conversions, compiled(conversions), x)


@given(st.lists(st.one_of(ints, texts), min_size=1, max_size=4), st.integers(-4, 3))
def test_unannotated_container_parameter(xs, k):
    assert_same(unannotated, compiled(unannotated), xs, k)


@given(ints)
def test_mixed_literals_with_annotations(n):
    assert_same(mixed_literals, compiled(mixed_literals), n)


def mutate(xs: List[Any], d: Dict[str, Any], value: Any) -> None:
    xs.append(value)
    xs[0] = "first"
    d["new"] = value


@pytest.mark.needs_jit
@given(st.lists(scalars, min_size=1, max_size=3), st.dictionaries(texts, scalars, max_size=2), scalars)
def test_mutated_any_containers_are_written_back(xs, d, value):
    ys, e = list(xs), dict(d)
    mutate(ys, e, value)
    pyjitx.compile(mutate)(xs, d, value)
    assert xs == ys and d == e


@pytest.mark.needs_jit
def test_cast_out_of_any_checks_the_type():
    f = pyjitx.compile(typed_out)
    assert f(41) == 42 and f(True) == 2
    with pytest.raises(TypeError, match="expected int, got str"):
        f("x")


def any_methods(x: Any) -> Any:
    return [x.upper(), x.split()]


@given(st.one_of(texts, st.binary(max_size=4), ints, st.none(), st.lists(ints, max_size=2)))
def test_methods_of_any_dispatch_at_run_time(x):
    # str and bytes have both methods; other types raise AttributeError
    assert_same(any_methods, compiled(any_methods), x)


def split_on_comma(x: Any) -> Any:
    return x.split(",")


@pytest.mark.needs_jit
def test_method_of_any_with_arguments_another_type_rejects():
    f = pyjitx.compile(split_on_comma)
    assert f("a,b") == ["a", "b"]
    with pytest.raises(TypeError):
        f(b"a,b")  # bytes.split(str): TypeError, as in Python


def lookups(d: Any, k: Any) -> List[Any]:
    return [k in d, d[k] if k in d else "absent"]


@given(st.one_of(st.dictionaries(st.one_of(ints, texts, st.none(), st.booleans()), scalars, max_size=4),
                 st.sets(st.one_of(ints, texts, st.none()), max_size=4)),
       st.one_of(ints, texts, st.none(), st.booleans(), floats, st.lists(ints, max_size=1)))
def test_any_keys_of_every_type_in_any_dicts(d, k):
    # keys of Python dicts/sets are Anys: int and None keys, 1 == 1.0 == True,
    # an unhashable probe raises TypeError (sets: `in` only)
    if isinstance(d, set):
        assert_same(lambda d, k: k in d, pyjitx.compile(set_membership), d, k)
    else:
        assert_same(lookups, compiled(lookups), d, k)


def set_membership(d: Any, k: Any) -> bool:
    return k in d


def sort_any(xs: List[Any]) -> List[Any]:
    return sorted(xs)


@given(st.lists(st.one_of(ints, st.none(), texts), max_size=4))
def test_sorting_any_items_with_none(xs):
    # None among the items: TypeError as in Python (not a crash)
    assert_same(sort_any, compiled(sort_any), xs)


def getitem_any(d: Any, k: Any) -> Any:
    return d[k]


@given(st.dictionaries(st.one_of(ints, texts), ints, max_size=2),
       st.one_of(st.none(), st.sampled_from([float("inf"), float("-inf")]), texts,
                 st.tuples(st.none(), st.just(float("inf")))))
def test_key_error_carries_the_key(d, k):
    # KeyError(None), KeyError(inf), KeyError((None, inf)): str() as CPython's
    assert_same(getitem_any, compiled(getitem_any), d, k)
