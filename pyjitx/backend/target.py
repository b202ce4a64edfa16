"""The machine code is generated for: the host CPU for in-process JIT code
(fastest; the cache key includes it), or a baseline x86-64-v2 for files
that travel (saved pipelines, `pyjitx build`)."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import llvmlite.binding as llvm


@functools.lru_cache(maxsize=None)
def _initialise() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()


@dataclass(frozen=True)
class Target:
    triple: str
    cpu: str
    features: str

    @property
    def key(self) -> str:
        text = f"{self.triple}|{self.cpu}|{self.features}|llvm{llvm.llvm_version_info}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @functools.lru_cache(maxsize=None)
    def machine(self, opt: int) -> "llvm.TargetMachine":
        _initialise()
        target = llvm.Target.from_triple(self.triple)
        return target.create_target_machine(cpu=self.cpu, features=self.features, opt=opt,
                                            reloc="pic", codemodel="default")


@functools.lru_cache(maxsize=None)
def host_target() -> Target:
    _initialise()
    return Target(llvm.get_process_triple(), llvm.get_host_cpu_name(),
                  llvm.get_host_cpu_features().flatten())


@functools.lru_cache(maxsize=None)
def portable_target() -> Target:
    _initialise()
    return Target(llvm.get_process_triple(), "x86-64-v2", "")
