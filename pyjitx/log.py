"""What the compiler says while it works: the `pyjitx` logger.

Each compile logs at INFO (the function and its argument types, the time
it took, and whether the disk cache had it, missed it, or could not keep
it); nothing shows unless asked for, as a library's logger should be:
`PYJITX_LOG=info` in the environment, `pyjitx.set_log_level("info")`, or
the application's own logging configuration."""
from __future__ import annotations

import logging
import os
import sys
from typing import Optional, Union

logger = logging.getLogger("pyjitx")

_handler: Optional[logging.Handler] = None


def set_log_level(level: Union[int, str]) -> None:
    """Shows the `pyjitx` logger's records of `level` and above on stderr
    ("debug", "info", "warning", ... or a logging constant)."""
    global _handler
    if isinstance(level, str):
        name = level.strip().upper()
        value = logging.getLevelName(name)
        if not isinstance(value, int):
            raise ValueError(f"unknown log level {level!r}: use debug, info, warning, error "
                             "or critical")
        level = value
    logger.setLevel(level)
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(logging.Formatter("pyjitx: %(message)s"))
        logger.addHandler(_handler)


def configure_from_environment() -> None:
    """PYJITX_LOG=info (or debug, ...) at import; a bad value is reported
    once on stderr and otherwise ignored (an environment variable must not
    stop a program from starting)."""
    wanted = os.environ.get("PYJITX_LOG")
    if not wanted:
        return
    try:
        set_log_level(wanted)
    except ValueError as exc:
        print(f"pyjitx: PYJITX_LOG ignored: {exc}", file=sys.stderr)
