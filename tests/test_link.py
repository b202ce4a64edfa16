"""Ahead-of-time linking (pyjitx.backend.link): pyjitx object files linked into
a shared library against libpyjitx_runtime.so, called from C and C++ hosts
that have no Python in them.

Each host is a small program embedded here, compiled with the system
compiler and the flags `pyjitx config` prints; the tests check what it
prints.  Skipped where no C compiler is installed."""
import ctypes
import shutil
import subprocess
import os
import sys
from pathlib import Path

import pytest

import pyjitx
from pyjitx.backend import abi, link
from pyjitx.backend.target import portable_target
from pyjitx.compiler import compile_function
from pyjitx.ir.types import INT, STR

# The sanitizer run (tools/run_sanitizers.sh) builds the runtime libraries
# with -fsanitize; hosts linked against them would need the sanitizer
# runtimes too.  The hosts are built and run by the ordinary test run.
pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                                reason="native hosts are not linked in the sanitizer run")



def add(a: int, b: int) -> int:
    return a + b


def floordiv(a: int, b: int) -> int:
    return a // b


def greet(name: str) -> str:
    return "hello " + name.upper() + "!"


@pyjitx.pyfunc
def python_side(x: int) -> int:
    return x


def calls_python(x: int) -> int:
    return python_side(x) + 1


FUNCTIONS = {"ADD": (add, (INT, INT)), "FLOORDIV": (floordiv, (INT, INT)), "GREET": (greet, (STR,))}

# Declarations follow the C entry convention of lower.py: arguments, then a
# pointer to the result; 0 on success, -1 with an exception pending.
# ADD etc. are -D macros naming the real symbols.
HOST = r"""
#include <stdio.h>
#include <string.h>
#include <pyjitx/object.h>

#ifdef __cplusplus
extern "C" {
#endif
int32_t ADD(int64_t a, int64_t b, int64_t *out);
int32_t FLOORDIV(int64_t a, int64_t b, int64_t *out);
int32_t GREET(pjx_str *name, pjx_str **out);
#ifdef __cplusplus
}
#endif

int main(void) {
    int64_t r = 0;
    if (ADD(40, 2, &r) != 0) return 10;
    printf("add %lld\n", (long long)r);
    if (FLOORDIV(7, 0, &r) != -1) return 11;
    printf("floordiv %s: %s\n", pjx_err_kind_name(pjx_err_kind()), pjx_err_message());
    pjx_err_clear();
    const char *text = "w\xc3\xb6rld";
    pjx_str *name = pjx_str_from_utf8(text, (int64_t)strlen(text));
    pjx_str *greeting = NULL;
    if (GREET(name, &greeting) != 0) return 12;
    printf("greet %s (%lld code points)\n", greeting->data, (long long)greeting->length);
    pjx_decref(greeting);
    pjx_decref(name);
    printf("live %lld\n", (long long)pjx_live_objects());
    return 0;
}
"""

HOST_OUTPUT = ("add 42\n"
               "floordiv ZeroDivisionError: integer division or modulo by zero\n"
               "greet hello W\u00d6RLD! (12 code points)\n"
               "live 0\n")

# Loads the library at run time and calls the packed entry, which takes
# every argument as one 8-byte slot: what a generic host does.
DLOPEN_HOST = r"""
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

typedef int32_t (*packed_fn)(const uint64_t *args, uint64_t *out);

int main(int argc, char **argv) {
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { printf("dlopen: %s\n", dlerror()); return 1; }
    packed_fn fn = (packed_fn)dlsym(lib, argv[2]);
    if (fn == NULL) { printf("dlsym: %s\n", dlerror()); return 2; }
    uint64_t args[2] = {(uint64_t)(int64_t)-5, 12}, out = 0;
    int32_t rc = fn(args, &out);
    printf("rc %d result %lld\n", rc, (long long)(int64_t)out);
    return 0;
}
"""


def compiler_or_skip():
    try:
        return link.c_compiler()
    except pyjitx.LinkError as exc:
        pytest.skip(f"no C compiler: {exc}")


def build_library(directory: Path, names=FUNCTIONS, **options):
    """Compiles the functions to object files in `directory`, links them
    into libtest.so there; returns {macro name: exported C symbol}."""
    symbols, objects = {}, []
    for macro in names:
        fn, types = FUNCTIONS[macro]
        module = compile_function(fn, types, portable_target())
        path = directory / f"{module.name}.o"
        path.write_bytes(module.code.object_bytes)
        objects.append(path)
        symbols[macro] = module.symbol
    link.link_shared(objects, directory / "libtest.so", **options)
    return symbols


def compile_host(cc, source: str, path: Path, *flags: str, cplusplus=False) -> Path:
    src = path.with_suffix(".cpp" if cplusplus else ".c")
    src.write_text(source)
    command = [*cc, str(src), "-o", str(path), *flags]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stderr}"
    return path


def run(command):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize("language", ["c", "c++"])
def test_host_links_the_library_and_calls_exported_entries(tmp_path, language):
    cc = compiler_or_skip()
    if language == "c++":
        cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
        if cxx is None:
            pytest.skip("no C++ compiler")
        cc = [cxx]
    symbols = build_library(tmp_path)
    defines = [f"-D{macro}={symbol}" for macro, symbol in symbols.items()]
    host = compile_host(cc, HOST, tmp_path / "host", *defines, *link.cflags(),
                        f"-L{tmp_path}", f"-Wl,-rpath,{tmp_path}", "-ltest", *link.libs(),
                        cplusplus=language == "c++")
    assert run([host]) == HOST_OUTPUT


def test_library_finds_the_installed_runtime_through_its_rpath(tmp_path):
    cc = compiler_or_skip()
    symbols = build_library(tmp_path, ["ADD"])
    # no runtime flags at all: the library's own RUNPATH must find it
    host = compile_host(cc, DLOPEN_HOST, tmp_path / "host", "-ldl")
    out = run([host, tmp_path / "libtest.so", symbols["ADD"] + "__packed"])
    assert out == "rc 0 result 7\n"


def test_bundled_runtime_travels_with_the_library(tmp_path):
    cc = compiler_or_skip()
    built = tmp_path / "built"
    built.mkdir()
    symbols = build_library(built, ["ADD"], bundle_runtime=True)
    assert (built / "libpyjitx_runtime.so").is_file()
    assert str(link.runtime_library().parent).encode() not in (built / "libtest.so").read_bytes()
    moved = tmp_path / "moved"
    built.rename(moved)
    host = compile_host(cc, DLOPEN_HOST, tmp_path / "host", "-ldl")
    out = run([host, moved / "libtest.so", symbols["ADD"] + "__packed"])
    assert out == "rc 0 result 7\n"


def test_runtime_library_exports_the_runtime_alone():
    path = link.runtime_library()
    assert path.name == "libpyjitx_runtime.so" and path.parent.name == "lib"
    runtime = ctypes.CDLL(str(path))
    for name in ("pjx_live_objects", "pjx_str_from_utf8", "pjx_err_kind_name", abi.ABI_SYMBOL):
        assert hasattr(runtime, name), name
    assert ctypes.c_int32.in_dll(runtime, abi.ABI_SYMBOL).value == pyjitx._ext.ABI_VERSION
    runtime.pjx_live_objects.restype = ctypes.c_int64
    assert runtime.pjx_live_objects() == 0  # its own instance, not the extension's
    # the Python bridge is not in it, and it does not need libpython
    assert not hasattr(runtime, "pjx_call_python") and not hasattr(runtime, "PyInit__ext")
    assert b"libpython" not in path.read_bytes()


def test_headers_and_flags():
    assert (link.include_dir() / "pyjitx" / "runtime.h").is_file()
    assert link.cflags() == [f"-I{link.include_dir()}"]
    assert f"-L{link.runtime_library().parent}" in link.libs()
    assert "-lpyjitx_runtime" in link.libs()


def test_config_command_prints_the_flags(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pyjitx.cli", "config", "--cflags", "--libs"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == link.cflags() + link.libs()


def test_code_calling_python_does_not_link(tmp_path):
    compiler_or_skip()
    module = compile_function(calls_python, (INT,), portable_target())
    obj = tmp_path / "calls_python.o"
    obj.write_bytes(module.code.object_bytes)
    with pytest.raises(pyjitx.LinkError, match="pjx_call_python"):
        link.link_shared([obj], tmp_path / "libpy.so")


def test_missing_compiler_is_a_link_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CC", "no-such-cc")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(pyjitx.LinkError, match="no C compiler found.*no-such-cc, cc, gcc"):
        link.link_shared([Path(__file__)], tmp_path / "libx.so")


def test_missing_object_is_a_link_error(tmp_path):
    with pytest.raises(pyjitx.LinkError, match="no such object file"):
        link.link_shared([tmp_path / "absent.o"], tmp_path / "libx.so")
