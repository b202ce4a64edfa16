"""Python's signal handlers while compiled code runs (pyjitx/_signals.c).

A compiled loop polls a word that a C handler of pyjitx's sets when a signal
arrives; that handler is put in front of CPython's own for every signal that
has a Python handler.  `chain_handlers` does it, called by the bridge on the
first compiled call from the main thread, and again after `signal.signal`
(which installs CPython's C handler anew, dropping pyjitx's) -- which is why
pyjitx wraps `signal.signal`: the wrapper does what the original does and
then asks for the handlers to be chained again.  Code that replaces a C
handler by other means (a C extension calling sigaction) goes unnoticed:
its signals then wait for the compiled call to return, as without pyjitx."""
from __future__ import annotations

import functools
import signal

from . import _ext


def chain_handlers() -> None:
    _wrap_signal_function()
    for signum in signal.valid_signals():
        try:
            handler = signal.getsignal(signum)
        except (OSError, ValueError):
            continue
        # SIG_DFL and SIG_IGN are enum members, None a handler not set from
        # Python: only a callable is run by CPython's C handler
        if callable(handler):
            _ext._chain_signal(int(signum))


def _wrap_signal_function() -> None:
    original = signal.signal
    if getattr(original, "__pyjitx_chains__", False):
        return

    @functools.wraps(original)
    def signal_(signalnum, handler):
        previous = original(signalnum, handler)
        _ext._signals_changed()
        return previous

    signal_.__pyjitx_chains__ = True  # type: ignore[attr-defined]
    signal.signal = signal_
