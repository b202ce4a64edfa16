"""collections.Counter's methods in the compiled subset: CPython's own
algorithms (Lib/collections/__init__.py), so that results, and the order of
their keys, are CPython's.  `self` is a Counter (frontend/stdlib_collections.py
calls these with the receiver first); a missing key of a Counter reads 0,
as `self[elem]` does in CPython's code."""
from collections import Counter


def most_common(self, n=None):
    if n is None:
        return sorted(self.items(), key=lambda item: item[1], reverse=True)
    # heapq.nlargest(n, ...) is sorted(..., reverse=True)[:n] (documented),
    # and nothing for n <= 0
    if n <= 0:
        return list(self.items())[:0]
    return sorted(self.items(), key=lambda item: item[1], reverse=True)[:n]


def elements(self):
    # (a list where CPython returns an iterator over the same items)
    result = list(self)[:0]
    for elem, count in self.items():
        for _ in range(count):
            result.append(elem)
    return result


def total(self):
    return sum(self.values())


def update_mapping(self, other):
    for elem, count in other.items():
        self[elem] = count + self.get(elem, 0)


def update_iterable(self, iterable):
    for elem in iterable:
        self[elem] = self.get(elem, 0) + 1


def subtract_mapping(self, other):
    for elem, count in other.items():
        self[elem] = self.get(elem, 0) - count


def subtract_iterable(self, iterable):
    for elem in iterable:
        self[elem] = self.get(elem, 0) - 1


def le(self, other):
    for elem in self:
        if not self[elem] <= other[elem]:
            return False
    for elem in other:
        if not self[elem] <= other[elem]:
            return False
    return True


def lt(self, other):
    return le(self, other) and self != other


def ge(self, other):
    for elem in self:
        if not self[elem] >= other[elem]:
            return False
    for elem in other:
        if not self[elem] >= other[elem]:
            return False
    return True


def gt(self, other):
    return ge(self, other) and self != other


def add(self, other):
    result = Counter()
    for elem, count in self.items():
        newcount = count + other[elem]
        if newcount > 0:
            result[elem] = newcount
    for elem, count in other.items():
        if elem not in self and count > 0:
            result[elem] = count
    return result


def sub(self, other):
    result = Counter()
    for elem, count in self.items():
        newcount = count - other[elem]
        if newcount > 0:
            result[elem] = newcount
    for elem, count in other.items():
        if elem not in self and count < 0:
            result[elem] = 0 - count
    return result


def or_(self, other):
    result = Counter()
    for elem, count in self.items():
        other_count = other[elem]
        newcount = other_count if count < other_count else count
        if newcount > 0:
            result[elem] = newcount
    for elem, count in other.items():
        if elem not in self and count > 0:
            result[elem] = count
    return result


def and_(self, other):
    result = Counter()
    for elem, count in self.items():
        other_count = other[elem]
        newcount = count if count < other_count else other_count
        if newcount > 0:
            result[elem] = newcount
    return result


def pos(self):
    result = Counter()
    for elem, count in self.items():
        if count > 0:
            result[elem] = count
    return result


def neg(self):
    result = Counter()
    for elem, count in self.items():
        if count < 0:
            result[elem] = 0 - count
    return result


def _keep_positive(self):
    nonpositive = [elem for elem, count in self.items() if not count > 0]
    for elem in nonpositive:
        del self[elem]
    return self


def iadd(self, other):
    for elem, count in other.items():
        self[elem] += count
    return _keep_positive(self)


def isub(self, other):
    for elem, count in other.items():
        self[elem] -= count
    return _keep_positive(self)


def ior(self, other):
    for elem, other_count in other.items():
        count = self[elem]
        if other_count > count:
            self[elem] = other_count
    return _keep_positive(self)


def iand(self, other):
    for elem, count in self.items():
        other_count = other[elem]
        if other_count < count:
            self[elem] = other_count
    return _keep_positive(self)



# CPython's names, for the messages of calls that do not bind
most_common.__qualname__ = "Counter.most_common"
elements.__qualname__ = "Counter.elements"
total.__qualname__ = "Counter.total"
