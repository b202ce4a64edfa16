"""Compiled ops as a pipeline sees them.

An op is one specialisation of a compiled function (a compiled-class
method, constructor or plain function) called with fixed boundary
descriptors.  A pipeline runs it in this process through `BoundOp` (the
bridge's `_ext.call_packed`, which releases the GIL while the machine code
runs), and saves it as an `OpArtifact`: the object file and what a loader
needs to call it without the source.

Two sources of ops: `CompiledOp`, compiled in this process (pyjitx.trace
records these; saving compiles each again for the saving target), and
`LoadedOp`, linked from a saved directory (saving it again writes the same
object file).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, Hashable, Tuple

from .. import _ext
from .compat import TargetSpec
from .errors import PipelineSaveError


@dataclass(frozen=True)
class ExceptionInfo:
    """A user exception class the code may raise: registered under its
    runtime kind at load (as a stand-in class if the real one is absent)."""

    name: str         # module.qualname
    kind: int
    parent_kind: int


@dataclass(frozen=True)
class OpArtifact:
    name: str                       # e.g. "Tokenizer.__call__"
    symbol: str                     # the C-ABI entry point
    entry: str                      # the packed entry call_packed calls
    param_names: Tuple[str, ...]
    param_descriptors: Tuple[str, ...]
    param_types: Tuple[str, ...]
    return_descriptor: str
    return_type: str
    signature: str
    imports: Tuple[str, ...]        # runtime symbols the object file needs
    exceptions: Tuple[ExceptionInfo, ...]
    target: TargetSpec
    object_bytes: bytes = field(repr=False, compare=False)

    @property
    def exports(self) -> Tuple[str, ...]:
        return (self.symbol, self.entry)


class BoundOp:
    """An op callable in this process.  `keepalive` owns its machine code."""

    __slots__ = ("address", "param_descriptors", "return_descriptor", "param_names", "name",
                 "keepalive")

    def __init__(self, address: int, param_descriptors: Tuple[str, ...], return_descriptor: str,
                 param_names: Tuple[str, ...], name: str, keepalive: Any) -> None:
        self.address = address
        self.param_descriptors = param_descriptors
        self.return_descriptor = return_descriptor
        self.param_names = param_names
        self.name = name
        self.keepalive = keepalive

    def __call__(self, args: Tuple[Any, ...]) -> Any:
        return _ext.call_packed(self.address, self.param_descriptors, self.return_descriptor,
                                args, self.param_names, self.name)


class CompiledOp:
    """A specialisation compiled in this process."""

    def __init__(self, function: Any, arg_types: Tuple[Any, ...]) -> None:
        self.function = function  # pyjitx.api.CompiledFunction
        self.arg_types = arg_types
        self.spec = function.compile_for(arg_types)
        self.name = function.pyfunc.__qualname__
        self._artifacts: dict = {}

    @property
    def key(self) -> Hashable:
        return (id(self.function), self.arg_types)

    def bound(self) -> BoundOp:
        spec = self.spec
        return BoundOp(spec.address, spec.param_descriptors, spec.module.return_descriptor,
                       tuple(self.function.param_names), self.function.pyfunc.__name__, spec)

    def artifact(self, target: Any, target_spec: TargetSpec) -> OpArtifact:
        """The op compiled for `target` (the in-process code when that is
        the host's own target)."""
        cached = self._artifacts.get(target_spec)
        if cached is not None:
            return cached
        from ..compiler import compile_function

        module = self.spec.module
        if module.calls_python:
            raise PipelineSaveError(f"op {self.name} calls Python code (pyjitx.pyfunc): a saved "
                                    "pipeline cannot hold Python functions")
        if any("Y" in re.sub(r"c\[[^\]]*\]", "", d)  # (outside class names)
               for d in (*self.spec.param_descriptors, module.return_descriptor)):
            # (a bytearray: no saved format, C++ conversion or state encoding has one yet)
            raise PipelineSaveError(f"op {self.name} takes or returns a bytearray: a saved "
                                    "pipeline passes bytes between ops; convert with bytes(ba) "
                                    "and bytearray(b) inside the op")
        if target != module.code.target:
            module = compile_function(self.function.pyfunc, self.arg_types, target,
                                      self.function.opt)
        artifact = OpArtifact(
            name=self.name, symbol=module.symbol, entry=module.packed_symbol,
            param_names=tuple(self.function.param_names),
            param_descriptors=tuple(self.spec.param_descriptors),
            param_types=tuple(str(t) for t in module.param_types),
            return_descriptor=module.return_descriptor, return_type=str(module.return_type),
            signature=module.signature_text, imports=imports_of(module.code.llvm_ir),
            exceptions=exceptions_of(module.dependencies), target=target_spec,
            object_bytes=module.code.object_bytes)
        self._artifacts[target_spec] = artifact
        return artifact


class LoadedOp:
    """An op linked from a saved directory."""

    def __init__(self, artifact: OpArtifact, loaded: Any) -> None:
        self.saved = artifact
        self.loaded = loaded  # pyjitx.backend.jit.LoadedCode
        self.name = artifact.name

    @property
    def key(self) -> Hashable:
        return ("loaded", id(self.loaded), self.saved.entry)

    def bound(self) -> BoundOp:
        a = self.saved
        return BoundOp(self.loaded[a.entry], a.param_descriptors, a.return_descriptor,
                       a.param_names, a.name.rpartition(".")[2], self.loaded)

    def artifact(self, target: Any, target_spec: TargetSpec) -> OpArtifact:
        if target_spec != self.saved.target:
            raise PipelineSaveError(
                f"op {self.name} was loaded as machine code for {self.saved.target.cpu} "
                f"({self.saved.target.triple}); it cannot be compiled again for "
                f"{target_spec.cpu}: save with the target it was loaded with")
        return self.saved


def compiled_op(function: Any, arg_types: Tuple[Any, ...]) -> CompiledOp:
    """The one CompiledOp of a specialisation (kept by its CompiledFunction),
    so that its object files for saving are compiled once however many
    pipelines or saves use it."""
    op = function.pipeline_ops.get(arg_types)
    if op is None:
        op = function.pipeline_ops[arg_types] = CompiledOp(function, arg_types)
    return op


_DECLARE = re.compile(r'^declare [^@]*@"?([^"(\s]+)"?\(', re.M)
_EXTERNAL = re.compile(r'^@"?([^"\s]+)"? = external ', re.M)


def imports_of(llvm_ir: str) -> Tuple[str, ...]:
    """The runtime symbols an object file links against (LLVM intrinsics
    excluded), from its optimised LLVM IR."""
    names = set(_DECLARE.findall(llvm_ir)) | set(_EXTERNAL.findall(llvm_ir))
    return tuple(sorted(n for n in names if not n.startswith("llvm.")))


def exceptions_of(dependencies: dict) -> Tuple[ExceptionInfo, ...]:
    """The user exception classes code depends on (the compiler records
    them as "exc:<module>:<qualname>" -> kind)."""
    from .. import exceptions

    found = []
    for key, kind_text in sorted(dependencies.items()):
        if not key.startswith("exc:"):
            continue
        _, module, qualname = key.split(":", 2)
        kind = int(kind_text)
        cls = exceptions._by_kind.get(kind)
        if cls is None:
            obj: Any = sys.modules.get(module)
            for part in qualname.split("."):
                obj = getattr(obj, part, None)
            cls = obj
        if not isinstance(cls, type):
            raise PipelineSaveError(f"the exception class {module}.{qualname} that compiled code "
                                    "raises is gone")
        # the class and its user-defined bases, bases first
        chain = []
        while cls.__module__ != "builtins":
            parent = next(b for b in cls.__mro__[1:] if issubclass(b, BaseException))
            chain.append(ExceptionInfo(f"{cls.__module__}.{cls.__qualname__}",
                                       exceptions.kind_of(cls), exceptions.kind_of(parent)))
            cls = parent
        for info in reversed(chain):
            if info not in found:
                found.append(info)
    return tuple(found)
