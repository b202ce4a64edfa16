"""pyjitx.pyfunc: plain Python that compiled code may call, because the
user said so.

Compiled code never falls back to the interpreter on its own: a function
it cannot compile is a CompileError.  Wrapping a function in
``pyjitx.pyfunc`` is the explicit way out (logging, I/O, a library call):
compiled code then calls it through the interpreter, taking the GIL for the
call.  Its annotations give the types at the boundary, so they are
required, the result's included::

    @pyjitx.pyfunc
    def log(message: str, level: int) -> None:
        logger.log(level, message)

The wrapper stays an ordinary callable for Python code.  The function is
registered with the bridge (pyjitx/_pycall.c) under a handle that compiled
code passes back; it is kept alive for the life of the process.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, Tuple

from . import _ext


class PyFunc:
    """A Python callable compiled code may call (see the module docstring)."""

    def __init__(self, fn: Callable) -> None:
        if not callable(fn):
            raise TypeError(f"pyjitx.pyfunc() takes a callable, not {type(fn).__name__}")
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):
            raise TypeError(f"pyjitx.pyfunc({name}): its signature cannot be read; wrap it "
                            "in an annotated def") from None
        for p in signature.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"pyjitx.pyfunc({name}): *args/**kwargs parameters are not "
                                "supported")
            if p.annotation is inspect.Parameter.empty:
                raise TypeError(f"pyjitx.pyfunc({name}): parameter '{p.name}' needs an "
                                "annotation (compiled code converts arguments by it)")
        if signature.return_annotation is inspect.Signature.empty:
            raise TypeError(f"pyjitx.pyfunc({name}): the return type needs an annotation "
                            "(`-> None` if it returns nothing)")
        self.fn = fn
        self.signature = signature
        self.handle: int = _ext.register_pyfunc(_positional_caller(fn, signature))
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"pyjitx.pyfunc({getattr(self.fn, '__qualname__', self.fn)!r})"

    @property
    def scope(self) -> Dict[str, Any]:
        """Where the function's string annotations are looked up."""
        inner = inspect.unwrap(self.fn)
        inner = getattr(inner, "__func__", inner)  # a bound method
        return getattr(inner, "__globals__", {})

    def annotations(self) -> Tuple[Dict[str, Any], Any]:
        """(parameter annotations by name, the return annotation)."""
        params = {name: p.annotation for name, p in self.signature.parameters.items()}
        return params, self.signature.return_annotation


def pyfunc(fn: Callable) -> PyFunc:
    """Marks `fn` as plain Python that compiled code may call (usable as a
    decorator).  Returns a callable that calls `fn`."""
    if isinstance(fn, PyFunc):
        return fn
    return PyFunc(fn)


def _positional_caller(fn: Callable, signature: inspect.Signature) -> Callable:
    """What compiled code calls: it passes every parameter's value in
    order, so keyword-only ones are handed on by name."""
    names = [p.name for p in signature.parameters.values() if p.kind == p.KEYWORD_ONLY]
    if not names:
        return fn
    count = len(signature.parameters) - len(names)

    def call(*values: Any) -> Any:
        return fn(*values[:count], **dict(zip(names, values[count:])))

    return call
