"""pyjitx.load: check a saved directory, then link its object files into
the JIT and rebuild its instances.

Everything that can be checked is checked before any machine code is
loaded (`verify`): the manifest's JSON and schema, its format version and
digest, the ABI, the target triple and CPU features, the presence, size
and sha256 of every file, the state file (and that each saved argument
fits its constructor's parameter), and that the runtime provides every
symbol the object files import.  Files are read only as regular files
inside the directory, never through a symbolic link (pyjitx/files.py):
a link could lead to any file on the machine, whose size and digest a
ChecksumError would then print.  Each failure is its own subclass
of PipelineLoadError (errors.py).  No system linker is involved: object
files go straight into the in-process JIT.

In a process without the pipeline's source, no Python class is registered
for its compiled classes: instances come back as stand-in types (plain
subclasses of pyjitx._ext.Instance named after the class) that compiled
code accepts; user exception classes the code raises get stand-ins too.
Machine code loaded here stays mapped until the process exits: instances
it made may outlive the pipeline.
"""
from __future__ import annotations

import builtins
import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from .. import _ext
from ..files import open_inside, read_inside
from ..backend.jit import LoadedCode, load_object, runtime_symbol_names
from . import construction
from .compat import abi_hash, missing_features, runtime_abi_version
from .errors import (AbiMismatchError, ChecksumError, CpuFeatureError, ManifestError,
                     MissingFileError, ObjectLoadError, StateError, TargetMismatchError,
                     TorchUnavailableError, UnsafeFileError)
from .graph import Graph
from .manifest import (DIGEST_KEY, MANIFEST, MANIFEST_LIMIT, check_manifest, check_no_state,
                       check_state, digest, parse)
from .ops import ExceptionInfo, LoadedOp, OpArtifact
from .compat import TargetSpec
from .state import Decoder, References

_RESIDENT: List[LoadedCode] = []  # loaded machine code is never unmapped (see above)


@dataclass
class Verified:
    """A directory that passed every check, ready to load."""

    root: str
    manifest: Dict[str, Any]
    state: Optional[Dict[str, Any]]

    def path(self, relative: str) -> str:
        return os.path.join(self.root, *relative.split("/"))


def load(path: "str | os.PathLike[str]", device: int = -1) -> Any:
    """Load a pipeline saved by Pipeline.save.  `device=-1` is the CPU (the
    only device so far).  A saved directory is native code: load only
    directories you trust."""
    if device != -1:
        raise NotImplementedError(f"pyjitx.load(): device={device!r} is not supported yet; "
                                  "pipelines run on the CPU (device=-1)")
    return build(verify(os.fspath(path)))


def verify(path: str) -> Verified:
    root = os.path.abspath(path)
    if not os.path.isdir(root):
        raise MissingFileError(f"{root}: no such directory")
    try:
        text, why = read_inside(root, MANIFEST, MANIFEST_LIMIT)
    except OSError as exc:
        raise MissingFileError(f"{root}/{MANIFEST}: cannot be read ({exc})") from None
    if text is None:
        if why == "missing":
            raise MissingFileError(f"{root}: {MANIFEST} is missing")
        if why.startswith("larger"):
            raise ManifestError(f"{MANIFEST}: {why}")
        raise _unsafe(why)
    manifest = parse(text)
    refs = check_manifest(manifest)
    if digest(manifest) != manifest[DIGEST_KEY]:
        raise ChecksumError(f"{root}/{MANIFEST}: its content does not match its "
                            f"{DIGEST_KEY} (the manifest was changed or damaged)")
    _check_abi(manifest)
    _check_target(manifest)
    verified = Verified(root, manifest, None)
    _check_files(verified)
    verified.state = _read_state(verified, refs)
    _check_imports(manifest)
    _check_torch(verified)
    return verified


def _check_torch(verified: Verified) -> None:
    """A directory with TorchScript models needs torch (found, not yet
    imported: it is imported when the models are loaded)."""
    import importlib.util

    models = verified.manifest.get("torch", ())
    if models and importlib.util.find_spec("torch") is None:
        raise TorchUnavailableError(
            f"{verified.path(models[0]['file'])}: the pipeline runs the TorchScript model "
            f"{models[0]['name']!r} (a 'torch' node), and torch is not installed here "
            "(pip install torch)")


def _check_abi(manifest: Dict[str, Any]) -> None:
    from ..backend.abi import ABI_VERSION

    abi = manifest["abi"]
    if abi["version"] != ABI_VERSION or abi["version"] != runtime_abi_version():
        raise AbiMismatchError(f"{MANIFEST}: the ops were compiled for runtime ABI version "
                               f"{abi['version']}; this pyjitx has ABI version {ABI_VERSION} "
                               f"(runtime {runtime_abi_version()})")
    if abi["hash"] != abi_hash():
        raise AbiMismatchError(f"{MANIFEST}: ABI hash {abi['hash']} differs from this pyjitx's "
                               f"{abi_hash()} (same version number, different runtime tables)")


def _check_target(manifest: Dict[str, Any]) -> None:
    from ..backend.target import host_target

    target = manifest["target"]
    host = host_target().triple
    if target["triple"] != host:
        raise TargetMismatchError(f"{MANIFEST}: the ops were compiled for {target['triple']}; "
                                  f"this machine is {host}")
    missing = missing_features(tuple(target["features"]))
    if missing:
        raise CpuFeatureError(f"{MANIFEST}: the ops were compiled for a {target['cpu']} CPU and "
                              f"need the CPU features {', '.join(missing)}, which this machine "
                              "lacks (save with the default portable=True for a baseline CPU)")


def _unsafe(why: str) -> UnsafeFileError:
    return UnsafeFileError(f"{why}: a saved directory is read only through regular files "
                           "inside it (copy the files themselves, not links to them)")


def _open(verified: Verified, relative: str):
    """A file the manifest lists, opened as a regular file inside the
    directory: MissingFileError or UnsafeFileError otherwise."""
    try:
        f, why = open_inside(verified.root, relative)
    except OSError as exc:
        raise MissingFileError(f"{verified.path(relative)}: cannot be read ({exc})") from None
    if f is None:
        if why == "missing":
            raise MissingFileError(f"{verified.path(relative)}: missing (listed in {MANIFEST})")
        raise _unsafe(why)
    return f


def _read(verified: Verified, relative: str) -> bytes:
    """The bytes of a file that _check_files has checked (as many as the
    manifest lists, read again without following a link)."""
    size = verified.manifest["files"][relative]["size"]
    with _open(verified, relative) as f:
        data = f.read(size + 1)
    if len(data) != size:
        raise ChecksumError(f"{verified.path(relative)}: changed while loading")
    return data


def _check_files(verified: Verified) -> None:
    for relative, entry in verified.manifest["files"].items():
        full = verified.path(relative)
        with _open(verified, relative) as f:
            # the size first: a file larger than the manifest says is not read
            size = os.fstat(f.fileno()).st_size
            if size != entry["size"]:
                raise ChecksumError(f"{full}: {size} bytes, the manifest says {entry['size']}")
            h = hashlib.sha256()
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() != entry["sha256"]:
            raise ChecksumError(f"{full}: sha256 {h.hexdigest()} differs from the manifest's "
                                f"{entry['sha256']}")


def _read_state(verified: Verified, refs: References) -> Optional[Dict[str, Any]]:
    entry = verified.manifest["state"]
    if entry is None:
        check_no_state(refs)
        return None
    from .manifest import parse as parse_json

    text = _read(verified, entry["file"])
    try:
        data = parse_json(text)
    except Exception as exc:
        raise StateError(str(exc).replace(MANIFEST, entry["file"], 1)) from None
    check_state(data, entry["file"], verified.manifest, refs)
    return data


def _check_imports(manifest: Dict[str, Any]) -> None:
    available = runtime_symbol_names()
    for op in manifest["ops"]:
        missing = [name for name in op["imports"] if name not in available]
        if missing:
            raise AbiMismatchError(f"{op['object']}: needs the runtime functions "
                                   f"{', '.join(missing)}, which this runtime lacks (it was "
                                   "saved by a newer pyjitx)")


# ---- building


def build(verified: Verified) -> Any:
    from .pipeline import Pipeline

    manifest = verified.manifest
    target = manifest["target"]
    spec = TargetSpec(target["triple"], target["cpu"], tuple(target["features"]))
    ops: Dict[str, LoadedOp] = {}
    for op in manifest["ops"]:
        object_bytes = _read(verified, op["object"])
        artifact = _artifact(op, object_bytes, manifest, spec)
        try:
            code = load_object(object_bytes, artifact.exports)
        except RuntimeError as exc:
            raise ObjectLoadError(f"{verified.path(op['object'])}: linking failed: {exc}") from None
        _RESIDENT.append(code)
        ops[op["id"]] = LoadedOp(artifact, code)
    _register_exceptions(manifest["exceptions"])
    _register_classes(manifest, verified.state)

    instances: Dict[str, Any] = {}
    decoder = Decoder(instance=instances.__getitem__,
                      array=lambda file, dtype, shape: _read_array(_read(verified, file), dtype,
                                                                   shape),
                      resource=verified.path)
    for inst in (verified.state or {}).get("instances", ()):
        op = ops[inst["constructor"]]
        values = tuple(decoder.decode(arg) for arg in inst["args"])
        obj = op.bound()(values)
        construction.record(obj, op, values, {})
        instances[inst["id"]] = obj
    graph = Graph.from_json({"inputs": [i["name"] for i in manifest["inputs"]],
                             "nodes": manifest["nodes"], "outputs": manifest["outputs"]},
                            decoder.decode)
    used = {node.op for node in graph.nodes if node.kind == "op"}
    return Pipeline(graph, {op_id: ops[op_id] for op_id in ops if op_id in used},
                    name=manifest["name"],
                    input_types={i["name"]: i["type"] for i in manifest["inputs"]},
                    loaded_from=verified.root, models=_load_models(verified))


def _load_models(verified: Verified) -> Dict[str, Any]:
    entries = verified.manifest.get("torch", ())
    if not entries:
        return {}
    from .torch_nodes import TorchModule, load_module

    models: Dict[str, Any] = {}
    for entry in entries:
        path = verified.path(entry["file"])
        try:
            module = load_module(path)
        except ImportError as exc:
            raise TorchUnavailableError(f"{path}: torch cannot be imported ({exc})") from None
        except Exception as exc:
            raise ObjectLoadError(f"{path}: torch.jit.load failed: {exc}") from None
        models[entry["id"]] = TorchModule(entry["name"], module, entry["mode"], entry["arity"])
    return models


def _artifact(op: Dict[str, Any], object_bytes: bytes, manifest: Dict[str, Any],
              spec: TargetSpec) -> OpArtifact:
    return OpArtifact(
        name=op["name"], symbol=op["symbol"], entry=op["entry"],
        param_names=tuple(p["name"] for p in op["params"]),
        param_descriptors=tuple(p["descriptor"] for p in op["params"]),
        param_types=tuple(p["type"] for p in op["params"]),
        return_descriptor=op["returns"]["descriptor"], return_type=op["returns"]["type"],
        signature=op["signature"], imports=tuple(op["imports"]),
        exceptions=tuple(ExceptionInfo(e["name"], e["kind"], e["parent_kind"])
                         for e in manifest["exceptions"]),
        target=spec, object_bytes=object_bytes)


def _read_array(data: bytes, dtype: str, shape: tuple) -> Any:
    import numpy

    stored = numpy.dtype(dtype).newbyteorder("<")
    return numpy.frombuffer(data, dtype=stored).reshape(shape).astype(numpy.dtype(dtype))


_CLASS = re.compile(r"c\[(\d+):([^\[\]]+)\]")


def _register_classes(manifest: Dict[str, Any], state: Optional[Dict[str, Any]]) -> None:
    """A stand-in Python type for each compiled class the pipeline's ops
    take or return, where no Python class is registered for its id."""
    names: Dict[int, str] = {}
    for op in manifest["ops"]:
        for descriptor in [p["descriptor"] for p in op["params"]] + [op["returns"]["descriptor"]]:
            for class_id, name in _CLASS.findall(descriptor):
                names.setdefault(int(class_id), name)
    for inst in (state or {}).get("instances", ()):
        names[inst["class_id"]] = inst["class"]
    for class_id, name in names.items():
        if _ext.registered_class(class_id) is None:
            _ext.register_class(class_id, _stand_in(name))


def _stand_in(name: str) -> type:
    module, _, qualname = name.rpartition(".") if "." in name else ("", "", name)
    return type(qualname.rpartition(".")[2] or "Instance", (_ext.Instance,), {
        "__slots__": (), "__module__": module or "pyjitx.loaded", "__qualname__": qualname,
        "__doc__": f"An instance of the compiled class {name}, loaded from a saved pipeline.",
        "__pjx_instance_base__": True,
    })


def _register_exceptions(entries: List[Dict[str, Any]]) -> None:
    from .. import exceptions
    from ..backend.abi import ERROR_KINDS

    builtin = {kind: getattr(builtins, name) for name, kind in ERROR_KINDS.items()}
    for entry in entries:
        kind, parent_kind = entry["kind"], entry["parent_kind"]
        if kind in exceptions._by_kind:
            continue
        parent = exceptions._by_kind.get(parent_kind) or builtin.get(parent_kind, Exception)
        module, _, short = entry["name"].rpartition(".")
        cls = type(short, (parent,), {"__module__": module or "pyjitx.loaded",
                                      "__qualname__": short})
        exceptions._by_kind[kind] = cls
        _ext.register_exception_class(kind, cls, parent_kind)
