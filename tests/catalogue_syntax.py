"""Cases of tests/test_error_catalogue.py for the sites of the syntax
modules (numeric.py, typechecks.py, signatures.py, patterns.py,
printing.py, methods.py): kept here so that the catalogue stays readable."""
from __future__ import annotations

import numpy as np

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
    # ------------------------------------------------------------- methods.py
    case("""
        class A:
            def get(self) -> int:
                return 1

        class B(A):
            def get(self) -> int:
                return self.other(2)

            def other(self, k: int) -> int:
                return super(k, self).get()

        def f() -> int:
            return B().get()
        """, "super()'s first argument must name a compiled class here", "k",
         line="return super(k, self).get()"),
    case("""
        class A:
            def get(self) -> int:
                return 1

        class B(A):
            def get(self) -> int:
                return super(int, self).get()

        def f() -> int:
            return B().get()
        """, "super()'s first argument must name a compiled class here", "int",
         line="return super(int, self).get()"),
    case("""
        class A:
            @classmethod
            def make(cls) -> int:
                return 1

        class B(A):
            @classmethod
            def make(cls) -> int:
                return super(B, A).make()

        def f() -> int:
            return B.make()
        """, "super() in a classmethod takes its class, 'cls'", "A)",
         line="return super(B, A).make()"),
    case("""
        class A:
            def get(self) -> int:
                return 1

        class B(A):
            def get(self) -> int:
                return 2

        class C:
            def get(self) -> int:
                return super(B, self).get()

        def f() -> int:
            return C().get()
        """, "super(type, obj): obj must be an instance or subtype of type", "super(B, self)"),
    # ------------------------------------------------------------ printing.py
    case("""
        def f() -> None:
            print(1, **{"sep": ""})
        """, "print() with **kwargs is not supported", '**{"sep": ""}'),
    case("""
        def f() -> None:
            print(1, flash=True)
        """, "'flash' is an invalid keyword argument for print()", "flash=True"),
    case("""
        import sys

        def f() -> None:
            sys.stdout.write("a", x=1)
        """, "write() takes no keyword arguments", "x=1"),
    case("""
        import sys

        def f() -> None:
            sys.stderr.write(5)
        """, "write() argument must be str, not int", "5"),
    case("""
        import sys

        def f() -> None:
            sys.stdout.writelines(["a"])
        """, "sys.stdout.writelines() is not supported in compiled code", "sys.stdout.writelines"),
    # ------------------------------------------------- signatures.py, keywords.py
    case("""
        def g(a: int = 0, b: int = 0) -> int:
            return a + b

        def f(d: Dict[str, int], e: Dict[str, int]) -> int:
            return g(**d, **e)
        """, "a call takes one **mapping here", "e)", args=({"a": 1}, {"b": 2}), fix="""
        def g(a: int = 0, b: int = 0) -> int:
            return a + b

        def f(d: Dict[str, int], e: Dict[str, int]) -> int:
            kw = dict(d)
            kw.update(e)
            return g(**kw)
        """),
    case("""
        def g(a: int = 0) -> int:
            return a

        def f(d: Dict[int, int]) -> int:
            return g(**d)
        """, "argument after ** must be a Dict[str, ...] here, not a Dict[int, int]", "d)",
         args=({},)),
    case("""
        def g(a: int = 0) -> int:
            return a

        def f() -> int:
            return g(a=1, **{"a": 2})
        """, "g() got multiple values for keyword argument 'a'", "2}"),
    case("""
        def g(*a) -> int:
            return len(a)

        def f(xs: List[int], ys: List[str]) -> int:
            return g(*xs, *ys)
        """, "the items after * are str here and int before", "*ys", args=([1], ["a"])),
    case("""
        def g(*a) -> int:
            return len(a)

        def f(xs: List[int]) -> int:
            return g(lambda: 1, *xs)
        """, "the values for *args have types that cannot share a tuple", "g(lambda", args=([1],)),
    case("""
        def f(xs: List[int]) -> int:
            return abs(*xs)
        """, "abs() takes a fixed list of arguments here", "*xs", args=([1],), fix="""
        def f(xs: List[int]) -> int:
            return abs(xs[0])
        """),
    case("""
        def g(a: int = 0) -> int:
            return a

        def f(d: Dict[str, int]) -> int:
            return g(c=1, **d)
        """, "g() got an unexpected keyword argument 'c'", "g(c=1", args=({},)),
    case("""
        def g(a: int = 0, b: int = 0) -> int:
            return a

        def f(d: Dict[str, int]) -> int:
            return g(1, 2, 3, **d)
        """, "g() takes from 0 to 2 positional arguments but 3 were given", "g(1, 2, 3",
         args=({},)),
    case("""
        def f(xs: List[int]) -> int:
            return max(*xs, foo=1)
        """, "max() got an unexpected keyword argument 'foo'", "max(*xs", args=([1],)),
    case("""
        def f(words: List[str]) -> str:
            return max(*words)
        """, "max(*xs) of str items is not supported", "max(*words)", args=(["a"],)),
    case("""
        def g(a: int, /) -> int:
            return a

        def f(d: Dict[str, int]) -> int:
            return g(**d)
        """, "g() missing its positional-only argument 'a'", "g(**d)", args=({},)),
    # ---------------------------------------------------- methods.py (values)
    case("""
        def f() -> str:
            up = str.upper
            return up()
        """, "unbound method str.upper() needs an argument", "up()"),
    case("""
        def f(n: int) -> str:
            return str.upper(n)
        """, "descriptor 'upper' for 'str' objects doesn't apply to a 'int' object", "n)",
         args=(1,)),
    # ------------------------------------------------------------ patterns.py
    case("""
        def f(x: Any, k: int) -> int:
            match x:
                case k():
                    return 1
            return 0
        """, "'k' must name a class in a class pattern", "k()", args=(1, 2)),
    case("""
        def f(x: Any) -> int:
            match x:
                case int(a, b):
                    return 1
            return 0
        """, "int() accepts 1 positional sub-pattern (2 given)", "int(a, b)", args=(1,)),
    case("""
        def f(x: Any) -> int:
            match x:
                case int(real=r):
                    return r
            return 0
        """, "keyword sub-patterns of int() are not supported", "int(real=r)", args=(1,)),
    case("""
        def f(a: np.ndarray) -> int:
            match a:
                case np.ndarray(x):
                    return 1
            return 0
        """, "class patterns of ndarray are supported for compiled classes and the built-in types",
         "np.ndarray(x)", args=(np.zeros(2),)),
    case("""
        class P:
            __match_args__ = ["x"]

            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            match P():
                case P(x):
                    return x
            return 0
        """, "P.__match_args__ must be a tuple of str", "P(x)"),
    case("""
        class P:
            __match_args__ = ("x",)

            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            match P():
                case P(a, b):
                    return a
            return 0
        """, "P() accepts 1 positional sub-pattern (2 given)", "P(a, b)"),
    case("""
        class P:
            __match_args__ = ("x",)

            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            match P():
                case P(a, x=b):
                    return a
            return 0
        """, "P() got multiple sub-patterns for attribute 'x'", "b)",
         line="case P(a, x=b)"),
    # ------------------------------------------------------------ displays.py
    case("""
        def f(x: Any) -> int:
            d = {"a": 1, **x}
            return len(d)
        """, "'**' in a dict display takes a dict here, not an Any", "x}", args=({},), fix="""
        def f(x: Any) -> int:
            y: Dict[str, Any] = x
            d = {"a": 1, **y}
            return len(d)
        """),
    case("""
        def g(a: int, b: int) -> int:
            return a + b

        def f(xs: List[int]) -> int:
            return g(1, 2, 3, *xs)
        """, "g() takes 2 positional arguments but 3 were given", "g(1, 2, 3", args=([1],)),
]
