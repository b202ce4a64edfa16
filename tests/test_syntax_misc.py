"""Everyday syntax, differentially against CPython: the walrus operator
(in conditions, while loops, comprehensions -- binding in the function's
scope -- and lambdas), any/all stopping a generator expression at the
deciding item, `assert cond, f"..."`, `and`/`or` mixing bools and ints,
divmod, `type(x) is C`, and super(C, self)."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-1000, 1000)
words = st.lists(st.sampled_from(["", "a", "bb", "ccc", "é", "世界", "😀x"]), max_size=8)


# ------------------------------------------------------------------ walrus

def walrus_in_if(xs: List[str]) -> int:
    if (n := len(xs)) > 2:
        return n * 10
    return -n


def walrus_in_while(xs: List[int]) -> Tuple[int, int]:
    i = 0
    total = 0
    while i < len(xs) and (v := xs[i]) >= 0:
        total += v
        i += 1
    return total, i


def walrus_in_comprehension(xs: List[str]) -> Tuple[List[int], int]:
    lengths = [n for x in xs if (n := len(x)) > 1]
    return lengths, n  # n: bound in the function, as CPython does


def walrus_running_total(xs: List[int]) -> Tuple[int, List[int]]:
    total = 0
    running = [total := total + x for x in xs]
    return total, running


def walrus_nested_comprehension(rows: List[List[int]]) -> Tuple[List[int], int]:
    last = -1
    evens = [last for row in rows for v in row if (last := v) % 2 == 0]
    return evens, last


def walrus_optional(d: Dict[str, str], k: str) -> str:
    if (v := d.get(k)) is not None:
        return v.upper()
    return "missing"


def walrus_in_lambda(x: int) -> Tuple[int, int]:
    y = 5
    f = lambda a: (y := a * 2) + 1  # y is the lambda's own
    return f(x), y


def walrus_any_stops(xs: List[int]) -> Tuple[bool, int]:
    last = 0
    found = any((last := x) > 2 for x in xs)
    return found, last


def walrus_all_stops(xs: List[int]) -> Tuple[bool, int]:
    seen = 0
    ok = all((seen := seen + 1) and x < 100 for x in xs)
    return ok, seen


def walrus_any_nested(rows: List[List[int]]) -> Tuple[bool, int]:
    count = 0
    hit = any((count := count + 1) and v * w > 50 for v in rows[0] for w in rows[1])
    return hit, count


def any_does_not_run_past_the_answer(xs: List[int]) -> bool:
    # CPython stops at the first true item: the division by zero after it
    # never happens
    return any(100 // x > 10 for x in xs)


@given(words)
def test_walrus_in_an_if_test(xs):
    assert_same(walrus_in_if, compiled(walrus_in_if), xs)


@given(st.lists(st.integers(-5, 20), max_size=8))
def test_walrus_in_a_while_test(xs):
    assert_same(walrus_in_while, compiled(walrus_in_while), xs)


@given(words)
def test_walrus_in_a_comprehension_binds_in_the_function(xs):
    # an empty list leaves n unbound: UnboundLocalError in both
    assert_same(walrus_in_comprehension, compiled(walrus_in_comprehension), xs)


@given(st.lists(ints, max_size=8))
def test_walrus_running_total(xs):
    assert_same(walrus_running_total, compiled(walrus_running_total), xs)


@given(st.lists(st.lists(ints, max_size=3), max_size=3))
def test_walrus_in_a_nested_comprehension(rows):
    assert_same(walrus_nested_comprehension, compiled(walrus_nested_comprehension), rows)


@given(st.dictionaries(st.sampled_from("abc"), st.sampled_from(["x", "é", ""]), max_size=3),
       st.sampled_from("abc"))
def test_walrus_narrows_an_optional(d, k):
    assert_same(walrus_optional, compiled(walrus_optional), d, k)


@given(ints)
def test_walrus_in_a_lambda_binds_in_the_lambda(x):
    assert_same(walrus_in_lambda, compiled(walrus_in_lambda), x)


@given(st.lists(st.integers(-3, 5), max_size=8))
def test_any_and_all_stop_a_generator_expression_at_the_answer(xs):
    assert_same(walrus_any_stops, compiled(walrus_any_stops), xs)
    assert_same(walrus_all_stops, compiled(walrus_all_stops), xs + [150, 1])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=4),
       st.lists(st.integers(0, 10), min_size=1, max_size=4))
def test_any_stops_a_nested_generator_expression(a, b):
    assert_same(walrus_any_nested, compiled(walrus_any_nested), [a, b])


@given(st.lists(st.integers(-3, 20), max_size=6))
def test_any_evaluates_no_item_past_the_answer(xs):
    assert_same(any_does_not_run_past_the_answer, compiled(any_does_not_run_past_the_answer),
                xs)


# ------------------------------------------------------------ assert

def checked_ratio(a: int, b: int) -> float:
    assert b != 0, f"b must not be zero (a={a})"
    return a / b


def assert_message_not_evaluated(xs: List[int]) -> int:
    # the message indexes past the end: evaluated only when the test fails
    assert len(xs) < 3, f"too long: {xs[10]}"
    return len(xs)


def assert_value_message(x: int) -> int:
    assert x >= 0, x * 2
    return x


@given(ints, st.integers(-2, 2))
def test_assert_with_an_fstring_message(a, b):
    assert_same(checked_ratio, compiled(checked_ratio), a, b)
    if b == 0:
        with pytest.raises(AssertionError, match=rf"^b must not be zero \(a={a}\)$"):
            compiled(checked_ratio)(a, b)


@given(st.lists(ints, max_size=4))
def test_assert_message_is_evaluated_only_on_failure(xs):
    # (a list of three items fails, and then the message raises IndexError)
    assert_same(assert_message_not_evaluated, compiled(assert_message_not_evaluated), xs)


@given(ints)
def test_assert_with_a_non_str_message(x):
    assert_same(assert_value_message, compiled(assert_value_message), x)
    if x < 0:
        with pytest.raises(AssertionError) as info:
            compiled(assert_value_message)(x)
        assert info.value.args == (x * 2,) or str(info.value) == str(x * 2)


# ------------------------------------------------ and / or of bools and ints

def and_int(flag: bool):
    return flag and 3


def or_zero(flag: bool):
    return flag or 0


def mixed_chain(n: int, flag: bool):
    x = n and flag
    y = flag or n
    z = n or flag or -1
    return [x, y, z], str(n and flag), f"{flag or n}"


def mixed_arithmetic(n: int, flag: bool) -> int:
    total = 0
    total += flag and n
    total += (flag or n) * 2
    return total


def mixed_in_comprehension(xs: List[int], flag: bool):
    return [flag and x for x in xs], [x or flag for x in xs]


@given(st.booleans())
def test_and_or_give_the_operand_with_its_type(flag):
    assert_same(and_int, compiled(and_int), flag)
    assert_same(or_zero, compiled(or_zero), flag)


@given(st.integers(-3, 3), st.booleans())
def test_and_or_chains_mixing_bools_and_ints(n, flag):
    assert_same(mixed_chain, compiled(mixed_chain), n, flag)
    assert_same(mixed_arithmetic, compiled(mixed_arithmetic), n, flag)


@given(st.lists(st.integers(-2, 2), max_size=5), st.booleans())
def test_and_or_in_comprehensions(xs, flag):
    assert_same(mixed_in_comprehension, compiled(mixed_in_comprehension), xs, flag)


# ------------------------------------------------------------------ divmod

def int_divmod(a: int, b: int) -> Tuple[int, int]:
    return divmod(a, b)


def float_divmod(a: float, b: float) -> Tuple[float, float]:
    return divmod(a, b)


def mixed_divmod(a: int, b: float):
    q, r = divmod(a, b)
    return q, r, divmod(True, 2), divmod(b, 3)


def any_divmod(a: Any, b: Any):
    return divmod(a, b)


def digits(n: int) -> List[int]:
    out: List[int] = []
    while n:
        n, d = divmod(n, 10)
        out.append(d)
    return out


small_ints = st.integers(-10**9, 10**9)
some_floats = st.one_of(st.floats(allow_nan=False, width=64),
                        st.sampled_from([0.0, -0.0, 1.5, -2.5, math.inf, -math.inf, 1e-308]))


@given(st.one_of(small_ints, st.sampled_from([2**63 - 1, -2**63 + 1])),
       st.one_of(st.integers(-20, 20), small_ints))
def test_divmod_of_ints(a, b):
    assert_same(int_divmod, compiled(int_divmod), a, b)


@given(some_floats, some_floats)
def test_divmod_of_floats(a, b):
    assert_same(float_divmod, compiled(float_divmod), a, b)


@given(st.integers(-100, 100), st.one_of(some_floats, st.integers(-3, 3).map(float)))
def test_divmod_of_an_int_and_a_float(a, b):
    assert_same(mixed_divmod, compiled(mixed_divmod), a, b)


@given(st.one_of(st.integers(-50, 50), st.floats(-50, 50), st.booleans(), st.just("s"),
                 st.none()),
       st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.booleans()))
def test_divmod_of_anys(a, b):
    # (the TypeError of a str or None: 'unsupported operand type(s) for divmod()')
    assert_same(any_divmod, compiled(any_divmod), a, b)
    if not isinstance(a, (int, float)) and b:
        with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for divmod\(\)"):
            compiled(any_divmod)(a, b)


@given(st.integers(0, 10**15))
def test_divmod_in_a_loop(n):
    assert_same(digits, compiled(digits), n)


def test_divmod_zero_division_messages():
    for fn, args, message in ((int_divmod, (1, 0), "integer division or modulo by zero"),
                              (float_divmod, (1.0, 0.0), "float divmod()"),
                              (any_divmod, (1, 0), "integer division or modulo by zero"),
                              (any_divmod, (1, 0.0), "float divmod()")):
        with pytest.raises(ZeroDivisionError) as info:
            compiled(fn)(*args)
        assert str(info.value) == message


# ---------------------------------------------------------- type(x) is C

class Shape:
    def __init__(self, name: str) -> None:
        self.name = name

    def same_kind(self, other: "Shape") -> bool:
        return type(self) is type(other)


class Square(Shape):
    def __init__(self, side: int) -> None:
        super().__init__("square")
        self.side = side


def typed_values(x: int, flag: bool, s: str, xs: List[int], d: Dict[str, int]):
    return (type(x) is int, type(flag) is int, type(flag) == bool, type(s) is str,
            type(xs) is list, type(xs) != dict, type(d) is dict, type(x) is type(flag),
            type(s) is type("a"), type(x) is not float)


def any_value(x: Any):
    return (type(x) is int, type(x) is bool, type(x) == float, type(x) is str,
            type(x) is list, type(x) is dict, type(x) is tuple, type(x) is type(None),
            type(x) is Shape, type(x) is Square, type(x) is type(1), type(x) is not bytes)


def instance_types(k: int):
    s = Shape("dot") if k == 0 else Square(k)
    return (type(s) is Shape, type(s) is Square, type(s) == Shape, type(s) is int,
            type(s) is not Square, s.same_kind(Square(1)), s.same_kind(Shape("x")))


def exact_dispatch(x: Any) -> str:
    if type(x) is int:
        return f"int {x + 1}"  # narrowed: x is an int here
    if type(x) is bool:
        return f"bool {not x}"
    if type(x) is str:
        return "str " + x.upper()
    return "other"


def union_by_type(x: Optional[int]) -> int:
    if type(x) is int:
        return x * 2
    return -1


def same_types(x: Any, y: Any) -> bool:
    return type(x) is type(y)


any_values = st.one_of(st.integers(-5, 5), st.booleans(), st.floats(-5, 5), st.text(max_size=3),
                       st.lists(st.integers(-9, 9), max_size=2), st.none(),
                       st.dictionaries(st.text(max_size=1), st.integers(-9, 9), max_size=1),
                       st.tuples(st.integers(-9, 9)), st.just(b"b"))


@given(ints, st.booleans(), st.text(max_size=3))
def test_type_of_typed_values(x, flag, s):
    assert_same(typed_values, compiled(typed_values), x, flag, s, [x], {s: x})


@given(any_values)
def test_type_of_an_any(x):
    assert_same(any_value, compiled(any_value), x)
    assert_same(exact_dispatch, compiled(exact_dispatch), x)


def instance_in_an_any(k: int):
    x: Any = Shape("dot") if k == 0 else Square(k)
    return any_value(x)


@pytest.mark.parametrize("k", [0, 1, 5])
def test_type_of_instances_of_compiled_classes(k):
    # (the classes are compiled along with the functions that use them)
    assert_same(instance_types, compiled(instance_types), k)
    assert_same(instance_in_an_any, compiled(instance_in_an_any), k)


@given(st.none() | ints)
def test_type_test_narrows_an_optional(x):
    assert_same(union_by_type, compiled(union_by_type), x)


@given(any_values, any_values)
def test_type_of_two_anys(x, y):
    assert_same(same_types, compiled(same_types), x, y)


# ----------------------------------------------------------- super(C, self)

class Account:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance = 0

    def deposit(self, amount: int) -> int:
        self.balance += amount
        return self.balance

    def describe(self) -> str:
        return f"account of {self.owner}"

    @classmethod
    def kind(cls) -> str:
        return "account"


class Savings(Account):
    def __init__(self, owner: str, rate: int) -> None:
        super(Savings, self).__init__(owner)
        self.rate = rate

    def deposit(self, amount: int) -> int:
        return super(Savings, self).deposit(amount + amount * self.rate // 100)

    def describe(self) -> str:
        return "savings " + super(Savings, self).describe()


class Junior(Savings):
    def __init__(self, owner: str) -> None:
        super(Junior, self).__init__(owner, 10)

    def deposit(self, amount: int) -> int:
        # super(Savings, self) skips Savings.deposit: Account's runs
        return super(Savings, self).deposit(amount) + super().deposit(0) * 0

    def describe(self) -> str:
        return "junior " + super(Savings, self).describe() + " / " + super(Junior, self).describe()

    @classmethod
    def kind(cls) -> str:
        return "junior of " + super(Junior, cls).kind()


def accounts(amounts: List[int]) -> Tuple[List[int], List[str]]:
    plain, savings, junior = Account("ann"), Savings("bob", 5), Junior("cy")
    out: List[int] = []
    for a in amounts:
        out += [plain.deposit(a), savings.deposit(a), junior.deposit(a)]
    return out, [plain.describe(), savings.describe(), junior.describe(), Junior.kind(),
                 Savings.kind()]


@given(st.lists(st.integers(0, 10**6), max_size=5))
def test_super_with_class_and_instance(amounts):
    assert_same(accounts, compiled(accounts), amounts)


# ------------------------------------------------- unpacking in displays

def list_and_tuple_displays(xs: List[int], t: Tuple[int, str], ys: List[float]):
    # (ints and floats in one display make floats: [*xs, *ys] is not CPython's)
    return ([*xs, 4], [0, *xs, *xs], [*t], (*xs, 1), (*t, 2.5), [*ys, 0.5],
            (*[a * 2 for a in xs],), [*"ab", *t[1]])


def set_displays(xs: List[int], s: Set[int]) -> Set[int]:
    return {*xs, *s, 100}


def dict_displays(a: Dict[str, int], b: Dict[str, int]):
    merged = {**a, "z": 0, **b}  # later keys win, as in Python
    return merged, {"a": -1, **a}, {**a}, {**{"k": 1}, "k": 2}


@given(st.lists(ints, max_size=4), st.tuples(ints, st.text(max_size=2)),
       st.lists(st.floats(-5, 5), max_size=3))
def test_starred_items_in_list_and_tuple_displays(xs, t, ys):
    assert_same(list_and_tuple_displays, compiled(list_and_tuple_displays), xs, t, ys)


@given(st.lists(ints, max_size=4), st.sets(ints, max_size=3))
def test_starred_items_in_set_displays(xs, s):
    assert_same(set_displays, compiled(set_displays), xs, s)


@given(st.dictionaries(st.sampled_from("abz"), ints, max_size=3),
       st.dictionaries(st.sampled_from("bcz"), ints, max_size=3))
def test_double_starred_items_in_dict_displays(a, b):
    assert_same(dict_displays, compiled(dict_displays), a, b)
