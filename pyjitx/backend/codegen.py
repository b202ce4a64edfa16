"""LLVM module -> optimised module -> relocatable object file."""
from __future__ import annotations

from dataclasses import dataclass

import llvmlite.binding as llvm
from llvmlite import ir

from .target import Target


@dataclass
class ObjectCode:
    """What the backend produces for one IR module: the object file that the
    JIT, the on-disk cache and C++ hosts all use, plus the texts for
    inspection."""

    object_bytes: bytes
    llvm_ir: str           # optimised
    target: Target
    opt: int

    def assembly(self) -> str:
        module = llvm.parse_assembly(self.llvm_ir)
        return self.target.machine(self.opt).emit_assembly(module)


def optimise(module: ir.Module, target: Target, opt: int) -> "llvm.ModuleRef":
    parsed = llvm.parse_assembly(str(module))
    parsed.verify()
    if opt > 0:
        machine = target.machine(opt)
        tuning = llvm.create_pipeline_tuning_options(speed_level=min(opt, 3))
        builder = llvm.create_pass_builder(machine, tuning)
        builder.getModulePassManager().run(parsed, builder)
    return parsed


def emit_object(module: ir.Module, target: Target, opt: int) -> ObjectCode:
    optimised = optimise(module, target, opt)
    object_bytes = target.machine(opt).emit_object(optimised)
    return ObjectCode(bytes(object_bytes), str(optimised), target, opt)
