"""`yield` generators, differentially against CPython.

Inside compiled code a generator called as the iterable of a for loop or
comprehension (or given to list/sorted/sum/join/...) is expanded inline at
the loop; called from Python, a compiled generator function runs to
completion and returns an iterator over its items.  Each test also checks
that the runtime's live-object count returns to zero (conftest.py)."""
from __future__ import annotations

from typing import Dict, Generator, Iterable, Iterator, List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
import generator_helpers
from generator_helpers import long_words
from difftest import assert_result, assert_same, compiled, ints, is_disabled, unicode_text

MIN_LEN = 100  # shadows generator_helpers.MIN_LEN: the generator must not see it

# ------------------------------------------------------------ generators


def tokens(text: str):
    for w in text.split():
        if w:
            yield w.lower()


def chars_of(text: str):
    for ch in text:
        if ch.isspace():
            continue
        if ch.isdigit():
            yield "#"
        else:
            yield ch.upper()


def until_stop(text: str, stop: str):
    for w in text.split():
        if w == stop:
            return
        yield w


def indexed_words(text: str):
    for i, w in enumerate(text.split()):
        yield (i, w, len(w))


def nested_tokens(lines: List[str]):
    for line in lines:
        for t in tokens(line):
            yield t
        yield "<eol>"


def chained(lines: List[str]):
    for line in lines:
        yield from tokens(line)
    yield from ["<end>"]


def parsed_ints(words: List[str]):
    for w in words:
        try:
            yield int(w)
        except ValueError:
            yield -1


def strict_ints(words: List[str]):
    for w in words:
        yield int(w)


def int_stream(xs: List[int]) -> Iterator[int]:
    i = 0
    while i < len(xs):
        x = xs[i]
        i += 1
        if x % 3 == 0:
            continue
        yield x // 7
        if x < 0:
            yield -(x // 2)


def pairs_up_to(n: int, width: int = 2):
    for a in range(n):
        for b in range(width):
            yield a, b


def countdown(n: int):
    while n > 0:
        yield n
        n -= 1


# ------------------------------------------------------------- consumers


def count_tokens(text: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for t in tokens(text):
        counts[t] = counts.get(t, 0) + 1
    return counts


def comprehensions(text: str) -> Tuple[List[str], List[int], List[Tuple[int, str]], Dict[str, int]]:
    upper = [c for c in chars_of(text) if c != "#"]
    lengths = [n for _i, _w, n in indexed_words(text)]
    numbered = [(i, t) for i, t in enumerate(tokens(text), 1)]
    sizes = {t: len(t) for t in tokens(text)}
    return upper, lengths, numbered, sizes


def builtins_over(text: str):
    return (list(tokens(text)), "|".join(tokens(text)), sorted(chars_of(text)),
            sum(len(t) for t in tokens(text)), max(tokens(text), default=""),
            min(chars_of(text), default="-"), sorted(set(chars_of(text))),
            tuple(chars_of(text)), any(t == "a" for t in tokens(text)),
            all(c != "#" for c in chars_of(text)), len(list(indexed_words(text))))


def sums_and_truth(xs: List[int], n: int):
    return (sum(countdown(n)), sum(countdown(n), 10), any(countdown(n)), all(countdown(n)),
            dict(pairs_up_to(n, 1)), list(enumerate(countdown(n))), max(int_stream(xs), default=0))


def control(text: str, stop: str) -> List[str]:
    out = []
    for t in chars_of(text):
        if t == stop:
            break
        if t == "#":
            continue
        out.append(t)
    else:
        out.append("<exhausted>")
    for w in until_stop(text, stop):
        out.append(w)
    else:
        out.append("<returned or exhausted>")
    return out


def first_long(text: str, n: int) -> str:
    for t in tokens(text):
        if len(t) >= n:
            return t
    return ""


def same_names(text: str) -> List[str]:
    # the generator's locals (w, text) must not clash with the consumer's
    w = "outer"
    out = []
    for t in tokens(text):
        out.append(t + w)
        text = "changed"  # the generator keeps its own binding of text
    out.append(text)
    return out


def nesting(lines: List[str]) -> List[str]:
    return [t for t in nested_tokens(lines)] + [t for t in chained(lines)]


def twice(text: str) -> List[str]:
    # the same generator, nested in itself: two expansions, not recursion
    return [a + b for a in tokens(text) for b in tokens(text) if a <= b]


def reciprocal_sum(words: List[str]) -> int:
    # the consumer's ZeroDivisionError is not caught by the generator's try
    total = 0
    for v in parsed_ints(words):
        total += 1000 // v
    return total


def int_of_tokens(text: str) -> int:
    # the consumer raises while the generator holds its list of words
    total = 0
    for t in tokens(text):
        total += int(t) % 1000
    return total


def guarded_sum(words: List[str]) -> int:
    total = 0
    try:
        for v in strict_ints(words):
            total += v
    except ValueError:
        total = -1
    return total


def stream_stats(xs: List[int]) -> List[int]:
    out = []
    for i, v in enumerate(int_stream(xs)):
        if v == 0:
            continue
        out.append(v)
        if i > 20:
            break
    return out


def from_another_module(text: str) -> List[str]:
    return list(long_words(text)) + [w for w in generator_helpers.long_words(text)]


def keywords_and_defaults(n: int) -> List[Tuple[int, int]]:
    return list(pairs_up_to(n)) + [p for p in pairs_up_to(width=1, n=n)]


CONSUMERS = [count_tokens, comprehensions, builtins_over, control, first_long, same_names,
             nesting, twice, reciprocal_sum, guarded_sum, int_of_tokens, stream_stats, from_another_module,
             keywords_and_defaults, sums_and_truth]
COMPILED = {f.__name__: pyjitx.compile(f) for f in CONSUMERS}

word_lists = st.lists(st.one_of(st.sampled_from(["0", "1", "-7", "42", "x", "", " 3 ", "٣", "1_0"]),
                                st.text(alphabet="0123456789-+ a", max_size=4)), max_size=6)
small = st.integers(-3, 6)


@given(unicode_text)
def test_counting_tokens(text):
    assert_same(count_tokens, COMPILED["count_tokens"], text)


@given(unicode_text)
def test_comprehensions_over_generators(text):
    assert_same(comprehensions, COMPILED["comprehensions"], text)


@given(unicode_text)
def test_builtins_taking_generators(text):
    assert_same(builtins_over, COMPILED["builtins_over"], text)


@given(st.lists(ints, max_size=6), small)
def test_sums_truth_dicts_and_enumerate(xs, n):
    assert_same(sums_and_truth, COMPILED["sums_and_truth"], xs, n)


@given(unicode_text, st.sampled_from(["A", "#", "b", "É", "中", "x"]))
def test_break_continue_else_and_return_in_the_generator(text, stop):
    assert_same(control, COMPILED["control"], text, stop)
    assert_same(control, COMPILED["control"], text + " " + stop + " tail", stop)


@given(unicode_text, st.integers(0, 4))
def test_return_from_the_consumer_inside_the_loop(text, n):
    assert_same(first_long, COMPILED["first_long"], text, n)


@given(unicode_text)
def test_generator_locals_do_not_clash(text):
    assert_same(same_names, COMPILED["same_names"], text)


@given(st.lists(unicode_text, max_size=4))
def test_generators_of_generators_and_yield_from(lines):
    assert_same(nesting, COMPILED["nesting"], lines)


@given(st.text(alphabet="ab cA", max_size=8))
def test_a_generator_nested_in_itself(text):
    assert_same(twice, COMPILED["twice"], text)


@given(word_lists)
def test_exceptions_keep_their_handlers(words):
    assert_same(reciprocal_sum, COMPILED["reciprocal_sum"], words)
    assert_same(guarded_sum, COMPILED["guarded_sum"], words)


@given(st.lists(st.sampled_from(["1", "-2", "x", "٣", "10", "99999999999"]), max_size=4).map(" ".join))
def test_consumer_raising_while_the_generator_holds_objects(text):
    assert_same(int_of_tokens, COMPILED["int_of_tokens"], text)


@given(st.lists(ints, max_size=12))
def test_while_loop_generator_over_int64(xs):
    assert_same(stream_stats, COMPILED["stream_stats"], xs)


@given(unicode_text)
def test_generator_reads_its_own_module_globals(text):
    assert_same(from_another_module, COMPILED["from_another_module"], text)


@given(small)
def test_keyword_arguments_and_defaults(n):
    assert_same(keywords_and_defaults, COMPILED["keywords_and_defaults"], n)


# ------------------------------------------------------- called from Python

GENERATORS = [tokens, chars_of, until_stop, indexed_words, nested_tokens, chained, parsed_ints,
              strict_ints, int_stream, pairs_up_to, countdown]
FROM_PYTHON = {g.__name__: pyjitx.compile(g) for g in GENERATORS}


def drained(generator):
    """A callable that drains `generator`'s iterator into a list: CPython
    raises while iterating, compiled code when called; both inside here."""
    def run(*args):
        return list(generator(*args))
    run.__name__ = getattr(generator, "__name__", "gen")
    return run


@given(unicode_text, st.sampled_from(["a", "B", "中"]))
def test_text_generators_from_python(text, stop):
    for name in ("tokens", "chars_of", "indexed_words"):
        assert_same(drained(globals()[name]), drained(FROM_PYTHON[name]), text)
    assert_same(drained(until_stop), drained(FROM_PYTHON["until_stop"]), text, stop)
    assert_same(drained(nested_tokens), drained(FROM_PYTHON["nested_tokens"]), [text, stop])
    assert_same(drained(chained), drained(FROM_PYTHON["chained"]), [stop, text])


@given(word_lists, st.lists(ints, max_size=8), small)
def test_int_generators_from_python(words, xs, n):
    assert_same(drained(parsed_ints), drained(FROM_PYTHON["parsed_ints"]), words)
    assert_same(drained(strict_ints), drained(FROM_PYTHON["strict_ints"]), words)
    assert_same(drained(int_stream), drained(FROM_PYTHON["int_stream"]), xs)
    assert_same(drained(pairs_up_to), drained(FROM_PYTHON["pairs_up_to"]), n)
    assert_same(drained(countdown), drained(FROM_PYTHON["countdown"]), n)


@pytest.mark.needs_jit
def test_python_gets_an_iterator():
    result = FROM_PYTHON["tokens"]("Hello Wörld 中文 😀")
    assert iter(result) is result
    assert next(result) == "hello"
    assert list(result) == ["wörld", "中文", "😀"]
    assert FROM_PYTHON["tokens"].signatures == ["(text: str) -> Iterator[str]"]
    assert FROM_PYTHON["pairs_up_to"].signatures == [
        "(n: int, width: int) -> Iterator[Tuple[int, int]]"]


@pytest.mark.needs_jit
def test_exceptions_are_raised_when_the_iterator_is_made():
    """Deviation: the generator runs eagerly, so its exception comes from
    the call (CPython: from the first next() that reaches it)."""
    with pytest.raises(ValueError, match="invalid literal"):
        FROM_PYTHON["strict_ints"](["1", "x"])


@pytest.mark.needs_jit
def test_ints_outside_int64_overflow_at_the_boundary():
    with pytest.raises(OverflowError):
        FROM_PYTHON["int_stream"]([1, 2 ** 63])
    with pytest.raises(OverflowError):
        COMPILED["stream_stats"]([-(2 ** 63) - 1])


# ------------------------------------------------------ the element type


def annotated_floats(n: int) -> Iterator[float]:
    yield n
    yield n / 2


def generator_annotation(n: int) -> Generator[float, None, None]:
    yield n


def iterable_annotation(text: str) -> Iterable[str]:
    yield text


def joined_yields(n: int):
    yield n
    yield 0.5


def optional_items(text: str):
    for w in text.split():
        yield None if w == "-" else w


def use_optional(text: str) -> List[bool]:
    return [w is None for w in optional_items(text)]


ELEMENTS = {f.__name__: pyjitx.compile(f) for f in (annotated_floats, generator_annotation,
                                                     iterable_annotation, joined_yields,
                                                     use_optional, optional_items)}


@pytest.mark.needs_jit
def test_element_type_from_the_annotation_or_the_joined_yields():
    """Deviation, as for return types: int and float items are all floats."""
    assert_result(drained(ELEMENTS["annotated_floats"]), [3.0, 1.5], 3)
    assert_result(drained(ELEMENTS["generator_annotation"]), [3.0], 3)
    assert_result(drained(ELEMENTS["joined_yields"]), [3.0, 0.5], 3)
    assert_same(drained(iterable_annotation), drained(ELEMENTS["iterable_annotation"]), "中")
    assert ELEMENTS["annotated_floats"].signatures == ["(n: int) -> Iterator[float]"]


@given(st.lists(st.sampled_from(["-", "a", "é", "中文"]), max_size=5).map(" ".join))
def test_optional_items(text):
    assert_same(use_optional, ELEMENTS["use_optional"], text)
    assert_same(drained(optional_items), drained(ELEMENTS["optional_items"]), text)


# ------------------------------------------------ what is a CompileError


def recursive(n: int):
    if n > 0:
        yield n
        yield from recursive(n - 1)


def mutually_a(n: int):
    yield from mutually_b(n)


def mutually_b(n: int):
    for x in mutually_a(n):
        yield x


def use_recursive(n: int) -> List[int]:
    return [x for x in recursive(n)]


def use_mutual(n: int) -> List[int]:
    return list(mutually_a(n))


def stored(n: int) -> int:
    g = countdown(n)
    return 0


def with_next(n: int) -> int:
    return next(countdown(n))


def zipped(xs: List[int]) -> List[int]:
    return [a + b for a, b in zip(xs, countdown(3))]


def sends():
    received = yield 1
    yield received


def use_sends() -> List[int]:
    return list(sends())


def yield_in_finally(xs: List[int]):
    try:
        for x in xs:
            yield x
    finally:
        pass


def use_finally(xs: List[int]) -> List[int]:
    return list(yield_in_finally(xs))


def catches_everything(xs: List[int]):
    for x in xs:
        try:
            yield x
        except BaseException:
            pass


def use_catches(xs: List[int]) -> List[int]:
    return list(catches_everything(xs))


def mixed_items(flag: bool):
    yield 1
    yield "a"


def use_mixed(flag: bool) -> int:
    return len(list(mixed_items(flag)))


def wrong_annotation(n: int) -> List[int]:
    yield n


def never_yields():
    return
    yield


def use_never() -> int:
    return len(list(never_yields()))


class Box:
    def __init__(self, n: int) -> None:
        self.n = n

    def items(self):
        yield self.n


def use_method(n: int) -> List[int]:
    return [x for x in Box(n).items()]


@pytest.mark.needs_jit
@pytest.mark.parametrize("fn, message", [
    (use_recursive, "iterates itself"),
    (use_mutual, "iterates itself"),
    (stored, "generator object"),
    (with_next, r"next\(\) needs an iterator"),
    (zipped, "generator object"),
    (use_sends, "value of a yield expression"),
    (use_finally, "inside try/finally"),
    (use_catches, "catches GeneratorExit"),
    (use_mixed, "yields a str here but an int"),
    (wrong_annotation, "unsupported return annotation"),
    (use_never, "cannot infer what generator 'never_yields' yields"),
])
def test_compile_errors(fn, message):
    with pytest.raises(pyjitx.CompileError, match=message):
        pyjitx.compile(fn, eager=True)


@pytest.mark.needs_jit
def test_annotated_never_yielding_generator_is_empty():
    def nothing() -> Iterator[int]:
        return
        yield

    assert list(pyjitx.compile(nothing)()) == []


def test_unbound_local_in_a_generator():
    def maybe(flag: bool):
        if flag:
            y = 1
        yield y

    def use(flag: bool) -> List[int]:
        return list(maybe(flag))

    compiled = pyjitx.compile(use)
    assert_same(use, compiled, True)
    assert_same(use, compiled, False)
    if not is_disabled(compiled, use):
        with pytest.raises(UnboundLocalError, match="local variable 'y'"):
            compiled(False)


@given(st.integers(0, 5))
def test_generator_method_called_for_its_items(n):
    # a generator method called in compiled code runs to completion into a list
    assert_same(use_method, compiled(use_method), n)
