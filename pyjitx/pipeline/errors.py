"""The exceptions of pipelines.

Tracing raises TraceError: the traced function did something with a traced
value that a graph of op calls cannot represent.  Loading raises one
subclass of PipelineLoadError per reason a saved directory is refused, so
that a host can tell a corrupt copy (checksums, missing files) from a
directory made for another machine or another pyjitx (target, ABI, format)
-- and every one of them is raised before any of the directory's machine
code is loaded.
"""
from __future__ import annotations


class TraceError(Exception):
    """The traced function used a traced value in a way that is not an op
    call (a branch, len(), iteration, arithmetic, ...): the graph would
    silently freeze what happened on the example inputs."""


class PipelineSaveError(Exception):
    """The pipeline cannot be written as a self-contained directory (an
    instance whose state is unknown, an op that calls Python, ...)."""


class PipelineLoadError(Exception):
    """A saved pipeline directory was refused.  The message names the file
    and the mismatch."""


class ManifestError(PipelineLoadError):
    """manifest.json (or the state file) is not valid JSON, or does not
    follow the documented schema (docs/pipeline-format.md)."""


class StateError(ManifestError):
    """state/state.json is malformed or inconsistent with the manifest."""


class FormatVersionError(PipelineLoadError):
    """The directory was written in a format this pyjitx does not read."""


class AbiMismatchError(PipelineLoadError):
    """The object files were compiled against another runtime ABI (or need
    runtime functions this runtime lacks)."""


class TargetMismatchError(PipelineLoadError):
    """The object files were compiled for another target triple."""


class CpuFeatureError(PipelineLoadError):
    """The object files need CPU features this machine lacks (they would die
    with SIGILL)."""


class MissingFileError(PipelineLoadError):
    """A file the manifest lists is absent."""


class UnsafeFileError(PipelineLoadError):
    """A path inside the directory is a symbolic link (to the manifest, a
    folder such as ops/, or a file), or a file is no regular file (a FIFO,
    a device, a folder): a loader reads only regular files inside the
    directory, and names the path without reading what it leads to."""


class ChecksumError(PipelineLoadError):
    """A file's size or sha256 differs from the manifest's (or the manifest's
    own digest does not match its content)."""


class TorchUnavailableError(PipelineLoadError):
    """The directory holds a TorchScript model (a "torch" node) and torch
    is not installed here."""


class ObjectLoadError(PipelineLoadError):
    """The directory passed every check but linking an object file into the
    JIT failed."""
