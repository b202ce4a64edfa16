"""Ahead-of-time linking: pyjitx object files -> a shared library that a C or
C++ host loads without Python.

The in-process JIT (jit.py) links compiled code against the runtime copy
inside the Python extension.  Code that leaves the process needs the
runtime as a library of its own: the build installs the same libruntime/*.c
sources as `pyjitx/lib/libpyjitx_runtime.so` (no Python in it), and the
runtime's public headers with it (`pyjitx/include` in a wheel,
libruntime/include in a source checkout).

    link_shared([Path("add.o")], Path("libadd.so"))

links with the system C compiler driver (`$CC`, else `cc`, `gcc`, `clang`
on PATH, else the compiler Python was built with), which knows where the C
library and the linker live; pyjitx adds no toolchain of its own.  The
result depends on `libpyjitx_runtime.so` (its soname) and finds it through
its RUNPATH, in this order:

1. `$ORIGIN` -- the directory of the library itself, so that a directory
   holding `lib<name>.so` next to a copy of the runtime (a saved pipeline,
   a deployed build: `bundle_runtime=True` makes that copy) works wherever
   it is moved;
2. the runtime of this pyjitx installation, by absolute path, so that a
   library built and used on the same machine needs no copy (left out with
   `bundle_runtime=True`: a file meant to travel should not name a path on
   the machine that built it).

Undefined symbols are a link error (`--no-undefined`), not a host's
load-time failure: code that calls back into Python (`pyjitx.pyfunc`)
references the bridge's `pjx_call_python`, which only exists inside
Python, and is refused here with the linker's message.

A C/C++ host compiles against the headers and links the runtime with
`cflags()` and `libs()` (also `pyjitx config --cflags --libs`; `libs(static=
True)`, `--libs --static`, links `libpyjitx_runtime.a` instead, and
`pyjitx config --cmakedir` points CMake's find_package at
pyjitx/cmake/pyjitxConfig.cmake), and calls
the exported entry points declared in lower.py's docstring:
`int32_t sym(args..., result *out)` and `int32_t sym__packed(const
uint64_t *args, uint64_t *out)` (0: ok, -1: exception pending, see
`pjx_err_kind`/`pjx_err_message`).  A library loaded into a Python
process that also imported pyjitx gets its own runtime instance, separate
from the extension's: objects must not cross between the two.

ELF platforms (Linux) only: `$ORIGIN`, `-soname` and `--no-undefined` are
GNU ld/lld conventions.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import List, Sequence

from ..errors import LinkError

RUNTIME_NAME = "pyjitx_runtime"
RUNTIME_FILE = f"lib{RUNTIME_NAME}.so"
RUNTIME_STATIC_FILE = f"lib{RUNTIME_NAME}.a"
# what the runtime itself needs from the system when linked statically
RUNTIME_STATIC_DEPS = ["-lm", "-pthread"]

_PACKAGE = Path(__file__).resolve().parents[1]


def runtime_library() -> Path:
    """The installed `libpyjitx_runtime.so`."""
    path = _PACKAGE / "lib" / RUNTIME_FILE
    if not path.is_file():
        raise LinkError(f"pyjitx's runtime library {path} is missing: the native part was not "
                        "built -- reinstall pyjitx (pip install -e .) or run "
                        "`python setup.py build_ext --inplace`")
    return path


def static_runtime_library() -> Path:
    """The installed `libpyjitx_runtime.a` (the same objects as the shared
    library, position-independent)."""
    path = _PACKAGE / "lib" / RUNTIME_STATIC_FILE
    if not path.is_file():
        raise LinkError(f"pyjitx's static runtime library {path} is missing: the native part "
                        "was not built -- reinstall pyjitx (pip install -e .) or run "
                        "`python setup.py build_ext --inplace`")
    return path


def library_dir() -> Path:
    """The directory holding libpyjitx_runtime.so and .a."""
    return runtime_library().parent


def cmake_dir() -> Path:
    """The directory holding pyjitxConfig.cmake, for
    `cmake -Dpyjitx_DIR=...` and `find_package(pyjitx CONFIG)`."""
    path = _PACKAGE / "cmake"
    if not (path / "pyjitxConfig.cmake").is_file():
        raise LinkError(f"pyjitx's CMake package config {path}/pyjitxConfig.cmake is missing: "
                        "reinstall pyjitx")
    return path


def include_dir() -> Path:
    """The directory to pass as `-I`: it holds `pyjitx/runtime.h` and the
    other public runtime headers.  A wheel ships them in the package; a
    source checkout (editable install) uses libruntime/include directly."""
    for candidate in (_PACKAGE / "include", _PACKAGE.parent / "libruntime" / "include"):
        if (candidate / "pyjitx" / "runtime.h").is_file():
            return candidate
    raise LinkError(f"pyjitx's C headers (pyjitx/runtime.h) are missing from {_PACKAGE}: "
                    "reinstall pyjitx")


def cflags() -> List[str]:
    """Flags to compile a C or C++ host against the runtime headers."""
    return [f"-I{include_dir()}"]


def libs(static: bool = False) -> List[str]:
    """Flags to link a host against the runtime, with an rpath to this
    installation's copy so that the host runs without LD_LIBRARY_PATH; with
    `static`, the archive itself and what it needs (the host then runs
    with no pyjitx file at all)."""
    if static:
        return [str(static_runtime_library()), *RUNTIME_STATIC_DEPS]
    libdir = runtime_library().parent
    return [f"-L{libdir}", f"-Wl,-rpath,{libdir}", f"-l{RUNTIME_NAME}"]


def c_compiler() -> List[str]:
    """The argv prefix of the C compiler driver to link with (it may carry
    flags, as `$CC` often does).  Raises LinkError when none is installed."""
    tried = []
    candidates = [os.environ.get("CC", ""), "cc", "gcc", "clang", sysconfig.get_config_var("CC") or ""]
    for candidate in candidates:
        argv = shlex.split(candidate)
        if not argv:
            continue
        tried.append(argv[0])
        found = shutil.which(argv[0])
        if found:
            return [found, *argv[1:]]
    raise LinkError(f"no C compiler found to link with: tried {', '.join(dict.fromkeys(tried))} "
                    "($CC, then PATH). pyjitx links object files with the system C compiler "
                    "driver: install one (e.g. `apt install gcc`) or set CC")


def link_shared(object_paths: Sequence[Path], output: Path, *, bundle_runtime: bool = False) -> None:
    """Links relocatable object files produced by pyjitx (`CompiledModule.code
    .object_bytes` written to disk) into the shared library `output`, which
    depends on libpyjitx_runtime.so.  With `bundle_runtime`, a copy of the
    runtime is placed next to `output` and only `$ORIGIN` is searched (see
    the module docstring)."""
    objects = [Path(p) for p in object_paths]
    if not objects:
        raise ValueError("link_shared needs at least one object file")
    missing = [str(p) for p in objects if not p.is_file()]
    if missing:
        raise LinkError(f"cannot link {output}: no such object file {', '.join(missing)}")
    runtime = runtime_library()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    rpath = ["$ORIGIN"]
    if bundle_runtime:
        copy = output.parent / RUNTIME_FILE
        if not (copy.exists() and copy.samefile(runtime)):
            shutil.copy2(runtime, copy)
    else:
        rpath.append(str(runtime.parent))
    command = [*c_compiler(), "-shared", "-o", str(output), *(str(p) for p in objects),
               str(runtime), "-lm", "-Wl,--no-undefined", "-Wl,-rpath," + ":".join(rpath)]
    run_compiler(command, f"linking {output}")


def run_compiler(command: List[str], what: str) -> None:
    """Runs a C compiler/linker command; a LinkError with its stderr (and
    the command, to reproduce it) when it cannot run or fails."""
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as exc:
        raise LinkError(f"cannot run the C compiler {command[0]}: {exc}") from exc
    if result.returncode != 0:
        raise LinkError(f"{what} failed ({Path(command[0]).name} exited with "
                        f"{result.returncode}):\n{result.stderr.strip()}\n  command: "
                        f"{shlex.join(command)}")
