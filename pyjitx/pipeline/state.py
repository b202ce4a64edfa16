"""The typed value format of a saved pipeline: constructor arguments in
state/state.json and constants in the manifest's graph.

It is JSON a C++ host can read without Python's help, every value tagged
with its type (docs/pipeline-format.md is the reference):

    {"type": "none"}                      {"type": "bool", "value": true}
    {"type": "int", "value": -3}          (a 64-bit signed integer)
    {"type": "float", "value": "0.1"}     (shortest round-trip decimal, or
                                           "nan", "inf", "-inf")
    {"type": "str", "value": "..."}       {"type": "bytes", "base64": "..."}
    {"type": "list" | "tuple" | "set", "items": [value, ...]}
    {"type": "dict", "items": [[key, value], ...]}   (typed keys, in order)
    {"type": "ndarray", "dtype": "float32", "shape": [2, 3],
     "file": "state/arrays/a0.bin"}       (raw little-endian, C order)
    {"type": "instance", "id": "i0"}      (an instance in the state file)
    {"type": "resource", "file": "resources/vocab.txt"}

Floats are strings so that the JSON holds no floating-point numbers at
all: a host parses them with strtod, and the manifest's digest covers a
canonical text any language reproduces.  The graph adds one more type,
{"type": "var", "name": ...}, a value known only at run time (graph.py).

Encoding and decoding take callbacks for what lives outside the JSON text
(instances, arrays, resources); `validate` checks a JSON value against the
format without building anything, so that a directory can be refused
before any of its code is loaded.
"""
from __future__ import annotations

import base64
import binascii
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from .. import _ext
from .resources import Resource

STATE_FORMAT = "pyjitx-state"
STATE_FORMAT_VERSION = 1

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
DTYPE_SIZES = {"bool": 1, "uint8": 1, "int8": 1, "int32": 4, "int64": 8, "float16": 2,
               "float32": 4, "float64": 8}
MAX_DEPTH = 200  # nesting deeper than this is refused (never a RecursionError)


class ValueFormatError(ValueError):
    """A value cannot be written in, or a JSON value does not follow, the
    format.  The message says where."""


def _is_array(value: Any) -> bool:
    from ..arrays import array_type_of

    return array_type_of(value) is not None


@dataclass
class Encoder:
    """Python value -> typed JSON.  The callbacks turn an instance into its
    id, and store an array or a resource file, returning the relative path
    written in the JSON."""

    instance: Callable[[Any], str]
    array: Callable[[Any], str]
    resource: Callable[[Resource], str]

    def encode(self, value: Any, where: str = "value", depth: int = 0) -> Dict[str, Any]:
        if depth > MAX_DEPTH:
            raise ValueFormatError(f"{where}: nested more than {MAX_DEPTH} levels deep")
        if value is None:
            return {"type": "none"}
        if isinstance(value, bool):
            return {"type": "bool", "value": value}
        if isinstance(value, Resource):
            return {"type": "resource", "file": self.resource(value)}
        if isinstance(value, str):
            return {"type": "str", "value": str(value)}
        if isinstance(value, (bytes, bytearray)):
            return {"type": "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
        if isinstance(value, float):
            return {"type": "float", "value": float_text(float(value))}
        if isinstance(value, numbers.Integral):
            number = int(value)
            if not INT64_MIN <= number <= INT64_MAX:
                raise ValueFormatError(f"{where}: {number} does not fit a 64-bit int")
            return {"type": "int", "value": number}
        if isinstance(value, _ext.Instance):
            return {"type": "instance", "id": self.instance(value)}
        if isinstance(value, (list, tuple)):
            kind = "list" if isinstance(value, list) else "tuple"
            return {"type": kind, "items": [self.encode(item, f"{where}[{i}]", depth + 1)
                                            for i, item in enumerate(value)]}
        if isinstance(value, (set, frozenset)):
            return {"type": "set", "items": [self.encode(item, f"{where} item", depth + 1)
                                             for item in value]}
        if isinstance(value, dict):
            return {"type": "dict", "items": [
                [self.encode(k, f"{where} key", depth + 1),
                 self.encode(v, f"{where}[{k!r}]", depth + 1)] for k, v in value.items()]}
        if _is_array(value):
            import numpy

            array = numpy.from_dlpack(value) if not isinstance(value, numpy.ndarray) else value
            return {"type": "ndarray", "dtype": array.dtype.name.replace("bool_", "bool"),
                    "shape": list(array.shape), "file": self.array(array)}
        raise ValueFormatError(f"{where}: a {type(value).__module__}.{type(value).__qualname__} "
                               "cannot be saved (supported: None, bool, int, float, str, bytes, "
                               "list, tuple, set, dict, NDArray, compiled-class instances, "
                               "pyjitx.resource paths)")


def float_text(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def array_bytes(array: Any) -> bytes:
    """An array's contents as the format stores them: little-endian, C order."""
    import numpy

    contiguous = numpy.ascontiguousarray(array)
    little = contiguous.dtype.newbyteorder("<")
    return contiguous.astype(little, copy=False).tobytes()


def check_encodable(value: Any, where: str) -> None:
    """ValueFormatError unless `value` can be saved (instances and arrays
    are taken on trust here: their state is checked when saving)."""
    Encoder(instance=lambda _: "", array=lambda _: "",
            resource=lambda _: "").encode(value, where)


@dataclass
class Decoder:
    """Typed JSON (validated) -> Python value."""

    instance: Callable[[str], Any]
    array: Callable[[str, str, Tuple[int, ...]], Any]
    resource: Callable[[str], str]

    def decode(self, data: Dict[str, Any]) -> Any:
        kind = data["type"]
        if kind == "none":
            return None
        if kind in ("bool", "int", "str"):
            return data["value"]
        if kind == "float":
            return float(data["value"])
        if kind == "bytes":
            return base64.b64decode(data["base64"])
        if kind == "list":
            return [self.decode(item) for item in data["items"]]
        if kind == "tuple":
            return tuple(self.decode(item) for item in data["items"])
        if kind == "set":
            return {self.decode(item) for item in data["items"]}
        if kind == "dict":
            return {self.decode(k): self.decode(v) for k, v in data["items"]}
        if kind == "ndarray":
            return self.array(data["file"], data["dtype"], tuple(data["shape"]))
        if kind == "instance":
            return self.instance(data["id"])
        if kind == "resource":
            return self.resource(data["file"])
        raise ValueFormatError(f"unknown value type {kind!r}")  # validate() ran first


@dataclass
class References:
    """What validated values refer to outside the JSON text."""

    instances: Set[str] = field(default_factory=set)
    arrays: List[Tuple[str, int]] = field(default_factory=list)  # (file, byte size)
    resources: Set[str] = field(default_factory=set)


_KEYS = {
    "none": {"type"}, "bool": {"type", "value"}, "int": {"type", "value"},
    "float": {"type", "value"}, "str": {"type", "value"}, "bytes": {"type", "base64"},
    "list": {"type", "items"}, "tuple": {"type", "items"}, "set": {"type", "items"},
    "dict": {"type", "items"}, "ndarray": {"type", "dtype", "shape", "file"},
    "instance": {"type", "id"}, "resource": {"type", "file"}, "var": {"type", "name"},
}
_FLOAT_WORDS = ("nan", "inf", "-inf")


def validate(data: Any, where: str, refs: References, allow_vars: bool = False,
             depth: int = 0) -> None:
    """ValueFormatError unless `data` is a well-formed typed value (with
    {"type": "var"} allowed where `allow_vars`); collects its references."""
    if depth > MAX_DEPTH:
        raise ValueFormatError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValueFormatError(f"{where}: expected a typed value {{\"type\": ...}}, "
                               f"got {_json_kind(data)}")
    kind = data["type"]
    keys = _KEYS.get(kind)
    if keys is None or (kind == "var" and not allow_vars):
        raise ValueFormatError(f"{where}: unknown value type {kind!r}")
    if set(data) != keys:
        raise ValueFormatError(f"{where}: a {kind} value has the keys {sorted(keys)}, "
                               f"not {sorted(data)}")
    if kind == "bool":
        _expect(isinstance(data["value"], bool), where, "value", "true or false")
    elif kind == "int":
        value = data["value"]
        _expect(isinstance(value, int) and not isinstance(value, bool)
                and INT64_MIN <= value <= INT64_MAX, where, "value", "a 64-bit integer")
    elif kind == "float":
        _expect(isinstance(data["value"], str) and _is_float_text(data["value"]), where,
                "value", "a decimal float as a string")
    elif kind == "str":
        _expect(isinstance(data["value"], str), where, "value", "a string")
    elif kind == "bytes":
        text = data["base64"]
        _expect(isinstance(text, str), where, "base64", "a base64 string")
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueFormatError(f"{where}: 'base64' is not valid base64") from None
    elif kind in ("list", "tuple", "set"):
        _expect(isinstance(data["items"], list), where, "items", "a list")
        for i, item in enumerate(data["items"]):
            validate(item, f"{where}[{i}]", refs, allow_vars, depth + 1)
            if kind == "set" and _unhashable(item):
                raise ValueFormatError(f"{where}[{i}]: a set item must be hashable")
    elif kind == "dict":
        _expect(isinstance(data["items"], list), where, "items", "a list of [key, value]")
        for i, pair in enumerate(data["items"]):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ValueFormatError(f"{where}: item {i} is not a [key, value] pair")
            validate(pair[0], f"{where} key {i}", refs, False, depth + 1)
            if _unhashable(pair[0]):
                raise ValueFormatError(f"{where} key {i}: a dict key must be hashable")
            validate(pair[1], f"{where} value {i}", refs, allow_vars, depth + 1)
    elif kind == "ndarray":
        _expect(isinstance(data["dtype"], str) and data["dtype"] in DTYPE_SIZES, where, "dtype",
                f"one of {sorted(DTYPE_SIZES)}")
        shape = data["shape"]
        _expect(isinstance(shape, list) and len(shape) <= 32 and all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= INT64_MAX
            for n in shape), where, "shape", "a list of sizes")
        _expect(isinstance(data["file"], str), where, "file", "a path")
        size = DTYPE_SIZES[data["dtype"]] * math.prod(shape)
        refs.arrays.append((data["file"], size))
    elif kind == "instance":
        _expect(isinstance(data["id"], str), where, "id", "an instance id")
        refs.instances.add(data["id"])
    elif kind == "resource":
        _expect(isinstance(data["file"], str), where, "file", "a path")
        refs.resources.add(data["file"])
    elif kind == "var":
        _expect(isinstance(data["name"], str), where, "name", "a value name")


def _unhashable(data: Dict[str, Any]) -> bool:
    kind = data["type"]
    if kind in ("list", "set", "dict", "ndarray", "var"):
        return True
    if kind == "tuple":
        return any(_unhashable(item) for item in data["items"])
    return False


def _is_float_text(text: str) -> bool:
    if text in _FLOAT_WORDS:
        return True
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and text.strip() == text and "_" not in text


def _expect(ok: bool, where: str, key: str, what: str) -> None:
    if not ok:
        raise ValueFormatError(f"{where}: '{key}' must be {what}")


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(data), type(data).__name__)


# ---- a value against the parameter it is for

_DTYPE_CODES = ("bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64")
_SCALAR_DESCRIPTORS = {
    # descriptor: the value types the boundary converts to it (pyjitx/_convert.c)
    "i": ("int", "bool"), "I": ("int",), "f": ("float", "int", "bool"), "F": ("float",),
    "b": ("bool",), "n": ("none",), "s": ("str", "resource"), "y": ("bytes",),
}


def misfit(data: Dict[str, Any], descriptor: str) -> Optional[str]:
    """Where a validated value does not fit a parameter's boundary
    descriptor (docs/pipeline-format.md), as a short phrase, or None: what
    the conversion into the parameter would refuse with a TypeError, found
    before any code is loaded.  Instances are taken as instances of any
    class (the format does not say which classes derive from which), and an
    Any takes every value.  A C++ loader applies the same rules
    (session.hpp, `misfit`)."""
    tree, end = _desc_tree(descriptor.lstrip("!"), 0)
    if tree is None or end != len(descriptor.lstrip("!")):
        return f"the descriptor {descriptor!r} is not one"
    return _misfit(data, tree, 0)


def _desc_tree(text: str, i: int) -> Tuple[Optional[tuple], int]:
    """(tag, items, extra), the index after it; (None, i) if malformed."""
    if i >= len(text):
        return None, i
    tag = text[i]
    if tag in "iIfFbnsya":
        return (tag, (), ""), i + 1
    if i + 1 >= len(text) or text[i + 1] != "[":
        return None, i
    j = i + 2
    items: List[tuple] = []
    extra = ""
    if tag in "cA":
        close = text.find("]", j)
        if close < 0:
            return None, i
        extra, j = text[j:close], close
    else:
        while j < len(text) and text[j] != "]":
            item, j = _desc_tree(text, j)
            if item is None:
                return None, i
            items.append(item)
    if j >= len(text):
        return None, i
    return (tag, tuple(items), extra), j + 1


def _misfit(data: Dict[str, Any], tree: tuple, depth: int) -> Optional[str]:
    tag, items, extra = tree
    kind = data["type"]
    if depth > MAX_DEPTH:
        return "nested too deep"
    if tag == "a":
        return None
    if tag in _SCALAR_DESCRIPTORS:
        return None if kind in _SCALAR_DESCRIPTORS[tag] else f"a {kind} where {tag!r} is needed"
    if tag == "o":
        return None if kind == "none" else _misfit(data, items[0], depth + 1)
    if tag == "u":
        if any(_misfit(data, member, depth + 1) is None for member in items):
            return None
        return f"a {kind} that is none of the union's types"
    expected = {"l": "list", "e": "set", "t": "tuple", "T": "tuple", "d": "dict",
                "c": "instance", "A": "ndarray"}.get(tag)
    if kind != expected:
        return f"a {kind} where a {expected} is needed"
    if tag in "leT":
        for index, item in enumerate(data["items"]):
            why = _misfit(item, items[0], depth + 1)
            if why is not None:
                return f"item {index}: {why}"
    elif tag == "t":
        if len(data["items"]) != len(items):
            return f"a tuple of {len(data['items'])} items where {len(items)} are needed"
        for index, (item, member) in enumerate(zip(data["items"], items)):
            why = _misfit(item, member, depth + 1)
            if why is not None:
                return f"item {index}: {why}"
    elif tag == "d":
        for index, (key, value) in enumerate(data["items"]):
            why = _misfit(key, items[0], depth + 1) or _misfit(value, items[1], depth + 1)
            if why is not None:
                return f"entry {index}: {why}"
    elif tag == "A":
        dtype, ndim = extra[:1], extra[1:]
        if dtype != "*" and _DTYPE_CODES[int(dtype)] != data["dtype"]:
            return f"a {data['dtype']} array where {_DTYPE_CODES[int(dtype)]} is needed"
        if ndim != "*" and int(ndim) != len(data["shape"]):
            return f"an array of {len(data['shape'])} dimensions where {ndim} are needed"
    return None
