"""Functions as values chosen at run time, differentially against CPython:
lambdas, nested defs and module-level functions stored in lists, dicts and
tuples, picked by if/else or by branches, returned from and passed to
compiled functions, called through the container with positional and
keyword arguments and defaults; closures in a container reading (and with
`nonlocal` writing) the enclosing function's variables at call time; and
the compile errors for what is not supported (members that do not accept
the call or disagree on the result type, comparing or hashing function
values, closures leaving their function, per-definition values in loops).
"""
from __future__ import annotations

from typing import Callable, Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

ints = st.integers(min_value=-10**6, max_value=10**6)
int_lists = st.lists(ints, max_size=8)


def abs_helper(x: int) -> int:
    return -x if x < 0 else x


def inc(x: int) -> int:
    return x + 1


def dec(x: int) -> int:
    return x - 1


def halve(x: int) -> float:
    return x / 2


def checked(x: int) -> int:
    if x % 7 == 0:
        raise ValueError(f"{x} is a multiple of 7")
    return x * 3


# ------------------------------------------------- the examples


def in_a_list(xs: List[int]) -> List[int]:
    ops = [lambda x: x + 1, lambda x: x * 2, abs_helper]
    out = []
    for op in ops:
        for x in xs:
            out.append(op(x))
    return out


def chosen_at_run_time(flag: bool, x: int) -> int:
    h = (lambda v: v + 1) if flag else (lambda v: v - 1)
    return h(x)


def pick(name: str):
    table = {"inc": inc, "dec": dec}
    return table[name]


def use(x: int, name: str) -> int:
    return pick(name)(x)


def capturing(xs: List[int], n: int) -> List[int]:
    fs = [lambda x: x + n, lambda x: x - n]
    return [fs[i % 2](x) for i, x in enumerate(xs)]


@given(int_lists)
def test_functions_in_a_list(xs):
    assert_same(in_a_list, compiled(in_a_list), xs)


@given(st.booleans(), ints)
def test_function_chosen_by_a_conditional_expression(flag, x):
    assert_same(chosen_at_run_time, compiled(chosen_at_run_time), flag, x)


@given(ints, st.sampled_from(["inc", "dec", "neg"]))
def test_function_returned_from_a_dict_lookup(x, name):
    assert_same(use, compiled(use), x, name)  # "neg": KeyError in both


@given(int_lists, ints)
def test_closures_in_a_list_read_the_enclosing_function(xs, n):
    assert_same(capturing, compiled(capturing), xs, n)


# ------------------------------------------------------ more ways in


def assigned_in_branches(xs: List[int], k: int) -> List[int]:
    out = []
    for x in xs:
        if x > k:
            f = inc
        elif x < -k:
            f = abs_helper
        else:
            f = lambda v: v * k  # noqa: E731
        out.append(f(x))
    return out


def choose(x: int):
    if x % 3 == 0:
        return inc
    if x % 3 == 1:
        return dec
    return abs_helper


def returned(xs: List[int]) -> List[int]:
    return [choose(x)(x) for x in xs]


def grown(n: int, xs: List[int]) -> List[int]:
    ops = []
    ops.append(inc)
    ops.append(lambda v: v * n)
    ops.insert(0, dec)
    if n > 0:
        ops[0] = abs_helper
    return [op(x) for x in xs for op in ops]


def by_name(words: List[str], xs: List[int]) -> Dict[str, List[int]]:
    table = {"inc": inc, "square": lambda v: v * v}
    table["dec"] = dec
    out: Dict[str, List[int]] = {}
    for w in words:
        if w in table:
            out[w] = [table[w](x) for x in xs]
    return out


def in_a_tuple(xs: List[int]) -> List[int]:
    pair = (inc, lambda v: v - 10)
    first, second = pair
    return [pair[x % 2](x) for x in xs] + [first(1), second(1)]


def apply_all(f, xs: List[int]) -> List[int]:
    return [f(x) for x in xs]


def run_each(fs, x: int) -> List[int]:
    return [f(x) for f in fs]


def passed_on(xs: List[int]) -> List[int]:
    out = []
    for op in [inc, dec, lambda v: v * 3]:
        out.extend(apply_all(op, xs))
    for x in xs:
        out.extend(run_each([abs_helper, lambda v: -v], x))
    return out


def apply_annotated(f: Callable[[int], int], xs: List[int]) -> List[int]:
    return [f(x) for x in xs]


def annotated(xs: List[int], k: int) -> List[int]:
    g: Callable[[int], int] = lambda v: v * 3  # noqa: E731
    out = apply_annotated(inc, xs) + apply_annotated(g, xs)
    out += [k]
    for f in [inc, g]:
        if f:  # a function is true
            out += apply_annotated(f, xs)
    return out


def defined_in_a_loop(n: int) -> List[int]:
    out = []
    for i in range(n):
        f = lambda v, i=i: v * 10 + i  # noqa: E731
        out.append(f(1))  # called in the iteration that defined it
        out.append((lambda v, j=i * 2: v + j)(100))
    return out


def sorted_by_result(x: int) -> List[int]:
    ops = [inc, dec, lambda v: v * 5, abs_helper]
    ops.sort(key=lambda f: f(x))  # compares the results, not the functions
    best = max(ops, key=lambda f: f(x))
    ranked = sorted(ops, key=lambda f: -f(x))
    return [f(x) for f in ranked] + [best(x)] + [f(1) for f in reversed(ops)]


@given(ints)
def test_functions_sorted_by_their_results(x):
    assert_same(sorted_by_result, compiled(sorted_by_result), x)


@given(int_lists, ints)
def test_callable_annotations(xs, k):
    assert_same(annotated, compiled(annotated), xs, k)


@given(st.integers(0, 6))
def test_function_defined_in_a_loop_called_there(n):
    assert_same(defined_in_a_loop, compiled(defined_in_a_loop), n)


@given(int_lists, st.integers(0, 100))
def test_local_assigned_different_functions_in_branches(xs, k):
    assert_same(assigned_in_branches, compiled(assigned_in_branches), xs, k)


@given(int_lists)
def test_function_returned_by_a_compiled_function(xs):
    assert_same(returned, compiled(returned), xs)


@given(st.integers(-5, 5), int_lists)
def test_container_of_functions_grows(n, xs):
    assert_same(grown, compiled(grown), n, xs)


@given(st.lists(st.sampled_from(["inc", "dec", "square", "cube"]), max_size=4), int_lists)
def test_dict_of_functions(words, xs):
    assert_same(by_name, compiled(by_name), words, xs)


@given(int_lists)
def test_tuple_of_functions(xs):
    assert_same(in_a_tuple, compiled(in_a_tuple), xs)


@given(int_lists)
def test_function_values_passed_to_compiled_functions(xs):
    assert_same(passed_on, compiled(passed_on), xs)


# ---------------------------------------------------------- call semantics


def state_through_a_list(xs: List[int], k: int) -> List[int]:
    total = 0

    def add(v: int) -> int:
        nonlocal total
        total += v
        return total

    def scale(v: int) -> int:
        return v * k

    ops = [add, scale]
    out = [ops[x % 2](x) for x in xs]
    k = 7  # read at call time, as Python's closures do
    out.append(ops[1](2))
    out.append(total)
    return out


def arguments(xs: List[int], k: int) -> List[int]:
    fs = [lambda a, b=2: a * b, lambda a, b=3: a + b, lambda a, b=k: a - b]
    out = [fs[x % 3](x) for x in xs]
    out += [fs[x % 3](x, k) for x in xs]
    out += [fs[x % 3](b=x, a=k) for x in xs]
    return out


def evaluated_once(xs: List[int]) -> List[int]:
    calls = []

    def arg(v: int) -> int:
        calls.append(v)
        return v

    fs = [inc, dec, lambda v: v * v]
    out = [fs[x % 3](arg(x)) for x in xs]
    return out + calls


def raising(xs: List[int]) -> List[str]:
    fs = [checked, inc]
    out = []
    for x in xs:
        try:
            out.append(str(fs[x % 2](x)))
        except ValueError as e:
            out.append("error: " + str(e))
    return out


def mixed_numbers(xs: List[int]) -> List[float]:
    fs = [inc, halve]
    # (compiled, the int results join the float ones as floats, as in
    # `1 if c else 0.5`; float() keeps the comparison to the values)
    return [float(fs[x % 2](x)) for x in xs]


def defaults_at_definition(x: int) -> List[int]:
    k = 1
    f = lambda v, k=k: v + k  # noqa: E731
    fs = [f, dec]
    k = 100
    return [f(x), fs[0](x), fs[1](x), k]


def nested_expansions(x: int) -> List[int]:
    def make(k: int):
        return lambda v: v + k

    first = make(1)
    second = make(2)
    both = [first, second]
    return [first(x), second(x), both[0](x), both[1](x)]


def sort_keys(words: List[str], i: int) -> List[str]:
    keys = [lambda w: len(w), lambda w: -len(w), lambda w: ord(w[0]) if w else 0]
    return sorted(words, key=keys[i % 3])


@given(int_lists, ints)
def test_nonlocal_and_late_binding_through_a_container(xs, k):
    assert_same(state_through_a_list, compiled(state_through_a_list), xs, k)


@given(int_lists, ints)
def test_keyword_and_default_arguments(xs, k):
    assert_same(arguments, compiled(arguments), xs, k)


@given(int_lists)
def test_arguments_are_evaluated_once(xs):
    assert_same(evaluated_once, compiled(evaluated_once), xs)


@given(st.lists(st.integers(-30, 30), max_size=8))
def test_exception_from_a_member(xs):
    assert_same(raising, compiled(raising), xs)


@given(int_lists)
def test_results_join_int_and_float(xs):
    assert_same(mixed_numbers, compiled(mixed_numbers), xs)


@given(ints)
def test_defaults_are_computed_at_the_definition(x):
    assert_same(defaults_at_definition, compiled(defaults_at_definition), x)


@given(ints)
def test_each_expansion_of_a_nested_function_is_its_own_function(x):
    assert_same(nested_expansions, compiled(nested_expansions), x)


@given(st.lists(st.text(alphabet="abcé中", max_size=4), max_size=6), st.integers(0, 5))
def test_key_function_chosen_at_run_time(words, i):
    assert_same(sort_keys, compiled(sort_keys), words, i)


# ------------------------------------------------------------ errors


def add(x: int, y: int) -> int:
    return x + y


def arity_differs(x: int) -> int:
    fs = [inc, add]
    return fs[x % 2](x)


def keyword_differs(x: int) -> int:
    fs = [inc, lambda y: y]
    return fs[x % 2](y=x)


def results_differ(x: int) -> int:
    fs = [inc, lambda v: str(v)]
    return fs[x % 2](x)


def contains(x: int) -> bool:
    return inc in [inc, dec]


def compared(x: int) -> bool:
    fs = [inc, dec]
    return fs[0] == fs[x % 2]


def sorted_functions(x: int) -> int:
    return sorted([inc, dec])[0](x)


def set_of_functions(x: int) -> int:
    return len({inc, dec})


def returns_closure(n: int):
    fs = [lambda v: v + n, inc]
    return fs[0]


def user(n: int) -> int:
    return returns_closure(n)(1)


def passes_closures(n: int) -> List[int]:
    return run_each([lambda v: v + n, inc], 3)


def made_in_a_loop(n: int) -> List[int]:
    def make(k: int):
        return lambda v: v + k

    fs = []
    for i in range(n):
        fs.append(make(i))
    return [f(10) for f in fs]


def default_in_a_loop(n: int) -> List[int]:
    fs = []
    for i in range(n):
        fs.append(lambda v, i=i: v + i)
    return [f(10) for f in fs]


def kept_from_a_loop(n: int) -> int:
    first = inc
    for i in range(n):
        f = lambda v, i=i: v + i  # noqa: E731
        if i == 0:
            first = f
    return first(10)


def not_a_function(x: int) -> List[int]:
    return apply_annotated(x, [1])


def to_python(x: int):
    return [inc, dec][x]


class Holder:
    def __init__(self) -> None:
        self.f = 0

    def keep(self, x: int) -> int:
        self.f = inc
        return x


def in_an_attribute(x: int) -> int:
    return Holder().keep(x)


@pytest.mark.parametrize("fn, args, message", [
    (arity_differs, (1,), r"this call may reach add\(\) or inc\(\), and add\(\) cannot take its "
                          r"arguments: missing a required argument: 'y'"),
    (keyword_differs, (1,), r"this call may reach inc\(\) or the lambda at \d+:\d+, and inc\(\) "
                            r"cannot take its arguments: missing a required argument: 'x'"),
    (results_differ, (1,), r"the functions this call may reach return a str \(the lambda at "
                           r"\d+:\d+\) and an int \(inc\(\)\)"),
    (contains, (1,), "function values cannot be compared or hashed"),
    (compared, (1,), "cannot compare a function dec|inc"),
    (sorted_functions, (1,), "function values cannot be compared or hashed"),
    (set_of_functions, (1,), "function values cannot be compared or hashed"),
    (user, (1,), "the lambda reads n from this function and cannot be returned from it"),
    (passes_closures, (1,), "the lambda reads n from this function and cannot be passed"),
    (made_in_a_loop, (3,), r"the lambda at \d+:\d+ is defined in a loop and each definition has "
                           "the nested function's k"),
    (default_in_a_loop, (3,), r"is defined in a loop and each definition has its default values"),
    (kept_from_a_loop, (3,), r"is defined in a loop and each definition has its default values"),
    (to_python, (1,), "a function dec|inc cannot cross into Python"),
    (not_a_function, (1,), "argument 'f' of apply_annotated\\(\\) must be a function, not int"),
    (in_an_attribute, (1,), "attribute 'f' cannot hold a function value"),
])
def test_unsupported_uses_are_compile_errors(fn, args, message):
    with pytest.raises(pyjitx.CompileError, match=message):
        pyjitx.compile(fn)(*args)
