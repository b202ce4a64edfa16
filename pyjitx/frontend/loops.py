"""`for` loops.  So far: `for name in range(...)`, lowered to a counted
loop over an unsigned trip count, so that no counter can overflow and LLVM
sees a canonical induction variable."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List

from ..ir import ops
from ..ir.types import BOOL, FLOAT, INT

if TYPE_CHECKING:
    from .builder import FunctionBuilder

def build_range_for(b: "FunctionBuilder", stmt: ast.For) -> None:
    call = stmt.iter
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "range" and call.func.id not in b.locals
            and b.lookup_global("range", call.func) is range):
        raise b.error(stmt.iter, "for loops iterate over range(...) so far",
                      hint="iteration over lists, strings and dicts arrives with containers")
    if not isinstance(stmt.target, ast.Name):
        raise b.error(stmt.target, "the loop variable must be a name")
    if call.keywords or not 1 <= len(call.args) <= 3:
        raise b.error(call, "range() takes 1 to 3 positional arguments")
    values: List[ops.Value] = []
    for arg in call.args:
        value = b.expr.value(arg)
        if value.type == BOOL:
            value = b.expr.coerce(value, INT, arg)
        if value.type != INT:
            raise b.error(arg, f"'{value.type}' object cannot be interpreted as an integer",
                          hint="range() takes ints")
        values.append(value)
    if len(values) == 1:
        start, stop, step = ops.Constant(INT, 0), values[0], ops.Constant(INT, 1)
    elif len(values) == 2:
        (start, stop), step = values, ops.Constant(INT, 1)
    else:
        start, stop, step = values
    _check_step(b, step, stmt)

    loop_id = b.next_loop_id()
    counter, current = f".k{loop_id}", f".i{loop_id}"
    count = b.emit(ops.RangeLength(start, stop, step))
    b.ssa.write(counter, b.block, ops.Constant(INT, 0))
    b.ssa.write(current, b.block, start)
    b.var_types[counter] = INT
    b.var_types[current] = INT

    header = b.new_block("for")
    body = b.new_block("forbody")
    latch = b.new_block("fornext")
    orelse = b.new_block("forelse") if stmt.orelse else None
    after = b.new_block("endfor")
    b.goto(header)
    b.start(header)
    k = b.ssa.read(counter, header)
    more = b.emit(ops.Compare("ult", k, count))
    b.branch(more, body, orelse or after)
    b.seal(body)
    b.start(body)
    b.write_var(stmt.target.id, b.ssa.read(current, body), stmt.target)
    b._loop_body(stmt.body, body, continue_target=latch, break_target=after)
    b.seal(latch)
    b.start(latch)
    b.ssa.write(counter, latch, b.emit(ops.IntArith("step_count", b.ssa.read(counter, latch),
                                                     ops.Constant(INT, 1))))
    b.ssa.write(current, latch, b.emit(ops.IntArith("step_index", b.ssa.read(current, latch), step)))
    b.goto(header)
    b.seal(header)
    b._loop_else(orelse, stmt.orelse, after)


def _check_step(b: "FunctionBuilder", step: ops.Value, stmt: ast.For) -> None:
    message = "range() arg 3 must not be zero"
    if isinstance(step, ops.Constant):
        if step.value == 0:
            b.terminate(ops.Raise("ValueError", message, b.lineno(stmt)))
            b.start(b.new_block("dead"))
            b.seal(b.block)
        return
    zero = b.new_block("rangezero")
    ok = b.new_block("rangeok")
    b.branch(b.emit(ops.Compare("eq", step, ops.Constant(INT, 0))), zero, ok)
    b.seal(zero)
    b.seal(ok)
    b.start(zero)
    b.terminate(ops.Raise("ValueError", message, b.lineno(stmt)))
    b.start(ok)
