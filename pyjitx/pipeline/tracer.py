"""pyjitx.trace: run a Python workflow on traced values and record the
compiled ops it calls.

The traced function's parameters are TracedValue proxies.  Passed to a
compiled function or method, a proxy fails the bridge's fast conversion
and the call reaches CompiledFunction.slow_call, which offers it to the
recorder of this thread's trace (pyjitx.api.trace_hook): the recorder runs
the real op on the example values (so later calls see real results and
the right specialisations), appends a node, and returns a new proxy for
the result.  Anything else done with a proxy -- a branch on it, len(),
iteration, arithmetic, indexing, attribute access, str() -- raises
TraceError naming the user's file and line: the graph cannot represent it,
and freezing what the examples did would be wrong silently.

Two uses of a result are structure rather than data, and are recorded:
unpacking or indexing (by a constant) a fixed-size tuple an op returned
("item" nodes), and calling a method of a compiled-class instance an op
returned.

What tracing cannot see: `x is None`, `isinstance(x, ...)` and `type(x)`
on a proxy answer without asking it (they are about the proxy, not the
value); keep such tests out of traced functions.
"""
from __future__ import annotations

import functools
import inspect
import linecache
import os
import sys
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import _ext, api
from .construction import snapshot
from .errors import TraceError
from .graph import Const, Expr, Graph, Node, Pack, PackDict, Var
from .ops import CompiledOp, compiled_op
from .state import ValueFormatError, check_encodable

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_local = threading.local()


@api.user_facing
def trace(fn: Callable, *example_args: Any) -> "Pipeline":
    """Run `fn` on `example_args` and record the compiled ops it calls as a
    Pipeline whose inputs are fn's parameter names."""
    from .pipeline import Pipeline

    if not callable(fn):
        raise TypeError(f"pyjitx.trace() expects a function or method, not {type(fn).__name__}")
    signature = inspect.signature(fn)
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TraceError(f"pyjitx.trace({_name_of(fn)}): *args and **kwargs parameters "
                             "cannot be pipeline inputs; name each input")
    try:
        bound = signature.bind(*example_args)
    except TypeError as exc:
        raise TypeError(f"pyjitx.trace({_name_of(fn)}): the example inputs do not match its "
                        f"parameters: {exc}") from None
    bound.apply_defaults()
    if getattr(_local, "recorder", None) is not None:
        raise TraceError("pyjitx.trace() was called inside a function being traced")
    recorder = Recorder(tuple(bound.arguments))
    for name, example in bound.arguments.items():
        bound.arguments[name] = recorder.input(name, example)
    api.trace_hook = _hook
    _local.recorder = recorder
    try:
        result = fn(*bound.args, **bound.kwargs)
        outputs = recorder.expr_of(result, "the returned value", _location())
    finally:
        _local.recorder = None
        recorder.active = False
    graph = Graph(recorder.input_names, tuple(recorder.nodes), outputs)
    graph.check()
    return Pipeline(graph, {op_id: op for op_id, op in recorder.ops.values()},
                    name=_name_of(fn), input_types=recorder.input_types,
                    models={tid: model for tid, model, _ in recorder.models.values()})


def _name_of(fn: Callable) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def _hook(function: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    recorder: Optional[Recorder] = getattr(_local, "recorder", None)
    if recorder is None or not _holds_tracer((args, kwargs)):
        return api.NOT_TRACED
    return recorder.record_call(function, args, kwargs)


def record_torch(op: Any, args: Tuple[Any, ...]) -> Any:
    """A call of a pyjitx.torch_op model: a "torch" node when the
    arguments hold traced values of this thread's trace, else
    NotImplemented (the caller runs the model)."""
    recorder: Optional[Recorder] = getattr(_local, "recorder", None)
    if recorder is None or not _holds_tracer(args):
        return NotImplemented
    return recorder.record_torch(op, args)


def _holds_tracer(value: Any, depth: int = 0) -> bool:
    if isinstance(value, TracedValue):
        return True
    if depth > 50:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_tracer(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(_holds_tracer(k, depth + 1) or _holds_tracer(v, depth + 1)
                   for k, v in value.items())
    return False


def _location() -> Tuple[str, int]:
    """The innermost frame outside pyjitx: the user's code."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (os.path.abspath(filename).startswith(_PACKAGE_DIR)
                or filename.startswith("<pyjitx-generated")):
            return filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


def _where(location: Tuple[str, int]) -> str:
    return f"{os.path.basename(location[0])}:{location[1]}"


class Recorder:
    """The nodes and ops of one trace in progress."""

    def __init__(self, input_names: Tuple[str, ...]) -> None:
        self.input_names = input_names
        self.input_types: Dict[str, str] = {}
        self.nodes: List[Node] = []
        self.ops: Dict[Any, Tuple[str, CompiledOp]] = {}
        self.models: Dict[int, Tuple[str, Any, Any]] = {}  # id(TorchOp) -> (id, model, op)
        self.active = True
        self._serial = 0

    def input(self, name: str, example: Any) -> "TracedValue":
        from ..frontend.annotations import type_of_python_value

        try:
            t = type_of_python_value(example)
        except Exception:
            t = None
        self.input_types[name] = str(t) if t is not None else type(example).__name__
        return TracedValue(self, name, example, None)

    def fresh_name(self) -> str:
        while True:
            name = f"v{self._serial}"
            self._serial += 1
            if name not in self.input_names:
                return name

    # ---- expressions

    def expr_of(self, value: Any, what: str, location: Tuple[str, int]) -> Expr:
        """The expression for a value the traced code handed over: a Var
        for a traced value, a Pack around containers holding some, else a
        constant (copied now, checked to be savable)."""
        if isinstance(value, TracedValue):
            if value._recorder is not self:
                _refuse(value, "a traced value from another trace is used here", location)
            return Var(value._name)
        if isinstance(value, _GlueMethod):
            _refuse(value.subject, f"the method {value.label} of the traced value "
                                   f"'{value.subject._name}' is used without being called",
                    value.location)
        if _holds_tracer(value):
            if type(value) in (list, tuple):
                return Pack("list" if type(value) is list else "tuple",
                            tuple(self.expr_of(v, what, location) for v in value))
            if type(value) is dict:
                keys = tuple(self.expr_of(k, what, location) for k in value)
                return PackDict(keys, tuple(self.expr_of(v, what, location)
                                            for v in value.values()))
            raise TraceError(f"{_where_long(location)}: {what} holds traced values inside a "
                             f"{type(value).__name__}; only lists, tuples and dicts of them can "
                             "be built at run time")
        try:
            check_encodable(value, what)
        except ValueFormatError as exc:
            raise TraceError(f"{_where_long(location)}: {exc}") from None
        return Const(snapshot(value))

    def example_of(self, value: Any) -> Any:
        if isinstance(value, TracedValue):
            return value._example
        if type(value) in (list, tuple) and _holds_tracer(value):
            items = [self.example_of(v) for v in value]
            return items if type(value) is list else tuple(items)
        if type(value) is dict and _holds_tracer(value):
            return {self.example_of(k): self.example_of(v) for k, v in value.items()}
        return value

    # ---- nodes

    def record_call(self, function: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        location = _location()
        name = function.pyfunc.__qualname__
        values = function.bind(args, kwargs)
        inputs = tuple(self.expr_of(v, f"argument '{p}' of {name}", location)
                       for p, v in zip(function.param_names, values))
        examples = tuple(self.example_of(v) for v in values)
        types, spec = function.specialise(list(examples))
        key = (id(function), types)
        entry = self.ops.get(key)
        if entry is None:
            entry = self.ops[key] = (f"op{len(self.ops)}", compiled_op(function, types))
        result = _ext.call_packed(spec.address, spec.param_descriptors,
                                  spec.module.return_descriptor, examples,
                                  tuple(function.param_names), function.pyfunc.__name__)
        out = TracedValue(self, self.fresh_name(), result, spec.module.return_descriptor)
        self.nodes.append(Node("op", inputs, (out._name,), op=entry[0], where=_where(location)))
        return out

    def record_torch(self, op: Any, args: Tuple[Any, ...]) -> "TracedValue":
        """A "torch" node: the model runs on the examples now (traced into
        TorchScript first if it could not be scripted)."""
        from .torch_nodes import TorchModule, run_module

        location = _location()
        inputs = tuple(self.expr_of(v, f"argument {i} of the model {op.name}", location)
                       for i, v in enumerate(args))
        examples = tuple(self.example_of(v) for v in args)
        scripted = op.module(examples)
        entry = self.models.get(id(op))
        if entry is None:
            entry = self.models[id(op)] = (f"t{len(self.models)}",
                                           TorchModule(op.name, scripted, op.mode, len(args)), op)
        elif entry[1].arity != len(args):
            raise TraceError(f"{_where_long(location)}: the model {op.name} is called with "
                             f"{len(args)} arguments here and {entry[1].arity} before")
        result = run_module(scripted, examples)
        descriptor = "t[" + "a" * len(result) + "]" if type(result) is tuple else None
        out = TracedValue(self, self.fresh_name(), result, descriptor)
        self.nodes.append(Node("torch", inputs, (out._name,), op=entry[0],
                               where=_where(location)))
        return out

    def glue(self, label: str, params: Tuple[str, ...], expression: str,
             operands: Tuple[Any, ...], subject: "TracedValue") -> "TracedValue":
        """Record a Python expression over traced values (a built-in
        type's method, an operator, indexing) as a glue op (glue.py): a
        synthesised function compiled for the examples' types."""
        from ..errors import CompileError
        from .glue import glue_function

        location = _location()
        function = glue_function(label, params, expression)
        examples = [self.example_of(v) for v in operands]
        try:
            _, spec = function.specialise(examples)
        except (CompileError, TypeError) as exc:
            kinds = ", ".join(type(e).__name__ for e in examples)
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _refuse(subject, f"{label} on the traced value '{subject._name}' ({kinds}) is not "
                             f"something pyjitx compiles: {detail}", location)
        mutated = [p for p, d in zip(params, spec.param_descriptors) if d.startswith("!")]
        if mutated:
            _refuse(subject, f"{label} changes the traced value in place; a graph records "
                             "functions of values, not mutations of Python objects", location)
        return self.record_call(function, operands, {})

    def item(self, value: "TracedValue", index: int) -> "TracedValue":
        cached = value._items.get(index)
        if cached is not None:
            return cached
        items = _tuple_items(value._descriptor)
        out = TracedValue(self, self.fresh_name(), value._example[index], items[index])
        self.nodes.append(Node("item", (Var(value._name),), (out._name,), index=index,
                               where=_where(_location())))
        value._items[index] = out
        return out


def _tuple_items(descriptor: Optional[str]) -> Optional[List[str]]:
    """The item descriptors of a fixed-size tuple descriptor t[...], else
    None."""
    if not descriptor or not descriptor.startswith("t["):
        return None
    items, depth, start = [], 0, 2
    for i in range(2, len(descriptor) - 1):
        c = descriptor[i]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        if depth == 0 and (i + 1 == len(descriptor) - 1 or descriptor[i + 1] != "["):
            items.append(descriptor[start:i + 1])
            start = i + 1
    return items


def _where_long(location: Tuple[str, int]) -> str:
    return f"{location[0]}:{location[1]}"


def _refuse(value: "TracedValue", what: str, location: Optional[Tuple[str, int]] = None) -> None:
    location = location or _location()
    line = linecache.getline(location[0], location[1]).strip()
    if not value._recorder.active:
        what = f"{what} (the value comes from a trace that has ended)"
    message = (f"{_where_long(location)}: {what} -- a pipeline records calls of compiled "
               "functions and methods, and the method calls, operators and indexing on traced "
               "values that pyjitx compiles (glue ops); other Python code that depends on a "
               "traced value would be frozen to what the example inputs did. Move this logic "
               "into a compiled op.")
    if line:
        message += f"\n    {line}"
    raise TraceError(message)


def _refusing(what: str) -> Callable[..., Any]:
    def method(self: "TracedValue", *args: Any) -> Any:
        _refuse(self, what.format(name=self._name))

    method.__name__ = what
    return method


class TracedValue:
    """A value known only when the pipeline runs (an input, or what an op
    returned), standing for its example while tracing."""

    __slots__ = ("_recorder", "_name", "_example", "_descriptor", "_items")

    def __init__(self, recorder: Recorder, name: str, example: Any,
                 descriptor: Optional[str]) -> None:
        self._recorder = recorder
        self._name = name
        self._example = example
        self._descriptor = descriptor  # the boundary descriptor of op results
        self._items: Dict[int, TracedValue] = {}

    def __repr__(self) -> str:
        if self._recorder.active:
            _refuse(self, f"repr() of the traced value '{self._name}'")
        return f"<pyjitx traced value '{self._name}'>"

    # structure the graph can hold: items of fixed-size tuples, methods of
    # compiled-class instances
    def __len__(self) -> int:
        items = _tuple_items(self._descriptor)
        if items is None:
            _refuse(self, f"len() of the traced value '{self._name}' (Python requires len() to "
                          "return a real int, so it cannot be recorded)")
        return len(items)  # type: ignore[arg-type]

    def __iter__(self) -> Any:
        items = _tuple_items(self._descriptor)
        if items is None:
            _refuse(self, f"iterating over the traced value '{self._name}' (only a fixed-size "
                          "tuple an op returns can be unpacked)")
        return iter([self._recorder.item(self, i) for i in range(len(items))])  # type: ignore

    def __getitem__(self, key: Any) -> Any:
        items = _tuple_items(self._descriptor)
        if items is None or type(key) is not int:
            if type(key) is slice:
                from .glue import slice_text

                try:
                    text = slice_text(key)
                except ValueError as exc:
                    _refuse(self, f"slicing the traced value '{self._name}': {exc}")
                return self._recorder.glue(f"slice[{text}]", ("a",), f"a[{text}]", (self,), self)
            return self._recorder.glue("getitem", ("a", "b"), "a[b]", (self, key), self)
        n = len(items)  # type: ignore[arg-type]
        if not -n <= key < n:
            raise IndexError("tuple index out of range")
        return self._recorder.item(self, key % n)

    def _method(self, name: str) -> Optional[Any]:
        if isinstance(self._example, _ext.Instance):
            member = inspect.getattr_static(type(self._example), name, None)
            if isinstance(member, _ext.Dispatcher):
                return functools.partial(member, self)
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # protocol probes (copy, pickle, dlpack, ...)
        method = self._method(name) or self._builtin_method(name)
        if method is None:
            _refuse(self, f"reading the attribute '{name}' of the traced value '{self._name}'")
        return method

    def _builtin_method(self, name: str) -> Optional[Any]:
        """A method of the example's built-in type (str, bytes, list,
        dict, set, tuple): calling it records a glue op."""
        from .glue import METHOD_TYPES

        kind = type(self._example)
        if kind not in METHOD_TYPES or name.startswith("_") or not callable(
                getattr(kind, name, None)):
            return None
        return _GlueMethod(self, f"{kind.__name__}.{name}", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        method = self._method("__call__")
        if method is None:
            _refuse(self, f"calling the traced value '{self._name}'")
        return method(*args, **kwargs)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in TracedValue.__slots__:
            object.__setattr__(self, name, value)
        else:
            _refuse(self, f"setting the attribute '{name}' of the traced value '{self._name}'")

    __bool__ = _refusing("the truth value of the traced value '{name}' (an if, while, and, or, "
                         "not or assert on it)")
    __hash__ = _refusing("hashing the traced value '{name}' (a dict key or set item)")
    __str__ = _refusing("str() of the traced value '{name}'")
    __format__ = _refusing("formatting the traced value '{name}' (an f-string or format())")
    __bytes__ = _refusing("bytes() of the traced value '{name}'")
    __int__ = _refusing("int() of the traced value '{name}'")
    __float__ = _refusing("float() of the traced value '{name}'")
    __complex__ = _refusing("complex() of the traced value '{name}'")
    __contains__ = _refusing("the 'in' operator on the traced value '{name}'")
    __setitem__ = _refusing("item assignment on the traced value '{name}'")
    __delitem__ = _refusing("item deletion on the traced value '{name}'")
    __reversed__ = _refusing("reversed() of the traced value '{name}'")
    __enter__ = _refusing("a with statement on the traced value '{name}'")
    __fspath__ = _refusing("using the traced value '{name}' as a path")
    __round__ = _refusing("round() of the traced value '{name}'")
    __trunc__ = _refusing("math.trunc() of the traced value '{name}'")
    __floor__ = _refusing("math.floor() of the traced value '{name}'")
    __ceil__ = _refusing("math.ceil() of the traced value '{name}'")


class _GlueMethod:
    """`traced.split` before it is called: calling it records the glue op
    `x.split(a0, ...)`.  Keyword arguments become keywords of the call."""

    __slots__ = ("subject", "label", "name", "location")

    def __init__(self, subject: TracedValue, label: str, name: str) -> None:
        self.subject = subject
        self.label = label
        self.name = name
        self.location = _location()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        params = ["x"] + [f"a{i}" for i in range(len(args) + len(kwargs))]
        call = params[1:len(args) + 1] + [f"{k}={p}" for k, p in
                                          zip(kwargs, params[len(args) + 1:])]
        return self.subject._recorder.glue(
            self.label, tuple(params), f"x.{self.name}({', '.join(call)})",
            (self.subject,) + args + tuple(kwargs.values()), self.subject)

    def __repr__(self) -> str:
        return f"<method {self.label} of a traced value>"


# operators become glue ops (glue.py); in-place forms only on immutable
# examples (on a list, += would change an object other names may share)
def _binary(op: str, reflected: bool, inplace: bool) -> Callable[..., Any]:
    from .glue import BINARY

    def method(self: TracedValue, other: Any, *rest: Any) -> Any:
        if rest and rest[0] is not None:
            _refuse(self, f"pow() with a modulus on the traced value '{self._name}'")
        if inplace and isinstance(self._example, (list, dict, set, bytearray)):
            _refuse(self, f"the in-place operator on the traced value '{self._name}' (it would "
                          "change a Python object in place; write x = x + y)")
        operands = (other, self) if reflected else (self, other)
        return self._recorder.glue(op, ("a", "b"), BINARY[op], operands, self)

    method.__name__ = f"__{'r' if reflected else 'i' if inplace else ''}{op}__"
    return method


def _compare(op: str) -> Callable[..., Any]:
    from .glue import COMPARE

    def method(self: TracedValue, other: Any) -> Any:
        return self._recorder.glue(op, ("a", "b"), COMPARE[op], (self, other), self)

    method.__name__ = f"__{op}__"
    return method


def _unary(op: str) -> Callable[..., Any]:
    from .glue import UNARY

    def method(self: TracedValue) -> Any:
        return self._recorder.glue(op, ("a",), UNARY[op], (self,), self)

    method.__name__ = f"__{op}__"
    return method


def _install_operators() -> None:
    from .glue import BINARY, COMPARE, UNARY

    for op in BINARY:
        setattr(TracedValue, f"__{op}__", _binary(op, False, False))
        setattr(TracedValue, f"__r{op}__", _binary(op, True, False))
        if op != "divmod":
            setattr(TracedValue, f"__i{op}__", _binary(op, False, True))
    for op in COMPARE:
        setattr(TracedValue, f"__{op}__", _compare(op))
    for op in UNARY:
        setattr(TracedValue, f"__{op}__", _unary(op))


_install_operators()
