"""pyjitx.compile: the decorator, and the callable it returns.

The callable is a pyjitx._ext.Dispatcher (C): with an installed entry it
unboxes the arguments, releases the GIL and calls the machine code with no
Python frame in between.  Everything else -- the first call (lazy
compilation), keyword arguments and defaults, a new specialisation for
unannotated parameters, type errors -- takes the slow path here.
"""
from __future__ import annotations

import functools
import inspect
import os
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _ext, cache, log
from .backend.jit import LoadedCode, load_object
from .backend.target import Target, host_target
from .compiler import CompiledModule, compile_function
from .errors import CompileError, user_facing
from .frontend.annotations import (SUPPORTED_TYPES_HINT, annotation_scope, parameter_type,
                                   type_of_python_value)
from .frontend.source import parse_function
from .stringio_boundary import convert_in, convert_out, is_stringio_type, write_back
from .frontend.signatures import DEFAULT, Spec, varargs_type
from .ir.types import ANY, BOOL, FLOAT, INT, NONE, STR, DictType, NDArrayType, TupleType, Type

_KIND_NAMES = {INT: "int", FLOAT: "float", BOOL: "bool", NONE: "None"}


# Set by pyjitx.pipeline.trace while a trace is recording anywhere in the
# process: the slow path offers it each call first, and it answers
# NOT_TRACED for calls that involve no traced value (or another thread's).
NOT_TRACED = object()
trace_hook: Optional[Callable[["CompiledFunction", Tuple[Any, ...], Dict[str, Any]], Any]] = None


def compiled_function_of(dispatcher: Any) -> "CompiledFunction":
    """The CompiledFunction behind a Dispatcher that pyjitx.compile made."""
    return dispatcher.__dict__["compile_for"].__self__


def jit_disabled() -> bool:
    return os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0")


@user_facing
def compile(obj: Any = None, *, cache: bool = True, opt: int = 2, eager: bool = False):
    """Compile a function or a class of the supported subset.

    Usable bare (``@pyjitx.compile``), with options
    (``@pyjitx.compile(cache=False)``) or functionally
    (``pyjitx.compile(fn, eager=True)``).  With PYJITX_DISABLE_JIT=1 the
    object is returned untouched.
    """
    if obj is None:
        return functools.partial(compile, cache=cache, opt=opt, eager=eager)
    if jit_disabled():
        return obj
    if opt not in (0, 1, 2, 3):
        raise ValueError("opt must be 0, 1, 2 or 3")
    if isinstance(obj, type):
        from .classes import compile_class

        return compile_class(obj, use_cache=cache, opt=opt, eager=eager)
    if isinstance(obj, _ext.Dispatcher):
        return obj
    from .frontend.stdlib_functools import is_cached

    if is_cached(obj) and inspect.isfunction(obj.__wrapped__):
        # pyjitx.compile(an lru_cache'd function): its body, whose calls of
        # the function go through the compiled callers' cache (the call
        # from Python itself is not looked up: docs/guide/stdlib.md)
        obj = obj.__wrapped__
    if not inspect.isfunction(obj):
        raise TypeError(f"pyjitx.compile expects a function, got {type(obj).__name__}")
    if opt not in (0, 1, 2, 3):
        raise ValueError("opt must be 0, 1, 2 or 3")
    function = CompiledFunction(obj, use_cache=cache, opt=opt)
    if eager:
        function.compile_annotated()
    return function.dispatcher


_KEPT_LOADED: List[Any] = []


class Specialisation:
    """One compiled signature of a function, linked and callable."""

    def __init__(self, module: CompiledModule, loaded: LoadedCode,
                 param_descriptors: Tuple[str, ...]) -> None:
        self.module = module
        self.loaded = loaded
        self.address = loaded[module.packed_symbol]
        self.param_descriptors = param_descriptors
        self.stringio_types: Optional[Tuple[Type, ...]] = None
        self.stringio_result = False


def _preset_constants(module: CompiledModule, loaded: LoadedCode) -> None:
    """Points the memo of each captured instance made in Python at that
    instance's runtime object (borrowed: the CompiledModule keeps the
    Python instance, which owns it, alive as long as the code)."""
    import ctypes

    for symbol, instance in module.presets:
        ctypes.c_void_p.from_address(loaded[symbol]).value = _ext.instance_address(instance)


def call_with_state(spec: Specialisation, values: List[Any], param_names: List[str],
                    name: str) -> Any:
    """A call of code that declares module-level names `global`: each
    module's current value goes into its slot first, and the slot's value
    back into the module after the call, also when it raises (containers
    the code changed in place are changed in place; docs/guide/semantics.md,
    "Module state")."""
    if not spec.module.states:  # (only the random generator to lend)
        return _call_lending_random(spec, values, param_names, name)
    # threads calling code that shares a global take turns (sorted: no
    # deadlock); a thread waiting releases the GIL, and one already holding
    # a lock (a pyfunc calling back) goes through
    locks = [_state_lock(module_name, global_name)
             for module_name, global_name, _ in sorted(spec.module.states)]
    for lock in locks:
        lock.acquire()
    try:
        if not spec.module.uses_random:
            return _call_syncing_state(spec, values, param_names, name)
        _ext.random_borrow()  # (as _call_lending_random)
        try:
            return _call_syncing_state(spec, values, param_names, name)
        finally:
            _ext.random_return()
    finally:
        for lock in reversed(locks):
            lock.release()


def _call_lending_random(spec: Specialisation, values: List[Any], param_names: List[str],
                         name: str) -> Any:
    """A call of code that draws from random's module-level generator: the
    interpreter's generator is lent to it for the call (not locked:
    concurrent calls share the loan, pyjitx/_random_bridge.c)."""
    _ext.random_borrow()
    try:
        return _ext.call_packed(spec.address, spec.param_descriptors,
                                spec.module.return_descriptor, tuple(values), tuple(param_names),
                                name)
    finally:
        _ext.random_return()


_STATE_LOCKS: Dict[Tuple[str, str], "threading.RLock"] = {}
_STATE_LOCKS_GUARD = threading.Lock()


def _state_lock(module_name: str, global_name: str) -> "threading.RLock":
    with _STATE_LOCKS_GUARD:
        lock = _STATE_LOCKS.get((module_name, global_name))
        if lock is None:
            lock = _STATE_LOCKS[(module_name, global_name)] = threading.RLock()
        return lock


def _call_syncing_state(spec: Specialisation, values: List[Any], param_names: List[str],
                        name: str) -> Any:
    import sys

    synced = []
    for (module_name, global_name, desc), slot, flag in zip(
            spec.module.states, spec.module.state_symbols[0::2], spec.module.state_symbols[1::2]):
        namespace = sys.modules[module_name].__dict__
        slot_address, flag_address = spec.loaded[slot], spec.loaded[flag]
        if global_name in namespace:
            current = namespace[global_name]
            written = _ext.state_write(slot_address, flag_address, desc, global_name, current)
            synced.append((namespace, global_name, desc, slot_address, flag_address, written,
                           current))
        else:  # (unset until compiled code assigns it; NameError on a read before)
            synced.append((namespace, global_name, desc, slot_address, flag_address, 0, None))
    try:
        return _ext.call_packed(spec.address, spec.param_descriptors,
                                spec.module.return_descriptor, tuple(values), tuple(param_names),
                                name)
    finally:
        # (the module holds the values between calls: the slots let go)
        for namespace, global_name, desc, slot_address, flag_address, written, current in synced:
            if not _ext.state_is_set(flag_address):
                continue
            try:
                if not (written and _ext.state_write_back(slot_address, written, desc, current)):
                    namespace[global_name] = _ext.state_read(slot_address, desc)
            finally:
                _ext.state_clear(slot_address, flag_address, desc)


class CompiledFunction:
    """Compile-time state behind one Dispatcher."""

    def __init__(self, pyfunc: Callable, use_cache: bool, opt: int,
                 self_type: Optional[Type] = None) -> None:
        self.pyfunc = pyfunc
        # a method of a compiled class: its first parameter is the instance
        self.self_type = self_type
        self.use_cache = use_cache
        self.opt = opt
        self.target: Target = host_target()
        self.signature = inspect.signature(pyfunc)
        self.param_names = list(self.signature.parameters)
        # the name in argument type errors ("f() argument 'x' must be int"; a
        # compiled class's constructor sets its class's)
        self.display_name = pyfunc.__name__
        # binds a call's arguments as CPython does, with its messages
        # (pyjitx.frontend.signatures: a function with these parameters)
        self.binder = Spec.of_function(pyfunc).stub
        # the machine code takes the parameters in order: calls may reach it
        # directly only when a positional call fills each of them
        self.positional_only_call = all(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in self.signature.parameters.values())
        # parameter types from the annotations, read at the first call or
        # compile (a class decorated with @pyjitx.compile may name classes
        # defined after it, or itself)
        self._declared: Optional[Dict[str, Optional[Type]]] = None
        self.specialisations: Dict[Tuple[Type, ...], Specialisation] = {}
        # pyjitx.pipeline's ops of these specialisations, with their object
        # files compiled for saving (pyjitx/pipeline/ops.py compiled_op)
        self.pipeline_ops: Dict[Tuple[Type, ...], Any] = {}
        self.lock = threading.RLock()
        self.dispatcher = _ext.Dispatcher(self.slow_call)
        functools.update_wrapper(self.dispatcher, pyfunc)
        d = self.dispatcher.__dict__
        d["py_func"] = pyfunc
        d["signatures"] = []
        d["inspect_ir"] = user_facing(self.inspect_ir)
        d["inspect_llvm"] = user_facing(self.inspect_llvm)
        d["inspect_asm"] = user_facing(self.inspect_asm)
        d["compile_for"] = self.compile_for

    @property
    def declared(self) -> Dict[str, Optional[Type]]:
        if self._declared is None:
            self._declared = self._declared_types()
        return self._declared

    def _declared_types(self) -> Dict[str, Optional[Type]]:
        annotations = getattr(self.pyfunc, "__annotations__", {})
        declared: Dict[str, Optional[Type]] = {}
        for position, name in enumerate(self.param_names):
            if position == 0 and self.self_type is not None:
                declared[name] = self.self_type
                continue
            if name not in annotations:
                declared[name] = None
                continue
            param = self.signature.parameters[name]
            refused: Optional[CompileError] = None
            try:
                t = parameter_type(annotations[name], param.default,
                                   annotation_scope(self.pyfunc))
                if t is not None:  # *args: T holds a Tuple[T, ...], **kwargs: T a Dict[str, T]
                    t = varargs_type(param, t)
            except CompileError as exc:  # (a type refusing its items: List[bytearray])
                if exc.location is not None:
                    raise
                t, refused = None, exc
            if t is None:
                parsed = parse_function(self.pyfunc)
                arg = next(a for a in parsed.node.args.args if a.arg == name)
                if refused is not None:
                    raise parsed.source_map.error(arg, f"parameter '{name}': {refused.message}",
                                                  hint=refused.hint)
                raise parsed.source_map.error(
                    arg, f"unsupported annotation {annotations[name]!r} for parameter '{name}'",
                    hint=SUPPORTED_TYPES_HINT)
            declared[name] = t
        return declared

    # ---- compiling

    def compile_annotated(self) -> Specialisation:
        missing = [n for n, t in self.declared.items() if t is None]
        if missing:
            raise CompileError(f"{self.pyfunc.__qualname__}: eager compilation needs annotated "
                               f"parameters; '{missing[0]}' has none")
        return self.compile_for(tuple(self.declared[n] for n in self.param_names))  # type: ignore[misc]

    def compile_for(self, arg_types: Tuple[Type, ...]) -> Specialisation:
        with self.lock:
            existing = self.specialisations.get(arg_types)
            if existing is not None:
                return existing
            started = time.perf_counter()
            module = None
            key = None
            # (code using compiled classes is cached too: what it depends on
            # about them is checked at load, pyjitx/cache_classes.py)
            if self.use_cache:
                key = cache.cache_key(self.pyfunc, parse_function(self.pyfunc).source_hash,
                                      arg_types, self.target, self.opt)
                module = cache.load(key, self.target, self.pyfunc)
            loaded = None
            if module is not None:
                try:
                    loaded = load_object(module.code.object_bytes,
                                         [module.packed_symbol, *module.state_symbols,
                                          *(symbol for symbol, _ in module.presets)])
                except RuntimeError:
                    module = None  # links against symbols this runtime lacks: rebuild
            if module is not None:
                how = "loaded from the disk cache"
            else:
                module = compile_function(self.pyfunc, arg_types, self.target, self.opt)
                if key is not None and module.cacheable and cache.store(key, module):
                    how = "compiled (a cache miss; stored)"
                elif key is not None:
                    how = (f"compiled (not cached: {module.uncacheable_because})"
                           if not module.cacheable else
                           "compiled (not cached: its types cannot be stored)")
                else:
                    how = "compiled (cache=False)"
            if loaded is None:
                loaded = load_object(module.code.object_bytes,
                                     [module.packed_symbol, *module.state_symbols,
                                      *(symbol for symbol, _ in module.presets)])
            _preset_constants(module, loaded)
            if module.uses_classes:
                # an instance this code makes points at the class descriptor
                # and vtable in it, and may outlive the function (returned
                # by `pyjitx.compile(make)()`): such code stays loaded
                _KEPT_LOADED.append(loaded)
            if module.classes:  # instances of classes compiled along may reach Python
                from .classes import python_type_for

                for pyclass in module.classes:
                    try:
                        python_type_for(pyclass)
                    except Exception:  # noqa: BLE001 - reported if an instance comes back
                        pass
            spec = Specialisation(module, loaded, self._boundary_descriptors(module))
            log.logger.info("%s %s%s in %.3f s", how, self.pyfunc.__qualname__,
                            module.signature_text, time.perf_counter() - started)
            # io.StringIO parameters and results convert in the wrapper
            # (pyjitx/stringio_boundary.py): never the direct entry; the
            # stand-in's own methods (its constructor) take and give it as is
            if getattr(self.pyfunc, "__module__", None) != "pyjitx.stringio":
                spec.stringio_types = arg_types if any(map(is_stringio_type, arg_types)) else None
                spec.stringio_result = is_stringio_type(module.return_type)
            self.specialisations[arg_types] = spec
            self.dispatcher.__dict__["signatures"].append(module.signature_text)
            if (len(self.specialisations) == 1 and self.positional_only_call
                    and not module.states and spec.stringio_types is None
                    and not spec.stringio_result
                    and len(spec.param_descriptors) <= _ext.MAX_FAST_PARAMS):
                # (the loan is set first: no call takes the fast path without it)
                self.dispatcher._lend_random(module.uses_random)
                self.dispatcher._set_entry(spec.address, spec.param_descriptors,
                                           module.return_descriptor, spec)
            return spec

    def _boundary_descriptors(self, module: CompiledModule) -> Tuple[str, ...]:
        """Annotated parameters convert as the annotation allows; parameters
        specialised on the argument's type accept exactly that type."""
        return tuple(d.upper() if self.declared[name] is None and d in ("i", "f") else d
                     for name, d in zip(self.param_names, module.param_descriptors))

    # ---- calling

    def slow_call(self, *args: Any, **kwargs: Any) -> Any:
        hook = trace_hook
        if hook is not None:
            traced = hook(self, args, kwargs)
            if traced is not NOT_TRACED:
                return traced
        values = self.bind(args, kwargs)
        _, spec = self.specialise(values)
        if spec.stringio_types is not None or spec.stringio_result:
            return self._call_with_stringio(spec, values)
        return self._call(spec, values)

    def _call_with_stringio(self, spec: Specialisation, values: List[Any]) -> Any:
        """A call whose io.StringIO arguments go in as the compiled stand-in
        and are written back after it, also when it raises; a returned one
        comes out as a new io.StringIO (pyjitx/stringio_boundary.py)."""
        swapped = convert_in(values, spec.stringio_types) if spec.stringio_types else []
        try:
            result = self._call(spec, values)
        finally:
            write_back(swapped)
        return convert_out(result) if spec.stringio_result else result

    def _call(self, spec: Specialisation, values: List[Any]) -> Any:
        if spec.module.states or spec.module.uses_random:
            return call_with_state(spec, values, self.param_names, self.pyfunc.__name__)
        return _ext.call_packed(spec.address, spec.param_descriptors,
                                spec.module.return_descriptor, tuple(values),
                                tuple(self.param_names), self.display_name)

    def bind(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> List[Any]:
        """The arguments of one call in parameter order, defaults applied
        (*args as a tuple, **kwargs as a dict); CPython's TypeError if they
        do not bind."""
        bound = self.binder(*args, **kwargs)
        return [self.signature.parameters[name].default if value is DEFAULT else value
                for name, value in bound.items()]

    def specialise(self, values: List[Any]) -> Tuple[Tuple[Type, ...], Specialisation]:
        """The specialisation that runs on these (bound) argument values,
        compiled if new, and the argument types that key it."""
        types: List[Type] = []
        for name, value in zip(self.param_names, values):
            declared = self.declared[name]
            if isinstance(declared, NDArrayType):
                actual = type_of_python_value(value)
                if not (isinstance(actual, NDArrayType) and declared.accepts(actual)):
                    got = (f"an array of {actual.dtype} with {actual.ndim} dimension(s)"
                           if isinstance(actual, NDArrayType) else type(value).__name__)
                    raise TypeError(f"{self.display_name}() argument '{name}' must be "
                                    f"{declared}, not {got}")
                types.append(actual if declared.is_generic else declared)
                continue
            kind = self.signature.parameters[name].kind
            if declared is None and kind == inspect.Parameter.VAR_POSITIONAL:
                types.append(self._varargs_type(name, value))
                continue
            if declared is None and kind == inspect.Parameter.VAR_KEYWORD:
                types.append(DictType(STR, ANY))  # (unannotated: values of any type)
                continue
            if declared is None:
                types.append(self._argument_type(name, value))
            else:
                types.append(declared)
        key = tuple(types)
        return key, self.compile_for(key)

    def _argument_type(self, name: str, value: Any) -> Type:
        """The type an unannotated parameter is specialised on."""
        actual = type_of_python_value(value)
        if actual is None:
            raise TypeError(f"{self.display_name}() argument '{name}': pyjitx cannot "
                            f"pass a {type(value).__name__} value to compiled code")
        return actual

    def _varargs_type(self, name: str, values: Tuple[Any, ...]) -> Type:
        """An unannotated *args: the tuple of its items' types, each typed
        as an unannotated parameter is."""
        return TupleType(tuple(self._argument_type(f"*{name}", v) for v in values))

    # ---- inspection

    def _any_specialisation(self) -> Specialisation:
        if not self.specialisations:
            if any(t is None for t in self.declared.values()):
                raise RuntimeError(f"{self.pyfunc.__name__} has unannotated parameters: call it "
                                   "once before inspecting, so its types are known")
            self.compile_annotated()
        return next(iter(self.specialisations.values()))

    def inspect_ir(self) -> str:
        return "\n".join(s.module.ir_text for s in self._all())

    def inspect_llvm(self) -> str:
        return "\n".join(s.module.code.llvm_ir for s in self._all())

    def inspect_asm(self) -> str:
        return "\n".join(s.module.code.assembly() for s in self._all())

    def _all(self) -> List[Specialisation]:
        self._any_specialisation()
        return list(self.specialisations.values())
