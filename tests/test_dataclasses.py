"""dataclasses in compiled code, differentially against CPython: fields
with defaults and default factories (list, dict, set, a lambda, a class),
init=False fields, __post_init__ with InitVars, kw_only fields, the
generated repr (nested dataclasses, repr=False), == of one class, order=True
(and its TypeError between classes), frozen=True (FrozenInstanceError,
hash), unsafe_hash, inheritance between dataclasses and from an ABC,
dataclasses.replace/asdict/astuple/is_dataclass; and compiled dataclasses
from Python: construction (factories per call), attributes, repr, ==,
hash, frozen assignments, dataclasses.fields/replace/asdict, pickling."""
from __future__ import annotations

import abc
import copy
import dataclasses
import pickle
from dataclasses import InitVar, dataclass, field
from typing import ClassVar, Dict, List, Optional, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit


@dataclass
class Inner:
    x: int = 1
    label: str = "in"


@dataclass
class Rec:
    name: str
    n: int = 0
    tags: List[str] = field(default_factory=list)
    counts: Dict[str, int] = field(default_factory=dict)
    seen: Set[int] = field(default_factory=set)
    inner: Inner = field(default_factory=Inner)
    extra: List[int] = field(default_factory=lambda: [1, 2])
    secret: str = field(default="hidden", repr=False)
    total: int = field(init=False, default=0)
    KIND: ClassVar[str] = "record"

    def __post_init__(self) -> None:
        self.total = self.n * 10 + len(self.tags)

    def add(self, tag: str) -> int:
        self.tags.append(tag)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.total += 1
        return len(self.tags)


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    note: str = field(default="", compare=False)


@dataclass(frozen=True)
class Point:
    x: float
    y: float = 0.0

    def moved(self, dx: float) -> Point:
        return dataclasses.replace(self, x=self.x + dx)


@dataclass
class Scaled:
    base: int
    factor: InitVar[int] = 2
    value: int = field(init=False)

    def __post_init__(self, factor: int) -> None:
        self.value = self.base * factor


@dataclass(kw_only=True)
class Options:
    verbose: bool = False
    depth: int = 1


@dataclass
class Animal:
    name: str
    legs: int = 4

    def sound(self) -> str:
        return "..."


@dataclass
class Bird(Animal):
    legs: int = 2
    wings: int = 2

    def sound(self) -> str:
        return "tweet"


@dataclass(unsafe_hash=True)
class Key:
    a: int
    b: str


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self) -> float:
        ...


@dataclass
class Square(Shape):
    side: float

    def area(self) -> float:
        return self.side * self.side


@dataclass
class Tree:
    value: int
    children: List[Tree] = field(default_factory=list)


small = st.integers(-100, 100)
words = st.text(alphabet=st.sampled_from("ab é中"), max_size=5)


# ------------------------------------------------------------ subjects


def records(name: str, n: int, tags: List[str]) -> List[str]:
    a = Rec(name)
    b = Rec(name, n, tags)
    c = Rec(name=name, tags=list(tags), n=n)
    a.add("x")
    a.inner.x += n
    return [repr(a), repr(b), str(c), f"{a.total} {b.total} {c.extra}", repr(Rec(name)),
            str(b == c), str(a == b), str(a != b), Rec.KIND]


def factories_are_fresh() -> List[int]:
    a, b = Rec("a"), Rec("b")
    a.tags.append("t")
    a.extra.append(3)
    return [len(a.tags), len(b.tags), len(a.extra), len(b.extra)]


def ordering(a: int, b: int, c: int, d: int) -> List[bool]:
    v, w = Version(a, b, "x"), Version(c, d, "y")
    return [v < w, v <= w, v > w, v >= w, v == w, sorted([w, v])[0] == min(v, w)]


def frozen(x: float, y: float) -> str:
    p = Point(x, y)
    q = p.moved(1.5)
    return f"{p} {q} {p == Point(x, y)} {hash(p) == hash(Point(x, y))} {q.x}"


def assign_frozen(x: float) -> float:
    p = Point(x)
    p.x = 2.0
    return p.x


def init_vars(base: int) -> Tuple[int, int, str]:
    return Scaled(base).value, Scaled(base, 3).value, repr(Scaled(base, 5))


def keyword_only(depth: int) -> str:
    return repr(Options(depth=depth)) + repr(Options(verbose=True))


def inheritance(name: str) -> List[str]:
    animals: List[Animal] = [Animal(name), Bird(name), Bird(name, 1, 0)]
    return [repr(a) + a.sound() for a in animals] + [str(Bird(name) == Animal(name, 2))]


def hashing(a: int, b: str) -> List[bool]:
    seen = {Key(a, b), Key(a, b), Key(a + 1, b)}
    return [len(seen) == 2, Key(a, b) in seen, hash(Key(a, b)) == hash((a, b))]


def abstract_base(side: float) -> float:
    shapes: List[Shape] = [Square(side), Square(side + 1)]
    return sum([s.area() for s in shapes])


def helpers(name: str, n: int) -> Tuple[str, str, Tuple[int, str], bool, bool]:
    r = Rec(name, n, ["a"])
    changed = dataclasses.replace(r, n=n + 1)
    return (repr(changed), repr(dataclasses.asdict(r)), dataclasses.astuple(Inner(n, name)),
            dataclasses.is_dataclass(r), dataclasses.is_dataclass(n))


def as_dict_and_tuple(n: int) -> Tuple[str, str]:
    t = Tree(n, [Tree(n + 1), Tree(n + 2, [Tree(0)])])
    r = Rec("r", n, ["a", "b"], {"k": n})
    return repr(dataclasses.asdict(t)), repr(dataclasses.astuple(r))


def trees(depth: int) -> str:
    root = Tree(0)
    node = root
    for i in range(depth):
        child = Tree(i + 1)
        node.children.append(child)
        node = child
    return repr(root)


# ------------------------------------------------------------ tests


@given(words, small, st.lists(words, max_size=3))
def test_fields_defaults_factories_post_init_and_repr(name, n, tags):
    assert_same(records, compiled(records), name, n, tags)


def test_each_instance_gets_its_own_factory_value():
    assert_same(factories_are_fresh, compiled(factories_are_fresh))


@given(small, small, small, small)
def test_order(a, b, c, d):
    assert_same(ordering, compiled(ordering), a, b, c, d)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_frozen(x, y):
    assert_same(frozen, compiled(frozen), x, y)


def test_assigning_a_frozen_field_raises_frozen_instance_error():
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        compiled(assign_frozen)(1.0)
    assert_same(assign_frozen, compiled(assign_frozen), 1.0)


@given(small)
def test_init_vars_and_keyword_only_fields(base):
    assert_same(init_vars, compiled(init_vars), base)
    assert_same(keyword_only, compiled(keyword_only), base)


@given(words)
def test_inheritance_between_dataclasses(name):
    assert_same(inheritance, compiled(inheritance), name)


@given(small, words)
def test_unsafe_hash(a, b):
    assert_same(hashing, compiled(hashing), a, b)


def test_a_dataclass_derives_from_an_abc():
    assert_same(abstract_base, compiled(abstract_base), 2.0)


@given(words, small)
def test_replace_asdict_astuple_is_dataclass(name, n):
    assert_same(helpers, compiled(helpers), name, n)
    assert_same(as_dict_and_tuple, compiled(as_dict_and_tuple), n)


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_recursive_dataclass(depth):
    assert_same(trees, compiled(trees), depth)


# ------------------------------------------------------------ from Python


@pyjitx.compile
@dataclass(order=True)
class Item:
    name: str
    price: float = 0.0
    tags: List[str] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.name}:{self.price:.2f}"


@pyjitx.compile
@dataclass(frozen=True)
class Frozen:
    a: int
    b: str = "b"


@pyjitx.compile
def cheapest(items: List[Item]) -> Optional[Item]:
    best: Optional[Item] = None
    for item in items:
        if best is None or item.price < best.price:
            best = item
    return best


@pyjitx.compile
def restock(item: Item, extra: float) -> Item:
    return dataclasses.replace(item, price=item.price + extra)


def test_a_compiled_dataclass_from_python():
    a, b = Item("b", 2.0), Item("a", 1.0, ["x"])
    assert repr(a) == "Item(name='b', price=2.0, tags=[])" and a.label() == "b:2.00"
    assert cheapest([a, b]) is not None and cheapest([a, b]).name == "a"
    assert b < a and a == Item("b", 2.0) and a != b and sorted([a, b])[0] == b
    assert restock(a, 1.0) == Item("b", 3.0)
    assert [f.name for f in dataclasses.fields(Item)] == ["name", "price", "tags"]
    assert dataclasses.asdict(b) == {"name": "a", "price": 1.0, "tags": ["x"]}
    assert dataclasses.replace(b, name="c") == Item("c", 1.0, ["x"])
    assert dataclasses.is_dataclass(a) and isinstance(a, Item)
    assert Item("z").tags == [] and Item("z").tags is not Item("z").tags
    with pytest.raises(TypeError):
        Item(1)  # a str field


def test_a_compiled_frozen_dataclass_from_python():
    f = Frozen(1)
    assert repr(f) == "Frozen(a=1, b='b')" and hash(f) == hash(Frozen(1, "b"))
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'a'"):
        f.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'a'"):
        del f.a
    assert pickle.loads(pickle.dumps(f)) == f and copy.copy(f) == f


def test_dataclasses_without_their_own_decorator_come_back_to_python():
    def make(n: int) -> Rec:
        return Rec("made", n, ["t"])

    got = pyjitx.compile(make)(3)
    assert repr(got) == repr(make(3)) and dataclasses.is_dataclass(got)
    assert got.total == 31 and got.inner.x == 1
    assert pyjitx.compile(Rec)("again").n == 0  # the same compiled class


@dataclass(order=True, frozen=True)
@pyjitx.compile
class Below:  # (@dataclass written above @pyjitx.compile)
    name: str
    rank: int = 0
    aliases: List[str] = field(default_factory=list)

    def title(self) -> str:
        return f"{self.name}#{self.rank}"


def use_below(name: str, rank: int) -> str:
    a, b = Below(name, rank), Below(name, rank + 1, ["x"])
    return f"{a} {b.title()} {a < b} {a == Below(name, rank)} {dataclasses.replace(a, rank=9)}"


@given(words, small)
def test_dataclass_written_above_pyjitx_compile(name, rank):
    assert_same(use_below, compiled(use_below), name, rank)
    a = Below(name, rank)
    assert repr(a) == f"Below(name={name!r}, rank={rank}, aliases=[])"
    assert a < Below(name, rank + 1) and a == Below(name, rank)
    assert [f.name for f in dataclasses.fields(Below)] == ["name", "rank", "aliases"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.rank = 1


@dataclass
class Link:
    name: str
    parent: Optional["Link"] = None  # (a forward reference inside Optional)
    depth: int = 0

    def __post_init__(self) -> None:
        self.depth = self.parent.depth + 1 if self.parent is not None else 0


def chain(names: List[str]) -> List[str]:
    last: Optional[Link] = None
    out: List[str] = []
    for name in names:
        last = Link(name, last)
        out.append(f"{last.name}@{last.depth}")
    if last is not None:
        out.append(repr(last))
    return out


@given(st.lists(words, max_size=4))
def test_forward_references_in_fields(names):
    assert_same(chain, compiled(chain), names)


def test_an_instance_outlives_the_function_that_made_it():
    import gc

    def make(n: int) -> Version:
        return Version(n, n + 1)

    made = pyjitx.compile(make, cache=False)(4)  # (the function itself is gone at once)
    gc.collect()
    for i in range(3):
        def other(x: int) -> int:
            return x + i

        pyjitx.compile(other, cache=False)(1)
    gc.collect()
    assert repr(made) == "Version(major=4, minor=5, note='')" and made < pyjitx.compile(Version)(5)
