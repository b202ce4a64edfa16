"""LLVM module -> optimised module -> relocatable object file."""
from __future__ import annotations

from dataclasses import dataclass

import llvmlite.binding as llvm
from llvmlite.binding import ffi
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
        module = llvm.parse_assembly(self.llvm_ir, context=llvm.create_context())
        return self.target.machine(self.opt).emit_assembly(module)


def optimise(module: ir.Module, target: Target, opt: int) -> "llvm.ModuleRef":
    # A context of its own, freed with the module: in LLVM's global context
    # every compile's types, constants and metadata would stay for good
    # (about 100 KB a function, never returned).
    parsed = llvm.parse_assembly(str(module), context=llvm.create_context())
    parsed.verify()
    if opt > 0:
        machine = target.machine(opt)
        tuning = llvm.create_pipeline_tuning_options(speed_level=min(opt, 3))
        builder = llvm.create_pass_builder(machine, tuning)
        passes = builder.getModulePassManager()
        try:
            passes.run(parsed, builder)
        finally:
            _dispose_module_passes(passes)
    return parsed


def _dispose_module_passes(passes: "llvm.ModulePassManager") -> None:
    """Frees a module pass manager.  llvmlite 0.50's ModulePassManager never
    disposes of itself (no _dispose), which leaked about 60 KB per compile;
    its C API has the call, under this (misspelt) name."""
    dispose = getattr(ffi.lib, "LLVMPY_DisposeNewModulePassManger", None)
    if dispose is None or "_dispose" in type(passes).__dict__:
        return  # (an llvmlite that frees it itself)
    dispose.argtypes = [ffi.LLVMModulePassManagerRef]
    dispose(passes)
    passes.detach()


def emit_object(module: ir.Module, target: Target, opt: int) -> ObjectCode:
    optimised = optimise(module, target, opt)
    object_bytes = target.machine(opt).emit_object(optimised)
    return ObjectCode(bytes(object_bytes), str(optimised), target, opt)
