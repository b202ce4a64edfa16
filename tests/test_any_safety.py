"""Memory safety of typed containers reached through an `Any`.

A `List[str]`, `Dict[str, List[int]]` or `Set[str]` made in compiled code
stores 8-byte object slots; compiled code that holds it typed reads each
item as the declared type without a check.  Once such a container is held
in an `Any` (assigned to an `Any` local, passed to an `Any` parameter,
stored into a `List[Any]` / `Dict[str, Any]`, returned as `Any`, kept in an
`Any` attribute), a store through the `Any` -- and through any container
read out of it -- must not put a value of another type into it.  pyjitx
raises `TypeError` there, where Python would store the value (a
documented deviation, docs/guide/semantics.md), and leaves the container as it was.  A cast
out of an `Any` to a container type (`ys: List[str] = x`) fixes the item
type of the object it returns the same way, and two views of one object
with different item types (`List[str]` and `List[Any]`) are refused.

Stores of the right type, containers made by Python or by `Any` code, and
copies made through an `Any` behave as in Python.  conftest checks that no
runtime object outlives a test."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any, Dict, List, Optional, Set, Tuple

import numpy as np
import pytest

import pyjitx
from pyjitx import NDArray

pytestmark = pytest.mark.needs_jit

_compiled: Dict[Any, Any] = {}


def jit(fn):
    if fn not in _compiled:
        _compiled[fn] = pyjitx.compile(fn)
    return _compiled[fn]


# ------------------------------------------------- the crash, in a subprocess

CRASH = textwrap.dedent("""
    from typing import Any, List
    import pyjitx

    def nested_append(n: int) -> int:
        outer: List[List[str]] = [["a"]]
        a: Any = outer
        try:
            a.append([1, 2])  # a List[int] where List[str] items are read
        except TypeError as e:
            print("TypeError:", e)
        return len(outer[len(outer) - 1][0].upper())

    def int_read_as_str(n: int) -> int:
        words: List[str] = ["a", "b"]
        a: Any = words
        for i in range(n):
            try:
                a.append(i * 1000003)
            except TypeError as e:
                if i == 0:
                    print("TypeError:", e)
        total = 0
        for w in words:
            total += len(w.upper())
        return total

    print(pyjitx.compile(nested_append)(1))
    print(pyjitx.compile(int_read_as_str)(200))
""")


def test_storing_a_wrong_item_type_through_any_does_not_crash(tmp_path):
    # (before the check, the first crashed with SIGSEGV and the second
    # returned what it read from a boxed int taken for a str)
    script = tmp_path / "crash.py"
    script.write_text(CRASH)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(pyjitx.__file__))] + sys.path))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.splitlines() == [
        "TypeError: this list holds List[str] values, not List[int]", "1",
        "TypeError: this list holds str values, not int", "2"]


# ------------------------------------------- stores of a wrong item type

def list_str_append(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_setitem(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a[0] = v
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_insert(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a.insert(1, v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_extend(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a.extend(["ok", v])  # all or nothing
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_extend_any(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a.extend(v)  # a list of the same slot kind: the fast path
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_setslice(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a[0:1] = [v, "x"]
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


def list_str_setslice_any(v: Any) -> str:
    words: List[str] = ["a", "b"]
    a: Any = words
    try:
        a[1:] = v
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(words)
    return "stored | " + ",".join(words)


@pytest.mark.parametrize("fn", [list_str_append, list_str_setitem, list_str_insert,
                                list_str_extend, list_str_setslice])
@pytest.mark.parametrize("bad, name", [(5, "int"), (1.5, "float"), (None, "None"),
                                       (True, "bool"), (b"x", "bytes"), ([1], "list"),
                                       (["s"], "list"), ({"a": 1}, "dict")])
def test_list_str_refuses_other_items(fn, bad, name):
    assert jit(fn)(bad) == f"TypeError: this list holds str values, not {name} | a,b"


@pytest.mark.parametrize("fn, expected", [
    (list_str_append, "stored | a,b,c"), (list_str_setitem, "stored | c,b"),
    (list_str_insert, "stored | a,c,b"), (list_str_extend, "stored | a,b,ok,c"),
    (list_str_setslice, "stored | c,x,b")])
def test_list_str_takes_str_items(fn, expected):
    assert jit(fn)("c") == expected


@pytest.mark.parametrize("fn", [list_str_extend_any, list_str_setslice_any])
def test_list_str_refuses_a_list_of_other_items(fn):
    assert jit(fn)(["x", 1]) == "TypeError: this list holds str values, not int | a,b"
    assert jit(fn)(("x", None)) == "TypeError: this list holds str values, not None | a,b"
    assert jit(fn)(["x", "y"]).startswith("stored | a,")
    assert jit(fn)("xy").startswith("stored | a,")  # a str's characters are str


def nested_lists(v: Any) -> str:
    outer: List[List[str]] = [["a"], ["b", "c"]]
    a: Any = outer
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(outer)
    return "stored | " + str(outer) + " " + "".join(outer[len(outer) - 1]).upper()


def nested_typed_values(n: int) -> List[str]:
    outer: List[List[str]] = [["a"]]
    a: Any = outer
    ints: List[int] = [1, 2]
    anys: List[Any] = ["x"]
    strs: List[str] = ["ok"]
    out: List[str] = []
    try:
        a.append(ints)
    except TypeError as e:
        out.append(str(e))
    try:
        a.append(anys)  # its holder may append 5 to it
    except TypeError as e:
        out.append(str(e))
    a.append(strs)
    out.append(str(len(outer)))
    return out


def test_nested_list_items_are_checked_deeply():
    f = jit(nested_lists)
    assert f([1]) == "TypeError: this list holds List[str] values, not list | [['a'], ['b', 'c']]"
    assert f(["x", 2]) == ("TypeError: this list holds List[str] values, not list | "
                           "[['a'], ['b', 'c']]")
    assert f("x") == "TypeError: this list holds List[str] values, not str | [['a'], ['b', 'c']]"
    assert f([]) == "stored | [['a'], ['b', 'c'], []] "
    assert f(["x", "y"]) == "stored | [['a'], ['b', 'c'], ['x', 'y']] XY"
    assert jit(nested_typed_values)(0) == [
        "this list holds List[str] values, not List[int]",
        "this list holds List[str] values, not List[Any]", "2"]


def dict_of_lists(k: Any, v: Any) -> str:
    table: Dict[str, List[int]] = {"x": [1]}
    d: Any = table
    try:
        d[k] = v
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(table)
    return "stored | " + str(table) + " " + str(sum(table[str(k)]))


def dict_setdefault(k: Any, v: Any) -> str:
    table: Dict[str, List[int]] = {"x": [1]}
    d: Any = table
    try:
        d.setdefault(k, v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(table)
    return "stored | " + str(table)


def dict_update_pairs(k: Any, v: Any) -> str:
    table: Dict[str, List[int]] = {"x": [1]}
    d: Any = table
    try:
        d.update([(k, v)])
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(table)
    return "stored | " + str(table)


def dict_update_dict(k: Any, v: Any) -> str:
    table: Dict[str, List[int]] = {"x": [1]}
    d: Any = table
    other: Dict[Any, Any] = {k: v}
    try:
        d.update(other)  # a dict of the same slot kinds: the fast path
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(table)
    return "stored | " + str(table)


@pytest.mark.parametrize("fn", [dict_of_lists, dict_setdefault, dict_update_pairs,
                                dict_update_dict])
def test_dict_checks_keys_and_values(fn):
    f = jit(fn)
    assert f("k", "not a list") == ("TypeError: this dict holds List[int] values, not str | "
                                    "{'x': [1]}")
    assert f("k", [1.5]) == "TypeError: this dict holds List[int] values, not list | {'x': [1]}"
    assert f(5, [1]) == "TypeError: this dict holds str keys, not int | {'x': [1]}"
    assert f(None, [1]) == "TypeError: this dict holds str keys, not None | {'x': [1]}"
    # a list from Python holds its items as Any: not a List[int] (which holds
    # unboxed ints), where Python would store it
    assert f("k", [2, 3]) == "TypeError: this dict holds List[int] values, not list | {'x': [1]}"


def dict_store_made_here(n: int) -> str:
    # (the stores that work, then one of a List[float])
    table: Dict[str, List[int]] = {"x": [1]}
    d: Any = table
    d["k"] = [n, n + 1]
    d.setdefault("j", [n])
    d.update({"x": [n, n]})
    try:
        d["f"] = [n * 0.5]  # a List[float]
    except TypeError as e:
        return str(table) + " " + str(sum(table["k"]) + sum(table["x"])) + " | " + str(e)
    return str(table) + " " + str(sum(table["k"]) + sum(table["x"]))


def test_dict_takes_values_of_its_types():
    assert jit(dict_store_made_here)(2) == ("{'x': [2, 2], 'k': [2, 3], 'j': [2]} 9 | "
                                            "this dict holds List[int] values, not List[float]")


def dict_str_str(v: Any) -> str:
    names: Dict[str, str] = {"a": "b"}
    d: Any = names
    try:
        d["k"] = v
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(names)
    return "stored | " + names["k"].upper()


def test_dict_of_str_values():
    assert jit(dict_str_str)(7) == "TypeError: this dict holds str values, not int | {'a': 'b'}"
    assert jit(dict_str_str)("v") == "stored | V"


def set_of_str(op: int, v: Any) -> str:
    names: Set[str] = {"a"}
    s: Any = names
    try:
        if op == 0:
            s.add(v)
        elif op == 1:
            s.update([v])
        elif op == 2:
            s.symmetric_difference_update([v])
        else:
            s.update({v})
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(sorted(names))
    return "stored | " + str(sorted(names))


@pytest.mark.parametrize("op", [0, 1, 2, 3])
def test_set_of_str_refuses_other_items(op):
    f = jit(set_of_str)
    assert f(op, 5) == "TypeError: this set holds str values, not int | ['a']"
    assert f(op, None) == "TypeError: this set holds str values, not None | ['a']"
    assert f(op, "b") == "stored | ['a', 'b']"


def optional_list(v: Any) -> str:
    words: List[str] = ["a"]
    maybe: Optional[List[str]] = words
    a: Any = maybe
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored " + str(len(words))


def tuple_items(v: Any) -> str:
    pairs: List[Tuple[str, int]] = [("a", 1)]
    a: Any = pairs
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored " + pairs[1][0].upper()


def test_optional_and_tuple_items():
    assert jit(optional_list)("b") == "stored 2"
    assert jit(optional_list)(None) == "TypeError: this list holds str values, not None"
    assert jit(tuple_items)(("b", 2)) == "stored B"
    assert jit(tuple_items)((2, "b")) == ("TypeError: this list holds Tuple[str, int] values, "
                                          "not tuple")
    assert jit(tuple_items)(("b",)) == ("TypeError: this list holds Tuple[str, int] values, "
                                        "not tuple")


class Animal:
    def __init__(self, name: str) -> None:
        self.name = name


class Dog(Animal):
    def bark(self) -> str:
        return self.name + "!"


class Car:
    def __init__(self, name: str) -> None:
        self.name = name


def instances(which: int) -> str:
    dogs: List[Dog] = [Dog("rex")]
    a: Any = dogs
    try:
        if which == 0:
            a.append(Car("vw"))
        elif which == 1:
            a.append(Animal("cat"))
        else:
            a.append(Dog("fido"))
    except TypeError as e:
        return "TypeError: " + str(e)
    return dogs[len(dogs) - 1].bark()


def test_lists_of_instances():
    assert jit(instances)(0) == "TypeError: this list holds Dog values, not Car"
    assert jit(instances)(1) == "TypeError: this list holds Dog values, not Animal"
    assert jit(instances)(2) == "fido!"


# ------------------------------------- containers read out of a checked one

def nested_read(how: int) -> str:
    outer: List[List[str]] = [["a"], ["b"]]
    first = outer[0]  # typed: it reads its items as str
    a: Any = outer
    inner: Any = None
    if how == 0:
        inner = a[0]
    elif how == 1:
        for x in a:
            inner = x
            break
    elif how == 2:
        inner = a[0:1][0]
    elif how == 3:
        inner = a.copy()[0]
    elif how == 4:
        inner = (a + a)[0]
    elif how == 5:
        inner = (a * 2)[0]
    elif how == 6:
        inner = list(a)[0]
    elif how == 7:
        inner = a[::-1][1]
    elif how == 8:
        inner = sorted(a)[0]
    else:
        inner = a.pop(0)
    try:
        inner.append(3)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(first)
    return "stored | " + str(len(first))


@pytest.mark.parametrize("how", range(10))
def test_lists_read_out_of_a_checked_list_are_checked(how):
    assert jit(nested_read)(how) == "TypeError: this list holds str values, not int | a"


def dict_read(how: int) -> str:
    table: Dict[str, List[str]] = {"k": ["a"]}
    first = table["k"]
    d: Any = table
    inner: Any = None
    if how == 0:
        inner = d["k"]
    elif how == 1:
        inner = d.get("k")
    elif how == 2:
        inner = d.values()[0]
    elif how == 3:
        inner = d.items()[0][1]
    elif how == 4:
        inner = d.setdefault("k", [])
    elif how == 5:
        inner = d.copy()["k"]
    elif how == 6:
        inner = d.popitem()[1]
    else:
        inner = d.pop("k")
    try:
        inner.append(3)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(first)
    return "stored | " + str(len(first))


@pytest.mark.parametrize("how", range(8))
def test_values_read_out_of_a_checked_dict_are_checked(how):
    assert jit(dict_read)(how) == "TypeError: this list holds str values, not int | a"


def tuple_read(n: int) -> str:
    rows: List[Tuple[List[str], int]] = [(["a"], 1)]
    a: Any = rows
    try:
        a[0][0].append(n)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored"


def tuple_boxed(n: int) -> str:
    words: List[str] = ["a"]
    t = (words, n)  # a Tuple[List[str], int] as an Any
    a: Any = t
    try:
        a[0].append(n)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored"


def three_levels(n: int) -> str:
    cube: List[List[List[str]]] = [[["a"]]]
    a: Any = cube
    try:
        a[0][0].append(n)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored"


def test_nesting_through_tuples_optionals_and_levels():
    for fn in (tuple_read, tuple_boxed, three_levels):
        assert jit(fn)(3) == "TypeError: this list holds str values, not int"


# ------------------------------------------------- every way into an Any

def takes_any(a: Any) -> None:
    a.append(5)


def via_argument(n: int) -> str:
    words: List[str] = ["a"]
    try:
        takes_any(words)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


def via_list_of_any(n: int) -> str:
    words: List[str] = ["a"]
    bag: List[Any] = [words, 1]
    try:
        bag[0].append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


def via_dict_of_any(n: int) -> str:
    words: List[str] = ["a"]
    bag: Dict[str, Any] = {"w": words, "n": 1}
    try:
        bag["w"].append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


def gives_any(words: List[str]) -> Any:
    return words


def via_return(n: int) -> str:
    words: List[str] = ["a"]
    try:
        gives_any(words).append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


class Holder:
    def __init__(self, value: Any) -> None:
        self.value = value


def via_attribute(n: int) -> str:
    words: List[str] = ["a"]
    h = Holder(words)
    try:
        h.value.append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


def via_mixed_literal(n: int) -> str:
    words: List[str] = ["a"]
    bag = [words, n]  # a List[Any]: the item types differ
    try:
        bag[0].append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


def via_any_local(n: int) -> str:
    words: List[str] = ["a"]
    x: Any = n
    if n > 0:
        x = words
    try:
        x.append(5)
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(words))
    return "stored"


@pytest.mark.parametrize("fn", [via_argument, via_list_of_any, via_dict_of_any, via_return,
                                via_attribute, via_mixed_literal, via_any_local])
def test_every_way_into_an_any_is_checked(fn):
    assert jit(fn)(1) == "TypeError: this list holds str values, not int 1"


# ------------------------------------------------- casts out of an Any

def cast_to_list_of_any(n: int) -> str:
    words: List[str] = ["a"]
    a: Any = words
    try:
        xs: List[Any] = a  # its holder could append 5 to `words`
        xs.append(n)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "cast " + str(len(words))


def cast_from_list_of_any(n: int) -> str:
    xs: List[Any] = ["a"]
    a: Any = xs
    try:
        ys: List[str] = a  # xs.append(5) would put an int under ys
        return "cast " + ys[0]
    except TypeError as e:
        return "TypeError: " + str(e)


def cast_to_optional_items(n: int) -> str:
    words: List[str] = ["a"]
    a: Any = words
    try:
        ys: List[Optional[str]] = a  # ys.append(None) would put None under words
        return "cast " + str(len(ys))
    except TypeError as e:
        return "TypeError: " + str(e)


def cast_to_same_type(n: int) -> str:
    outer: List[List[str]] = [["a"]]
    a: Any = outer
    again: List[List[str]] = a
    again[0].append("b")
    return ",".join(outer[0])


def test_casts_keep_one_item_type_per_object():
    assert jit(cast_to_list_of_any)(1) == "TypeError: expected List[Any], got List[str]"
    assert jit(cast_from_list_of_any)(1) == "TypeError: expected List[str], got List[Any]"
    assert jit(cast_to_optional_items)(1) == ("TypeError: expected List[Optional[str]], "
                                             "got List[str]")
    assert jit(cast_to_same_type)(1) == "a,b"


def cast_then_store(x: Any, v: Any) -> str:
    ys: List[str] = x  # from here on x's items are str
    try:
        x.append(v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + ",".join(ys)
    return "stored | " + ",".join(ys)


def cast_nested_then_store(x: Any, v: Any) -> str:
    inner = x[0]  # an alias taken before the cast
    ys: List[List[str]] = x
    try:
        inner.append(v)
    except TypeError as e:
        return "TypeError: " + str(e) + " | " + str(ys)
    return "stored | " + str(ys)


def test_a_cast_fixes_the_item_type_of_a_list_from_python():
    assert jit(cast_then_store)(["a"], 1) == "TypeError: this list holds str values, not int | a"
    assert jit(cast_then_store)(["a"], "b") == "stored | a,b"
    assert jit(cast_nested_then_store)([["a"]], 1) == (
        "TypeError: this list holds str values, not int | [['a']]")
    assert jit(cast_nested_then_store)([["a"]], "b") == "stored | [['a', 'b']]"


# --------------------------------------- what Python code and Any code may do

def any_made(v: Any) -> Any:
    xs = [1, "a"]  # a List[Any]
    a: Any = xs
    a.append(v)
    a[0] = v
    return xs


def copies_are_free(v: Any) -> List[Any]:
    words: List[str] = ["a"]
    a: Any = words
    c = a.copy()
    c.append(v)
    s = a[:]
    s.append(v)
    return [c, s, words]


def set_and_dict_copies(v: Any) -> List[Any]:
    names: Set[str] = {"a"}
    table: Dict[str, List[str]] = {"k": ["x"]}
    s: Any = names
    d: Any = table
    u = s.union([v])  # a new set
    c = d.copy()  # a new dict
    c["n"] = v
    s.update(s)
    d.update(d)
    w: Any = table["k"]
    w.extend(w)
    return [sorted(u, key=str), c, sorted(names), table]


def python_lists(xs: Any, v: Any) -> Any:
    xs.append(v)
    xs[0] = v
    xs.extend([v, "s"])
    return xs


def test_unconstrained_containers_take_anything():
    assert jit(any_made)(2.5) == [2.5, "a", 2.5]
    assert jit(copies_are_free)(5) == [["a", 5], ["a", 5], ["a"]]
    assert jit(set_and_dict_copies)(5) == [[5, "a"], {"k": ["x", "x"], "n": 5}, ["a"],
                                           {"k": ["x", "x"]}]
    assert jit(python_lists)(["a", [1]], None) == [None, [1], None, None, "s"]
    xs = ["a"]
    jit(python_lists)(xs, 3)
    assert xs == [3, 3, 3, "s"]


def scalar_kinds(v: Any) -> str:
    xs: List[int] = [1]
    a: Any = xs
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored " + str(xs)


def test_scalar_item_lists_still_convert_by_kind():
    assert jit(scalar_kinds)(True) == "stored [1, 1]"
    assert jit(scalar_kinds)("s") == "TypeError: this list holds int values, not str"


def boxed_in_a_loop(n: int) -> int:
    outer: List[List[str]] = [["a"]]
    total = 0
    for i in range(n):
        a: Any = outer
        a.append(["b"])
        total += len(a[i])
    return total + len(outer)


def test_repeated_boxing_and_valid_nested_stores():
    assert jit(boxed_in_a_loop)(50) == 101


# ------------------------------------- instances, arrays, functions, lifetime

class Bag:
    def __init__(self, words: List[str]) -> None:
        self.words = words


CompiledBag = pyjitx.compile(Bag)


def attribute_of_an_any(b: Bag) -> str:
    a: Any = b
    try:
        a.words.append(5)  # the typed attribute read, then boxed
    except TypeError as e:
        return "TypeError: " + str(e) + " " + str(len(b.words))
    return "stored"


def box_attribute(b: Bag) -> int:
    a: Any = b.words
    return len(a)


def store_into_attribute(b: Bag, v: Any) -> str:
    a: Any = b.words
    try:
        a.append(v)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored " + ",".join(b.words)


def test_instance_attributes_and_code_that_is_gone():
    import gc

    assert jit(attribute_of_an_any)(CompiledBag(["a"])) == (
        "TypeError: this list holds str values, not int 1")
    # the list records its type in a string of the runtime's own: it may
    # outlive the compiled code that boxed it
    bag = CompiledBag(["x"])
    boxing = pyjitx.compile(box_attribute)
    assert boxing(bag) == 1
    del boxing
    gc.collect()
    assert jit(store_into_attribute)(bag, 5) == "TypeError: this list holds str values, not int"
    assert jit(store_into_attribute)(bag, "y") == "stored x,y"
    assert bag.words == ["x", "y"]


def arrays_through_any(x: NDArray[np.float64, 1], y: Any) -> str:
    xs: List[NDArray[np.float64, 1]] = [x]
    a: Any = xs
    try:
        a.append(y)
    except TypeError as e:
        return "TypeError: " + str(e)
    return "stored " + str(len(xs)) + " " + str(xs[1][0])


def array_from_any(y: Any) -> float:
    arr: NDArray[np.float64, 1] = y
    return arr[0] + arr[len(arr) - 1]


def test_lists_of_arrays_check_dtype_and_rank():
    f = jit(arrays_through_any)
    assert f(np.ones(2), np.full(3, 2.5)) == "stored 2 2.5"
    for bad in (np.zeros(3, dtype=np.int64), np.zeros((3, 2)), [1.0]):
        assert f(np.ones(2), bad) == ("TypeError: this list holds NDArray[float64, 1] values, "
                                      f"not {'list' if isinstance(bad, list) else 'numpy.ndarray'}")
    assert jit(array_from_any)(np.arange(4.0)) == 3.0
    with pytest.raises(TypeError, match=r"expected NDArray\[float64, 1\], got numpy.ndarray"):
        jit(array_from_any)(np.arange(4))


def inc(x: int) -> int:
    return x + 1


def functions_in_an_any(n: int) -> int:
    fs = [[inc]]
    a: Any = fs
    return len(a)


def test_a_container_of_functions_inside_a_list_cannot_be_an_any():
    with pytest.raises(pyjitx.CompileError, match=r"cannot be held in an Any"):
        pyjitx.compile(functions_in_an_any)(1)
