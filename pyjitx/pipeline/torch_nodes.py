"""pyjitx.torch_op: a TorchScript model as a pipeline node.

A model is not compiled by pyjitx: it is a TorchScript module, run by torch
in Python, saved as a TorchScript file under ops/ and loaded with
torch.jit.load.  torch is imported only here, and this module only when a
pipeline uses a model (pyjitx.torch_op, or loading a directory with a
"torch" node): `import pyjitx` and pipelines without models never pay for
it.

Given an nn.Module, torch_op scripts it (torch.jit.script) at once; when
scripting fails (Python that TorchScript does not support), the module is
traced instead (torch.jit.trace) on the first call's inputs -- the example
inputs of pyjitx.trace -- with trace's usual limits: control flow on
tensor values is frozen to what the example did.  `mode` records which.
The TorchScript copy shares the module's parameters, and follows its
train/eval mode at each call and trace (model.eval() after torch_op
counts); a saved model is saved in the mode it was traced in.

Values: numpy arrays (what compiled NDArray ops return) become tensors
without a copy (torch.from_numpy); tensors pass as they are; ints, floats,
bools, strs and lists of them pass as they are (TorchScript takes them).
Results come back as numpy arrays (a CPU tensor's memory, no copy;
tuples and lists of them likewise), so that the next node -- a compiled op
taking an NDArray, or the caller -- sees what a compiled op would return.
The model runs under torch.no_grad(): a pipeline is inference.
"""
from __future__ import annotations

import contextlib
import io
import threading
import warnings
from typing import Any, Iterator, Optional, Tuple

from .errors import PipelineSaveError


def _torch() -> Any:
    import torch

    return torch


class TorchOp:
    """What pyjitx.torch_op returns: the model, callable as a pipeline node
    (recorded when called with traced values, run at once otherwise)."""

    def __init__(self, module: Any, name: Optional[str] = None) -> None:
        torch = _torch()
        if isinstance(module, TorchOp):
            module = module.original
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"pyjitx.torch_op() expects a torch.nn.Module or a TorchScript "
                            f"module, not {type(module).__name__}")
        self.original = module
        self.name = name or type(module).__name__
        if isinstance(module, torch.jit.ScriptModule):
            self.name = name or getattr(module, "original_name", None) or type(module).__name__
            self.scripted: Any = module
            self.mode = "script"
        else:
            try:
                with _quiet():
                    self.scripted = torch.jit.script(module)
                self.mode = "script"
            except Exception as exc:  # scripting failed: trace on the first call
                self.scripted = None
                self.mode = "trace"
                self.script_error = exc
        self._lock = threading.Lock()

    def module(self, example_args: Tuple[Any, ...]) -> Any:
        """The TorchScript module, traced on `example_args` if it could not
        be scripted."""
        with self._lock:
            if self.scripted is None:
                torch = _torch()
                # (copies: the traced graph keeps its example inputs, which
                # must not keep a compiled op's array alive)
                inputs = tuple(_copied(to_torch(a)) for a in example_args)
                try:
                    with _quiet():
                        self.scripted = torch.jit.trace(self.original, inputs, check_trace=False)
                except Exception as exc:
                    raise PipelineSaveError(
                        f"pyjitx.torch_op({self.name}): torch.jit.script failed "
                        f"({self.script_error}) and torch.jit.trace on the example inputs "
                        f"failed too ({exc})") from None
            elif self.scripted is not self.original \
                    and self.scripted.training != self.original.training:
                # (script and trace copy the module's structure but share its
                # parameters: model.eval() on the original must reach the copy)
                self.scripted.train(self.original.training)
            return self.scripted

    def __call__(self, *args: Any) -> Any:
        from .tracer import record_torch

        recorded = record_torch(self, args)
        if recorded is not NotImplemented:
            return recorded
        return run_module(self.module(args), args)

    def __repr__(self) -> str:
        return f"<pyjitx.torch_op {self.name} ({self.mode})>"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """torch (2.9 on) marks torch.jit.script and trace deprecated; they are
    still how a model becomes a file that torch.jit.load (and libtorch)
    read, which is what a saved pipeline needs."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        yield


def to_torch(value: Any) -> Any:
    """A numpy array as a tensor sharing its memory; lists and tuples item
    by item; anything else as it is."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value
    if type(value).__module__ == "numpy" and hasattr(value, "__array_interface__"):
        import numpy

        if not value.flags.writeable:  # (torch warns on read-only memory)
            value = numpy.array(value)
        return torch.from_numpy(numpy.ascontiguousarray(value))
    if type(value) is list:
        return [to_torch(v) for v in value]
    if type(value) is tuple:
        return tuple(to_torch(v) for v in value)
    return value


def _copied(value: Any) -> Any:
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if type(value) in (list, tuple):
        return type(value)(_copied(v) for v in value)
    return value


def from_torch(value: Any) -> Any:
    """Tensors as numpy arrays (a CPU tensor's memory, no copy)."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if type(value) is list:
        return [from_torch(v) for v in value]
    if type(value) is tuple:
        return tuple(from_torch(v) for v in value)
    if type(value) is dict:
        return {k: from_torch(v) for k, v in value.items()}
    return value


def run_module(module: Any, args: Tuple[Any, ...]) -> Any:
    torch = _torch()
    with torch.no_grad():
        return from_torch(module(*(to_torch(a) for a in args)))


class TorchModule:
    """A model of a pipeline: its TorchScript module and how it is saved."""

    def __init__(self, name: str, scripted: Any, mode: str, arity: int) -> None:
        self.name = name
        self.scripted = scripted
        self.mode = mode
        self.arity = arity

    def __call__(self, args: Tuple[Any, ...]) -> Any:
        return run_module(self.scripted, args)

    def file_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with _quiet():
            _torch().jit.save(self.scripted, buffer)
        return buffer.getvalue()


def load_module(path: str) -> Any:
    with _quiet():
        return _torch().jit.load(path, map_location="cpu")


def torch_op(module: Any, name: Optional[str] = None) -> TorchOp:
    """A TorchScript module, or an nn.Module (scripted with
    torch.jit.script, or traced on its first call's inputs when scripting
    fails), as a pipeline node: pyjitx.trace records its calls, save writes
    it under ops/ as a TorchScript file, load runs it with torch.  Takes
    numpy arrays or tensors, returns numpy arrays (module docstring)."""
    return TorchOp(module, name)
