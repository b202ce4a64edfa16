"""The IR's own machinery: verifier, printer, clean-up passes."""
import pytest

from pyjitx.ir import ops
from pyjitx.ir.primitives import POLL_SIGNALS
from pyjitx.ir.passes import mark_call_cycles, remove_trivial_params, simplify
from pyjitx.ir.printer import format_function
from pyjitx.ir.types import BOOL, FLOAT, INT, unify, with_article
from pyjitx.ir.verify import VerificationError, verify_function


def make_function(param_types=(INT,), return_type=INT, name="f"):
    sig = ops.FunctionSignature(name, f"sym_{name}", [f"p{i}" for i in range(len(param_types))],
                                list(param_types), return_type)
    fn = ops.Function(sig)
    entry = fn.new_block("entry")
    for i, t in enumerate(param_types):
        entry.add_param(t, f"p{i}")
    return fn, entry


def test_types_unify_and_articles():
    assert unify(INT, FLOAT) == FLOAT
    assert unify(INT, INT) == INT
    assert unify(INT, BOOL) is None
    assert with_article(INT) == "an int" and with_article(FLOAT) == "a float"


def test_verifier_accepts_a_loop_with_block_parameters():
    fn, entry = make_function()
    header = fn.new_block("header")
    body = fn.new_block("body")
    done = fn.new_block("done")
    i = header.add_param(INT, "i")
    entry.terminator = ops.Goto(header)
    entry.terminator.edges[0].args = [ops.Constant(INT, 0)]
    more = ops.Compare("lt", i, entry.params[0])
    header.ops.append(more)
    header.terminator = ops.Branch(more, body, done)
    nxt = ops.IntArith("add", i, ops.Constant(INT, 1))
    body.ops.append(nxt)
    # (every loop polls for signals: the verifier refuses one that does not)
    body.ops.append(ops.PrimitiveCall(POLL_SIGNALS, []))
    body.terminator = ops.Goto(header)
    body.terminator.edges[0].args = [nxt]
    done.terminator = ops.Return(i)
    verify_function(fn)
    text = format_function(fn)
    assert "header1(%i.1: int):" in text and "goto header1(%3)" in text and "!raises" in text


def test_verifier_rejects_missing_edge_argument():
    fn, entry = make_function()
    target = fn.new_block("t")
    target.add_param(INT, "x")
    entry.terminator = ops.Goto(target)
    target.terminator = ops.Return(target.params[0])
    with pytest.raises(VerificationError, match="passes 0 arguments for 1"):
        verify_function(fn)


def test_verifier_rejects_use_that_is_not_dominated():
    fn, entry = make_function((BOOL, INT))
    left, right, join = fn.new_block("l"), fn.new_block("r"), fn.new_block("j")
    entry.terminator = ops.Branch(entry.params[0], left, right)
    value = ops.IntArith("add", entry.params[1], ops.Constant(INT, 1))
    left.ops.append(value)
    left.terminator = ops.Goto(join)
    right.terminator = ops.Goto(join)
    join.terminator = ops.Return(value)
    with pytest.raises(VerificationError, match="does not dominate"):
        verify_function(fn)


def test_verifier_rejects_wrong_return_type_and_missing_terminator():
    fn, entry = make_function(return_type=FLOAT)
    entry.terminator = ops.Return(entry.params[0])
    fn.new_block("dangling")
    with pytest.raises(VerificationError) as info:
        verify_function(fn)
    assert "returns int, expected float" in str(info.value)
    assert "no terminator" in str(info.value)


def test_redundant_parameter_cycle_is_removed():
    # A loop-carried parameter that only ever receives the same constant.
    fn, entry = make_function((BOOL,))
    header, body, done = fn.new_block("h"), fn.new_block("b"), fn.new_block("d")
    flag = header.add_param(BOOL, "flag")
    entry.terminator = ops.Goto(header)
    entry.terminator.edges[0].args = [ops.Constant(BOOL, True)]
    header.terminator = ops.Branch(entry.params[0], body, done)
    inner = body.add_param(BOOL, "inner")
    header.terminator.edges[0].args = [flag]
    body.ops.append(ops.PrimitiveCall(POLL_SIGNALS, []))
    body.terminator = ops.Goto(header)
    body.terminator.edges[0].args = [inner]
    fn.signature.return_type = BOOL
    done.terminator = ops.Return(flag)
    remove_trivial_params(fn)
    verify_function(fn)
    assert not header.params and not body.params
    returned = done.terminator.operands[0]
    assert isinstance(returned, ops.Constant) and returned.value is True


def test_parameter_with_two_sources_stays():
    fn, entry = make_function((BOOL, INT))
    left, right, join = fn.new_block("l"), fn.new_block("r"), fn.new_block("j")
    entry.terminator = ops.Branch(entry.params[0], left, right)
    merged = join.add_param(INT, "m")
    left.terminator = ops.Goto(join)
    left.terminator.edges[0].args = [entry.params[1]]
    right.terminator = ops.Goto(join)
    right.terminator.edges[0].args = [ops.Constant(INT, 0)]
    join.terminator = ops.Return(merged)
    simplify(fn)
    verify_function(fn)
    assert join.params == [merged]


def test_call_cycles_are_marked():
    a, a_entry = make_function(name="a")
    b, b_entry = make_function(name="b")
    c, c_entry = make_function(name="c")
    call_b = ops.Call(b.signature, [a_entry.params[0]])
    a_entry.ops.append(call_b)
    a_entry.terminator = ops.Return(call_b)
    call_a = ops.Call(a.signature, [b_entry.params[0]])
    b_entry.ops.append(call_a)
    b_entry.terminator = ops.Return(call_a)
    call_a2 = ops.Call(a.signature, [c_entry.params[0]])
    c_entry.ops.append(call_a2)
    c_entry.terminator = ops.Return(call_a2)
    module = ops.Module("m")
    module.functions = [a, b, c]
    mark_call_cycles(module)
    assert a.recursive and b.recursive and a.cycle == b.cycle
    assert not c.recursive
