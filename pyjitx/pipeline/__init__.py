"""Pipelines: trace a Python workflow that calls compiled ops into a graph,
run it, save it as a self-contained directory, load it in another process
(docs/spec.md §3; the directory format is docs/pipeline-format.md).

The package is imported on first use (`pyjitx.trace`, `pyjitx.load`, ...),
and its modules each own one thing:

    graph.py         the immutable graph: values, nodes, JSON form
    tracer.py        traced values and the recorder behind pyjitx.trace
    glue.py          glue ops: methods, operators, indexing on traced values
    torch_nodes.py   pyjitx.torch_op: TorchScript models as nodes
    construction.py  constructor arguments of compiled-class instances
    resources.py     pyjitx.resource: files bundled with a pipeline
    state.py         the typed, language-neutral value format of state/
    ops.py           compiled ops: running them here, their object files
    manifest.py      the manifest's schema, versions and checks
    compat.py        what ties object files to a machine: ABI and target
    saver.py, loader.py  writing and reading a saved directory
    pipeline.py      Pipeline: run, inputs, outputs, save
    describe.py      the text of `pyjitx inspect DIR`
"""
from __future__ import annotations

from typing import Any

_EXPORTS = {
    "trace": "tracer", "TraceError": "errors", "Pipeline": "pipeline", "load": "loader",
    "resource": "resources", "Resource": "resources",
    "PipelineLoadError": "errors", "PipelineSaveError": "errors", "ManifestError": "errors",
    "StateError": "errors", "FormatVersionError": "errors", "AbiMismatchError": "errors",
    "TargetMismatchError": "errors", "CpuFeatureError": "errors",
    "MissingFileError": "errors", "ChecksumError": "errors", "ObjectLoadError": "errors",
    "TorchUnavailableError": "errors", "UnsafeFileError": "errors", "torch_op": "torch_nodes", "TorchOp": "torch_nodes",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pyjitx.pipeline' has no attribute '{name}'")
    import importlib

    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, name)
