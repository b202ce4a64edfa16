"""The compilation pipeline, as one readable list of steps:

    Python function + argument types
      -> frontend (AST -> typed SSA IR, callees included)   pyjitx.frontend
      -> verify                                              pyjitx.ir.verify
      -> lower to LLVM IR                                    pyjitx.backend.lower
      -> optimise, emit a relocatable object                 pyjitx.backend.codegen
      -> link into the in-process JIT                        pyjitx.backend.jit
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from .backend.abi import boundary_descriptor
from .backend.codegen import ObjectCode, emit_object
from .backend.target import Target
from .frontend.session import CompileSession
from .frontend.stdclasses import mentions_std_types
from .ir import ops
from .ir.passes import borrow_loop_items, mark_call_cycles, mutated_params
from .ir.printer import format_module
from .ir.types import Type
from .ir.refcount import insert_refcounts
from .ir.verify import verify_function


@dataclass
class CompiledModule:
    """A compiled entry point: everything needed to call it from Python,
    and to cache or ship it."""

    name: str
    param_names: List[str]
    param_types: List[Type]
    return_type: Type
    symbol: str
    ir_text: str
    code: ObjectCode
    dependencies: Dict[str, str] = field(default_factory=dict)
    mutated_params: FrozenSet[str] = frozenset()
    uses_classes: bool = False
    calls_python: bool = False  # holds pyfunc handles, valid in this process only
    # a generator function: the code returns the list of its items, which
    # the bridge hands to Python as an iterator over them ('g' descriptor)
    returns_iterator: bool = False
    # module-level names the code declares `global`, in slot order, as
    # (module, name, boundary descriptor): the boundary copies them in and
    # out around each call from Python (frontend/module_state.py)
    states: List[Tuple[str, str, str]] = field(default_factory=list)
    # (memo symbol, Python instance) of captured instances made in Python:
    # the loader presets each memo with the instance (this process only)
    presets: List[Tuple[str, Any]] = field(default_factory=list)
    # the user classes whose instances the code may hand to Python (their
    # Python types are made when the code is loaded: pyjitx.classes)
    classes: List[type] = field(default_factory=list)
    # draws from random's module-level generator: the boundary lends it the
    # interpreter's for each call from Python (frontend/stdlib.py)
    uses_random: bool = False

    @property
    def cacheable(self) -> bool:
        """Whether the object code may be stored on disk and used by another
        process: not while class layouts are missing from the cache key,
        nor with pyfunc handles in it."""
        return self.uncacheable_because is None

    @property
    def uncacheable_because(self) -> Optional[str]:
        if self.uses_classes:
            return "it uses compiled classes"
        if self.calls_python:
            return "it calls Python (pyjitx.pyfunc)"
        if self.presets:
            return "it holds objects of this process"
        return None

    @property
    def packed_symbol(self) -> str:
        return self.symbol + "__packed"

    @property
    def state_symbols(self) -> List[str]:
        """Each state's slot symbol, then its is-set byte's."""
        from .backend.lower import state_symbol

        return [name for i in range(len(self.states))
                for name in (state_symbol(self.symbol, i), state_symbol(self.symbol, i) + ".set")]

    @property
    def param_descriptors(self) -> Tuple[str, ...]:
        """Boundary descriptors of the parameters ('!' marks containers the
        function may mutate: the bridge writes them back to the caller's
        objects)."""
        return tuple(("!" if name in self.mutated_params else "") + boundary_descriptor(t)
                     for name, t in zip(self.param_names, self.param_types))

    @property
    def return_descriptor(self) -> str:
        descriptor = boundary_descriptor(self.return_type)
        if self.returns_iterator:
            assert descriptor.startswith("l[")
            return "g" + descriptor[1:]
        return descriptor

    @property
    def signature_text(self) -> str:
        params = ", ".join(f"{n}: {t}" for n, t in zip(self.param_names, self.param_types))
        result = (f"Iterator[{self.return_type.item}]" if self.returns_iterator  # type: ignore[attr-defined]
                  else str(self.return_type))
        return f"({params}) -> {result}"


def build_ir(pyfunc: Callable, arg_types: Tuple[Type, ...]) -> Tuple[ops.Module, ops.FunctionSignature, CompileSession]:
    session = CompileSession()
    signature = session.function_for(pyfunc, arg_types)
    module = session.module(signature.symbol)
    module.function(signature.symbol).exported = True
    mark_call_cycles(module)
    for fn in module.functions:
        verify_function(fn)
        borrow_loop_items(fn)
        insert_refcounts(fn)
        verify_function(fn)
    return module, signature, session


def _check_imports(externals) -> None:
    """Every runtime function the code calls must exist in this runtime: a
    mismatch is a broken installation, reported as such rather than as a
    linker failure."""
    from .backend.jit import runtime_symbol_names

    available = runtime_symbol_names()
    missing = sorted(n for n in externals if not n.startswith("llvm.") and n not in available)
    if missing:
        raise RuntimeError(f"pyjitx: the installed runtime lacks {', '.join(missing)}; the "
                           "native part is out of date -- reinstall pyjitx (pip install -e .)")


def compile_function(pyfunc: Callable, arg_types: Tuple[Type, ...], target: Target,
                     opt: int = 2) -> CompiledModule:
    # imported here: a process that only loads cached code never needs it
    from .backend.lower import ModuleLowering, constant_memo_symbol

    module, signature, session = build_ir(pyfunc, arg_types)
    data_layout = str(target.machine(opt).target_data)
    lowering = ModuleLowering(module, target.triple, data_layout)
    llvm_module = lowering.lower()
    _check_imports(lowering.externals)
    code = emit_object(llvm_module, target, opt)
    return CompiledModule(
        name=signature.name, param_names=signature.param_names,
        param_types=signature.param_types, return_type=signature.return_type,
        symbol=signature.symbol, ir_text=format_module(module), code=code,
        dependencies=dict(session.dependencies),
        mutated_params=frozenset(mutated_params(module.function(signature.symbol))),
        uses_classes=bool(session.used_classes) or session.any_dispatch or mentions_std_types(module),
        calls_python=session.calls_python,
        returns_iterator=inspect.isgeneratorfunction(pyfunc),
        states=[(s.module, s.name, boundary_descriptor(s.type)) for s in module.states],
        presets=[(constant_memo_symbol(symbol), obj) for symbol, obj in module.presets.items()],
        classes=[info.pyclass for info in session.used_classes.values()],
        uses_random=getattr(session, "uses_random", False))
