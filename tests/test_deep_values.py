"""Values nested without bound, and containers that hold themselves, inside
compiled code: repr, ==, ordering, hashing and freeing them behave as
CPython's do and never overflow the C stack.

- repr of a container that holds itself prints "[...]" / "{...}" /
  "(...)" where CPython's does (Py_ReprEnter);
- repr, == and ordering count their nesting and raise RecursionError with
  CPython's messages past the recursion limit (a 100,000-deep list, two
  lists that each hold themselves);
- hashing a 100,000-deep tuple gives CPython's value (CPython's tuple hash
  has no bound either);
- freeing a 1,000,000-deep list or a 300,000-long chain of instances does
  not recurse on the C stack (the runtime's trashcan).

The deep cases run in a fresh interpreter (deep_helpers.run_script): before
these bounds each crashed the process with SIGSEGV.  Cycles made in
compiled code are never freed (reference counting, docs/guide/semantics.md),
so the in-process tests break theirs before returning."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

import pyjitx
from deep_helpers import outcome, run_script, same_both_ways

pytestmark = pytest.mark.needs_jit


# ----------------------------------------------- containers that hold themselves

def list_holding_itself(n: int) -> str:
    xs: List[Any] = [n]
    xs.append(xs)
    text = str(xs) + " " + repr(xs) + " " + f"{xs}"
    xs.pop()  # (the cycle would never be freed)
    return text


def dict_holding_itself(n: int) -> str:
    d: Dict[str, Any] = {"n": n}
    d["self"] = d
    text = repr(d) + " " + str([d, d])
    del d["self"]
    return text


def list_in_dict_in_itself(n: int) -> str:
    xs: List[Any] = [n]
    d: Dict[str, Any] = {"xs": xs}
    xs.append(d)
    text = repr(xs) + " " + repr(d)
    xs.pop()
    return text


def tuple_through_a_list(n: int) -> str:
    xs: List[Any] = [n]
    t = (xs, n)
    xs.append(t)
    text = repr(t) + " " + repr(xs)
    xs.pop()
    return text


def any_holding_itself(n: int) -> str:
    items: List[Any] = [n]
    x: Any = items
    x.append(x)
    text = repr(x) + " " + repr([x])
    x.pop()
    return text


@pytest.mark.parametrize("fn", [list_holding_itself, dict_holding_itself,
                                list_in_dict_in_itself, tuple_through_a_list,
                                any_holding_itself])
def test_repr_of_a_container_holding_itself(fn):
    assert outcome(pyjitx.compile(fn), 1) == outcome(fn, 1)


class Box:
    def __init__(self) -> None:
        self.items: List[Any] = []

    def __repr__(self) -> str:
        return "Box(" + repr(self.items) + ")"


def box_holding_itself(n: int) -> str:
    b = Box()
    b.items.append(n)
    b.items.append(b)
    text = repr(b) + " " + repr(b.items)
    b.items.pop()
    return text


def test_repr_through_an_instance_holding_itself():
    compiled = pyjitx.compile(box_holding_itself)
    assert compiled(1) == box_holding_itself(1) == "Box([1, Box([...])]) [1, Box([...])]"


def compare_lists_holding_themselves(op: str) -> str:
    a: List[Any] = [1]
    a.append(a)
    b: List[Any] = [1]
    b.append(b)
    try:
        if op == "==":
            text = str(a == b)
        elif op == "!=":
            text = str(a != b)
        elif op == "<":
            text = str(a < b)
        elif op == "is itself":
            text = str(a == a) + str([a] == [a])
        else:
            x: Any = a
            y: Any = b
            text = str(x == y)
    except RecursionError as e:
        text = "RecursionError: " + str(e)
    a.pop()
    b.pop()
    return text


@pytest.mark.parametrize("op", ["==", "!=", "<", "is itself", "any =="])
def test_comparing_lists_that_hold_themselves(op):
    expected = compare_lists_holding_themselves(op)
    assert pyjitx.compile(compare_lists_holding_themselves)(op) == expected
    if op != "is itself":
        assert expected == "RecursionError: maximum recursion depth exceeded in comparison"


def test_recursion_error_of_a_comparison_reaches_python(tmp_path):
    lines = run_script(tmp_path, """
        def f(n: int) -> bool:
            a: List[Any] = [n]
            a.append(a)
            b: List[Any] = [n]
            b.append(b)
            return a == b
        both(f, 1)
    """)
    same_both_ways(lines)
    assert "RecursionError: maximum recursion depth exceeded in comparison" in lines[0]


# ----------------------------------------------------------- nesting depth

def nest(n: int) -> Any:
    x: Any = []
    for _ in range(n):
        x = [x]
    return x


def nested_repr_length(n: int) -> int:
    x: Any = []
    for _ in range(n):
        x = [x]
    return len(str(x)) + len(repr((x, x)))


def nested_equal(n: int) -> str:
    x: Any = []
    y: Any = []
    for _ in range(n):
        x = [x]
        y = [y]
    return str(x == y) + str(x != y) + str(x < y) + str(x <= y)


def nested_typed_equal(n: int) -> bool:
    x: List[Any] = []
    y: List[Any] = []
    for _ in range(n):
        x = [x]
        y = [y]
    return x == y


def nested_tuple_hash(n: int) -> int:
    x: Any = ()
    for i in range(n):
        x = (x, i)
    return hash(x)


def nested_dict_repr(n: int) -> int:
    x: Any = {}
    for _ in range(n):
        x = {"k": x}
    return len(repr(x))


@pytest.mark.parametrize("fn", [nested_repr_length, nested_equal, nested_typed_equal,
                                nested_tuple_hash, nested_dict_repr])
@pytest.mark.parametrize("n", [0, 1, 50, 300])
def test_nesting_within_the_limit_as_cpython(fn, n):
    assert outcome(pyjitx.compile(fn), n) == outcome(fn, n)


def test_deep_values_inside_compiled_code(tmp_path):
    # CPython raises RecursionError for repr and comparisons of 100,000
    # levels and hashes the tuple; compiled code does the same without
    # overflowing the C stack
    lines = run_script(tmp_path, """
        def str_of(n: int) -> int:
            x: Any = []
            for _ in range(n):
                x = [x]
            return len(str(x))

        def repr_of_dict(n: int) -> int:
            x: Any = {}
            for _ in range(n):
                x = {"k": x}
            return len(repr(x))

        def repr_of_tuple(n: int) -> int:
            x: Any = ()
            for _ in range(n):
                x = (x,)
            return len(repr(x))

        def equal(n: int) -> bool:
            x: List[Any] = []
            y: List[Any] = []
            for _ in range(n):
                x = [x]
                y = [y]
            return x == y

        def less(n: int) -> bool:
            x: Any = []
            y: Any = []
            for _ in range(n):
                x = [x]
                y = [y]
            return x < y

        def tuples_equal(n: int) -> bool:
            x: Any = ()
            y: Any = ()
            for _ in range(n):
                x = (x,)
                y = (y,)
            return x == y

        def dicts_equal(n: int) -> bool:
            x: Dict[str, Any] = {}
            y: Dict[str, Any] = {}
            for _ in range(n):
                x = {"k": x}
                y = {"k": y}
            return x == y

        def tuple_hash(n: int) -> int:
            x: Any = ()
            for _ in range(n):
                x = (x,)
            return hash(x)

        def sort_deep(n: int) -> int:
            x: Any = []
            y: Any = []
            for _ in range(n):
                x = [x]
                y = [y]
            rows = [x, y]
            rows.sort()
            return len(rows)

        for fn in (str_of, repr_of_dict, repr_of_tuple, equal, less, tuples_equal,
                   dicts_equal, tuple_hash, sort_deep):
            both(fn, 100000)
    """)
    same_both_ways(lines)
    assert len(lines) == 9
    assert lines[0].startswith(
        "RecursionError: maximum recursion depth exceeded while getting the repr of an object")
    assert lines[3].startswith("RecursionError: maximum recursion depth exceeded in comparison")
    assert lines[7].split(" | ")[0].lstrip("-").isdigit()


def test_freeing_deep_values_made_in_compiled_code(tmp_path):
    lines = run_script(tmp_path, """
        class Node:
            def __init__(self, value: int, next: Optional[Node]) -> None:
                self.value = value
                self.next = next

        Compiled = pyjitx.compile(Node)

        def nested_list(n: int) -> int:
            x: Any = []
            for _ in range(n):
                x = [x]
            return 1

        def nested_dicts_and_tuples(n: int) -> int:
            x: Any = ()
            for i in range(n):
                x = {"k": (x, i)} if i % 2 else [x]
            return 2

        def chain(n: int) -> int:
            head: Optional[Node] = None
            for i in range(n):
                head = Node(i, head)
            return 3

        def chain_kept(n: int) -> Node:
            head = Node(0, None)
            for i in range(n):
                head = Node(i, head)
            return head

        print(pyjitx.compile(nested_list)(1_000_000))
        print(pyjitx.compile(nested_dicts_and_tuples)(1_000_000))
        print(pyjitx.compile(chain)(300_000))
        kept = pyjitx.compile(chain_kept)(300_000)
        print(kept.value, kept.next.value)
        del kept  # freed from Python
        print("done", pyjitx.runtime.live_objects())
    """)
    assert lines[:4] == ["1", "2", "3", "299999 299998"]
    assert lines[4].split()[0] == "done"
