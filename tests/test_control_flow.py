"""Differential tests: if/elif/else, conditional expressions, while, for over
range (1/2/3 arguments), break/continue, loop-else, nested loops, early
return, pass, assert, and/or/not with short-circuit evaluation."""
from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pyjitx
from assert_subjects import assert_float, assert_in_loop, assert_msg, assert_plain
from difftest import (INT64_MAX, INT64_MIN, assert_result, assert_same, bools,
                      floats, ints, is_disabled, small_ints)

# ---------------------------------------------------------------- subjects


def classify(a: int) -> int:
    if a < 0:
        return -1
    elif a == 0:
        return 0
    elif a < 100:
        r = 1
    else:
        r = 2
    return r * 10


def classify_f(x: float) -> int:
    if x != x:
        return 99
    if x < 0.0:
        k = -1
    elif x > 0.0:
        k = 1
    else:
        if math.copysign(1.0, x) < 0.0:
            k = -100
        else:
            k = 100
    return k


def if_on_int(a: int) -> int:
    r = 0
    if a:
        r += 1
    if not a:
        r += 2
    if a % 2:
        r += 4
    return r


def if_on_float(x: float) -> int:
    if x:
        return 1
    return 0


def if_no_else(a: int, b: int) -> int:
    m = a
    if b > a:
        m = b
    return m


def ternary(a: int, b: int) -> int:
    return a if a > b else b


def ternary_nested(a: int) -> int:
    return -1 if a < 0 else (0 if a == 0 else 1)


def ternary_mixed(a: int, x: float) -> float:
    return x if a > 0 else a


def if_constant_true_nested(a: int) -> int:
    if True:
        if a > 0:
            v = 1
        else:
            v = 2
        v = v + a
    else:
        v = 0
    return v


def if_constant_false_nested(a: int) -> int:
    if False:
        v = 0
    elif a > 0:
        v = 1
    else:
        v = 2
    return v


def ternary_constant_true_nested(x: float) -> float:
    return ((1.0 if x > 0 else 2.0) + x) if True else 0.1


def ternary_constant_false_nested(a: int) -> int:
    return 7 if False else max(a, 1 if a > 0 else 2)


def ternary_lazy(a: int) -> int:
    return 100 // a if a != 0 else 0


def ternary_lazy_else(a: int) -> int:
    return 0 if a == 0 else 100 // a


def and_ii(a: int, b: int) -> int:
    return a and b


def or_ii(a: int, b: int) -> int:
    return a or b


def and_ff(a: float, b: float) -> float:
    return a and b


def or_ff(a: float, b: float) -> float:
    return a or b


def and_bb(a: bool, b: bool) -> bool:
    return a and b


def or_bb(a: bool, b: bool) -> bool:
    return a or b


def and_if(a: int, b: float) -> float:
    return a and b


def or_fi(a: float, b: int) -> float:
    return a or b


def and_chain(a: int, b: int, c: int) -> int:
    return a and b and c


def or_chain(a: int, b: int, c: int) -> int:
    return a or b or c


def and_or_mix(a: int, b: int, c: int) -> int:
    return a and b or c


def and_cmp(a: int, b: int) -> bool:
    return a > 0 and b > 0


def or_cmp(a: int, b: int) -> bool:
    return a > 0 or b > 0


def not_cmp(a: int, b: int) -> bool:
    return not (a < b)


def sc_and(a: int, b: int) -> bool:
    # right side divides by a: must not run when a == 0
    return a != 0 and b % a > 1


def sc_or(a: int, b: int) -> bool:
    return a == 0 or b % a > 1


def sc_and_value(a: int) -> int:
    return a and 100 // a


def sc_or_value(a: int) -> int:
    return a or 100 // a        # a == 0: right side runs -> ZeroDivisionError


def sc_if_condition(a: int, b: int) -> int:
    if a == 0 or b % a == 0:
        return 1
    return 2


def sc_while_condition(a: int) -> int:
    n = 0
    while a != 0 and 1000 // a > n:
        n += 1
    return n


def sc_chain_compare(a: int, b: int, c: int) -> bool:
    # the third operand runs only when a < b
    return a < b < 100 // c


def while_collatz(n: int) -> int:
    steps = 0
    while n > 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def while_break_continue(n: int) -> int:
    i = 0
    total = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 3 == 0:
            continue
        total += i
    return total


def while_else(n: int, stop: int) -> int:
    i = 0
    while i < n:
        if i == stop:
            break
        i += 1
    else:
        return -i
    return i


def while_float(x: float) -> int:
    n = 0
    while x > 1.0:
        x = x / 2.0
        n += 1
    return n


def range1(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def range2(a: int, b: int) -> int:
    total = 0
    count = 0
    for i in range(a, b):
        total ^= i
        count += 1
    return total ^ (count * 1000003)


def range3(start: int, stop: int, step: int) -> int:
    acc = 0
    count = 0
    for i in range(start, stop, step):
        acc ^= i
        count += 1
    return acc ^ (count * 1000003)


def range3_last(start: int, stop: int, step: int) -> int:
    last = -7
    for i in range(start, stop, step):
        last = i
    return last


def range_loop_var_after(n: int) -> int:
    for i in range(n):
        pass
    return i          # UnboundLocalError when the loop never ran


def range_args_evaluated_once(n: int) -> int:
    count = 0
    for i in range(n):
        n = n - 1     # does not change the range
        count += 1
    return count * 1000 + n


def range_loop_var_reassigned(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
        i = 1000      # next iteration still gets the next value
    return total


def range_negative_literal_step(n: int) -> int:
    out = 0
    for i in range(n, -1, -1):
        out = out * 3 + i
        out = out % 1000000007
    return out


def range_break_continue(n: int, stop: int) -> int:
    total = 0
    for i in range(n):
        if i % 2 == 1:
            continue
        if i >= stop:
            break
        total += i
    return total


def for_else(n: int, target: int) -> int:
    for i in range(n):
        if i == target:
            found = i
            break
    else:
        found = -1
    return found


def for_else_continue(n: int) -> int:
    hits = 0
    for i in range(n):
        if i % 2 == 0:
            continue
        hits += 1
    else:
        hits += 1000
    return hits


def while_else_early_return(a: int) -> int:
    v = 0
    while a < 0:
        a += 1
    else:
        if a > 5:
            return 0
        v = a + 2
    return v


def for_else_early_return(n: int, k: int) -> int:
    v = -1
    for i in range(n):
        if i == k:
            break
    else:
        if n > 5:
            return 100
        v = n * 2
    return v


def nested_loops(n: int, m: int) -> int:
    total = 0
    for i in range(n):
        for j in range(m):
            if j > i:
                break
            if (i + j) % 3 == 0:
                continue
            total += i * j
        else:
            total += 1
    return total


def nested_while_for(n: int) -> int:
    count = 0
    i = 0
    while i < n:
        for j in range(i):
            if j == 5:
                break
            count += 1
        i += 1
    return count


def primes_below(n: int) -> int:
    count = 0
    for k in range(2, n):
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def early_return(n: int) -> int:
    for i in range(n):
        if i * i > n:
            return i
    return -1


def early_return_while(x: float) -> float:
    while True:
        if x > 100.0:
            return x
        if x != x:
            return 0.0
        x = abs(x) * 2.0 + 1.0


def pass_stmt(a: int) -> int:
    if a > 0:
        pass
    else:
        pass
    for i in range(3):
        pass
    return a


def no_return(a: int) -> None:
    b = a + 1
    if b > 0:
        return
    b = 0


def int_accum_float(n: int) -> float:
    # x is int at first and float later: unified to float
    x = 0
    for i in range(n):
        x = x + 0.5
    return x


# ----------------------------------------------------------- compiled twins

def _pair(fn):
    return fn, pyjitx.compile(fn)


CLASSIFY, CLASSIFY_F, IF_ON_INT, IF_ON_FLOAT = (_pair(classify), _pair(classify_f),
                                                _pair(if_on_int), _pair(if_on_float))
IF_NO_ELSE, TERNARY, TERNARY_NESTED = _pair(if_no_else), _pair(ternary), _pair(ternary_nested)
TERNARY_MIXED = _pair(ternary_mixed)
CONST_COND = [_pair(f) for f in (if_constant_true_nested, if_constant_false_nested,
                                  ternary_constant_false_nested)]
CONST_TERNARY_F = _pair(ternary_constant_true_nested)
TERNARY_LAZY, TERNARY_LAZY_ELSE = _pair(ternary_lazy), _pair(ternary_lazy_else)
AND_II, OR_II, AND_FF, OR_FF = _pair(and_ii), _pair(or_ii), _pair(and_ff), _pair(or_ff)
AND_BB, OR_BB, AND_IF, OR_FI = _pair(and_bb), _pair(or_bb), _pair(and_if), _pair(or_fi)
AND_CHAIN, OR_CHAIN, AND_OR_MIX = _pair(and_chain), _pair(or_chain), _pair(and_or_mix)
AND_CMP, OR_CMP, NOT_CMP = _pair(and_cmp), _pair(or_cmp), _pair(not_cmp)
SC_AND, SC_OR, SC_AND_VALUE, SC_OR_VALUE = (_pair(sc_and), _pair(sc_or),
                                            _pair(sc_and_value), _pair(sc_or_value))
SC_IF, SC_WHILE, SC_CHAIN = (_pair(sc_if_condition), _pair(sc_while_condition),
                             _pair(sc_chain_compare))
WHILE_COLLATZ, WHILE_BC, WHILE_ELSE, WHILE_FLOAT = (
    _pair(while_collatz), _pair(while_break_continue), _pair(while_else), _pair(while_float))
RANGE1, RANGE2, RANGE3, RANGE3_LAST = _pair(range1), _pair(range2), _pair(range3), _pair(range3_last)
RANGE_VAR_AFTER = _pair(range_loop_var_after)
RANGE_ONCE = _pair(range_args_evaluated_once)
RANGE_REASSIGN = _pair(range_loop_var_reassigned)
RANGE_NEG_LIT = _pair(range_negative_literal_step)
RANGE_BC, FOR_ELSE, FOR_ELSE_CONT = _pair(range_break_continue), _pair(for_else), _pair(for_else_continue)
WHILE_ELSE_RET, FOR_ELSE_RET = _pair(while_else_early_return), _pair(for_else_early_return)
NESTED, NESTED_WF, PRIMES = _pair(nested_loops), _pair(nested_while_for), _pair(primes_below)
EARLY, EARLY_WHILE, PASS_STMT = _pair(early_return), _pair(early_return_while), _pair(pass_stmt)
ASSERT_PLAIN, ASSERT_MSG, ASSERT_FLOAT = _pair(assert_plain), _pair(assert_msg), _pair(assert_float)
ASSERT_IN_LOOP = _pair(assert_in_loop)
NO_RETURN, INT_ACCUM_FLOAT = _pair(no_return), _pair(int_accum_float)


def same(pair, *args):
    return assert_same(pair[0], pair[1], *args)


# --------------------------------------------------------------- if / else

@given(ints, floats)
@example(0, -0.0)
@example(-1, 0.0)
@example(100, math.nan)
@example(99, -math.inf)
def test_if_elif_else(a, x):
    same(CLASSIFY, a)
    same(CLASSIFY_F, x)
    same(IF_ON_INT, a)
    same(IF_ON_FLOAT, x)


@given(st.one_of(st.integers(-5, 5), ints), floats)
@example(0, 0.0)
@example(3, -0.0)
def test_constant_conditions_with_nested_branches(a, x):
    for pair in CONST_COND:
        same(pair, a)
    same(CONST_TERNARY_F, x)


@given(ints, ints)
def test_if_without_else(a, b):
    same(IF_NO_ELSE, a, b)


@given(ints, ints, floats)
@example(0, 0, -0.0)
@example(1, 0, math.nan)
def test_conditional_expression(a, b, x):
    same(TERNARY, a, b)
    same(TERNARY_NESTED, a)
    same(TERNARY_LAZY, a)
    same(TERNARY_LAZY_ELSE, a)


@given(ints, floats)
@example(0, 2.5)
@example(5, 2.5)
def test_conditional_expression_int_float_branches_unify(a, x):
    # int in one branch, float in the other: the compiled result is a float
    # equal to Python's (documented unification rule).
    py = ternary_mixed(a, x)
    if is_disabled(TERNARY_MIXED[1], ternary_mixed):
        assert_same(ternary_mixed, TERNARY_MIXED[1], a, x)
    else:
        assert_result(TERNARY_MIXED[1], float(py), a, x)


# ------------------------------------------------------- and / or / not

@given(ints, ints, ints)
@example(0, 5, 7)
@example(3, 0, 7)
@example(3, 5, 0)
@example(0, 0, 0)
def test_and_or_return_operands_int(a, b, c):
    same(AND_II, a, b)
    same(OR_II, a, b)
    same(AND_CHAIN, a, b, c)
    same(OR_CHAIN, a, b, c)
    same(AND_OR_MIX, a, b, c)


@given(floats, floats)
@example(0.0, 1.5)
@example(-0.0, 1.5)
@example(math.nan, 0.0)
@example(2.0, -0.0)
def test_and_or_return_operands_float(a, b):
    same(AND_FF, a, b)
    same(OR_FF, a, b)


@given(bools, bools)
def test_and_or_bool(a, b):
    same(AND_BB, a, b)
    same(OR_BB, a, b)


@given(ints, floats)
@example(0, 2.5)
@example(3, 2.5)
@example(3, -0.0)
@example(0, math.nan)
def test_and_or_mixed_int_float_gives_float(a, x):
    # Documented: and/or over an int and a float operand give a float.
    ca, co = AND_IF[1], OR_FI[1]
    if is_disabled(ca, and_if):
        assert_same(and_if, ca, a, x)
        assert_same(or_fi, co, x, a)
        return
    assert_result(ca, float(and_if(a, x)), a, x)
    assert_result(co, float(or_fi(x, a)), x, a)


@given(ints, ints)
def test_and_or_not_on_comparisons(a, b):
    same(AND_CMP, a, b)
    same(OR_CMP, a, b)
    same(NOT_CMP, a, b)


@given(st.one_of(st.integers(-3, 3), ints), ints, st.one_of(st.integers(-2, 2), ints))
@example(0, 5, 0)
@example(0, 0, 1)
@example(1, 2, 0)
@example(2, 1, 0)
def test_short_circuit_skips_right_operand(a, b, c):
    same(SC_AND, a, b)
    same(SC_OR, a, b)
    same(SC_AND_VALUE, a)
    same(SC_OR_VALUE, a)
    same(SC_IF, a, b)
    same(SC_CHAIN, a, b, c)


@given(st.integers(-50, 50))
@example(0)
def test_short_circuit_in_while_condition(a):
    same(SC_WHILE, a)


# ------------------------------------------------------------------ while

@given(st.integers(-5, 10 ** 6))
@example(27)
@example(1)
@example(0)
def test_while_collatz(n):
    same(WHILE_COLLATZ, n)


@given(st.integers(-5, 300), st.integers(-5, 300))
@example(10, 10)
@example(10, 3)
@example(0, 0)
def test_while_break_continue_else(n, stop):
    same(WHILE_BC, n)
    same(WHILE_ELSE, n, stop)


@given(floats)
@example(1e308)
@example(math.nan)
def test_while_float_condition(x):
    if x == math.inf:
        return          # inf / 2 is inf: never terminates in Python either
    same(WHILE_FLOAT, x)


# ------------------------------------------------------------------ range

@given(st.integers(-10, 400))
@example(0)
@example(-1)
@example(1)
def test_range_one_arg(n):
    same(RANGE1, n)
    same(RANGE_ONCE, n)
    same(RANGE_REASSIGN, n)
    same(RANGE_NEG_LIT, n)


@given(st.integers(-10, 50))
@example(0)     # loop never runs: reading i raises UnboundLocalError
@example(-3)
@example(1)
def test_range_loop_variable_after_loop(n):
    same(RANGE_VAR_AFTER, n)


@st.composite
def two_arg_ranges(draw):
    a = draw(ints)
    n = draw(st.integers(-5, 60))
    b = max(INT64_MIN, min(INT64_MAX, a + n))
    return a, b


@given(two_arg_ranges())
@example((0, 0))
@example((5, 1))
@example((INT64_MAX - 3, INT64_MAX))          # must not overflow past the end
@example((INT64_MIN, INT64_MIN + 3))
@example((INT64_MAX, INT64_MIN))
def test_range_two_args(ab):
    same(RANGE2, *ab)


step_strategy = st.one_of(
    st.integers(-5, 5),
    st.sampled_from([INT64_MAX, INT64_MIN, 2 ** 62, -(2 ** 62), 1000, -1000, 2 ** 32]),
    st.integers(INT64_MIN, INT64_MAX),
)


@st.composite
def three_arg_ranges(draw):
    """(start, stop, step) with at most ~70 iterations; step may be 0."""
    step = draw(step_strategy)
    start = draw(ints)
    if step == 0:
        return start, draw(ints), 0
    n = draw(st.integers(-3, 60))
    jitter = draw(st.integers(-3, 3))
    stop = max(INT64_MIN, min(INT64_MAX, start + n * step + jitter))
    return start, stop, step


@given(three_arg_ranges())
@example((0, 10, 0))                          # ValueError: range() arg 3 must not be zero
@example((10, 0, -1))
@example((10, 0, -3))
@example((0, 10, -1))
@example((0, -10, 1))
@example((0, 10, 3))
@example((INT64_MAX - 10, INT64_MAX, 3))      # last i + step would overflow
@example((INT64_MIN + 10, INT64_MIN, -3))
@example((INT64_MIN, INT64_MAX, 2 ** 62))
@example((INT64_MAX, INT64_MIN, -(2 ** 62)))
@example((INT64_MIN, INT64_MAX, INT64_MAX))
@example((INT64_MAX, INT64_MIN, INT64_MIN))
@example((0, INT64_MAX, INT64_MAX))
@example((-1, INT64_MAX, INT64_MAX))
@example((INT64_MAX - 1, INT64_MAX, INT64_MAX))
def test_range_three_args(args):
    assert len(range(*args)) <= 100 if args[2] else True
    same(RANGE3, *args)
    same(RANGE3_LAST, *args)


@given(st.integers(-5, 200), st.integers(-5, 200))
@example(10, 4)
@example(10, 100)
def test_range_break_continue_else(n, stop):
    same(RANGE_BC, n, stop)
    same(FOR_ELSE, n, stop)
    same(FOR_ELSE_CONT, n)


@given(st.integers(-10, 10), st.integers(-3, 12))
@example(3, 0)
@example(-3, 0)
@example(7, 20)
def test_loop_else_with_early_return(a, k):
    same(WHILE_ELSE_RET, a)
    same(FOR_ELSE_RET, a, k)


@given(st.integers(-3, 30), st.integers(-3, 30))
@example(0, 0)
@example(10, 10)
def test_nested_loops(n, m):
    same(NESTED, n, m)
    same(NESTED_WF, n)


@given(st.integers(-5, 400))
@example(2)
@example(3)
def test_while_else_inside_for(n):
    same(PRIMES, n)


@given(st.integers(-5, 10 ** 5), floats)
@example(0, math.nan)
@example(16, -1.0)
@example(17, 1e308)
def test_early_return(n, x):
    same(EARLY, n)
    same(EARLY_WHILE, x)


@given(ints)
def test_pass(a):
    same(PASS_STMT, a)


@given(ints, floats)
@example(-1, math.nan)
@example(0, 0.0)
def test_assert(a, x):
    same(ASSERT_PLAIN, a)
    same(ASSERT_MSG, a)
    same(ASSERT_FLOAT, x)
    same(ASSERT_IN_LOOP, min(max(a, -5), 60))


def test_assert_message_text():
    with pytest.raises(AssertionError) as info:
        ASSERT_MSG[1](-5)
    assert str(info.value) == "a must be non-negative"
    with pytest.raises(AssertionError) as info:
        ASSERT_PLAIN[1](-5)
    assert str(info.value) == ""
    with pytest.raises(AssertionError) as info:
        ASSERT_IN_LOOP[1](60)
    assert str(info.value) == "too many"


@given(ints)
def test_function_without_return_value(a):
    same(NO_RETURN, a if a < INT64_MAX else 0)


@given(st.integers(-3, 200))
@example(0)
def test_variable_int_then_float_unifies(n):
    # x = 0 (int) then x = x + 0.5 (float): unified to float; when the loop
    # never runs CPython returns the int 0, compiled code the float 0.0.
    py = int_accum_float(n)
    if is_disabled(INT_ACCUM_FLOAT[1], int_accum_float):
        assert_same(int_accum_float, INT_ACCUM_FLOAT[1], n)
    else:
        assert_result(INT_ACCUM_FLOAT[1], float(py), n)
