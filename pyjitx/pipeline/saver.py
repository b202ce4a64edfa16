"""Pipeline.save: write the directory of docs/spec.md §3.5 (docs/pipeline-format.md).

The directory is written beside its destination under a temporary name
and renamed into place at the end, so a crash never leaves a half-written
pipeline where a loader would look.  An existing destination is replaced
only if it is empty or a saved pipeline itself.

Every op is compiled again for the saving target (a baseline x86-64 CPU by
default); every compiled-class instance the graph uses -- as a method's
`self` or as a constant argument -- is saved as the constructor op of its
class and the arguments its __init__ received (construction.py), those
that are instances first.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
from typing import Any, Dict, List, Tuple

from .. import __version__, _ext
from . import construction
from .compat import abi_hash, saving_target
from .errors import PipelineSaveError
from .manifest import (DIGEST_KEY, FORMAT, FORMAT_VERSION, FORMAT_VERSION_TORCH, MANIFEST, digest,
                       file_sha256)
from .ops import LoadedOp, OpArtifact, compiled_op
from .resources import Resource
from .state import STATE_FORMAT, STATE_FORMAT_VERSION, Encoder, ValueFormatError, array_bytes

STATE_FILE = "state/state.json"


def save(pipeline: Any, path: str, portable: bool = True) -> None:
    target, target_spec = saving_target(portable)
    destination = os.path.abspath(path)
    _check_destination(destination)
    parent = os.path.dirname(destination)
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix=f".{os.path.basename(destination)}.tmp-", dir=parent)
    writer = _Writer(work, pipeline, target, target_spec)
    try:
        writer.write()
        _replace(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        writer.encoder = None  # (a cycle through its bound methods: the pipeline's
        #                          instances must die with the pipeline, not at gc)


def _check_destination(destination: str) -> None:
    if not os.path.exists(destination):
        return
    if not os.path.isdir(destination):
        raise FileExistsError(f"pyjitx: cannot save a pipeline to {destination}: it is a file")
    if os.listdir(destination) and not os.path.isfile(os.path.join(destination, MANIFEST)):
        raise FileExistsError(f"pyjitx: cannot save a pipeline to {destination}: the directory "
                              "is not empty and holds no saved pipeline")


def _replace(work: str, destination: str) -> None:
    if os.path.exists(destination):
        old = destination + ".old-" + os.path.basename(work)
        os.rename(destination, old)
        os.rename(work, destination)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(work, destination)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip(".") or "op"


class _Writer:
    def __init__(self, root: str, pipeline: Any, target: Any, target_spec: Any) -> None:
        self.root = root
        self.pipeline = pipeline
        self.target = target
        self.target_spec = target_spec
        self.op_ids: Dict[Any, str] = {op.key: op_id for op_id, op in pipeline.ops.items()}
        self.ops: Dict[str, Any] = dict(pipeline.ops)
        self.instances: List[Dict[str, Any]] = []
        self.instance_ids: Dict[int, str] = {}
        self.arrays: Dict[int, Tuple[Any, str]] = {}
        self.resources: Dict[str, str] = {}  # source path -> relative path
        self.encoder: Any = Encoder(self.instance_id, self.array_file, self.resource_file)

    # ---- files

    def write_file(self, relative: str, data: bytes) -> None:
        full = os.path.join(self.root, *relative.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    def array_file(self, array: Any) -> str:
        known = self.arrays.get(id(array))
        if known is not None:
            return known[1]
        relative = f"state/arrays/a{len(self.arrays)}.bin"
        self.write_file(relative, array_bytes(array))
        self.arrays[id(array)] = (array, relative)  # (keeps the id valid)
        return relative

    def resource_file(self, resource: Resource) -> str:
        source = resource.source
        known = self.resources.get(source)
        if known is not None:
            return known
        if not os.path.isfile(source):
            raise PipelineSaveError(f"the resource {source} is gone")
        base = _safe(os.path.basename(source))
        taken = set(self.resources.values())
        relative, n = f"resources/{base}", 1
        while relative in taken:
            relative, n = f"resources/{n}-{base}", n + 1
        full = os.path.join(self.root, "resources", relative.split("/", 1)[1])
        os.makedirs(os.path.dirname(full), exist_ok=True)
        shutil.copyfile(source, full)
        self.resources[source] = relative
        return relative

    # ---- instances and ops

    def op_id(self, op: Any) -> str:
        known = self.op_ids.get(op.key)
        if known is None:
            known = f"op{len(self.ops)}"
            while known in self.ops:
                known += "_"
            self.op_ids[op.key] = known
            self.ops[known] = op
        return known

    def instance_id(self, instance: Any) -> str:
        address = _ext.instance_address(instance)
        known = self.instance_ids.get(address)
        if known is not None:
            return known
        cls = type(instance)
        class_name = f"{cls.__module__}.{cls.__qualname__}"
        made = construction.lookup(instance)
        if made is None:
            raise PipelineSaveError(
                f"the {class_name} instance the pipeline uses was not constructed from Python "
                "(or the object its constructor returned is gone), so its state -- what its "
                "__init__ received -- is unknown; construct it from Python and keep that "
                "object referenced while saving")
        if isinstance(made.constructor, LoadedOp):
            op: Any = made.constructor
            values = list(made.args)
        else:
            function = made.constructor
            values = function.bind(made.args, made.kwargs)
            types, _ = function.specialise(values)
            op = compiled_op(function, types)
        op_id = self.op_id(op)
        args = [self.encoder.encode(v, f"argument '{p}' of {class_name}()")
                for p, v in zip(self._param_names(op), values)]
        iid = f"i{len(self.instances)}"
        self.instances.append({"id": iid, "class": class_name,
                               "class_id": _ext.class_id_of(instance), "constructor": op_id,
                               "args": args})
        self.instance_ids[address] = iid
        return iid

    @staticmethod
    def _param_names(op: Any) -> Tuple[str, ...]:
        return tuple(op.saved.param_names if isinstance(op, LoadedOp)
                     else op.function.param_names)

    def encode_const(self, value: Any) -> Any:
        try:
            return self.encoder.encode(value, "a constant of the graph")
        except ValueFormatError as exc:
            raise PipelineSaveError(str(exc)) from None

    # ---- the directory

    def write(self) -> None:
        pipeline = self.pipeline
        graph_json = pipeline.graph.to_json(self.encode_const)
        state = None
        if self.instances:
            self.write_file(STATE_FILE, _json_bytes({
                "format": STATE_FORMAT, "format_version": STATE_FORMAT_VERSION,
                "instances": self.instances}, compact=True))
            state = {"file": STATE_FILE, "format": STATE_FORMAT,
                     "format_version": STATE_FORMAT_VERSION}
        ops_json, exceptions, objects = [], [], []
        for op_id, op in self.ops.items():  # (constructors were added while encoding)
            artifact: OpArtifact = op.artifact(self.target, self.target_spec)
            relative = f"ops/{op_id}_{_safe(artifact.name)}.o"
            self.write_file(relative, artifact.object_bytes)
            objects.append(os.path.join(self.root, *relative.split("/")))
            ops_json.append(_op_json(op_id, relative, artifact))
            for exc in artifact.exceptions:
                entry = {"name": exc.name, "kind": exc.kind, "parent_kind": exc.parent_kind}
                if entry not in exceptions:
                    exceptions.append(entry)
        models = []
        for model_id, model in pipeline.models.items():
            relative = f"ops/{model_id}_{_safe(model.name)}.pt"
            self.write_file(relative, model.file_bytes())
            models.append({"id": model_id, "name": model.name, "file": relative,
                           "mode": model.mode, "arity": model.arity})
        name = _safe(pipeline.name)
        library = self.link(objects, f"lib{name}.so")
        manifest: Dict[str, Any] = {
            "format": FORMAT,
            # (version 2 only where it matters: without models, readers of
            # version 1 read the directory)
            "format_version": FORMAT_VERSION_TORCH if models else FORMAT_VERSION,
            "pyjitx_version": __version__,
            "name": name,
            "abi": {"version": _abi_version(), "hash": abi_hash()},
            "target": {"triple": self.target_spec.triple, "cpu": self.target_spec.cpu,
                       "features": list(self.target_spec.features)},
            "unicode_version": unicodedata.unidata_version,
            "inputs": [{"name": n, "type": pipeline.input_types.get(n, "")}
                       for n in graph_json["inputs"]],
            "outputs": graph_json["outputs"],
            "nodes": graph_json["nodes"],
            "ops": ops_json,
            "exceptions": exceptions,
            "state": state,
            "resources": [{"file": rel, "source": src} for src, rel in self.resources.items()],
            "library": library,
        }
        if models:
            manifest["torch"] = models
        manifest["files"] = self.checksums()
        manifest[DIGEST_KEY] = digest(manifest)
        self.write_file(MANIFEST, _json_bytes(manifest))

    def link(self, objects: List[str], filename: str) -> Any:
        """lib<name>.so via pyjitx.backend.link when it exists and works;
        None (recorded as "library": null) otherwise."""
        try:
            from ..backend.link import link_shared  # type: ignore[import-not-found]
        except ImportError:
            return None
        output = os.path.join(self.root, filename)
        try:
            link_shared(objects, output)
        except Exception as exc:  # a missing linker is not fatal: hosts may link ops/*.o
            warnings.warn(f"pyjitx: the pipeline is saved without {filename}: linking failed "
                          f"({exc})", RuntimeWarning, stacklevel=4)
            if os.path.exists(output):
                os.unlink(output)
            return None
        return filename if os.path.isfile(output) else None

    def checksums(self) -> Dict[str, Dict[str, Any]]:
        files: Dict[str, Dict[str, Any]] = {}
        for directory, _, names in os.walk(self.root):
            for filename in names:
                full = os.path.join(directory, filename)
                relative = os.path.relpath(full, self.root).replace(os.sep, "/")
                if relative == MANIFEST:
                    continue
                files[relative] = {"sha256": file_sha256(full), "size": os.path.getsize(full)}
        return dict(sorted(files.items()))


def _op_json(op_id: str, relative: str, a: OpArtifact) -> Dict[str, Any]:
    return {
        "id": op_id, "name": a.name, "object": relative, "symbol": a.symbol, "entry": a.entry,
        "exports": list(a.exports),
        "params": [{"name": n, "descriptor": d, "type": t}
                   for n, d, t in zip(a.param_names, a.param_descriptors, a.param_types)],
        "returns": {"descriptor": a.return_descriptor, "type": a.return_type},
        "signature": a.signature, "imports": list(a.imports),
    }


def _abi_version() -> int:
    from ..backend.abi import ABI_VERSION

    return ABI_VERSION


def _json_bytes(data: Any, compact: bool = False) -> bytes:
    """UTF-8 JSON: the manifest indented for people, the state (which may
    hold a whole vocabulary) compact."""
    text = (json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            if compact else json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False))
    return (text + "\n").encode()


