"""`pyjitx build MODULE.py`: a module's compiled functions, ahead of time,
as files a C or C++ host links without Python (docs/spec.md §4.1).

    build("preprocess.py", "build/")   # -> build/preprocess.{o,h},
                                       #    build/libpreprocess.so,
                                       #    build/manifest.json

Steps, one function each below:

1. `load_module` imports the file under its own name (`module_name_for`:
   its directory first on sys.path, so that it imports its neighbours),
   which runs its `@pyjitx.compile` decorators;
2. `collect` finds the compiled functions and classes the module defines
   (not those it imports), in source order, each function with the types
   its annotations declare:
   every parameter must be annotated (an entry point of a C ABI has one
   signature), else a CompileError pointing at the parameter;
3. each is compiled for the saving target of pipelines (the x86-64-v2
   baseline on x86-64, `portable=False` for this host's CPU), the way
   `Pipeline.save` compiles ops;
4. the objects are joined into one relocatable `<name>.o` (a partial link,
   `cc -r`), linked into `lib<name>.so` (pyjitx.backend.link), declared in
   `<name>.h` (cheader.py) and described in `manifest.json` (the op entries
   of the pipeline manifest; docs/pipeline-format.md, "Build directories").

A compiled class is built as its constructor (`C.__new__`, the C name
`<name>_C_new`, returning a new `pjx_instance *`) and its methods (`self`
first); its comparison and `__exit__` methods are not built yet (reported
as skipped).
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple

from .errors import CompileError, LinkError, user_facing

BUILD_FORMAT = "pyjitx-build"
BUILD_FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass
class Entry:
    """One compiled function of the module, with its declared types."""

    name: str              # the Python qualname, e.g. "add"
    function: Any          # pyjitx.api.CompiledFunction
    arg_types: Tuple[Any, ...]


@dataclass
class BuiltEntry:
    entry: Entry
    module: Any            # pyjitx.compiler.CompiledModule (for the target)
    alias: str             # <name>_<qualname>: the readable macro of the header
    symbol: str            # the C entry point (module.symbol made a C identifier)
    object_bytes: bytes    # exporting `symbol` and `symbol + "__packed"`

    @property
    def packed_symbol(self) -> str:
        return self.symbol + "__packed"


@dataclass
class BuildResult:
    directory: Path
    name: str
    entries: List[BuiltEntry]
    skipped: List[str] = field(default_factory=list)   # what `collect` left out, and why
    files: Dict[str, Path] = field(default_factory=dict)  # role -> path


class BuildError(Exception):
    """A build that cannot go on for a reason other than the code itself
    (no compiled function in the module, a module that fails to import)."""


def c_symbol(symbol: str) -> str:
    """The compiler's symbol as a C identifier: JIT symbols spell container
    types as written (`pjx_m_total__List[int]`), which C cannot name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", symbol)


def rename_entries(module: Any, symbol: str, target: Any, opt: int) -> bytes:
    """The object code of `module` with its two entry points renamed to
    `symbol` and `symbol__packed` (emitted again from its optimised IR when
    a name changes)."""
    if symbol == module.symbol:
        return module.code.object_bytes
    import llvmlite.binding as llvm

    parsed = llvm.parse_assembly(module.code.llvm_ir)
    parsed.get_function(module.symbol).name = symbol
    parsed.get_function(module.packed_symbol).name = symbol + "__packed"
    parsed.verify()
    return bytes(target.machine(opt).emit_object(parsed))


def safe_name(text: str) -> str:
    """A C identifier from a module or function name."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "module"
    return "_" + name if name[0].isdigit() else name


# ---- 1. import


def module_name_for(source: Path) -> str:
    """The file's name, which the compiler puts in every symbol
    (`pjx_<module>_<function>__<types>`) -- unless a module of that name is
    already imported or in the standard library: replacing `tokenize` or
    `json` in sys.modules would break pyjitx itself, so such a file is
    imported as `pyjitx_build_<name>` instead."""
    stem = source.stem
    if stem in sys.modules or stem in getattr(sys, "stdlib_module_names", ()):
        return f"pyjitx_build_{safe_name(stem)}"
    return stem


def load_module(path: str) -> Any:
    """Imports the file at `path` as the module `module_name_for` names."""
    source = Path(path).resolve()
    if not source.is_file():
        raise BuildError(f"no such file: {path}")
    module_name = module_name_for(source)
    spec = importlib.util.spec_from_file_location(module_name, source)
    if spec is None or spec.loader is None:
        raise BuildError(f"cannot import {path}: not a Python source file")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    sys.path.insert(0, str(source.parent))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is not None:
            sys.modules[module_name] = previous
        else:
            sys.modules.pop(module_name, None)
        raise
    finally:
        try:
            sys.path.remove(str(source.parent))
        except ValueError:
            pass
    return module


# ---- 2. what to build


def collect(module: Any) -> Tuple[List[Entry], List[str]]:
    """The module's compiled functions and classes in source order (a
    class as its constructor `C.__new__`, then its methods, properties'
    getters and setters, static and class methods), and a line for each
    compiled thing left out."""
    from . import _ext

    found: List[Tuple[int, List[Entry]]] = []
    skipped: List[str] = []
    for value in vars(module).values():
        if isinstance(value, _ext.Dispatcher):
            function = _function_of(value)
            pyfunc = function.pyfunc
            if pyfunc.__module__ != module.__name__:
                continue  # imported from elsewhere: that module's build
            found.append((pyfunc.__code__.co_firstlineno,
                          [Entry(pyfunc.__qualname__, function, declared_types(function))]))
        elif (isinstance(value, type) and issubclass(value, _ext.Instance)
              and value.__module__ == module.__name__ and "__pjx_class__" in vars(value)):
            found.append((_first_line(value), _class_entries(value, skipped)))
    found.sort(key=lambda item: item[0])
    return [entry for _, entries in found for entry in entries], skipped


def _function_of(dispatcher: Any) -> Any:
    from .api import compiled_function_of

    return compiled_function_of(dispatcher)


def _first_line(cls: type) -> int:
    import inspect

    try:
        return inspect.getsourcelines(vars(cls)["__pjx_class__"])[1]
    except (OSError, TypeError):
        return 0


def _class_entries(cls: type, skipped: List[str]) -> List[Entry]:
    from . import _ext

    functions = [_function_of(vars(cls)["__pjx_constructor__"])]
    for attr, member in vars(cls).items():
        if attr.startswith("__pjx_"):
            continue
        if isinstance(member, staticmethod):
            member = member.__func__
        if isinstance(member, property):
            functions += [_function_of(f) for f in (member.fget, member.fset)
                          if isinstance(f, _ext.Dispatcher)]
        elif isinstance(member, _ext.Dispatcher):
            functions.append(_function_of(member))
        elif callable(member) and attr in _WRAPPED_METHODS:
            skipped.append(f"{cls.__qualname__}.{attr}: comparison and __exit__ methods are "
                           "not built ahead of time yet")
    return [Entry(f.pyfunc.__qualname__, f, declared_types(f)) for f in functions]


# methods that compiled classes wrap in Python functions (classes.py)
_WRAPPED_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__exit__")


def c_alias(qualname: str) -> str:
    """`Counter.__new__` -> `Counter_new`, `Counter.bump` -> `Counter_bump`."""
    return safe_name("_".join(part.strip("_") or part for part in qualname.split(".")))


def declared_types(function: Any) -> Tuple[Any, ...]:
    """The annotated parameter types; a CompileError at the first
    unannotated parameter (the JIT would specialise it per call, a C entry
    point needs one type)."""
    from .frontend.annotations import SUPPORTED_TYPES_HINT
    from .frontend.source import parse_function

    for name in function.param_names:
        if function.declared[name] is None:
            parsed = parse_function(function.pyfunc)
            arg = next(a for a in parsed.node.args.args if a.arg == name)
            raise parsed.source_map.error(
                arg, f"pyjitx build: parameter '{name}' of {function.pyfunc.__qualname__} has "
                "no type annotation; an ahead-of-time entry point needs one type per parameter",
                hint=SUPPORTED_TYPES_HINT)
    return tuple(function.declared[n] for n in function.param_names)


# ---- 3. compile


class Progress:
    """"compiling add (1/3)" lines; on a terminal, one line redrawn with a bar."""

    def __init__(self, stream: Optional[IO[str]], total: int) -> None:
        self.stream = stream
        self.total = total
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def step(self, index: int, name: str) -> None:
        if self.stream is None:
            return
        if self.tty:
            width = 24
            done = width * (index - 1) // max(self.total, 1)
            bar = "#" * done + "-" * (width - done)
            self.stream.write(f"\r\x1b[K[{bar}] {index}/{self.total} compiling {name}")
        else:
            self.stream.write(f"compiling {name} ({index}/{self.total})\n")
        self.stream.flush()

    def clear(self) -> None:
        """Ends a redrawn line (before an error message)."""
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def done(self, message: str) -> None:
        if self.stream is None:
            return
        self.stream.write(("\r\x1b[K" if self.tty else "") + message + "\n")
        self.stream.flush()


def compile_entries(entries: Sequence[Entry], name: str, target: Any, opt: int,
                    progress: Progress) -> List[BuiltEntry]:
    from .compiler import compile_function

    built: List[BuiltEntry] = []
    names: Dict[str, str] = {}  # C names taken -> by which function
    for index, entry in enumerate(entries, 1):
        progress.step(index, entry.name)
        module = compile_function(entry.function.pyfunc, entry.arg_types, target, opt)
        if module.calls_python:
            raise CompileError(f"{entry.name} calls Python code (pyjitx.pyfunc): an "
                               "ahead-of-time build cannot hold Python functions")
        alias = f"{name}_{c_alias(entry.name)}"
        symbol = c_symbol(module.symbol)
        for taken in (alias, symbol):
            if taken in names:
                raise BuildError(f"{entry.name} and {names[taken]} would both be {taken} in C")
            names[taken] = entry.name
        built.append(BuiltEntry(entry, module, alias, symbol,
                                rename_entries(module, symbol, target, opt)))
    return built


# ---- 4. the files


@user_facing
def build(path: str, out: str = "build", name: Optional[str] = None, opt: int = 2,
          emit_llvm: bool = False, portable: bool = True,
          progress: Optional[IO[str]] = None) -> BuildResult:
    """Builds the module at `path` into the directory `out` (see the module
    docstring).  Raises CompileError for code pyjitx cannot compile,
    BuildError and LinkError for the rest."""
    from .pipeline.compat import saving_target

    from .api import jit_disabled

    if opt not in (0, 1, 2, 3):
        raise ValueError("opt must be 0, 1, 2 or 3")
    if jit_disabled():
        raise BuildError("PYJITX_DISABLE_JIT is set: @pyjitx.compile leaves the functions "
                         "uncompiled, so there is nothing to build (unset it)")
    module = load_module(path)
    name = safe_name(name or Path(path).stem)
    entries, skipped = collect(module)
    if not entries:
        raise BuildError(f"{path} defines no @pyjitx.compile function to build"
                         + (f" ({'; '.join(skipped)})" if skipped else ""))
    target, target_spec = saving_target(portable)
    bar = Progress(progress, len(entries))
    for line in skipped:
        bar.done(f"pyjitx build: skipping {line}")
    try:
        built = compile_entries(entries, name, target, opt, bar)
    except BaseException:
        bar.clear()
        raise

    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    result = BuildResult(directory, name, built, skipped)
    with tempfile.TemporaryDirectory(prefix="pyjitx-build-") as work:
        objects = []
        for index, item in enumerate(built):
            obj = Path(work) / f"{index}_{item.alias}.o"
            obj.write_bytes(item.object_bytes)
            objects.append(obj)
        result.files["object"] = directory / f"{name}.o"
        link_relocatable(objects, result.files["object"])
    from .backend.link import link_shared
    result.files["library"] = directory / f"lib{name}.so"
    link_shared([result.files["object"]], result.files["library"])
    from .cheader import header_text
    result.files["header"] = directory / f"{name}.h"
    result.files["header"].write_text(header_text(result, target_spec), encoding="utf-8")
    if emit_llvm:
        for item in built:
            ll = directory / "llvm" / f"{item.alias}.ll"
            ll.parent.mkdir(exist_ok=True)
            ll.write_text(item.module.code.llvm_ir, encoding="utf-8")
            result.files[f"llvm:{item.alias}"] = ll
    write_manifest(result, target_spec)
    result.files["manifest"] = directory / MANIFEST
    bar.done(f"built {len(built)} function{'s' if len(built) != 1 else ''} into {directory}/"
             f" ({name}.o, {name}.h, lib{name}.so, {MANIFEST})")
    return result


def link_relocatable(objects: Sequence[Path], output: Path) -> None:
    """One relocatable object from several (`cc -r`, a partial link): the
    entry points keep their names, each function's internal code stays
    internal, the runtime's symbols stay undefined."""
    from .backend.link import c_compiler, run_compiler

    command = [*c_compiler(), "-r", "-nostdlib", "-o", str(output), *(str(p) for p in objects)]
    run_compiler(command, f"joining the object files into {output}")


def write_manifest(result: BuildResult, target_spec: Any) -> None:
    """manifest.json: the pipeline manifest's keys where they apply (see
    docs/pipeline-format.md, "Build directories")."""
    from . import __version__
    from .backend.abi import ABI_VERSION
    from .cheader import c_declaration
    from .pipeline.compat import abi_hash
    from .pipeline.manifest import DIGEST_KEY, digest, file_sha256
    from .pipeline.ops import exceptions_of, imports_of

    directory = result.directory
    object_file = result.files["object"].name
    ops, exceptions = [], []
    for item in result.entries:
        m = item.module
        ops.append({
            "id": item.alias, "name": item.entry.name, "object": object_file,
            "symbol": item.symbol, "entry": item.packed_symbol,
            "exports": [item.symbol, item.packed_symbol],
            "params": [{"name": n, "descriptor": d, "type": str(t)}
                       for n, d, t in zip(m.param_names, m.param_descriptors, m.param_types)],
            "returns": {"descriptor": m.return_descriptor, "type": str(m.return_type)},
            "signature": m.signature_text, "imports": list(imports_of(m.code.llvm_ir)),
            "c_name": item.alias, "c_declaration": c_declaration(m, item.symbol),
        })
        for exc in exceptions_of(m.dependencies):
            entry = {"name": exc.name, "kind": exc.kind, "parent_kind": exc.parent_kind}
            if entry not in exceptions:
                exceptions.append(entry)
    files = {}
    for role, path in sorted(result.files.items(), key=lambda kv: str(kv[1])):
        relative = path.relative_to(directory).as_posix()
        files[relative] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    manifest: Dict[str, Any] = {
        "format": BUILD_FORMAT,
        "format_version": BUILD_FORMAT_VERSION,
        "pyjitx_version": __version__,
        "name": result.name,
        "abi": {"version": ABI_VERSION, "hash": abi_hash()},
        "target": {"triple": target_spec.triple, "cpu": target_spec.cpu,
                   "features": list(target_spec.features)},
        "unicode_version": unicodedata.unidata_version,
        "ops": ops,
        "exceptions": exceptions,
        "object": object_file,
        "header": result.files["header"].name,
        "library": result.files["library"].name,
        "files": dict(sorted(files.items())),
    }
    manifest[DIGEST_KEY] = digest(manifest)
    text = json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")




def main(args: Any) -> int:
    """`pyjitx build` (the parsed arguments of cli.py)."""
    try:
        build(args.module, args.output, args.name, args.opt, args.emit_llvm,
              portable=not args.native, progress=sys.stderr)
    except CompileError as exc:
        from .cli import report_compile_error

        report_compile_error(exc)
        return 1
    except (BuildError, LinkError) as exc:
        print(f"pyjitx build: {exc}", file=sys.stderr)
        return 1
    return 0
