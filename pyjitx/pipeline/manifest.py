"""manifest.json: its format version, its schema, its digest.

`check_manifest` is the parser's whole defence: a JSON value that passes it
has every key the loader reads, with the right JSON type, every path
inside the directory, every op descriptor well formed, every reference
(ops, values, files) resolving.  It raises FormatVersionError for a format
it does not know and ManifestError (naming the key) for anything else --
never another exception, whatever the input (tests/test_pipeline_fuzz.py).

The manifest's own integrity: `manifest_sha256` is the sha256 of the
canonical JSON text of the manifest without that key (sorted keys, no
whitespace, ASCII escapes; the manifest holds no floating-point numbers,
so any language reproduces the text).  Every other file has its sha256 and
size in `files`.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, Dict, List, Optional, Set

from .errors import FormatVersionError, ManifestError
from .graph import NODE_KINDS, Graph
from .state import References, ValueFormatError, misfit, validate

FORMAT = "pyjitx-pipeline"
FORMAT_VERSION = 1
# version 2 = version 1 + TorchScript models: the "torch" key and "torch"
# nodes (written only by pipelines that use a model)
FORMAT_VERSION_TORCH = 2
READ_VERSIONS = (FORMAT_VERSION, FORMAT_VERSION_TORCH)
MANIFEST = "manifest.json"
DIGEST_KEY = "manifest_sha256"
# a manifest (graph constants included) is never this large: a larger file
# is refused rather than read into memory
MANIFEST_LIMIT = 256 << 20
INT64_MAX = 2 ** 63 - 1

# (\Z, not $: "$" also matches before a final newline, which C++ refuses)
_SAFE_PATH = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9._+-]*)(?:/[A-Za-z0-9_][A-Za-z0-9._+-]*)*\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
# the pipeline's name, which names its library (lib<name>.so)
_NAME = re.compile(r"^[A-Za-z0-9._-]+\Z")



def file_sha256(path) -> str:
    """The sha256 of a file's bytes (read in 1 MiB blocks), as `files` lists it."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def canonical(data: Dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def digest(manifest: Dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != DIGEST_KEY}
    return hashlib.sha256(canonical(body)).hexdigest()


def parse(text: bytes) -> Any:
    """JSON from bytes; ManifestError for anything that is not JSON, or
    holds an integer outside 64 bits (the format never does, and a C++
    loader reads integers as int64_t: both refuse the same files)."""
    try:
        return json.loads(text.decode("utf-8"), parse_constant=_no_constant,
                          parse_int=_int64)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestError(f"{MANIFEST}: not valid JSON ({type(exc).__name__}: "
                            f"{str(exc)[:200]})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _int64(text: str) -> int:
    value = int(text)
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ValueError(f"the integer {text[:40]} does not fit in 64 bits")
    return value


# ---- schema helpers: each raises ManifestError naming the key


class _Checker:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, where: str, message: str) -> None:
        raise ManifestError(f"{self.filename}: {where}: {message}")

    def obj(self, data: Any, where: str, keys: Dict[str, Any]) -> Dict[str, Any]:
        """`data` must be an object with exactly `keys`, each of a type
        (a type, a tuple of them, or a checking function)."""
        if not isinstance(data, dict):
            self.fail(where, f"expected an object, got {_kind(data)}")
        if set(data) != set(keys):
            missing = sorted(set(keys) - set(data))
            extra = sorted(set(data) - set(keys))
            self.fail(where, f"missing key {missing[0]!r}" if missing
                      else f"unexpected key {extra[0]!r}")
        for key, expected in keys.items():
            self.value(data[key], f"{where}.{key}", expected)
        return data

    def value(self, value: Any, where: str, expected: Any) -> None:
        if callable(expected) and not isinstance(expected, type):
            expected(value, where)
            return
        types = expected if isinstance(expected, tuple) else (expected,)
        ok = any(isinstance(value, t) and not (t is int and isinstance(value, bool))
                 for t in types)
        if not ok:
            names = " or ".join("null" if t is type(None) else _TYPE_NAMES.get(t, t.__name__)
                                for t in types)
            self.fail(where, f"expected {names}, got {_kind(value)}")

    def list_of(self, item: Any) -> Callable[[Any, str], None]:
        def check(value: Any, where: str) -> None:
            if not isinstance(value, list):
                self.fail(where, f"expected a list, got {_kind(value)}")
            for i, v in enumerate(value):
                self.value(v, f"{where}[{i}]", item)
        return check

    def path(self, value: Any, where: str) -> None:
        if not isinstance(value, str) or not _SAFE_PATH.match(value) or ".." in value.split("/"):
            self.fail(where, f"expected a relative path inside the directory, got {value!r}")

    def ident(self, value: Any, where: str) -> None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(where, f"expected an identifier, got {value!r}")

    def nonneg(self, value: Any, where: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(where, f"expected a non-negative integer, got {value!r}")

    def sha(self, value: Any, where: str) -> None:
        if not isinstance(value, str) or not _SHA256.match(value):
            self.fail(where, "expected a sha256 as 64 lowercase hex digits")

    def descriptor(self, allow: str = "") -> Callable[[Any, str], None]:
        def check(value: Any, where: str) -> None:
            if not isinstance(value, str) or not valid_descriptor(value, allow):
                self.fail(where, f"not a boundary descriptor: {value!r}")
        return check

    def typed_value(self, refs: References, allow_vars: bool) -> Callable[[Any, str], None]:
        def check(value: Any, where: str) -> None:
            try:
                validate(value, where, refs, allow_vars)
            except ValueFormatError as exc:
                raise ManifestError(f"{self.filename}: {exc}") from None
        return check


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "a boolean", list: "a list",
               dict: "an object"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


# ---- boundary descriptors (pyjitx/backend/abi.py): the grammar, strictly


def valid_descriptor(text: str, allow: str = "") -> bool:
    """Is `text` one well-formed boundary descriptor?  `allow` may hold
    '!' (a parameter the op mutates) and 'g' (a generator's result)."""
    position = 0
    if text.startswith("!") and "!" in allow:
        position = 1
    end = _descriptor_end(text, position, "g" in allow)
    return end == len(text) and len(text) <= 4096


def _descriptor_end(text: str, i: int, allow_g: bool, depth: int = 0) -> int:
    """The index after the descriptor starting at i, or -1."""
    if i >= len(text) or depth > 64:
        return -1
    c = text[i]
    if c in "iIfFbnsya":
        return i + 1
    if i + 1 >= len(text) or text[i + 1] != "[":
        return -1
    j = i + 2
    if c in "leoT" or (c == "g" and allow_g):
        j = _descriptor_end(text, j, False, depth + 1)
    elif c == "d":
        j = _descriptor_end(text, j, False, depth + 1)
        j = _descriptor_end(text, j, False, depth + 1) if j >= 0 else -1
    elif c in "tu":  # a tuple's items; a union's members
        while j < len(text) and text[j] != "]":
            j = _descriptor_end(text, j, False, depth + 1)
            if j < 0:
                return -1
    elif c == "c":
        match = re.compile(r"(\d{1,19}):[^\[\]]+").match(text, j)
        # a class id is an int64_t (a C++ loader parses it as one)
        j = match.end() if match and int(match.group(1)) <= INT64_MAX else -1
    elif c == "A":
        match = re.compile(r"(?:\*|[0-7])(?:\*|[0-9]|[12][0-9]|3[0-2])").match(text, j)
        j = match.end() if match else -1
    else:
        return -1
    if j < 0 or j >= len(text) or text[j] != "]":
        return -1
    return j + 1


# ---- the manifest


def check_version(data: Any, filename: str = MANIFEST) -> None:
    """FormatVersionError unless this is a pipeline manifest of a format
    version this pyjitx reads (checked before the schema, which depends on
    the version)."""
    checker = _Checker(filename)
    if not isinstance(data, dict):
        checker.fail("top level", f"expected an object, got {_kind(data)}")
    if data.get("format") != FORMAT:
        checker.fail("format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        checker.fail("format_version", f"expected an integer, got {_kind(version)}")
    if version not in READ_VERSIONS:
        raise FormatVersionError(f"{filename}: format_version {version} is not supported by "
                                 f"this pyjitx (it reads version {FORMAT_VERSION} and "
                                 f"{FORMAT_VERSION_TORCH})")


def check_manifest(data: Any) -> References:
    """Check a parsed manifest against the schema (version first); returns
    what its graph constants refer to (instances, arrays, resources)."""
    check_version(data)
    c = _Checker(MANIFEST)
    refs = References()
    op_entry = {
        "id": c.ident, "name": str, "object": c.path, "symbol": str, "entry": str,
        "exports": c.list_of(str), "params": c.list_of(dict), "returns": dict,
        "signature": str, "imports": c.list_of(str),
    }
    top = {
        "format": str, "format_version": int, "pyjitx_version": str, "name": str,
        "abi": dict, "target": dict, "unicode_version": str, "inputs": c.list_of(dict),
        "outputs": c.typed_value(refs, True), "nodes": c.list_of(dict),
        "ops": c.list_of(dict), "exceptions": c.list_of(dict), "state": (dict, type(None)),
        "resources": c.list_of(dict), "library": (str, type(None)), "files": dict,
        DIGEST_KEY: c.sha,
    }
    if data["format_version"] == FORMAT_VERSION_TORCH:
        top["torch"] = c.list_of(dict)
    c.obj(data, "top level", top)
    if not _NAME.match(data["name"]):
        c.fail("name", f"expected letters, digits, '.', '_' and '-', got {data['name']!r}")
    c.obj(data["abi"], "abi", {"version": int, "hash": str})
    c.obj(data["target"], "target", {"triple": str, "cpu": str, "features": c.list_of(str)})
    input_names: List[str] = []
    for i, item in enumerate(data["inputs"]):
        c.obj(item, f"inputs[{i}]", {"name": c.ident, "type": str})
        input_names.append(item["name"])

    files = data["files"]
    for name, entry in files.items():
        c.path(name, f"files[{name!r}]")
        c.obj(entry, f"files[{name!r}]", {"sha256": c.sha, "size": c.nonneg})
    if MANIFEST in files:
        c.fail("files", "lists manifest.json itself (its digest is manifest_sha256)")

    def listed(path: str, where: str) -> None:
        if path not in files:
            c.fail(where, f"the file {path!r} is not in 'files' (no checksum)")

    ops: Dict[str, Dict[str, Any]] = {}
    for i, op in enumerate(data["ops"]):
        where = f"ops[{i}]"
        c.obj(op, where, op_entry)
        if op["id"] in ops:
            c.fail(f"{where}.id", f"the op id {op['id']!r} is used twice")
        ops[op["id"]] = op
        listed(op["object"], f"{where}.object")
        if op["exports"] != [op["symbol"], op["entry"]]:
            c.fail(f"{where}.exports", "expected [symbol, entry]")
        for j, param in enumerate(op["params"]):
            c.obj(param, f"{where}.params[{j}]",
                  {"name": c.ident, "descriptor": c.descriptor("!"), "type": str})
        c.obj(op["returns"], f"{where}.returns", {"descriptor": c.descriptor("g"), "type": str})

    _check_exceptions(c, data["exceptions"])

    models: Dict[str, Dict[str, Any]] = {}
    for i, model in enumerate(data.get("torch", ())):
        where = f"torch[{i}]"
        c.obj(model, where, {"id": c.ident, "name": str, "file": c.path,
                             "mode": str, "arity": c.nonneg})
        if model["id"] in models or model["id"] in ops:
            c.fail(f"{where}.id", f"the id {model['id']!r} is used twice")
        if model["mode"] not in ("script", "trace"):
            c.fail(f"{where}.mode", f"expected 'script' or 'trace', got {model['mode']!r}")
        listed(model["file"], f"{where}.file")
        models[model["id"]] = model

    state = data["state"]
    if state is not None:
        c.obj(state, "state", {"file": c.path, "format": str, "format_version": int})
        listed(state["file"], "state.file")
    for i, res in enumerate(data["resources"]):
        c.obj(res, f"resources[{i}]", {"file": c.path, "source": str})
        listed(res["file"], f"resources[{i}].file")
    if data["library"] is not None:
        c.path(data["library"], "library")
        listed(data["library"], "library")

    for i, node in enumerate(data["nodes"]):
        where = f"nodes[{i}]"
        kind = node.get("kind") if isinstance(node, dict) else None
        if kind not in NODE_KINDS:
            c.fail(f"{where}.kind", f"expected one of {list(NODE_KINDS)}, got {kind!r}")
        keys: Dict[str, Any] = {"kind": str, "inputs": c.list_of(c.typed_value(refs, True)),
                                "outputs": c.list_of(c.ident), "where": str}
        if kind in ("op", "torch"):
            keys["op"] = str
        else:
            keys["index"] = c.nonneg
        c.obj(node, where, keys)
        if len(node["outputs"]) != 1:
            c.fail(f"{where}.outputs", "a node has one output")
        if kind == "op":
            op = ops.get(node["op"])
            if op is None:
                c.fail(f"{where}.op", f"no op has the id {node['op']!r}")
            elif len(node["inputs"]) != len(op["params"]):  # type: ignore[index]
                c.fail(f"{where}.inputs", f"{len(node['inputs'])} inputs for an op of "
                       f"{len(op['params'])} parameters")  # type: ignore[index]
        elif kind == "torch":
            model = models.get(node["op"])
            if model is None:
                c.fail(f"{where}.op", f"no model (torch) has the id {node['op']!r}")
            elif len(node["inputs"]) != model["arity"]:  # type: ignore[index]
                c.fail(f"{where}.inputs", f"{len(node['inputs'])} inputs for a model of "
                       f"{model['arity']} arguments")  # type: ignore[index]
        elif len(node["inputs"]) != 1:
            c.fail(f"{where}.inputs", "an item node has one input")

    try:
        Graph.from_json({"inputs": input_names, "nodes": data["nodes"],
                         "outputs": data["outputs"]}, lambda value: None).check()
    except ValueError as exc:
        c.fail("graph", str(exc))
    for path, size in refs.arrays:
        listed(path, "an array constant")
        if files[path]["size"] != size:
            c.fail("an array constant", f"{path} holds {files[path]['size']} bytes, its dtype "
                   f"and shape need {size}")
    for path in refs.resources:
        listed(path, "a resource constant")
    return refs


def _check_exceptions(c: _Checker, entries: List[Any]) -> None:
    """User exception kinds are registered with the runtime at load: each
    in the user range, its parent a built-in kind or a user kind listed
    before it."""
    from ..backend.abi import ERROR_KINDS
    from ..exceptions import USER_BASE, USER_SPAN

    known = set(ERROR_KINDS.values())
    for i, exc in enumerate(entries):
        where = f"exceptions[{i}]"
        c.obj(exc, where, {"name": str, "kind": int, "parent_kind": int})
        if not USER_BASE <= exc["kind"] < USER_BASE + USER_SPAN:
            c.fail(f"{where}.kind", f"{exc['kind']} is not a user exception kind")
        if exc["parent_kind"] not in known:
            c.fail(f"{where}.parent_kind", f"{exc['parent_kind']} is neither a built-in "
                   "exception kind nor a user kind listed before")
        known.add(exc["kind"])


# ---- state/state.json


STATE_KEYS = ("format", "format_version", "instances")


def check_state(data: Any, filename: str, manifest: Dict[str, Any],
                graph_refs: References) -> None:
    """Check the state file against the schema and the manifest: each
    instance built by a constructor op of its class, from earlier ones."""
    from .errors import StateError
    from .state import STATE_FORMAT, STATE_FORMAT_VERSION

    c = _Checker(filename)
    try:
        if not isinstance(data, dict):
            c.fail("top level", f"expected an object, got {_kind(data)}")
        if data.get("format") != STATE_FORMAT:
            c.fail("format", f"expected {STATE_FORMAT!r}")
        version = data.get("format_version")
        if version != STATE_FORMAT_VERSION or isinstance(version, bool):
            raise FormatVersionError(f"{filename}: state format_version {version!r} is not "
                                     f"supported (this pyjitx reads {STATE_FORMAT_VERSION})")
        c.obj(data, "top level", {"format": str, "format_version": int,
                                  "instances": c.list_of(dict)})
        ops = {op["id"]: op for op in manifest["ops"]}
        files = manifest["files"]
        defined: Set[str] = set()
        for i, inst in enumerate(data["instances"]):
            where = f"instances[{i}]"
            refs = References()
            c.obj(inst, where, {"id": c.ident, "class": str, "class_id": c.nonneg,
                                "constructor": str, "args": c.list_of(c.typed_value(refs, False))})
            if inst["id"] in defined:
                c.fail(f"{where}.id", f"the instance id {inst['id']!r} is used twice")
            op = ops.get(inst["constructor"])
            if op is None:
                c.fail(f"{where}.constructor", f"no op has the id {inst['constructor']!r}")
            elif not op["returns"]["descriptor"].startswith(f"c[{inst['class_id']}:"):  # type: ignore
                c.fail(f"{where}.constructor", f"the op {inst['constructor']} does not make "
                       f"instances of class id {inst['class_id']}")
            elif len(inst["args"]) != len(op["params"]):  # type: ignore[index]
                c.fail(f"{where}.args", f"{len(inst['args'])} arguments for a constructor of "
                       f"{len(op['params'])} parameters")  # type: ignore[index]
            unknown = sorted(refs.instances - defined)
            if unknown:
                c.fail(f"{where}.args", f"refers to the instance {unknown[0]!r} before it is "
                       "defined")
            for k, (arg, param) in enumerate(zip(inst["args"], op["params"])):  # type: ignore
                why = misfit(arg, param["descriptor"])
                if why is not None:
                    c.fail(f"{where}.args[{k}]", f"does not fit the parameter "
                           f"'{param['name']}' of {inst['constructor']} "
                           f"({param['descriptor']}): {why}")
            for path, size in refs.arrays:
                if path not in files or files[path]["size"] != size:
                    c.fail(f"{where}.args", f"the array file {path!r} is not listed with "
                           f"{size} bytes")
            for path in refs.resources:
                if path not in files:
                    c.fail(f"{where}.args", f"the resource {path!r} is not in 'files'")
            defined.add(inst["id"])
        unknown = sorted(graph_refs.instances - defined)
        if unknown:
            raise ManifestError(f"{MANIFEST}: the graph refers to the instance {unknown[0]!r}, "
                                f"which {filename} does not define")
    except ManifestError as exc:
        if isinstance(exc, StateError) or str(exc).startswith(MANIFEST):
            raise
        raise StateError(str(exc)) from None


def check_no_state(graph_refs: References) -> None:
    if graph_refs.instances:
        raise ManifestError(f"{MANIFEST}: the graph refers to instances but 'state' is null")
