"""Class features of everyday code: classes compiled along whose instances
come back to Python (as instances of the user's class: isinstance holds,
Python-only methods work), classes defined inside a compiled function,
methods that only subclasses define, called through the base (after an
isinstance test or not), and empty subclasses of list/dict/set."""
from __future__ import annotations

from typing import Dict, List, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same

small = st.integers(-5, 9)


class Node:
    def __init__(self, value: int, label: str) -> None:
        self.value = value
        self.label = label
        self.children: List["Node"] = []

    def add(self, child: "Node") -> "Node":
        self.children.append(child)
        return self

    def python_only(self) -> str:  # never compiled: Python calls it
        return f"{self.label}={self.value}"


def build_tree(n: int) -> Node:
    root = Node(0, "root")
    for i in range(n):
        root.add(Node(i, f"n{i}"))
    return root


def test_instances_of_classes_compiled_along_come_back_as_the_users_class():
    compiled = pyjitx.compile(build_tree)
    got, expected = compiled(3), build_tree(3)
    assert isinstance(got, Node)
    assert got.python_only() == expected.python_only() == "root=0"
    assert [c.label for c in got.children] == [c.label for c in expected.children]
    assert all(isinstance(c, Node) for c in got.children)


def local_class(x: int, words: List[str]) -> str:
    class Counter:
        def __init__(self, start: int) -> None:
            self.n = start

        def bump(self, by: int) -> int:
            self.n += by
            return self.n

    c = Counter(x)
    for w in words:
        c.bump(len(w))
    return f"{c.n}"


def local_class_using_a_local(x: int) -> int:
    class Scaled:
        def get(self) -> int:
            return x * 2

    return Scaled().get()


@given(small, st.lists(st.sampled_from(["a", "日本", ""]), max_size=4))
def test_class_defined_in_a_function(x, words):
    assert_same(local_class, pyjitx.compile(local_class), x, words)


def test_a_local_class_using_the_functions_locals_is_refused():
    with pytest.raises(pyjitx.CompileError, match="class Scaled uses the local 'x'"):
        pyjitx.compile(local_class_using_a_local)(2)


class Shape:
    def __init__(self, size: float) -> None:
        self.size = size

    def describe(self) -> str:
        return f"{self.kind()} of {self.area():.2f}"   # kind/area: subclasses only


class Square(Shape):
    def kind(self) -> str:
        return "square"

    def area(self) -> float:
        return self.size * self.size


class Circle(Shape):
    def kind(self) -> str:
        return "circle"

    def area(self) -> float:
        return 3.14159 * self.size * self.size

    def radius(self) -> float:
        return self.size


def describe_all(sizes: List[float]) -> List[str]:
    shapes: List[Shape] = []
    for i, s in enumerate(sizes):
        shapes.append(Square(s) if i % 2 == 0 else Circle(s))
    out = [s.describe() for s in shapes]
    for s in shapes:
        if isinstance(s, Circle):
            out.append(f"r={s.radius()}")
    return out


@given(st.lists(st.floats(0, 100), max_size=5))
def test_methods_only_subclasses_define(sizes):
    assert_same(describe_all, pyjitx.compile(describe_all), sizes)


class Stack(list):
    pass


class Registry(dict):
    pass


def use_empty_subclasses(words: List[str]) -> str:
    stack: List[str] = Stack()
    seen: Dict[str, int] = Registry()
    for w in words:
        stack.append(w)
        seen[w] = seen.get(w, 0) + 1
    return f"{stack[::-1]} {sorted(seen.items())} {len(stack)}"


@given(st.lists(st.sampled_from(["a", "b", "é"]), max_size=5))
def test_empty_subclasses_of_list_and_dict(words):
    assert_same(use_empty_subclasses, pyjitx.compile(use_empty_subclasses), words)


class Connection:
    def __init__(self, host: str) -> None:
        self.host = host

    def open(self, port: int) -> None:
        self.port = port            # first assigned here, not in __init__
        self.sent: List[str] = []

    def send(self, message: str) -> int:
        self.sent.append(message)
        return self.port + len(self.sent)


def use_connection(open_first: bool, messages: List[str]) -> str:
    c = Connection("host")
    if open_first:
        c.open(8000)
    total = 0
    for m in messages:
        total += c.send(m)
    return f"{total} {c.sent if open_first else ''}"


def make_connection(open_it: bool) -> Connection:
    c = Connection("h")
    if open_it:
        c.open(1)
    return c


@given(st.booleans(), st.lists(st.sampled_from(["a", "日本"]), max_size=3))
def test_attributes_first_assigned_outside_init(open_first, messages):
    assert_same(use_connection, pyjitx.compile(use_connection), open_first, messages)


def test_an_attribute_not_yet_assigned_is_missing_from_python_too():
    compiled = pyjitx.compile(make_connection)
    closed, opened = compiled(False), compiled(True)
    with pytest.raises(AttributeError, match="'Connection' object has no attribute 'port'"):
        closed.port
    assert opened.port == 1 and opened.sent == []
    closed.port = 5                # set from Python: present from now on
    assert closed.port == 5
