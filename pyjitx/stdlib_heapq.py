"""heapq in compiled code, written in the compiled subset
(pyjitx/frontend/stdlib.py compiles `heapq.X(...)` as a call of X here).

The functions make CPython's comparisons in CPython's order (those of
Modules/_heapqmodule.c, whose sift loops are heapq.py's), so a heap of
equal or unorderable-by-ties items ends up as CPython's does: the same
list after heappush/heapify, the same item popped.  nlargest/nsmallest
are heapq.py's, decorated with a counter as there; merge is heapq.py's
over sequences (lists, tuples, str), iterated by position instead of by
iterator, with the same heap of (value, order, ...) entries."""
from __future__ import annotations


def _siftdown(heap, startpos: int, pos: int) -> None:
    newitem = heap[pos]
    while pos > startpos:
        parentpos = (pos - 1) >> 1
        parent = heap[parentpos]
        if newitem < parent:
            heap[pos] = parent
            pos = parentpos
            continue
        break
    heap[pos] = newitem


def _siftup(heap, pos: int) -> None:
    endpos = len(heap)
    startpos = pos
    newitem = heap[pos]
    childpos = 2 * pos + 1
    while childpos < endpos:
        rightpos = childpos + 1
        if rightpos < endpos and not heap[childpos] < heap[rightpos]:
            childpos = rightpos
        heap[pos] = heap[childpos]
        pos = childpos
        childpos = 2 * pos + 1
    heap[pos] = newitem
    _siftdown(heap, startpos, pos)


def _siftdown_max(heap, startpos: int, pos: int) -> None:
    newitem = heap[pos]
    while pos > startpos:
        parentpos = (pos - 1) >> 1
        parent = heap[parentpos]
        if parent < newitem:
            heap[pos] = parent
            pos = parentpos
            continue
        break
    heap[pos] = newitem


def _siftup_max(heap, pos: int) -> None:
    endpos = len(heap)
    startpos = pos
    newitem = heap[pos]
    childpos = 2 * pos + 1
    while childpos < endpos:
        rightpos = childpos + 1
        if rightpos < endpos and not heap[rightpos] < heap[childpos]:
            childpos = rightpos
        heap[pos] = heap[childpos]
        pos = childpos
        childpos = 2 * pos + 1
    heap[pos] = newitem
    _siftdown_max(heap, startpos, pos)


def _check_list(heap) -> None:
    if not isinstance(heap, list):
        raise TypeError("heap argument must be a list")


def heappush(heap, item) -> None:
    _check_list(heap)
    heap.append(item)
    _siftdown(heap, 0, len(heap) - 1)


def heappop(heap):
    _check_list(heap)
    if not heap:
        raise IndexError("index out of range")
    lastelt = heap.pop()
    if heap:
        returnitem = heap[0]
        heap[0] = lastelt
        _siftup(heap, 0)
        return returnitem
    return lastelt


def heapreplace(heap, item):
    _check_list(heap)
    if not heap:
        raise IndexError("index out of range")
    returnitem = heap[0]
    heap[0] = item
    _siftup(heap, 0)
    return returnitem


def heappushpop(heap, item):
    _check_list(heap)
    if heap and heap[0] < item:
        returnitem = heap[0]
        heap[0] = item
        _siftup(heap, 0)
        return returnitem
    return item


def heapify(x) -> None:
    _check_list(x)
    for i in range(len(x) // 2 - 1, -1, -1):
        _siftup(x, i)


def _heapify_max(x) -> None:
    for i in range(len(x) // 2 - 1, -1, -1):
        _siftup_max(x, i)


def _heappop_max(heap):
    lastelt = heap.pop()
    if heap:
        returnitem = heap[0]
        heap[0] = lastelt
        _siftup_max(heap, 0)
        return returnitem
    return lastelt


def _heapreplace_max(heap, item):
    returnitem = heap[0]
    heap[0] = item
    _siftup_max(heap, 0)
    return returnitem


def nsmallest(n, iterable, key=None):
    """heapq.nsmallest: sorted(iterable, key=key)[:n], by heapq.py's steps."""
    items = list(iterable)
    if key is None:
        if n == 1:
            return [min(items)] if items else items
        if n >= len(items):
            return sorted(items)[:n]
        result = [(items[i], i) for i in range(min(n, len(items)))]
        if not result:
            return [x for x, _ in result]
        _heapify_max(result)
        top = result[0][0]
        order = n
        for elem in items[len(result):]:
            if elem < top:
                _heapreplace_max(result, (elem, order))
                top = result[0][0]
                order += 1
        result.sort()
        return [elem for elem, _ in result]
    if n == 1:
        return [min(items, key=key)] if items else items
    if n >= len(items):
        return sorted(items, key=key)[:n]
    keyed = [(key(items[i]), i, items[i]) for i in range(min(n, len(items)))]
    if not keyed:
        return [elem for _, _, elem in keyed]
    _heapify_max(keyed)
    top_key = keyed[0][0]
    order = n
    for elem in items[len(keyed):]:
        k = key(elem)
        if k < top_key:
            _heapreplace_max(keyed, (k, order, elem))
            top_key = keyed[0][0]
            order += 1
    keyed.sort()
    return [elem for _, _, elem in keyed]


def nlargest(n, iterable, key=None):
    """heapq.nlargest: sorted(iterable, key=key, reverse=True)[:n], by
    heapq.py's steps."""
    items = list(iterable)
    if key is None:
        if n == 1:
            return [max(items)] if items else items
        if n >= len(items):
            return sorted(items, reverse=True)[:n]
        result = [(items[i], -i) for i in range(min(n, len(items)))]
        if not result:
            return [x for x, _ in result]
        heapify(result)
        top = result[0][0]
        order = -n
        for elem in items[len(result):]:
            if top < elem:
                heapreplace(result, (elem, order))
                top = result[0][0]
                order -= 1
        result.sort(reverse=True)
        return [elem for elem, _ in result]
    if n == 1:
        return [max(items, key=key)] if items else items
    if n >= len(items):
        return sorted(items, key=key, reverse=True)[:n]
    keyed = [(key(items[i]), -i, items[i]) for i in range(min(n, len(items)))]
    if not keyed:
        return [elem for _, _, elem in keyed]
    heapify(keyed)
    top_key = keyed[0][0]
    order = -n
    for elem in items[len(keyed):]:
        k = key(elem)
        if top_key < k:
            heapreplace(keyed, (k, order, elem))
            top_key = keyed[0][0]
            order -= 1
    keyed.sort(reverse=True)
    return [elem for _, _, elem in keyed]


def merge(*iterables, key=None, reverse=False):
    """heapq.merge of sorted sequences: the heap of heapq.py's entries
    ([value, order, next]), an entry's next value taken by position."""
    sources = list(iterables)
    direction = -1 if reverse else 1
    if key is None:
        h = [(sources[i][0], i * direction, 1) for i in range(len(sources)) if len(sources[i]) > 0]
    else:
        h = [(key(sources[i][0]), i * direction, 1) for i in range(len(sources))
             if len(sources[i]) > 0]
    if reverse:
        _heapify_max(h)
    else:
        heapify(h)
    while len(h) > 1:
        order = h[0][1]
        pos = h[0][2]
        source = sources[order * direction]
        yield source[pos - 1]
        if pos < len(source):
            if key is None:
                entry = (source[pos], order, pos + 1)
            else:
                entry = (key(source[pos]), order, pos + 1)
            if reverse:
                _heapreplace_max(h, entry)
            else:
                heapreplace(h, entry)
        elif reverse:
            _heappop_max(h)
        else:
            heappop(h)
    if h:
        order = h[0][1]
        pos = h[0][2]
        source = sources[order * direction]
        for i in range(pos - 1, len(source)):
            yield source[i]
