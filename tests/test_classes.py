"""User classes, differentially against CPython: fields (annotated and
learned from __init__), methods, properties, static methods, class
constants, single inheritance with super() and virtual dispatch through
base-typed references, special methods (in compiled code and inside
containers: dict keys, sets, sorting, repr), isinstance/is, exceptions
raised from methods, Optional fields (a linked list), classes holding
instances of other classes.  Then the Python side of compiled classes:
construction, attributes with type checks, methods, special methods,
isinstance, pickling and instances passed back without copying."""
from __future__ import annotations

import pickle
from typing import Dict, List, Optional, Set

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from pyjitx import _ext

from difftest import assert_same, compiled

texts = st.text(alphabet=st.sampled_from(list("ab cé中😀 \t")), max_size=30)
small_ints = st.integers(min_value=-1000, max_value=1000)


# ------------------------------------------------------------ subjects


class Counter:
    step: int = 1

    def __init__(self, start: int) -> None:
        self.n = start
        self.history: List[int] = []

    def bump(self, by: int) -> int:
        self.n += by * self.step
        self.history.append(self.n)
        return self.n

    @property
    def last(self) -> int:
        if not self.history:
            raise IndexError("no history")
        return self.history[-1]

    @property
    def doubled(self) -> int:
        return self.n * 2

    @doubled.setter
    def doubled(self, value: int) -> None:
        self.n = value // 2

    @staticmethod
    def clamp(x: int, low: int, high: int) -> int:
        return max(low, min(high, x))


class Shape:
    KIND = "shape"

    def __init__(self, name: str) -> None:
        self.name = name

    def area(self) -> float:
        return 0.0

    def describe(self) -> str:
        return f"{self.name}:{self.KIND}:{self.area():.3f}"

    def __repr__(self) -> str:
        return f"Shape({self.name!r})"


class Rect(Shape):
    KIND = "rect"

    def __init__(self, w: float, h: float) -> None:
        super().__init__("rect")
        self.w = w
        self.h = h

    def area(self) -> float:
        return self.w * self.h


class Square(Rect):
    def __init__(self, side: float) -> None:
        super().__init__(side, side)
        self.name = "square"

    def describe(self) -> str:
        return "[" + super().describe() + "]"


class Circle(Shape):
    def __init__(self, r: float) -> None:
        super().__init__("circle")
        self.r = r

    def area(self) -> float:
        return 3.0 * self.r * self.r

    def __repr__(self) -> str:
        return "Circle(" + repr(self.r) + ")"


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def __eq__(self, other: Point) -> bool:
        return self.x == other.x and self.y == other.y

    def __hash__(self) -> int:
        return self.x * 1000003 + self.y

    def __lt__(self, other: Point) -> bool:
        return (self.x, self.y) < (other.x, other.y)

    def __repr__(self) -> str:
        return f"Point({self.x}, {self.y})"


class OnlyEq:
    def __init__(self, v: int) -> None:
        self.v = v

    def __eq__(self, other: OnlyEq) -> bool:
        return self.v == other.v


class Bag:
    def __init__(self) -> None:
        self.items: List[str] = []

    def add(self, item: str) -> Bag:
        self.items.append(item)
        return self

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> str:
        return self.items[i]

    def __setitem__(self, i: int, value: str) -> None:
        self.items[i] = value

    def __contains__(self, item: str) -> bool:
        return item in self.items

    def __str__(self) -> str:
        return "|".join(self.items)


class Node:
    def __init__(self, value: int, next: Optional[Node]) -> None:
        self.value = value
        self.next = next


class Vocab:
    def __init__(self, words: List[str]) -> None:
        self.table: Dict[str, int] = {}
        for w in words:
            if w not in self.table:
                self.table[w] = len(self.table)

    def lookup(self, word: str) -> int:
        if word in self.table:
            return self.table[word]
        raise KeyError(word)


class Tokenizer:
    def __init__(self, vocab: Vocab, unk: int) -> None:
        self.vocab = vocab
        self.unk = unk
        self.calls = 0

    def __call__(self, text: str) -> List[int]:
        self.calls += 1
        out: List[int] = []
        for w in text.split():
            try:
                out.append(self.vocab.lookup(w))
            except KeyError:
                out.append(self.unk)
        return out


class Pipeline:
    def __init__(self, tokenizer: Tokenizer, max_len: int) -> None:
        self.tokenizer = tokenizer
        self.max_len = max_len

    def run(self, texts: List[str]) -> List[List[int]]:
        return [self.tokenizer(t)[: self.max_len] for t in texts]


# ------------------------------------------------------- compiled code


def counter_ops(start: int, steps: List[int]) -> List[int]:
    c = Counter(start)
    out: List[int] = []
    for s in steps:
        out.append(c.bump(s))
    out.append(c.doubled)
    c.doubled = 41
    out.append(c.n)
    out.append(Counter.clamp(c.n, -5, 5))
    out.append(c.clamp(start, 0, 10))
    out.append(c.step + Counter.step)
    out.append(c.last)
    return out


def shapes(sizes: List[float]) -> List[str]:
    items: List[Shape] = []
    for i, s in enumerate(sizes):
        if i % 4 == 0:
            items.append(Rect(s, s + 1.0))
        elif i % 4 == 1:
            items.append(Square(s))
        elif i % 4 == 2:
            items.append(Circle(s))
        else:
            items.append(Shape("plain"))
    out: List[str] = []
    for shape in items:
        out.append(shape.describe() + " " + repr(shape) + " " + str(isinstance(shape, Rect))
                   + str(isinstance(shape, Square)) + str(isinstance(shape, (Circle, Square))))
    out.append(repr(items))
    return out


def points(xs: List[int]) -> str:
    ps = [Point(x % 7, x // 7) for x in xs]
    seen: Set[Point] = set(ps)
    counts: Dict[Point, int] = {}
    for p in ps:
        counts[p] = counts.get(p, 0) + 1
    ordered = sorted(ps)
    first = ps[0] if ps else Point(0, 0)
    return (repr(ordered) + str(len(seen)) + repr(counts)
            + str(first == Point(first.x, first.y)) + str(first != Point(-1, -1))
            + str(first < Point(100, 0)) + str(Point(100, 0) > first) + str(first is first)
            + str(Point(1, 2) in ps) + str(hash(Point(3, 4)) == hash(Point(3, 4))))


def only_eq_in_set(v: int) -> int:
    s: Set[OnlyEq] = set()
    s.add(OnlyEq(v))
    return len(s)


def only_eq_list(vs: List[int], probe: int) -> str:
    items = [OnlyEq(v) for v in vs]
    return str(OnlyEq(probe) in items) + str(items.count(OnlyEq(probe)))


def bag_ops(words: List[str], i: int) -> str:
    b = Bag()
    for w in words:
        b.add(w)
    out = str(len(b)) + ":" + str(b) + ":" + str(bool(b)) + ":" + str("a" in b)
    if b:
        b[i] = "changed"
        out += ":" + b[i] + ":" + str(b)
    return out + ":" + f"{b}"


def linked(values: List[int]) -> List[int]:
    head: Optional[Node] = None
    for v in values:
        head = Node(v, head)
    out: List[int] = []
    node = head
    while node is not None:
        out.append(node.value)
        node = node.next
    return out


def tokenize(words: List[str], texts: List[str], max_len: int) -> List[List[int]]:
    pipeline = Pipeline(Tokenizer(Vocab(words), -1), max_len)
    result = pipeline.run(texts)
    result.append([pipeline.tokenizer.calls])
    return result


def vocab_lookup(words: List[str], word: str) -> int:
    return Vocab(words).lookup(word)


def attribute_errors(flag: int) -> int:
    c = Counter(flag)
    if flag > 0:
        return c.last  # IndexError raised in a property
    return c.n


@given(small_ints, st.lists(small_ints, max_size=8))
def test_fields_methods_properties_statics(start, steps):
    assert_same(counter_ops, compiled(counter_ops), start, steps)


@given(st.lists(st.floats(min_value=-100, max_value=100, allow_nan=False), max_size=9))
def test_inheritance_and_virtual_dispatch(sizes):
    assert_same(shapes, compiled(shapes), sizes)


@given(st.lists(st.integers(min_value=-50, max_value=50), max_size=12))
def test_special_methods_and_containers_of_instances(xs):
    assert_same(points, compiled(points), xs)


@given(st.lists(st.integers(min_value=0, max_value=3), max_size=6), st.integers(0, 3))
def test_eq_without_hash(vs, probe):
    assert_same(only_eq_in_set, compiled(only_eq_in_set), probe)  # TypeError both
    assert_same(only_eq_list, compiled(only_eq_list), vs, probe)


@given(st.lists(texts, max_size=5), st.integers(-6, 6))
def test_sequence_protocol(words, i):
    assert_same(bag_ops, compiled(bag_ops), words, i)


@given(st.lists(small_ints, max_size=20))
def test_optional_fields_linked_list(values):
    assert_same(linked, compiled(linked), values)


@given(st.lists(texts, max_size=8), st.lists(texts, max_size=5), st.integers(0, 5))
def test_classes_holding_classes(words, texts_, max_len):
    assert_same(tokenize, compiled(tokenize), words, texts_, max_len)


@given(st.lists(texts, max_size=5), texts)
def test_exception_from_method(words, word):
    assert_same(vocab_lookup, compiled(vocab_lookup), words, word)


@pytest.mark.parametrize("flag", [-1, 0, 1])
def test_exception_from_property(flag):
    assert_same(attribute_errors, compiled(attribute_errors), flag)


def test_virtual_call_in_ir():
    compiled = pyjitx.compile(shapes)
    compiled([1.0])
    assert "vcall" in compiled.inspect_ir()


# ---------------------------------------------------------- errors


class Untyped:
    def __init__(self) -> None:
        self.items = []


def make_untyped() -> int:
    return len(Untyped().items)


class Fixed:
    def __init__(self) -> None:
        self.a = 1

    def grow(self) -> None:
        self.b = 2


def grow_fixed() -> int:
    f = Fixed()
    f.c = 3           # an attribute no method of the class assigns
    return f.a


class BadOverrideBase:
    def __init__(self) -> None:
        self.x = 1

    def value(self) -> int:
        return self.x


class BadOverride(BadOverrideBase):
    def value(self) -> str:
        return "x"


def value_of(x: BadOverrideBase) -> int:
    return x.value()


def bad_override() -> int:
    return value_of(BadOverride())


@pytest.mark.parametrize("fn, message", [
    (make_untyped, "cannot tell the type of attribute 'items'"),
    (grow_fixed, "has no attribute 'c' to assign"),
    (bad_override, "overrides"),
])
def test_compile_errors(fn, message):
    with pytest.raises(pyjitx.CompileError, match=message):
        pyjitx.compile(fn)()


# ---------------------------------------------------------- from Python


CompiledCounter = pyjitx.compile(Counter)
CompiledPoint = pyjitx.compile(Point)
CompiledBag = pyjitx.compile(Bag)
CompiledShape = pyjitx.compile(Shape)
CompiledSquare = pyjitx.compile(Square)
CompiledTokenizer = pyjitx.compile(Tokenizer)
CompiledVocab = pyjitx.compile(Vocab)


@given(small_ints, st.lists(small_ints, max_size=5))
def test_python_side_methods_and_attributes(start, steps):
    c, ref = CompiledCounter(start), Counter(start)
    for s in steps:
        assert c.bump(s) == ref.bump(s)
    assert c.n == ref.n and c.history == ref.history and c.doubled == ref.doubled
    c.doubled = 10
    ref.doubled = 10
    assert c.n == ref.n == 5
    assert CompiledCounter.clamp(start, 0, 3) == Counter.clamp(start, 0, 3)
    assert c.step == 1
    c.n = 7
    assert c.bump(1) == 8


def test_python_side_type_checks():
    c = CompiledCounter(1)
    with pytest.raises(TypeError, match="attribute 'n' of Counter must be int, not str"):
        c.n = "x"
    with pytest.raises(TypeError):
        c.bump("x")
    with pytest.raises(TypeError):
        CompiledCounter("x")
    with pytest.raises(AttributeError):
        c.missing = 1
    with pytest.raises(IndexError, match="no history"):
        c.last


def test_python_side_special_methods():
    b = CompiledBag().add("x").add("y")
    assert len(b) == 2 and b[1] == "y" and "x" in b and "z" not in b and str(b) == "x|y"
    b[0] = "z"
    assert b.items == ["z", "y"]
    p, q = CompiledPoint(1, 2), CompiledPoint(1, 2)
    assert p == q and not (p != q) and hash(p) == hash(Point(1, 2)) and repr(p) == "Point(1, 2)"
    assert p < CompiledPoint(2, 0) and {p: 1}[q] == 1


def test_python_side_inheritance_and_isinstance():
    s = CompiledSquare(2.0)
    assert isinstance(s, CompiledSquare) and isinstance(s, CompiledShape)
    assert isinstance(s, _ext.Instance)
    assert s.area() == 4.0 and s.describe() == Square(2.0).describe()
    assert not isinstance(CompiledPoint(0, 0), CompiledShape)


def test_instances_pass_back_without_copy():
    vocab = CompiledVocab(["a", "b"])
    tok = CompiledTokenizer(vocab, 9)
    assert tok("a b c") == [0, 1, 9]
    assert _ext.same_instance(tok.vocab, vocab)
    assert tok.vocab == vocab  # identity of the runtime object
    vocab.table = {"c": 5}
    assert tok("c") == [5]  # the tokenizer sees the same vocabulary
    assert tok.calls == 2


def test_pickle_round_trip():
    tok = CompiledTokenizer(CompiledVocab(["x", "y", "x"]), -1)
    tok("x")
    again = pickle.loads(pickle.dumps(tok))
    assert again("y x z") == [1, 0, -1]
    assert again.calls == 2 and again.vocab.table == {"x": 0, "y": 1}
    assert not _ext.same_instance(again.vocab, tok.vocab)


def test_compile_is_idempotent_and_decorator_form():
    assert pyjitx.compile(Counter) is CompiledCounter
    assert pyjitx.compile(CompiledCounter) is CompiledCounter


class Evens:
    def __init__(self, items: List[int]) -> None:
        self.items = items

    def __iter__(self):
        for x in self.items:
            if x % 2 == 0:
                yield x * 10


def iterate_evens(xs: List[int]) -> List[int]:
    out: List[int] = []
    for v in Evens(xs):
        out.append(v)
    return out + [v + 1 for v in Evens(xs)]


@given(st.lists(small_ints, max_size=8))
def test_generator_iter(xs):
    assert_same(iterate_evens, compiled(iterate_evens), xs)


@given(st.lists(small_ints, max_size=8))
def test_generator_iter_from_python(xs):
    assert list(pyjitx.compile(Evens)(xs)) == list(Evens(xs))
