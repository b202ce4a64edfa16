"""itertools in the compiled subset: generators expanded inline where they
are iterated (frontend/generators.py), so `for a, b in combinations(xs, 2)`
is two nested loops.  CPython's reference implementations (the itertools
documentation's "roughly equivalent" code), written so that each argument
that may be a generator call is iterated once, as an iterator is.  The
functions taking any number of iterables (chain, product, zip_longest) are
generated per call shape (frontend/stdlib_itertools.py).

Where the result differs from CPython's object, not its items: groupby's
groups are lists (CPython's share the underlying iterator), and the tuples
of combinations/permutations/product(repeat=n) are Tuple[T, ...] unless
r (n) is a literal (frontend/stdlib_itertools.py then writes a variant
whose tuples have r typed items)."""

def count(start=0, step=1):
    n = start
    while True:
        yield n
        n += step


def repeat(obj, times=None):
    while True:
        yield obj


def repeat_times(obj, times):
    for _ in range(times):
        yield obj


def cycle(iterable):
    saved = []
    for element in iterable:
        yield element
        saved.append(element)
    while saved:
        for element in saved:
            yield element


def accumulate(iterable, func=None, *, initial=None):
    started = False
    for element in iterable:
        if not started:
            total = element
            started = True
        else:
            total = total + element
        yield total


def accumulate_func(iterable, func, *, initial=None):
    started = False
    for element in iterable:
        if not started:
            total = element
            started = True
        else:
            total = func(total, element)
        yield total


def accumulate_initial(iterable, func=None, *, initial):
    total = initial
    yield total
    for element in iterable:
        total = total + element
        yield total


def accumulate_func_initial(iterable, func, *, initial):
    total = initial
    yield total
    for element in iterable:
        total = func(total, element)
        yield total


def chain_from_iterable(iterables):
    for it in iterables:
        yield from it


def compress(data, selectors):
    # data drives; the selectors, read by index, are a list (a generator
    # call among them is made one by the frontend)
    marks = list(selectors)
    n = len(marks)
    i = 0
    for d in data:
        if i >= n:
            return
        if marks[i]:
            yield d
        i += 1


def compress_by_selectors(data, selectors):
    # the selectors drive (a generator call: cycle([1, 0]) ...); data is a list
    items = list(data)
    n = len(items)
    i = 0
    for s in selectors:
        if i >= n:
            return
        if s:
            yield items[i]
        i += 1


def dropwhile(predicate, iterable):
    dropping = True
    for x in iterable:
        if dropping and predicate(x):
            continue
        dropping = False
        yield x


def takewhile(predicate, iterable):
    for x in iterable:
        if predicate(x):
            yield x
        else:
            return


def filterfalse(predicate, iterable):
    for x in iterable:
        if not predicate(x):
            yield x


def filterfalse_none(predicate, iterable):
    for x in iterable:
        if not x:
            yield x


def starmap(function, iterable):
    for args in iterable:
        yield function(*args)


def pairwise(iterable):
    # (previous is bound before it is read, in the order the code is
    # written: the order in which its type is learnt)
    started = False
    for x in iterable:
        if not started:
            previous = x
            started = True
        else:
            yield (previous, x)
            previous = x


def groupby(iterable, key=None):
    # (the first item binds current and group before any read, in the order
    # the code is written, which is the order their types are learnt in)
    started = False
    for x in iterable:
        if not started:
            current = x
            group = [x]
            started = True
        elif x == current:
            group.append(x)
        else:
            yield (current, group)
            current = x
            group = [x]
    if started:
        yield (current, group)


def groupby_key(iterable, key):
    started = False
    for x in iterable:
        k = key(x)
        if not started:
            current = k
            group = [x]
            started = True
        elif k == current:
            group.append(x)
        else:
            yield (current, group)
            current = k
            group = [x]
    if started:
        yield (current, group)


def islice_all(iterable, stop):
    # islice(it, None)
    yield from iterable


# CPython's checks, in its order: a stop of -1 is "Stop argument" (the
# value its conversion fails with), a lower stop or a negative start
# "Indices", then the step

def islice_stop(iterable, stop):
    # islice(it, stop)
    if stop == -1:
        raise ValueError("Stop argument for islice() must be None or an integer: "
                         "0 <= x <= sys.maxsize.")
    if stop < 0:
        raise ValueError("Indices for islice() must be None or an integer: "
                         "0 <= x <= sys.maxsize.")
    if stop == 0:
        return
    i = 0
    for element in iterable:
        yield element
        i += 1
        if i >= stop:
            return


def islice_range(iterable, start, stop, step=None):
    # islice(it, start, stop[, step]); each may be None (its default)
    first = 0 if start is None else start
    end = -1 if stop is None else stop
    by = 1 if step is None else step
    if stop is not None and end == -1:
        raise ValueError("Stop argument for islice() must be None or an integer: "
                         "0 <= x <= sys.maxsize.")
    if first < 0 or (stop is not None and end < 0):
        raise ValueError("Indices for islice() must be None or an integer: "
                         "0 <= x <= sys.maxsize.")
    if by <= 0:
        raise ValueError("Step for islice() must be a positive integer or None.")
    if end >= 0 and first >= end:
        # CPython consumes the items before start first (then stops at stop)
        if first > 0:
            i = 0
            for _ in iterable:
                i += 1
                if i >= first:
                    return
        return
    i = 0
    wanted = first
    for element in iterable:
        if i == wanted:
            yield element
            wanted += by
        if end >= 0 and i + 1 >= end:
            return
        i += 1


def combinations(iterable, r):
    pool = list(iterable)
    n = len(pool)
    if r < 0:
        raise ValueError("r must be non-negative")
    if r > n:
        return
    indices = list(range(r))
    yield tuple([pool[i] for i in indices])
    while True:
        found = -1
        for i in reversed(range(r)):
            if indices[i] != i + n - r:
                found = i
                break
        if found < 0:
            return
        indices[found] += 1
        for j in range(found + 1, r):
            indices[j] = indices[j - 1] + 1
        yield tuple([pool[i] for i in indices])


def combinations_with_replacement(iterable, r):
    pool = list(iterable)
    n = len(pool)
    if r < 0:
        raise ValueError("r must be non-negative")
    if not n and r:
        return
    indices = [0] * r
    yield tuple([pool[i] for i in indices])
    while True:
        found = -1
        for i in reversed(range(r)):
            if indices[i] != n - 1:
                found = i
                break
        if found < 0:
            return
        value = indices[found] + 1
        for j in range(found, r):
            indices[j] = value
        yield tuple([pool[i] for i in indices])


def permutations(iterable, r=None):
    pool = list(iterable)
    n = len(pool)
    if r is None:
        size = n
    else:
        size = r
        if size < 0:
            raise ValueError("r must be non-negative")
    if size > n:
        return
    indices = list(range(n))
    cycles = list(range(n, n - size, -1))
    yield tuple([pool[i] for i in indices[:size]])
    while n:
        found = False
        for i in reversed(range(size)):
            cycles[i] -= 1
            if cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                yield tuple([pool[k] for k in indices[:size]])
                found = True
                break
        if not found:
            return


def product_repeat(iterable, repeat):
    # product(pool, repeat=n) for an n known at run time: an odometer over
    # the pool (tuples of n items)
    pool = list(iterable)
    if repeat < 0:
        raise ValueError("repeat argument cannot be negative")
    n = len(pool)
    if n == 0 and repeat > 0:
        return
    indices = [0] * repeat
    while True:
        yield tuple([pool[i] for i in indices])
        position = repeat - 1
        while position >= 0:
            indices[position] += 1
            if indices[position] < n:
                break
            indices[position] = 0
            position -= 1
        if position < 0:
            return


def cmp_sorted(iterable, cmp, reverse):
    # sorted(iterable, key=functools.cmp_to_key(cmp), reverse=...): a
    # stable merge sort calling cmp (for a consistent cmp, CPython's order)
    items = list(iterable)
    if reverse:
        items.reverse()
    width = 1
    n = len(items)
    while width < n:
        merged = items[:0]
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            while i < mid and j < hi:
                if cmp(items[j], items[i]) < 0:
                    merged.append(items[j])
                    j += 1
                else:
                    merged.append(items[i])
                    i += 1
            merged.extend(items[i:mid])
            merged.extend(items[j:hi])
            lo = hi
        items = merged
        width *= 2
    if reverse:
        items.reverse()
    yield from items
