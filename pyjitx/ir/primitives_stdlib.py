"""Primitives of the standard-library stand-ins: collections (libruntime/
include/pyjitx/collections.h), json (json_codec.h) and functools'
caches.  Registered in the one table (primitives.PRIMITIVES) like the
others; kept apart so that each module's primitives read as a unit."""
from __future__ import annotations

from .primitives import CSTR, I32, OBJ, SLOT, _p
from .types import INT, NONE

# ---- collections.Counter, OrderedDict, defaultdict -----------------------------
COUNTER_NEW = _p("counter_new", (I32, I32), OBJ)
ODICT_NEW = _p("odict_new", (I32, I32), OBJ)
# (key kind, value kind, factory code, value descriptor, repr of the factory,
# how Python finds it or NULL)
DEFAULTDICT_NEW = _p("defaultdict_new", (I32, I32, I32, CSTR, CSTR, CSTR), OBJ)
DICT_PLAIN_COPY = _p("dict_plain_copy", (OBJ,), OBJ)
COUNTER_GET = _p("counter_get", (OBJ, SLOT), SLOT, "status")
COUNTER_DELITEM = _p("counter_delitem", (OBJ, SLOT), NONE, "status")
# c[key] += n for int counts: one lookup (OverflowError as int addition)
COUNTER_ADD = _p("counter_add", (OBJ, SLOT, INT), NONE, "status")
# c.update(list) / Counter(list): each item counted once
COUNTER_UPDATE_LIST = _p("counter_update_list", (OBJ, OBJ, INT), NONE, "status")
DEFAULTDICT_GETITEM = _p("defaultdict_getitem", (OBJ, SLOT), SLOT, "status")
ODICT_MOVE_TO_END = _p("odict_move_to_end", (OBJ, SLOT, INT), NONE, "status")
ODICT_POPITEM = _p("odict_popitem", (OBJ, INT), OBJ)

# ---- collections.deque ----------------------------------------------------------
DEQUE_NEW = _p("deque_new", (I32, INT), OBJ)
DEQUE_FROM_LIST = _p("deque_from_list", (OBJ, INT), OBJ)
DEQUE_MAXLEN = _p("deque_maxlen", (OBJ,), OBJ, can_raise=False)
DEQUE_APPEND = _p("deque_append", (OBJ, SLOT), NONE, "status")
DEQUE_APPENDLEFT = _p("deque_appendleft", (OBJ, SLOT), NONE, "status")
DEQUE_POP = _p("deque_pop", (OBJ,), SLOT, "status")
DEQUE_POPLEFT = _p("deque_popleft", (OBJ,), SLOT, "status")
DEQUE_EXTEND = _p("deque_extend", (OBJ, OBJ), NONE, "status")
DEQUE_EXTENDLEFT = _p("deque_extendleft", (OBJ, OBJ), NONE, "status")
DEQUE_ROTATE = _p("deque_rotate", (OBJ, INT), NONE, can_raise=False)
DEQUE_CLEAR = _p("deque_clear", (OBJ,), NONE, can_raise=False)
DEQUE_GET = _p("deque_get", (OBJ, INT), SLOT, "status")
DEQUE_SET = _p("deque_set", (OBJ, INT, SLOT), NONE, "status")
DEQUE_DELITEM = _p("deque_delitem", (OBJ, INT), NONE, "status")
DEQUE_INSERT = _p("deque_insert", (OBJ, INT, SLOT), NONE, "status")
DEQUE_REMOVE = _p("deque_remove", (OBJ, SLOT), NONE, "status")
DEQUE_INDEX = _p("deque_index", (OBJ, SLOT, INT, INT), INT, "status")
DEQUE_COPY = _p("deque_copy", (OBJ,), OBJ)
DEQUE_CONCAT = _p("deque_concat", (OBJ, OBJ), OBJ)
DEQUE_REPEAT = _p("deque_repeat", (OBJ, INT), OBJ)
DEQUE_INPLACE_REPEAT = _p("deque_inplace_repeat", (OBJ, INT), NONE, "status")

# Primitives that change their first operand in place (ir.passes.MUTATORS).
MUTATORS = frozenset({
    "counter_delitem", "counter_add", "counter_update_list", "defaultdict_getitem",
    "odict_move_to_end", "odict_popitem",
    "deque_append", "deque_appendleft", "deque_pop", "deque_popleft", "deque_extend",
    "deque_extendleft", "deque_rotate", "deque_clear", "deque_set", "deque_delitem",
    "deque_insert", "deque_remove", "deque_inplace_repeat",
})
# ... of which these can drop an item of a list (a deque: ir.passes._ITEM_DROPPING)
ITEM_DROPPING = frozenset(name for name in MUTATORS if name.startswith("deque_")) - {
    "deque_append", "deque_appendleft", "deque_extend", "deque_extendleft", "deque_rotate",
    "deque_insert"}
# the deque's maxlen drops items on append: those too
ITEM_DROPPING = ITEM_DROPPING | {"deque_append", "deque_appendleft", "deque_extend",
                                 "deque_extendleft"}

# ---- functools.lru_cache / cache (lru_cache.h) --------------------------------
# (cache name, key tuple, maxsize or -1): 1 when cached (the value kept for
# lru_hit, on this thread), else 0
LRU_LOOKUP = _p("lru_lookup", (CSTR, OBJ, INT), INT, "status")
LRU_HIT = _p("lru_hit", (), SLOT, "status")
# (cache name, value kind, key tuple, value, maxsize or -1)
LRU_STORE = _p("lru_store", (CSTR, I32, OBJ, SLOT, INT), NONE, "status")
# f.cache_clear(): (the prefix of the function's cache names)
LRU_CLEAR = _p("lru_clear", (CSTR,), NONE, can_raise=False)
