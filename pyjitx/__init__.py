"""pyjitx: compile a typed subset of Python to native code through LLVM.

    import pyjitx

    @pyjitx.compile
    def add(a: int, b: int) -> int:
        return a + b
"""
__version__ = "0.1.0"

from . import runtime  # noqa: E402
from .api import compile  # noqa: E402
from .errors import CompileError  # noqa: E402
from .pycall import pyfunc  # noqa: E402

__all__ = ["compile", "pyfunc", "CompileError", "runtime", "__version__"]
