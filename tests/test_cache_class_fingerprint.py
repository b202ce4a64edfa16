"""pyjitx.cache_classes.class_fingerprint, what cached code compiled
against a class is checked with at load: the same class statement gives
the same fingerprint (an entry stays usable), and every change of the
layout -- a field retyped, dropped, added, moved, its default changed, a
base added -- gives another (the entry is stale).  In process: a fresh
class object stands for the class as another process would define it."""
import sys
import types

from hypothesis import given, settings
from hypothesis import strategies as st

from pyjitx.cache_classes import class_fingerprint
from pyjitx.frontend.classes import _forget, info_for
from pyjitx.frontend.session import CompileSession

MODULE = "pjx_fingerprint_mod"
NAMES = ["a", "total", "café", "名前", "x_1", "ñ", "value"]
TYPES = ["int", "float", "str", "bool", "List[int]", "Optional[str]", "Dict[str, int]",
         "Base"]
DEFAULTS = {"int": ["0", "-9223372036854775807", "7"], "float": ["0.5", "-1e300"],
            "str": ["''", "'héllo 世界 🎉'"], "bool": ["True", "False"]}


def fingerprint(fields, base=False, defaults=()):
    """The fingerprint of `class K` with these (name, type) fields, made
    afresh in a module of its own."""
    lines = ["from typing import Dict, List, Optional", "", "class Base:",
             "    b: int", "", f"class K{'(Base)' if base else ''}:"]
    for name, t in fields:
        default = dict(defaults).get(name)
        lines.append(f"    {name}: {t}" + (f" = {default}" if default is not None else ""))
    lines.append("    def fp_probe(self) -> int:\n        return 1")
    module = types.ModuleType(MODULE)
    sys.modules[MODULE] = module
    try:
        exec(compile("\n".join(lines) + "\n", f"<{MODULE}>", "exec"), module.__dict__)
        info = info_for(module.K)
        try:
            info.settle(CompileSession())
            return class_fingerprint(info)
        finally:
            # (not left among the classes an Any dispatches over in later tests)
            _forget(info)
            _forget(info_for(module.Base))
    finally:
        del sys.modules[MODULE]


fields_strategy = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(TYPES)),
                           min_size=1, max_size=5, unique_by=lambda f: f[0])


@settings(max_examples=40, deadline=None)
@given(fields=fields_strategy, change=st.sampled_from(["retype", "drop", "add", "move", "base"]),
       which=st.integers(0, 4), data=st.data())
def test_every_layout_change_changes_the_fingerprint(fields, change, which, data):
    original = fingerprint(fields)
    assert fingerprint(fields) == original  # the same class again: the entry stays
    i = which % len(fields)
    name, t = fields[i]
    changed = list(fields)
    base = False
    if change == "retype":
        changed[i] = (name, data.draw(st.sampled_from([u for u in TYPES if u != t])))
    elif change == "drop" and len(fields) > 1:
        del changed[i]
    elif change == "move" and len(fields) > 1:
        changed.insert((i + 1) % len(fields), changed.pop(i))
        if changed == fields:
            return
    elif change == "base":
        base = True
    else:  # add (or drop/move of a lone field)
        extra = data.draw(st.sampled_from([n for n in NAMES + ["zz"] if n not in dict(fields)]))
        changed.insert(data.draw(st.integers(0, len(fields))), (extra, "int"))
    assert fingerprint(changed, base=base) != original


@settings(max_examples=25, deadline=None)
@given(t=st.sampled_from(sorted(DEFAULTS)), data=st.data())
def test_a_changed_default_changes_the_fingerprint(t, data):
    first, second = data.draw(st.lists(st.sampled_from(DEFAULTS[t]), min_size=2, max_size=2,
                                       unique=True))
    fields = [("value", t)]
    assert fingerprint(fields, defaults=[("value", first)]) == \
        fingerprint(fields, defaults=[("value", first)])
    assert fingerprint(fields, defaults=[("value", first)]) != \
        fingerprint(fields, defaults=[("value", second)])
