"""Python annotations -> IR types."""
from __future__ import annotations

import ast
import typing
from typing import Any, Optional

from ..ir.types import BOOL, FLOAT, INT, NONE, Type

_BY_OBJECT = {int: INT, float: FLOAT, bool: BOOL, type(None): NONE, None: NONE}
_BY_NAME = {"int": INT, "float": FLOAT, "bool": BOOL, "None": NONE}


def type_from_annotation(annotation: Any) -> Optional[Type]:
    """The IR type of an evaluated annotation (or its string form), or None
    if pyjitx has no such type (yet)."""
    if isinstance(annotation, str):
        return _BY_NAME.get(annotation.strip())
    try:
        return _BY_OBJECT.get(annotation)
    except TypeError:  # unhashable annotation objects
        return None


def annotation_text(node: Optional[ast.expr]) -> str:
    return ast.unparse(node) if node is not None else "?"


def type_of_python_value(value: Any) -> Optional[Type]:
    """The IR type that a Python argument value converts to."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if value is None:
        return NONE
    try:  # numpy scalars and other int-likes
        import operator
        operator.index(value)
        return INT
    except TypeError:
        pass
    if hasattr(value, "__float__") and not isinstance(value, (str, bytes)):
        return FLOAT
    return None


get_type_hints = typing.get_type_hints
