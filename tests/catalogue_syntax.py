"""Cases of tests/test_error_catalogue.py for the sites of the syntax
modules (numeric.py, typechecks.py, signatures.py, patterns.py,
printing.py, methods.py): kept here so that the catalogue stays readable."""
from __future__ import annotations

from catalogue_harness import Case


def case(source: str, fragment: str, caret=None, **kwargs) -> Case:
    return Case(source, fragment, caret, **kwargs)


SYNTAX_CASES = [
    # ------------------------------------------------------------ numeric.py
    case("""
        def f() -> int:
            q, r = divmod(7, b=2)
            return q
        """, "divmod() takes no keyword arguments", "b=2"),
    case("""
        def f() -> int:
            return len(divmod(7))
        """, "divmod expected 2 arguments, got 1", "divmod(7)"),
    case("""
        def f(s: str) -> int:
            q, r = divmod(s, 2)
            return q
        """, "unsupported operand type(s) for divmod(): 'str' and 'int'", "divmod(s, 2)",
         args=("a",)),
    # ---------------------------------------------------------- typechecks.py
    case("""
        def f(x: int, y: int) -> bool:
            return type(x) is y
        """, "'y' must name a class here", "y", line="return type(x) is y", args=(1, 2)),
    case("""
        def f(x: int) -> bool:
            g = lambda: x
            return type(g) is int
        """, "type() of a function", "type(g) is int", args=(1,)),
    case("""
        def f(x: Any) -> bool:
            return type(x) is ValueError
        """, "type(x) is ValueError of an Any is not supported", "type(x) is ValueError",
         args=(1,)),
]
