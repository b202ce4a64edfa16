"""CPython's own messages for a call whose arguments do not fit the
parameters of a compiled function: `f() missing 1 required positional
argument: 'x'`, `C.m() takes 2 positional arguments but 3 were given`,
`f() got an unexpected keyword argument 'z'`, `f() got multiple values for
argument 'x'`.

inspect.Signature.bind words these its own way, so a call that does not
bind is made again on a stand-in: an empty function with the same
parameters and the same name, which CPython's own argument binding
rejects with its exact message.  Only a call that failed pays for it.

A compiled class's constructor and class methods are called through
functions that drop the method's first parameter (`self`, `cls`), which
CPython counts ("takes 2 positional arguments but 3 were given" of a
one-parameter __init__); their stand-in has it back, and receives a
placeholder for it."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

_P = inspect.Parameter


class Binder:
    """The stand-in of one compiled function, made at its first failed call."""

    def __init__(self, parameters: Sequence[inspect.Parameter], qualname: str,
                 hidden_first: Optional[str] = None) -> None:
        self.parameters = list(parameters)
        self.qualname = qualname
        self.hidden_first = hidden_first
        self._stand_in: Optional[Callable[..., None]] = None

    def error(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[TypeError]:
        """CPython's TypeError for this call, or None if the call binds."""
        if self._stand_in is None:
            self._stand_in = _stand_in(self.parameters, self.qualname, self.hidden_first)
        first = (None,) if self.hidden_first is not None else ()
        try:
            self._stand_in(*first, *args, **kwargs)
        except TypeError as exc:
            return TypeError(str(exc))
        return None


class NoArguments(Binder):
    """A class without __init__: object's, which takes nothing."""

    def __init__(self, qualname: str) -> None:
        super().__init__([], qualname)

    def error(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[TypeError]:
        if args or kwargs:
            return TypeError(f"{self.qualname}() takes no arguments")
        return None


def _stand_in(parameters: Sequence[inspect.Parameter], qualname: str,
              hidden_first: Optional[str]) -> Callable[..., None]:
    pieces = [hidden_first] if hidden_first is not None else []
    last_positional_only = max((i for i, p in enumerate(parameters)
                                if p.kind is _P.POSITIONAL_ONLY), default=-1)
    starred = False
    for i, p in enumerate(parameters):
        if p.kind is _P.VAR_POSITIONAL:
            pieces.append("*" + p.name)
            starred = True
        elif p.kind is _P.VAR_KEYWORD:
            pieces.append("**" + p.name)
        else:
            if p.kind is _P.KEYWORD_ONLY and not starred:
                pieces.append("*")
                starred = True
            # (the defaults' values do not show in any message)
            pieces.append(p.name + ("=None" if p.default is not _P.empty else ""))
        if i == last_positional_only:
            pieces.append("/")
    scope: Dict[str, Any] = {}
    exec(f"def stand_in({', '.join(pieces)}):\n    pass\n", scope)  # noqa: S102 - names only
    fn = scope["stand_in"]
    name = qualname.rsplit(".", 1)[-1]
    fn.__name__ = name
    fn.__qualname__ = qualname  # what CPython's messages show
    code = fn.__code__.replace(co_name=name)
    if hasattr(code, "co_qualname"):
        code = code.replace(co_qualname=qualname)
    fn.__code__ = code
    return fn
