"""pyjitx: compile a typed subset of Python to native code through LLVM.

    import pyjitx

    @pyjitx.compile
    def add(a: int, b: int) -> int:
        return a + b
"""
__version__ = "0.1.0"

from . import runtime  # noqa: E402
from .api import compile  # noqa: E402
from .errors import CompileError, LinkError  # noqa: E402
from .pycall import pyfunc  # noqa: E402
from .arrays import NDArray, to_torch  # noqa: E402
from .log import configure_from_environment as _configure_log, set_log_level  # noqa: E402

_configure_log()

__all__ = ["compile", "pyfunc", "CompileError", "LinkError", "runtime", "NDArray", "to_torch",
           "set_log_level", "__version__", "zeros", "ones", "empty", "full", "arange", "array", "asarray", "zeros_like",
           "ones_like", "empty_like", "full_like", "concatenate", "stack",
           "bool_", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]

_NUMPY_NAMES = frozenset(__all__[__all__.index("zeros"):])

# pipelines (pyjitx/pipeline/), imported on first use
_PIPELINE_NAMES = frozenset({"trace", "load", "resource", "Pipeline", "TraceError", "torch_op",
                             "PipelineLoadError", "PipelineSaveError"})
__all__ += sorted(_PIPELINE_NAMES)


def __getattr__(name: str):
    # numpy's functions and dtypes, imported on first use (numpy costs
    # tens of milliseconds to import)
    if name in _NUMPY_NAMES:
        from .arrays import function

        return function(name)
    if name in _PIPELINE_NAMES:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'pyjitx' has no attribute '{name}'")
