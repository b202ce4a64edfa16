"""enum classes in compiled code, differentially against CPython: Enum,
IntEnum, str-valued enums, Flag and IntFlag with int and str values and
auto(); members as module constants and class attributes, lookups by value
and by name (with CPython's errors), iteration and len of the class,
.value/.name, repr/str/format and f-strings (the running Python's, which
3.10 to 3.13 change), ==/is/ordering as each kind defines them, flags'
| & ^ ~ and `in`, members as dict keys and set items, methods and
properties of the enum body; and members crossing the boundary both ways
as the very member objects."""
from __future__ import annotations

from enum import Enum, Flag, IntEnum, IntFlag, auto
from typing import Dict, List, NamedTuple, Optional, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3

    def describe(self) -> str:
        return f"{self.name.lower()}#{self.value}"

    @property
    def warm(self) -> bool:
        return self is Color.RED


class Shade(Enum):
    LIGHT = "light"
    DARK = "dark"


class Size(Enum):
    SMALL = 1
    S = 1          # an alias: the same member
    LARGE = 2


class Prio(IntEnum):
    LOW = auto()
    MID = auto()
    HIGH = auto()


class Status(str, Enum):
    OK = "ok"
    FAILED = "failed"


class Perm(Flag):
    R = auto()
    W = auto()
    X = auto()
    RW = R | W


class Mode(IntFlag):
    A = 1
    B = 2
    C = 4


class Label(Enum):
    NEG = -1
    POS = 1


DEFAULT = Color.GREEN
ALL_ENUMS = [Color, Shade, Size, Prio, Status, Perm, Mode, Label]
MEMBERS = [m for cls in ALL_ENUMS for m in cls.__members__.values()]


# ------------------------------------------------------------ subjects


def color_of(value: int) -> Color:
    return Color(value)


def color_named(name: str) -> Color:
    return Color[name]


def describe(c: Color) -> str:
    return f"{c} {c!r} {c.name} {c.value} {c.describe()} {c.warm} {Color.BLUE.warm}"


def shade_of(text: str) -> str:
    s = Shade(text)
    return f"{s!r}:{s.value.upper()}"


def label_values() -> List[int]:
    return [Label.NEG.value, Label.POS.value * 10, DEFAULT.value]


def names_and_len() -> Tuple[List[str], int, List[int], bool]:
    return [c.name for c in Color], len(Color), [p.value for p in Perm], Color.RED in Color


def text_of_member(m) -> str:
    return f"{m}|{m!r}|{str(m)}|{repr(m)}|{m:>12}|{format(m, '')}|{m.name}"


def equalities(a: Color, b: Color) -> List[bool]:
    return [a == b, a != b, a is b, a is not b, a == Color.RED, a == 1, a is None]


def enum_order(a: Color, b: Color) -> bool:
    return a < b


def int_enum_math(p: Prio, x: int) -> List[int]:
    ranked = sorted([Prio.HIGH, p, Prio.LOW])
    return [p + x, p * 2, int(p), x - p, abs(p), max(int(p), x), ranked[0] + 0,
            int(p == x), int(p < Prio.HIGH), int(p >= x)]


def str_enum(s: Status) -> Tuple[List[bool], List[str]]:
    return [s == "ok", s != "failed", s.value == "ok", bool(s), "o" in s.value], \
        [s.upper(), s.value + "!", s.replace("o", "0")]


def flags(a: Perm, b: Perm) -> str:
    both = a | b
    common = a & b
    either = a ^ b
    return f"{both!r} {common!r} {either!r} {~a!r} {a in both} {Perm.X in both} " \
           f"{bool(common)} {both.name} {both.value} {both == Perm.RW}"


def int_flags(a: Mode, b: Mode) -> List[int]:
    m = a | b
    return [int(m), int(m & Mode.B), int(Mode.C in m), m + 1, len(str(m)), int(bool(m & a))]


def counts(colors: List[Color]) -> Dict[Color, int]:
    seen: Dict[Color, int] = {}
    for c in colors:
        seen[c] = seen.get(c, 0) + 1
    return seen


def distinct(colors: List[Color]) -> Set[Color]:
    return set(colors)


def warmest(colors: List[Color]) -> Color:
    best = Color.BLUE
    for c in colors:
        if c.value < best.value:
            best = c
    return best


def by_alias(x: int) -> Tuple[Size, bool, str]:
    s = Size(x)
    return s, s is Size.S, s.name


def hashes(c: Color, p: Prio) -> List[bool]:
    return [hash(c) == hash(c.name), hash(p) == hash(p.value)]


# ------------------------------------------------------------ tests


@given(st.integers(-3, 6))
def test_lookup_by_value(value):
    assert_same(color_of, compiled(color_of), value)


@pytest.mark.parametrize("name", ["RED", "BLUE", "red", "", "NOPE"])
def test_lookup_by_name(name):
    assert_same(color_named, compiled(color_named), name)


@pytest.mark.parametrize("c", list(Color))
def test_members_methods_and_properties(c):
    assert_same(describe, compiled(describe), c)


@pytest.mark.parametrize("text", ["light", "dark", "Light", ""])
def test_str_valued_enum(text):
    assert_same(shade_of, compiled(shade_of), text)


def test_members_as_module_constants_and_class_attributes():
    assert_same(label_values, compiled(label_values))


def test_iterating_the_class():
    assert_same(names_and_len, compiled(names_and_len))


@pytest.mark.parametrize("member", MEMBERS, ids=repr)
def test_text_as_the_running_python_writes_it(member):
    # (unannotated: specialised on the member's class)
    assert_same(text_of_member, compiled(text_of_member), member)


def test_flag_combinations_text():
    def text(a: Perm, b: Perm) -> str:
        c = a | b
        return f"{c}|{c!r}|{~c!r}|{c.name}"

    run = pyjitx.compile(text)
    for a in Perm:
        for b in list(Perm) + [Perm(0)]:
            assert_same(text, run, a, b)


@pytest.mark.parametrize("a", list(Color))
@pytest.mark.parametrize("b", list(Color))
def test_equality_and_identity(a, b):
    assert_same(equalities, compiled(equalities), a, b)
    assert_same(enum_order, compiled(enum_order), a, b)  # TypeError: Enum does not order


@given(st.sampled_from(list(Prio)), st.integers(-5, 5))
def test_int_enum_is_an_int(p, x):
    assert_same(int_enum_math, compiled(int_enum_math), p, x)


@pytest.mark.parametrize("s", list(Status))
def test_str_mixin_is_a_str(s):
    assert_same(str_enum, compiled(str_enum), s)


@pytest.mark.parametrize("a", list(Perm) + [Perm(0), Perm.R | Perm.X])
@pytest.mark.parametrize("b", list(Perm))
def test_flags(a, b):
    assert_same(flags, compiled(flags), a, b)


@given(st.sampled_from(list(Mode)), st.sampled_from(list(Mode)))
def test_int_flags(a, b):
    assert_same(int_flags, compiled(int_flags), a, b)


@given(st.lists(st.sampled_from(list(Color)), max_size=8))
def test_members_in_containers(colors):
    assert_same(counts, compiled(counts), colors)
    assert_same(distinct, compiled(distinct), colors)
    assert_same(warmest, compiled(warmest), colors)


@pytest.mark.parametrize("x", [1, 2, 3])
def test_aliases_are_their_member(x):
    assert_same(by_alias, compiled(by_alias), x)


def test_hash_as_cpython_defines_it():
    assert_same(hashes, compiled(hashes), Color.GREEN, Prio.MID)


def test_the_same_member_objects_cross_the_boundary():
    def identity(c: Color, cs: List[Color], d: Dict[str, Perm]) -> Tuple[Color, List[Color], Perm]:
        return c, cs, d["p"] | Perm.X

    got = pyjitx.compile(identity)(Color.RED, [Color.BLUE], {"p": Perm.R})
    assert got[0] is Color.RED and got[1][0] is Color.BLUE
    assert got[2] is Perm.R | Perm.X  # (a combination: CPython's cached pseudo-member)

    def unannotated(c):
        return c.value

    assert pyjitx.compile(unannotated)(Prio.HIGH) == 3  # an IntEnum member stays a member


def test_wrong_arguments_are_type_errors():
    run = compiled(describe)
    with pytest.raises(TypeError):
        run(1)
    with pytest.raises(TypeError):
        run(Shade.DARK)
    with pytest.raises(TypeError):
        compiled(int_enum_math)(2, 1)  # an int where a Prio is declared


class Point(NamedTuple):
    color: Color
    n: int = 0


def texts_of_containers(cs: List[Color], s: Optional[Shade]) -> str:
    names = {c.name: c for c in cs}
    first = (cs[0], len(cs)) if cs else (Color.RED, 0)
    return f"{cs} {names} {first} {s} {s!r} {[s]} {[Point(c) for c in cs]} {str(cs)} " \
           f"{sorted(set(cs), key=lambda c: c.value)} {({c: [c] for c in cs})}"


def membership(x: int, c: Color, s: Shade) -> List[bool]:
    return [c in Color, s in Color, Color.RED not in Color, x in Color]


@given(st.lists(st.sampled_from(list(Color)), max_size=4),
       st.sampled_from([None, Shade.LIGHT, Shade.DARK]))
def test_text_of_containers_of_members(cs, s):
    assert_same(texts_of_containers, compiled(texts_of_containers), cs, s)


@pytest.mark.filterwarnings("ignore:in 3.12 __contains__:DeprecationWarning")  # (3.11's CPython)
@pytest.mark.parametrize("x", [0, 1, 3, 9])
def test_membership_in_the_class(x):
    # (x in Color of an int: True or False since Python 3.12, TypeError before)
    assert_same(membership, compiled(membership), x, Color.GREEN, Shade.DARK)


def sort_members(cs: List[Color]) -> Tuple[List[Color], Color]:
    return sorted(cs), max(cs)


def sort_by_key(cs: List[Color]) -> List[Color]:
    cs.sort(key=lambda c: c)
    return cs


@pytest.mark.parametrize("cs", [[Color.RED], [Color.GREEN, Color.RED]], ids=["one", "two"])
def test_enum_members_do_not_sort(cs):
    assert_same(sort_members, compiled(sort_members), cs)  # TypeError from two members on
    assert_same(sort_by_key, compiled(sort_by_key), list(cs))


# module state (`global`): the name holds whichever member the last call
# left there, so `current.value` reads it, not the member it held when
# the function was compiled
current = Color.RED


def toggle(n: int) -> List[int]:
    global current
    seen = []
    for _ in range(n):
        current = Color.GREEN if current is Color.RED else Color.RED
        seen.append(current.value)
    return seen


def test_a_global_member_is_module_state():
    global current
    current = Color.RED
    expected = [toggle(3), current]
    current = Color.RED
    fast = compiled(toggle)
    assert [fast(3), current] == expected
    assert fast(1) == [1] and current is Color.RED
