"""`obj.m(...)` where obj's static class does not define m but subclasses
do -- a base class that leaves a method to its subclasses without
declaring it (`self.choose_method(mark)` in a base whose subclasses each
define choose_method), as Python's dynamic lookup allows.

The call tests the receiver's run-time class against each compiled
subclass known when compiling that has the method, and calls that class's
method directly; a receiver of any other class gets CPython's
AttributeError.  (A subclass defined after this code was compiled is not
among the classes tested: declaring the method in the base, even as
`raise NotImplementedError`, makes the call an ordinary virtual one.)"""
from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, List, Optional, Tuple

from ..ir import ops
from ..ir.types import ClassType

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def call(b: "FunctionBuilder", receiver: ops.Value, name: str, node: ast.Call) -> Optional[ops.Value]:
    """The dispatched call, or None if no subclass has the method."""
    from .classes import info_for, info_of_type, user_subclasses

    t = receiver.type
    assert isinstance(t, ClassType)
    pyclass = info_of_type(t).pyclass
    targets: List[Tuple[type, object]] = []
    for sub in user_subclasses(pyclass):
        member, owner = info_for(sub).find(name)
        if inspect.isfunction(member):
            targets.append((sub, member))
    if not targets:
        return None
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise b.error(node, f"'{t}' has no method '{name}': its subclasses' methods are called "
                      "here with positional arguments only",
                      hint=f"declare {name} in {pyclass.__name__} (raising NotImplementedError)")
    args = [b.expr.value(a) for a in node.args]  # once, for whichever method runs
    result_var = f".dispatch{b.next_loop_id()}"
    after = b.new_block("dispatched")
    for sub, method in targets:
        hit, miss = b.new_block("dispatch_hit"), b.new_block("dispatch_next")
        from .typechecks import is_type

        b.expr.condition_value(is_type(b, receiver, sub, node), hit, miss)
        b.seal(hit)
        b.seal(miss)
        b.start(hit)
        narrowed = b.emit(ops.OptionalOp("wrap", receiver, info_for(sub).type))  # (a downcast)
        from .classes import call_method

        sub_info = info_for(sub)
        _, owner = sub_info.find(name)
        value = call_method(b, narrowed, method, owner, list(args), node, virtual=False)
        b.write_var(result_var, value, node)
        b.goto(after)
        b.start(miss)
    short = t.name.rsplit(".", 1)[-1]
    b.terminate(ops.Raise("AttributeError", f"'{short}' object has no attribute '{name}'",
                          b.lineno(node)))
    # (the branches' results join as a local's values do)
    b.seal(after)
    b.start(after)
    return b.read_var(result_var, node)
