"""The text `pyjitx inspect DIR` prints: a saved pipeline's graph, ops,
inputs, outputs, state and files with their sizes -- read from the
manifest without loading any code, so a directory made for another
machine can be inspected too (the checks a load would make are run and
their verdict printed)."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List

from ..files import read_inside
from .errors import PipelineLoadError
from .manifest import MANIFEST, MANIFEST_LIMIT, check_manifest, parse


def describe(path: str) -> str:
    """The report of the directory at `path`; PipelineLoadError if its
    manifest cannot be read at all.  Files are read as the loader reads
    them: never through a symbolic link (UnsafeFileError)."""
    from .errors import ManifestError, MissingFileError, UnsafeFileError

    root = os.path.abspath(path)
    text, why = read_inside(root, MANIFEST, MANIFEST_LIMIT)
    if text is None:
        if why == "missing":
            raise MissingFileError(f"{root}: {MANIFEST} is missing")
        raise (ManifestError if why.startswith("larger") else UnsafeFileError)(f"{root}: {why}")
    manifest = parse(text)
    check_manifest(manifest)
    lines: List[str] = []
    out = lines.append
    m = manifest
    out(f"pipeline {m['name']!r} in {root}")
    out(f"  format {m['format_version']}, saved by pyjitx {m['pyjitx_version']}, "
        f"Unicode {m['unicode_version']}")
    t = m["target"]
    out(f"  target {t['triple']}, cpu {t['cpu']} ({len(t['features'])} required features); "
        f"ABI {m['abi']['version']} ({m['abi']['hash']})")
    out(f"  checks: {_verdict(root)}")
    out("inputs:")
    for item in m["inputs"]:
        out(f"  {item['name']}: {item['type'] or '?'}")
    out(f"outputs: {render(m['outputs'])}")
    ops = {op["id"]: op for op in m["ops"]}
    models = {model["id"]: model for model in m.get("torch", ())}
    out(f"graph ({len(m['nodes'])} nodes):")
    for node in m["nodes"]:
        target = node["outputs"][0]
        if node["kind"] == "op":
            op = ops[node["op"]]
            args = ", ".join(render(e) for e in node["inputs"])
            text = f"  {target} = {op['name']}({args})  [{node['op']}]"
        elif node["kind"] == "torch":
            model = models[node["op"]]
            args = ", ".join(render(e) for e in node["inputs"])
            text = f"  {target} = torch {model['name']}({args})  [{node['op']}]"
        else:
            text = f"  {target} = {render(node['inputs'][0])}[{node['index']}]"
        out(f"{text:<72} {node['where']}" if node["where"] else text)
    files = m["files"]
    out(f"ops ({len(ops)}):")
    for op in m["ops"]:
        out(f"  {op['id']} {op['name']}{op['signature']}")
        out(f"      {op['object']} ({_size(files[op['object']]['size'])}), entry {op['entry']}")
    if models:
        out(f"torch models ({len(models)}):")
        for model in models.values():
            out(f"  {model['id']} {model['name']} (TorchScript, {model['mode']}, "
                f"{model['arity']} inputs)")
            out(f"      {model['file']} ({_size(files[model['file']]['size'])})")
    state = _state(root, m)
    if state is not None:
        out(f"state ({len(state)} instances, {m['state']['file']}):")
        for inst in state:
            args = ", ".join(render(a) for a in inst.get("args", ()))
            out(f"  {inst.get('id')} = {inst.get('class')}({_clip(args, 90)})  "
                f"[{inst.get('constructor')}]")
    if m["resources"]:
        out("resources:")
        for res in m["resources"]:
            out(f"  {res['file']} (from {res['source']})")
    out(f"library: {m['library'] or 'none (link ops/*.o, see docs/pipeline-format.md)'}")
    out(f"files ({len(files) + 1}, {_size(sum(e['size'] for e in files.values()))} "
        f"+ {MANIFEST} {_size(os.path.getsize(os.path.join(root, MANIFEST)))}):")
    for name, entry in files.items():
        out(f"  {_size(entry['size']):>10}  {name}")
    return "\n".join(lines)


def _verdict(root: str) -> str:
    from .loader import verify

    try:
        verify(root)
    except PipelineLoadError as exc:
        return f"FAILED -- {type(exc).__name__}: {exc}"
    return "passed (this machine can load it)"


def _state(root: str, manifest: Dict[str, Any]) -> Any:
    if manifest["state"] is None:
        return None
    try:
        text, _ = read_inside(root, manifest["state"]["file"], MANIFEST_LIMIT)
        if text is None:  # (a link, or missing: the verdict says which)
            return []
        data = json.loads(text)
        return [i for i in data["instances"] if isinstance(i, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def render(value: Any, limit: int = 60) -> str:
    """A typed value (or graph expression) as short Python-like text."""
    return _clip(_render(value), limit)


def _render(v: Any) -> str:
    kind = v.get("type") if isinstance(v, dict) else None
    if kind == "var":
        return v["name"]
    if kind == "none":
        return "None"
    if kind in ("bool", "int"):
        return repr(v["value"])
    if kind == "float":
        return v["value"] if v["value"] not in ("nan", "inf", "-inf") else f"float({v['value']!r})"
    if kind == "str":
        return repr(v["value"])
    if kind == "bytes":
        return f"<bytes base64 {v['base64'][:16]}>"
    if kind in ("list", "tuple", "set"):
        items = ", ".join(_render(i) for i in v["items"][:20])
        more = ", ..." if len(v["items"]) > 20 else ""
        if kind == "list":
            return f"[{items}{more}]"
        if kind == "set":
            return f"{{{items}{more}}}" if items else "set()"
        return f"({items}{more}{',' if len(v['items']) == 1 else ''})"
    if kind == "dict":
        items = ", ".join(f"{_render(k)}: {_render(x)}" for k, x in v["items"][:20])
        return f"{{{items}{', ...' if len(v['items']) > 20 else ''}}}"
    if kind == "ndarray":
        return f"<ndarray {v['dtype']} {tuple(v['shape'])} {v['file']}>"
    if kind == "instance":
        return v["id"]
    if kind == "resource":
        return f"resource({v['file']!r})"
    return "?"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n}"
