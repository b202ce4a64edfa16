"""Text form of the IR, for inspect_ir() and golden tests.

    def fib(n: int) -> int  @pjx_fib_...
    b0(%n: int):
      %0 = cmp lt %n, 2
      branch %0, b1(), b2()
"""
from __future__ import annotations

from typing import Dict, List

from .ops import (Block, BlockParam, Constant, Edge, Function, Module, Op, Raise, Terminator,
                  Undefined, Value)
from .types import FunctionRefType, FunctionSetType


class _Namer:
    def __init__(self) -> None:
        self.names: Dict[Value, str] = {}

    def __call__(self, value: Value) -> str:
        if isinstance(value, Constant):
            if isinstance(value.type, FunctionRefType):
                return f"fn {value.type.name}"
            if isinstance(value.type, FunctionSetType):  # the key of one member
                member = next(m for m in value.type.members if m.key == value.value)
                return f"fn {member.name}"
            return repr(value.value) if value.value is not None else "None"
        if isinstance(value, Undefined):
            return f"undef:{value.type}"
        if value not in self.names:
            if isinstance(value, BlockParam):
                self.names[value] = f"%{value.name}.{len(self.names)}"
            else:
                self.names[value] = f"%{len(self.names)}"
        return self.names[value]


def format_function(fn: Function) -> str:
    name = _Namer()
    sig = fn.signature
    flags = " recursive" if fn.recursive else ""
    lines: List[str] = [f"def {sig.name}{sig}  @{sig.symbol}{flags}"]
    for block in fn.blocks:
        for param in block.params:
            name(param)
        params = ", ".join(f"{name(p)}: {p.type}" for p in block.params)
        lines.append(f"{block.label}({params}):")
        for op in block.ops:
            lines.append("  " + _format_op(op, name))
        if block.terminator is not None:
            lines.append("  " + _format_terminator(block.terminator, name))
    return "\n".join(lines)


def _format_op(op: Op, name: _Namer) -> str:
    attrs = op.attributes()
    operands = ", ".join(name(v) for v in op.operands)
    text = " ".join(part for part in (op.mnemonic, attrs, operands) if part)
    raises = "  !raises" if op.can_raise else ""
    return f"{name(op)}: {op.type} = {text}{raises}"


def _format_edge(edge: Edge, name: _Namer) -> str:
    return f"{edge.target.label}({', '.join(name(a) for a in edge.args)})"


def _format_terminator(term: Terminator, name: _Namer) -> str:
    if isinstance(term, Raise):
        return f"raise {term.kind}({term.message!r})"
    parts = [name(v) for v in term.operands] + [_format_edge(e, name) for e in term.edges]
    return f"{term.mnemonic} {', '.join(parts)}".rstrip()


def format_module(module: Module) -> str:
    return "\n\n".join(format_function(fn) for fn in module.functions) + "\n"
