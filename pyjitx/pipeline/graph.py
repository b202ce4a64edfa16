"""The graph a trace records: small immutable values, nothing else.

A pipeline is a list of nodes in the order the traced function ran them
(the order is kept, not recomputed: two method calls on one instance may
depend on each other through its state without any value between them), a
tuple of input names, and an output expression.

Expressions are what a node takes and what the pipeline returns:

    Var(name)              a value of the graph: an input or a node's output
    Const(value)           a value fixed at trace time (state.py encodes it)
    Pack(kind, items)      a list or tuple built at run time around Vars
    PackDict(keys, values) a dict built at run time around Vars

Nodes have a `kind`: "op" calls a compiled op (`op` names it in the
manifest's ops table), "item" takes item `index` of a fixed-size tuple
(what `a, b = op(x)` records), "torch" runs a TorchScript model (`op`
names it in the manifest's torch table; torch_nodes.py).  Another kind
adds a name here and a runner in pipeline.py.

This module knows nothing of how values are stored: the JSON form takes
the encoder and decoder of constants as arguments.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

NODE_KINDS = ("op", "item", "torch")


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True, eq=False)
class Const:
    """A constant: compared by identity (its value may be a list)."""

    value: Any


@dataclass(frozen=True)
class Pack:
    kind: str  # "list" or "tuple"
    items: Tuple["Expr", ...]


@dataclass(frozen=True)
class PackDict:
    keys: Tuple["Expr", ...]
    values: Tuple["Expr", ...]


Expr = Union[Var, Const, Pack, PackDict]


@dataclass(frozen=True)
class Node:
    kind: str
    inputs: Tuple[Expr, ...]
    outputs: Tuple[str, ...]
    op: Optional[str] = None      # kind "op"/"torch": the op's or model's id
    index: Optional[int] = None   # kind "item": which item
    where: str = ""               # file:line of the traced call, for people


@dataclass(frozen=True)
class Graph:
    inputs: Tuple[str, ...]
    nodes: Tuple[Node, ...]
    outputs: Expr

    def check(self) -> None:
        """ValueError unless every name is defined once and before it is
        used, and every node is well formed."""
        defined = set()
        for name in self.inputs:
            if name in defined:
                raise ValueError(f"input {name!r} is listed twice")
            defined.add(name)
        for position, node in enumerate(self.nodes):
            where = f"node {position}"
            if node.kind not in NODE_KINDS:
                raise ValueError(f"{where}: unknown kind {node.kind!r}")
            if node.kind in ("op", "torch") and not node.op:
                raise ValueError(f"{where}: an {node.kind} node names no op")
            if node.kind == "item" and (node.index is None or len(node.inputs) != 1):
                raise ValueError(f"{where}: an item node takes one input and an index")
            for name in variables(node.inputs):
                if name not in defined:
                    raise ValueError(f"{where} uses {name!r} before it is defined")
            for name in node.outputs:
                if name in defined:
                    raise ValueError(f"{where} defines {name!r} again")
                defined.add(name)
        for name in variables((self.outputs,)):
            if name not in defined:
                raise ValueError(f"the outputs use {name!r}, which nothing defines")

    def output_names(self) -> Tuple[str, ...]:
        """The graph values the outputs are made of, in order."""
        return tuple(variables((self.outputs,)))

    def producers(self) -> Dict[str, int]:
        """Which node (by position) defines each value; inputs are absent."""
        return {name: i for i, node in enumerate(self.nodes) for name in node.outputs}

    # ---- JSON form

    def to_json(self, encode: Callable[[Any], Any]) -> Dict[str, Any]:
        return {
            "inputs": list(self.inputs),
            "nodes": [node_to_json(node, encode) for node in self.nodes],
            "outputs": expr_to_json(self.outputs, encode),
        }

    @staticmethod
    def from_json(data: Dict[str, Any], decode: Callable[[Any], Any]) -> "Graph":
        """From the manifest's inputs/nodes/outputs (already checked against
        the schema)."""
        return Graph(tuple(data["inputs"]),
                     tuple(node_from_json(n, decode) for n in data["nodes"]),
                     expr_from_json(data["outputs"], decode))


def variables(exprs: Tuple[Expr, ...]) -> Iterator[str]:
    """The Var names in expressions, depth first."""
    for expr in exprs:
        if isinstance(expr, Var):
            yield expr.name
        elif isinstance(expr, Pack):
            yield from variables(expr.items)
        elif isinstance(expr, PackDict):
            for key, value in zip(expr.keys, expr.values):
                yield from variables((key, value))


def evaluate(expr: Expr, env: Dict[str, Any]) -> Any:
    """The value of an expression, graph values from `env`."""
    if isinstance(expr, Var):
        return env[expr.name]
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Pack):
        items = [evaluate(item, env) for item in expr.items]
        return items if expr.kind == "list" else tuple(items)
    return {evaluate(k, env): evaluate(v, env) for k, v in zip(expr.keys, expr.values)}


def node_to_json(node: Node, encode: Callable[[Any], Any]) -> Dict[str, Any]:
    data: Dict[str, Any] = {"kind": node.kind}
    if node.op is not None:
        data["op"] = node.op
    if node.index is not None:
        data["index"] = node.index
    data["inputs"] = [expr_to_json(e, encode) for e in node.inputs]
    data["outputs"] = list(node.outputs)
    data["where"] = node.where
    return data


def node_from_json(data: Dict[str, Any], decode: Callable[[Any], Any]) -> Node:
    return Node(data["kind"], tuple(expr_from_json(e, decode) for e in data["inputs"]),
                tuple(data["outputs"]), op=data.get("op"), index=data.get("index"),
                where=data.get("where", ""))


def expr_to_json(expr: Expr, encode: Callable[[Any], Any]) -> Any:
    if isinstance(expr, Var):
        return {"type": "var", "name": expr.name}
    if isinstance(expr, Const):
        return encode(expr.value)
    if isinstance(expr, Pack):
        return {"type": expr.kind, "items": [expr_to_json(i, encode) for i in expr.items]}
    return {"type": "dict", "items": [[expr_to_json(k, encode), expr_to_json(v, encode)]
                                      for k, v in zip(expr.keys, expr.values)]}


def has_var(data: Any) -> bool:
    """Does a JSON expression refer to a graph value?"""
    if not isinstance(data, dict):
        return False
    if data.get("type") == "var":
        return True
    if data.get("type") in ("list", "tuple", "dict"):
        return any(has_var(item) if data["type"] != "dict" else has_var(item[0]) or has_var(item[1])
                   for item in data.get("items", ()))
    return False


def expr_from_json(data: Any, decode: Callable[[Any], Any]) -> Expr:
    if not has_var(data):
        return Const(decode(data))
    kind = data["type"]
    if kind == "var":
        return Var(data["name"])
    if kind == "dict":
        pairs: List[Tuple[Expr, Expr]] = [(expr_from_json(k, decode), expr_from_json(v, decode))
                                          for k, v in data["items"]]
        return PackDict(tuple(k for k, _ in pairs), tuple(v for _, v in pairs))
    return Pack(kind, tuple(expr_from_json(i, decode) for i in data["items"]))
