"""A compile session: every function reachable from one entry point, built
once per (function, argument types), with return types inferred across
(mutual) recursion.

Return types are inferred by building: a recursive call to a function that
is still being built uses the return type seen so far (its annotation, or
the join of the returns built before the call).  If that assumption turns
out wrong the function is built again with the corrected type.
"""
from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import Type
from .source import ParsedFunction, is_generated, parse_function

FunctionKey = Tuple[Callable, Tuple[Type, ...]]

# How often one function may be built again before giving up.  Every
# rebuild follows a strict widening of something the previous build
# assumed -- a local's type (unify: bool -> int -> float, List[?] ->
# List[T], T -> Optional[T] ...), the return type, a field's type -- and
# types only widen, each at most a few times (the height of the type
# lattice, REBUILDS_PER_LOCAL being a generous bound).  So the settling
# terminates within REBUILDS_PER_LOCAL rebuilds per local (an expanded
# generator's renamed locals included) plus MAX_REBUILDS for the return
# type and the rest; a function with many late-typed locals (read in a
# loop before the assignment that types them) needs one rebuild each.  A
# local whose type comes back to one it had before is not widening at all:
# that is reported at once.
MAX_REBUILDS = 8
REBUILDS_PER_LOCAL = 4


def describe(value) -> str:
    """A stable description of a captured value, for cache validation: the
    value itself for scalars, a digest of the contents for str, bytes and
    containers (compiled code bakes them in: a changed module constant or
    closure variable must not reuse old code), names for functions,
    classes and modules."""
    import hashlib

    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, (str, bytes, bytearray)):
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")
                                if isinstance(value, str) else bytes(value)).hexdigest()
        return f"{type(value).__name__} {len(value)} {digest[:24]}"
    if isinstance(value, (tuple, list, set, frozenset, dict)):
        digest = hashlib.sha256(_contents(value, set()).encode("utf-8", "surrogatepass"))
        return f"{type(value).__name__} {len(value)} {digest.hexdigest()[:24]}"
    if isinstance(value, re.Pattern):  # (its program is baked into the code)
        return f"re.Pattern {value.flags} {describe(value.pattern)}"
    py_func = getattr(value, "py_func", None)
    if py_func is not None:
        value = py_func
    if hasattr(value, "__qualname__") and hasattr(value, "__module__"):
        return f"{type(value).__name__} {value.__module__}.{value.__qualname__}"
    if hasattr(value, "__name__"):
        return f"{type(value).__name__} {value.__name__}"
    return type(value).__name__


def _contents(value, seen: set) -> str:
    """The canonical text a container's digest is taken of (a container
    reached again inside itself is '...')."""
    if isinstance(value, (tuple, list, set, frozenset, dict)):
        if id(value) in seen:
            return "..."
        seen = seen | {id(value)}
        if isinstance(value, dict):
            return "{" + ",".join(f"{_contents(k, seen)}:{_contents(v, seen)}"
                                  for k, v in value.items()) + "}"
        items = [_contents(v, seen) for v in value]
        if isinstance(value, (set, frozenset)):
            items.sort()
        return f"{type(value).__name__}(" + ",".join(items) + ")"
    return describe(value)


class Retry(Exception):
    """Internal: the current build learned a type and must start over."""


class _TypeHistory:
    """What each rebuild of a function learned -- a local typed only after
    a read (guessed int at the read), a local's type widened, the return
    type -- to stop at a type that comes back (no widening: the settling
    would never end) and to say what kept changing when the rebuilds run
    out."""

    def __init__(self) -> None:
        self.types: Dict[str, List[str]] = {}  # local -> its types, "?" for not yet known
        self.returns: List[str] = []

    def record(self, builder, before: Dict[str, Type], after: Dict[str, Type],
               return_preset: Optional[Type], parsed: ParsedFunction, pyfunc: Callable) -> None:
        for name, t in after.items():
            if name.startswith("?"):
                continue
            old = before.get(name)
            if old is None and name not in builder.guessed_reads:
                continue  # typed by its first assignment: no rebuild for it
            if old == t:
                continue
            seen = self.types.setdefault(name, [str(old) if old is not None else "?"])
            # (only source locals: the renamed locals of an expansion, `x.3`,
            # may name another variable in the next build)
            if str(t) in seen and "." not in name:
                shown = builder.source_names.get(name, name)
                raise parsed.source_map.error(
                    parsed.node, f"could not settle the types of '{pyfunc.__name__}': local "
                    f"'{shown}' went back from {seen[-1]} to {t} "
                    f"({' -> '.join(seen + [str(t)])})",
                    hint=f"annotate '{shown}' once, at its first assignment, with the type "
                         "it should keep")
            seen.append(str(t))
        if return_preset is not None and (not self.returns or self.returns[-1] != str(return_preset)):
            self.returns.append(str(return_preset))

    def failure(self, parsed: ParsedFunction, pyfunc: Callable, builds: int) -> CompileError:
        changing = [f"'{name.split('.')[0]}' ({' -> '.join(ts)})" for name, ts in self.types.items()]
        if len(self.returns) > 1:
            changing.append(f"the return type ({' -> '.join(self.returns)})")
        what = ("; each build learned another type: " + ", ".join(changing[:6])
                + (f" and {len(changing) - 6} more" if len(changing) > 6 else "")
                if changing else "")
        return parsed.source_map.error(
            parsed.node, f"could not settle the types of '{pyfunc.__name__}' in {builds} "
            f"builds{what}",
            hint="annotate those locals (`x: float = 0.0`) and the return type, so that each "
                 "build need not learn them again")


class InProgress:
    def __init__(self, key: FunctionKey, signature: ops.FunctionSignature) -> None:
        self.key = key
        self.signature = signature
        self.return_so_far: Optional[Type] = None
        self.return_preset: Optional[Type] = None
        self.assumed_by_callers: List[Type] = []
        # set when a reused word buffer (loops.py) turned out to escape
        self.no_word_buffers = False


class CompileSession:
    def __init__(self, symbol_prefix: str = "pjx") -> None:
        self.functions: Dict[FunctionKey, ops.Function] = {}
        self.order: List[FunctionKey] = []
        self.in_progress: Dict[FunctionKey, InProgress] = {}
        self.symbol_prefix = symbol_prefix
        self._symbols: Dict[str, int] = {}
        # What the compiled code depends on besides the entry's source, for
        # validating cache entries: "func:module:qualname" -> source hash,
        # "global:module:name", "attr:module:name" and
        # "free:module:qualname:name" -> repr of the captured value.
        self.dependencies: Dict[str, str] = {}
        # compiled classes (pyjitx.frontend.classes.ClassInfo) by class id:
        # those whose layout the code uses, and those it creates instances of
        self.used_classes: Dict[int, object] = {}
        # a method or attribute of an Any was dispatched over the classes
        # known at compile time (anys.method_call)
        self.any_dispatch = False
        self.instantiated: Dict[int, object] = {}
        self.vtables: Dict[int, List[str]] = {}
        self.layouts: Dict[int, ops.ClassLayout] = {}
        # module-level values compiled code reads, by id() of the Python
        # object (module_constants.CapturedConstant keeps it alive)
        self.module_constants: Dict[int, Any] = {}
        # init symbol of a captured instance made in Python -> that instance
        # (module_constants.read: its memo is preset with it at load)
        self.presets: Dict[str, Any] = {}
        # (module, name) -> ops.ModuleState of the names declared `global`
        self.module_states: Dict[Tuple[str, str], ops.ModuleState] = {}
        # some function calls Python (pyjitx.pyfunc) through a handle that
        # is valid in this process only: the module must not be cached
        self.calls_python = False

    def depend_on(self, kind: str, owner: Any, name: str, value: Any) -> None:
        """Records that the code bakes in `value`, read as `name` of `owner`
        (a class: "classattr"; a function: "default" of a parameter), for
        the cache to check at load (pyjitx.cache.dependencies_current)."""
        self.dependencies[f"{kind}:{owner.__module__}:{owner.__qualname__}:{name}"] = \
            describe(value)

    def depend_on_source(self, pyfunc: Callable, source_hash: str) -> None:
        """Records that the code was built from this source of `pyfunc`.
        (A property's getter and setter share a qualified name: each source
        built under one name is kept, "+"-joined.)"""
        name = self._dependency_name(pyfunc)
        hashes = set(filter(None, self.dependencies.get(name, "").split("+")))
        hashes.add(source_hash)
        self.dependencies[name] = "+".join(sorted(hashes))

    def use_class(self, info) -> None:
        # (each class's layout is recorded for the disk cache once the
        # module is built: pyjitx.cache_classes.record_classes)
        while info is not None and info.type.class_id not in self.used_classes:
            self.used_classes[info.type.class_id] = info
            info = info.base

    def instantiate(self, info) -> None:
        self.use_class(info)
        self.instantiated[info.type.class_id] = info

    def symbol_for(self, pyfunc: Callable, arg_types: Tuple[Type, ...]) -> str:
        qualname = getattr(pyfunc, "__qualname__", pyfunc.__name__)
        module = getattr(pyfunc, "__module__", None) or "m"
        base = f"{self.symbol_prefix}_{module}_{qualname}".replace("<", "_").replace(">", "_")
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base)
        suffix = "_".join(str(t) for t in arg_types)
        candidate = f"{base}__{suffix}" if suffix else base
        count = self._symbols.get(candidate, 0)
        self._symbols[candidate] = count + 1
        return candidate if count == 0 else f"{candidate}_{count}"

    def function_for(self, pyfunc: Callable, arg_types: Tuple[Type, ...]) -> ops.FunctionSignature:
        """The signature of `pyfunc` specialised for `arg_types`, building it
        (and its callees) if not yet built."""
        key = (pyfunc, arg_types)
        built = self.functions.get(key)
        if built is not None:
            return built.signature
        progress = self.in_progress.get(key)
        if progress is not None:
            return self._recursive_signature(progress)
        return self._build(pyfunc, arg_types).signature

    def _recursive_signature(self, progress: InProgress) -> ops.FunctionSignature:
        sig = progress.signature
        ret = progress.return_preset or progress.return_so_far
        if ret is None:
            parsed = parse_function(progress.key[0])
            raise parsed.source_map.error(
                parsed.node, f"cannot infer the return type of recursive function "
                f"'{sig.name}' before one of its returns",
                hint="annotate the return type, e.g. 'def f(n: int) -> int:'")
        progress.assumed_by_callers.append(ret)
        sig.return_type = ret
        return sig

    def _build(self, pyfunc: Callable, arg_types: Tuple[Type, ...]) -> ops.Function:
        from .builder import FunctionBuilder  # builder imports this module
        from .classmethods import BoundClass

        key = (pyfunc, arg_types)
        parsed = parse_function(pyfunc)
        if not is_generated(pyfunc):  # (pyjitx's own code: nothing to revalidate)
            self.depend_on_source(pyfunc, parsed.source_hash)
        var_types: Dict[str, Type] = {}
        return_preset: Optional[Type] = None
        no_word_buffers = False
        symbol = self.symbol_for(pyfunc, arg_types)
        history = _TypeHistory()
        builds = 0
        while builds < MAX_REBUILDS + REBUILDS_PER_LOCAL * len(var_types):
            builds += 1
            mark = len(self.order)
            # a classmethod's class is a compile-time parameter, not an argument
            params = [(name, t) for name, t in zip(inspect.signature(pyfunc).parameters, arg_types)
                      if not isinstance(t, BoundClass)]
            signature = ops.FunctionSignature(
                pyfunc.__name__, symbol, [name for name, _ in params], [t for _, t in params],
                None)  # type: ignore[arg-type]
            progress = InProgress(key, signature)
            progress.return_preset = return_preset
            progress.no_word_buffers = no_word_buffers
            self.in_progress[key] = progress
            before = dict(var_types)  # (the builder adds to var_types)
            builder = FunctionBuilder(self, parsed, signature, var_types, progress)
            try:
                fn = builder.build()
            except Retry:
                history.record(builder, before, builder.var_types, builder.return_preset_next,
                               parsed, pyfunc)
                var_types = builder.var_types
                return_preset = builder.return_preset_next
                no_word_buffers = progress.no_word_buffers
                self._forget_since(mark)
                continue
            finally:
                del self.in_progress[key]
            wrong = [t for t in progress.assumed_by_callers if t != fn.signature.return_type]
            if wrong:
                history.record(builder, before, builder.var_types, fn.signature.return_type,
                               parsed, pyfunc)
                return_preset = fn.signature.return_type
                var_types = builder.var_types
                self._forget_since(mark)
                continue
            self.functions[key] = fn
            self.order.append(key)
            return fn
        raise history.failure(parsed, pyfunc, builds)

    def _forget_since(self, mark: int) -> None:
        for key in self.order[mark:]:
            del self.functions[key]
        del self.order[mark:]

    @staticmethod
    def _dependency_name(pyfunc: Callable) -> str:
        return f"func:{getattr(pyfunc, '__module__', '?')}:{pyfunc.__qualname__}"

    def module(self, name: str) -> ops.Module:
        from .classes import build_vtables

        build_vtables(self)
        module = ops.Module(name)
        module.functions = [self.functions[key] for key in self.order]
        module.classes = dict(self.layouts)
        module.states = sorted(self.module_states.values(), key=lambda s: s.index)
        module.presets = dict(self.presets)
        return module
