"""The `pyjitx` command line.  So far: `pyjitx version`,
`pyjitx ir FILE.py FUNCTION` (print a function's typed IR) and
`pyjitx config --cflags --libs [--static] --includedir --libdir --cmakedir`
(flags and directories for a C/C++ host, pkg-config style);
`pyjitx inspect DIR` (describe a saved pipeline); `pyjitx build MODULE.py`
(ahead of time: pyjitx/aot.py does the work, this module only parses);
`pyjitx cache info|clear` (the disk cache of compiled code)."""
from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from typing import List, Optional


def _load_module(path: str):
    spec = importlib.util.spec_from_file_location("__pyjitx_cli__", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"pyjitx: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="pyjitx", description="pyjitx compiler tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("version", help="print versions")
    show = commands.add_parser("ir", help="print the typed IR, LLVM IR or assembly of a function")
    show.add_argument("file")
    show.add_argument("function")
    show.add_argument("--llvm", action="store_true", help="optimised LLVM IR instead")
    show.add_argument("--asm", action="store_true", help="assembly instead")
    config = commands.add_parser("config", help="print flags to compile and link a C/C++ host")
    config.add_argument("--cflags", action="store_true", help="compiler flags (runtime headers)")
    config.add_argument("--libs", action="store_true", help="linker flags (runtime library)")
    config.add_argument("--static", action="store_true",
                        help="with --libs: link libpyjitx_runtime.a instead of the .so")
    config.add_argument("--runtime", action="store_true", help="path of libpyjitx_runtime.so")
    config.add_argument("--includedir", action="store_true", help="directory of the C headers")
    config.add_argument("--libdir", action="store_true",
                        help="directory of libpyjitx_runtime.so and .a")
    config.add_argument("--cmakedir", action="store_true",
                        help="directory of pyjitxConfig.cmake (for -Dpyjitx_DIR=...)")
    inspect = commands.add_parser("inspect", help="describe a saved pipeline directory "
                                  "(graph, ops, inputs, outputs, state, file sizes)")
    inspect.add_argument("directory")
    build = commands.add_parser("build", help="compile a module's @pyjitx.compile functions "
                                "ahead of time: OUT/<name>.o, <name>.h, lib<name>.so, "
                                "manifest.json")
    build.add_argument("module", help="the Python file")
    build.add_argument("-o", "--output", default="build", help="output directory (default: build)")
    build.add_argument("--name", help="base name of the files and C macros (default: the "
                       "module's file name)")
    build.add_argument("--opt", type=int, choices=(0, 1, 2, 3), default=2,
                       help="LLVM optimisation level (default 2)")
    build.add_argument("--emit-llvm", action="store_true",
                       help="also write each function's optimised LLVM IR to OUT/llvm/*.ll")
    build.add_argument("--native", action="store_true", help="compile for this machine's CPU "
                       "instead of the portable x86-64-v2 baseline")
    cache_command = commands.add_parser("cache", help="the disk cache of compiled code: "
                                        "where it is, its size (info) or empty it (clear)")
    cache_command.add_argument("action", choices=("info", "clear"))
    args = parser.parse_args(argv)
    if args.command == "cache":
        return _cache(args.action)
    if args.command == "build":
        from . import aot

        return aot.main(args)
    if args.command == "config":
        return _config(args, config)

    if args.command == "inspect":
        return _inspect(args.directory)

    import pyjitx

    if args.command == "version":
        import llvmlite

        print(f"pyjitx {pyjitx.__version__} (llvmlite {llvmlite.__version__}, "
              f"runtime ABI {pyjitx._ext.ABI_VERSION})")
        return 0
    try:
        module = _load_module(args.file)  # (an eager compile may fail here)
        fn = getattr(module, args.function, None)
        if fn is None:
            print(f"pyjitx: {args.file} has no function {args.function!r}", file=sys.stderr)
            return 2
        compiled = pyjitx.compile(fn, cache=False) if not hasattr(fn, "inspect_ir") else fn
        if args.asm:
            print(compiled.inspect_asm())
        elif args.llvm:
            print(compiled.inspect_llvm())
        else:
            print(compiled.inspect_ir())
    except pyjitx.CompileError as exc:
        report_compile_error(exc)
        return 1
    return 0


def report_compile_error(exc: BaseException) -> None:
    """A CompileError on the command line: its message, with no traceback
    (the message names the file, line and column) unless PYJITX_DEBUG is
    set."""
    from .errors import debug_enabled

    if debug_enabled():
        import traceback

        traceback.print_exception(exc)
    print(f"pyjitx.CompileError: {exc}", file=sys.stderr)


def _cache(action: str) -> int:
    """`pyjitx cache info`: the folder (PYJITX_CACHE_DIR, else the user's
    cache folder), its entries and their size; `pyjitx cache clear`."""
    from . import cache

    if action == "clear":
        removed, freed = cache.clear()
        print(f"removed {removed} {'entry' if removed == 1 else 'entries'} "
              f"({_size(freed)}) from {cache.cache_dir()}")
        return 0
    found = cache.entries()
    total = sum(p.stat().st_size for p in found)
    print(f"location: {cache.cache_dir()}")
    print(f"entries: {len(found)}")
    print(f"size: {_size(total)}")
    return 0


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n:.1f} GiB"


def _config(args, parser: argparse.ArgumentParser) -> int:
    """Prints the requested flags on one line, shell-quoted, so that
    `cc host.c $(pyjitx config --cflags --libs)` works as with pkg-config."""
    from .backend import link
    from .errors import LinkError

    wanted = (args.cflags, args.libs, args.runtime, args.includedir, args.libdir, args.cmakedir)
    if not any(wanted):
        parser.error("give --cflags, --libs, --runtime, --includedir, --libdir and/or --cmakedir")
    if args.static and not args.libs:
        parser.error("--static goes with --libs")
    try:
        words = [*(link.cflags() if args.cflags else []),
                 *(link.libs(static=args.static) if args.libs else []),
                 *([str(link.runtime_library())] if args.runtime else []),
                 *([str(link.include_dir())] if args.includedir else []),
                 *([str(link.library_dir())] if args.libdir else []),
                 *([str(link.cmake_dir())] if args.cmakedir else [])]
    except LinkError as exc:
        print(f"pyjitx: {exc}", file=sys.stderr)
        return 1
    print(" ".join(shlex.quote(w) for w in words))
    return 0


def _inspect(directory: str) -> int:
    from .pipeline.describe import describe
    from .pipeline.errors import PipelineLoadError

    try:
        print(describe(directory))
    except PipelineLoadError as exc:
        print(f"pyjitx inspect: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
