"""collections.Counter, defaultdict, OrderedDict and deque in compiled code,
differentially against CPython: preprocessing code as it is written
(word counts and most_common, grouping with defaultdict(list), sliding
windows with deque(maxlen=)), every method with CPython's results, key
order and messages, and the values crossing the boundary as the real
collections types both ways (arguments written back, results, Any,
inside containers, module-level values, fields of compiled classes)."""
from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict, deque
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, assert_same_effects, compiled

pytestmark = pytest.mark.needs_jit

# words as text has them: accents, decomposed letters, CJK, emoji, empty
letters = st.sampled_from(["a", "b", "é", "e\u0301", "世", "界", "😀", "ß", "Z"])
word = st.lists(letters, max_size=3).map("".join)
words = st.lists(word, max_size=12)
texts = st.lists(st.lists(word, max_size=6).map(" ".join), max_size=6)


# ------------------------------------------------------------------ Counter

def word_counts(lines: List[str], k: int) -> List[Tuple[str, int]]:
    counts = Counter()
    for line in lines:
        counts.update(line.split())
    return counts.most_common(k)


def counter_everything(ws: List[str]):
    c = Counter(ws)
    c["extra"] += 2
    c["gone"] -= 1
    missing = c["not there"]
    del c["not there either"]  # no KeyError
    first = ws[0] if ws else "x"
    c[first] += 0
    top = c.most_common()
    return (c, top, c.most_common(2), c.most_common(0), c.most_common(-1), missing,
            sorted(c.elements()), c.total(), len(c), first in c, repr(c), str(c), f"{c}",
            dict(c), list(c), list(c.items()), c == Counter(ws), c != c)


def counter_arithmetic(xs: List[str], ys: List[str]):
    a, b = Counter(xs), Counter(ys)
    a["neg"] = -2
    b["zero"] = 0
    return (a + b, a - b, a | b, a & b, +a, -a, a == b, a <= a | b, a < b, a >= b, a > a,
            Counter(xs) == Counter(reversed(xs)))


def counter_in_place(xs: List[str], ys: List[str]):
    a, b = Counter(xs), Counter(ys)
    a["neg"] = -1
    c = a.copy()
    c += b
    d = a.copy()
    d -= b
    e = a.copy()
    e |= b
    f = a.copy()
    f &= b
    return c, d, e, f, a


def counter_sources(ws: List[str], table: Dict[str, int]):
    c = Counter(table)
    c.update(ws)
    c.update(table)
    c.update(extra=3)
    c.subtract(ws)
    c.subtract({"extra": 1})
    d = Counter(w for w in ws if w)
    e = Counter("".join(ws))
    f = Counter(a=1, b=2)
    return c, d, e, f


@given(texts, st.integers(-1, 5))
def test_word_counts_most_common(lines, k):
    assert_same(word_counts, compiled(word_counts), lines, k)


@given(words)
def test_counter_methods(ws):
    assert_same(counter_everything, compiled(counter_everything), ws)


@given(words, words)
def test_counter_arithmetic(xs, ys):
    assert_same(counter_arithmetic, compiled(counter_arithmetic), xs, ys)
    assert_same(counter_in_place, compiled(counter_in_place), xs, ys)


@given(words, st.dictionaries(word, st.integers(-3, 3), max_size=4))
def test_counter_sources(ws, table):
    assert_same(counter_sources, compiled(counter_sources), ws, table)


def counter_fromkeys(ws: List[str]) -> int:
    return len(Counter.fromkeys(ws))


def test_counter_errors():
    assert_same(counter_fromkeys, compiled(counter_fromkeys), ["a"])


def bump(c: Counter, w: str) -> int:
    c[w] += 1
    c.update([w, w])
    return c["absent"]


def dict_view(d: Dict[str, int], w: str) -> int:
    # a Counter passed where a Dict is declared: still a Counter (0 for a missing key)
    del d[w]
    return d[w]


def int_keys(xs: List[int]) -> List[Tuple[int, int]]:
    c = Counter(xs)
    return c.most_common(3)


@given(words, word)
def test_counter_arguments_are_counters(ws, w):
    assert_same_effects(bump, compiled(bump), Counter(ws), w)
    assert_same_effects(dict_view, compiled(dict_view), Counter(ws), w)
    assert_same(int_keys, compiled(int_keys), [len(x) for x in ws])


def test_counter_overflow():
    def big(c: Counter) -> Counter:
        c["a"] += 2**62
        c["a"] += 2**62
        return c

    with pytest.raises(OverflowError):
        pyjitx.compile(big)(Counter(a=0))


# ------------------------------------------------------------ defaultdict

def group_by_first(ws: List[str]):
    groups = defaultdict(list)
    for w in ws:
        groups[w[:1]].append(w)
    sizes = defaultdict(int)
    for key, members in groups.items():
        sizes[key] += len(members)
    seen = defaultdict(set)
    for w in ws:
        seen[len(w)].add(w)
    return groups, sizes, dict(sizes), {k: sorted(v) for k, v in seen.items()}, repr(groups), \
        repr(sizes), groups == dict(groups), len(groups["no such key"]), "no such key" in groups


def nested_counts(lines: List[str]):
    by_line = defaultdict(lambda: defaultdict(int))
    for i, line in enumerate(lines):
        for w in line.split():
            by_line[i % 2][w] += 1
    return {k: dict(v) for k, v in by_line.items()}, by_line[5]["x"], len(by_line)


class Bucket:
    def __init__(self) -> None:
        self.items: List[str] = []
        self.total = 0


def class_factory(ws: List[str]) -> List[Tuple[str, int, int]]:
    buckets = defaultdict(Bucket)
    for w in ws:
        b = buckets[w[:1]]
        b.items.append(w)
        b.total += len(w)
    return [(k, len(b.items), b.total) for k, b in buckets.items()]


def zero_pairs() -> List[int]:
    return [0, 0]


def function_factories(ws: List[str], start: int):
    firsts = defaultdict(zero_pairs)
    for w in ws:
        firsts[w[:1]][0] += 1
    offsets = defaultdict(lambda: [start])  # a lambda that reads a local
    for w in ws:
        offsets[w].append(len(w))
    return dict(firsts), dict(offsets)


def no_factory(ws: List[str]) -> int:
    d = defaultdict(None, {"a": 1})
    return d[ws[0] if ws else "zz"]


@given(words)
def test_defaultdict_grouping(ws):
    assert_same(group_by_first, compiled(group_by_first), ws)
    assert_same(class_factory, compiled(class_factory), ws)
    assert_same(function_factories, compiled(function_factories), ws, 7)
    assert_same(no_factory, compiled(no_factory), ws)


@given(texts)
def test_nested_defaultdicts(lines):
    assert_same(nested_counts, compiled(nested_counts), lines)


def fill(groups: "defaultdict[str, List[int]]", keys: List[str]) -> int:
    for i, k in enumerate(keys):
        groups[k].append(i)
    return len(groups)


def any_default(d: Any, k: str) -> Any:
    return d[k]


@given(words)
def test_defaultdict_arguments(ws):
    assert_same_effects(fill, compiled(fill), defaultdict(list), ws)
    assert_same_effects(any_default, compiled(any_default), defaultdict(list), "k")
    assert_same_effects(any_default, compiled(any_default), defaultdict(int, {"a": 1}), "b")


def returned_factory() -> Dict[str, List[int]]:
    d = defaultdict(list)
    d["a"].append(1)
    return d


def test_defaultdict_results_keep_their_factory():
    result = pyjitx.compile(returned_factory)()
    assert type(result) is defaultdict and result.default_factory is list
    assert result == {"a": [1]} and result["new"] == []


# ------------------------------------------------------------ OrderedDict

def ordered(ws: List[str]):
    od = OrderedDict()
    for i, w in enumerate(ws):
        od[w] = i
    if ws:
        od.move_to_end(ws[0])
        od.move_to_end(ws[-1], last=False)
    first = od.popitem(last=False) if od else ("", -1)
    last = od.popitem() if od else ("", -1)
    other = OrderedDict(reversed(list(od.items())))
    return (od, first, last, repr(od), od == other, od == dict(other), list(od.keys()),
            OrderedDict(a=1, b=2), OrderedDict([("x", 1)]) | {"y": 2})


def ordered_errors(ws: List[str]):
    od = OrderedDict.fromkeys(ws, 0) if False else OrderedDict()
    if ws:
        od.move_to_end("never")
    return od.popitem()


@given(words)
def test_ordered_dict(ws):
    assert_same(ordered, compiled(ordered), ws)
    assert_same(ordered_errors, compiled(ordered_errors), ws)


def lru(keys: List[str], size: int) -> List[str]:
    cache = OrderedDict()
    evicted = []
    for k in keys:
        if k in cache:
            cache.move_to_end(k)
            continue
        cache[k] = len(k)
        if len(cache) > size:
            old, _ = cache.popitem(last=False)
            evicted.append(old)
    return evicted + list(cache)


@given(words, st.integers(1, 4))
def test_ordered_dict_as_an_lru(keys, size):
    assert_same(lru, compiled(lru), keys, size)


# ------------------------------------------------------------------ deque

def windows(xs: List[int], k: int) -> List[int]:
    window = deque(maxlen=k)
    sums = []
    for x in xs:
        window.append(x)
        if len(window) == k:
            sums.append(sum(window))
    return sums


def deque_everything(xs: List[int], n: int):
    d = deque(xs, maxlen=6)
    d.append(100)
    d.appendleft(-1)
    d.extend([7, 8])
    d.extendleft([1, 2])
    d.rotate(n)
    popped = [d.pop(), d.popleft()] if d else []
    d.insert(0, 5) if len(d) < 6 else None
    d.reverse()
    copy = d.copy()
    copy.clear()
    return (d, list(d), repr(d), str(d), d.maxlen, len(d), 7 in d, d.count(7), popped, copy,
            sorted(d), [x * 2 for x in d], list(reversed(d)), d == deque(list(d)), d == list(d),
            deque(xs) + deque([1]), deque(xs, 2) * 2, d[0] if d else None, d[-1] if d else None)


def deque_errors(xs: List[int], i: int, what: int):
    d = deque(xs, maxlen=3)
    if what == 0:
        return d[i]
    if what == 1:
        d[i] = 9
        return d[0]
    if what == 2:
        del d[i]
        return len(d)
    if what == 3:
        return d.index(i)
    if what == 4:
        d.remove(i)
        return len(d)
    if what == 5:
        d.insert(0, i)
        return len(d)
    empty = deque(xs[:0])
    if what == 6:
        return empty.pop()
    return empty.popleft()


def queue(edges: List[Tuple[int, int]], start: int) -> List[int]:
    graph = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    seen = {start}
    order = []
    todo = deque([start])
    while todo:
        node = todo.popleft()
        order.append(node)
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return order


@given(st.lists(st.integers(-5, 5), max_size=10), st.integers(1, 4))
def test_sliding_windows(xs, k):
    assert_same(windows, compiled(windows), xs, k)


@given(st.lists(st.integers(-5, 5), max_size=8), st.integers(-9, 9))
def test_deque_methods(xs, n):
    assert_same(deque_everything, compiled(deque_everything), xs, n)


@given(st.lists(st.integers(0, 3), max_size=4), st.integers(-5, 5), st.integers(0, 7))
def test_deque_errors(xs, i, what):
    assert_same(deque_errors, compiled(deque_errors), xs, i, what)


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15))
def test_breadth_first_search(edges):
    assert_same(queue, compiled(queue), edges, 0)


def rotate_queue(q: "deque[str]", w: str) -> str:
    q.append(w)
    q.rotate(1)
    return q[0]


@given(words, word)
def test_deque_arguments(ws, w):
    assert_same_effects(rotate_queue, compiled(rotate_queue), deque(ws), w)
    assert_same_effects(rotate_queue, compiled(rotate_queue), deque(ws, maxlen=3), w)


def deque_popleft_cost(n: int) -> int:
    d = deque()
    total = 0
    for i in range(n):
        d.append(i)
    while d:
        total += d.popleft()
    return total


def test_deque_ends_are_constant_time():
    assert pyjitx.compile(deque_popleft_cost)(300_000) == sum(range(300_000))


# ------------------------------------------------------- through an Any

def through_any(q: Any, c: Any, od: Any):
    q.append(4)
    q.appendleft(0)
    q.extend([7, 8])
    q.rotate(2)
    a, b = q.popleft(), q.pop()
    c.update("abca")
    c.subtract(["a"])
    od.move_to_end("a")
    return (q, a, b, c, c.most_common(1), sorted(c.elements()), c.total(), c["zz"],
            isinstance(q, deque), isinstance(c, Counter), isinstance(c, dict),
            isinstance(od, OrderedDict), isinstance(q, list), od.popitem(False))


def test_methods_through_any():
    assert_same_effects(through_any, compiled(through_any), deque([1, 2], maxlen=5), Counter("xyz"),
                OrderedDict(a=1, b=2))


def mixed(values: List[Any]) -> List[Any]:
    return values + [Counter("ab"), deque([1]), OrderedDict(z=1), defaultdict(list)]


def test_collections_inside_containers():
    assert_same(mixed, compiled(mixed), [Counter("x"), deque("ab", 3), OrderedDict(a=1)])


# ------------------------------------------- module-level values and classes

STOPWORDS = Counter({"the": 5, "a": 3})
ORDER = OrderedDict([("x", 1), ("y", 2)])
RECENT = deque([1, 2], maxlen=3)
INDEX = defaultdict(list, {"a": [1]})


def read_constants(w: str):
    return STOPWORDS[w], STOPWORDS, ORDER, RECENT, INDEX.get("a"), INDEX


@given(word)
def test_module_level_collections(w):
    assert_same(read_constants, compiled(read_constants), w)


class Stats:
    def __init__(self) -> None:
        self.words: "Counter[str]" = Counter()
        self.recent: "deque[str]" = deque(maxlen=2)
        self.by_first: "defaultdict[str, List[str]]" = defaultdict(list)

    def add(self, w: str) -> None:
        self.words[w] += 1
        self.recent.append(w)
        self.by_first[w[:1]].append(w)


def use_stats(ws: List[str]):
    s = Stats()
    for w in ws:
        s.add(w)
    return s.words.most_common(2), s.recent, s.by_first


@given(words)
def test_collections_as_fields(ws):
    assert_same(use_stats, compiled(use_stats), ws)


def test_fields_cross_as_collections():
    S = pyjitx.compile(Stats)
    s = S()
    s.add("ab")
    s.add("ab")
    assert type(s.words) is Counter and s.words == Counter(ab=2)
    assert type(s.recent) is deque and s.recent.maxlen == 2
    assert type(s.by_first) is defaultdict and s.by_first.default_factory is list
