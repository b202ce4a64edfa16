"""What each compiled-class instance made from Python received at
construction, so that a pipeline using it can save its state
(docs/spec.md §3.3: the arguments its constructor received) and rebuild it
in another process.

pyjitx/classes.py calls `record` from the type's __new__.  The arguments
are copied before the constructor runs (containers only: the compiled
constructor converts them into runtime copies too, so later changes to the
caller's lists and dicts -- or the write-back of a constructor that mutates
its argument -- must not change what is saved; arrays are shared with the
instance through DLPack, so they are kept by reference, like instances).

The table is keyed by the runtime instance's address: every read of a
compiled field makes a new wrapper of the same instance, so Python's id()
would not find it again.  An entry lives as long as the wrapper the
constructor returned (a weak reference drops it), which keeps the table
from outliving what it describes; keep that object referenced (as a
workflow's attribute normally does) until the pipeline is saved.
"""
from __future__ import annotations

import weakref
from typing import Any, Dict, Optional, Tuple

from .. import _ext

class Construction(weakref.ref):
    """How one instance was made -- its constructor (a LoadedOp, or a
    CompiledFunction whose specialisation is found when saving) and its
    arguments -- as a weak reference to the wrapper the constructor
    returned.  One is made on every construction: record() fills the
    slots directly (a Python __init__ would triple the cost)."""

    __slots__ = ("constructor", "args", "kwargs", "address")
    constructor: Any
    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    address: int


_records: Dict[int, Construction] = {}


def _forget(ref: Construction) -> None:
    # (the runtime instance may live on in another wrapper, but no address
    # is reused before this runs: the wrapper frees its instance after)
    if _records.get(ref.address) is ref:
        del _records[ref.address]


def snapshot(value: Any) -> Any:
    """`value` with its lists, dicts and sets copied, deeply (sharing and
    cycles preserved); everything else is the same object.  In C: it runs
    on every construction of a compiled class from Python."""
    return _ext.snapshot(value)


def record(instance: Any, constructor: Any, args: Tuple[Any, ...],
           kwargs: Dict[str, Any]) -> None:
    """Remember how `instance` (a wrapper just returned by `constructor`,
    called with `args` and `kwargs` as snapshot() copied them) was made,
    while it lives."""
    made = Construction(instance, _forget)
    made.constructor = constructor
    made.args = args
    made.kwargs = kwargs
    made.address = address = _ext.instance_address(instance)
    _records[address] = made


def lookup(instance: Any) -> Optional[Construction]:
    """How `instance` (any wrapper of it) was made, if known."""
    return _records.get(_ext.instance_address(instance))
