"""The message catalogue: every place in pyjitx/frontend that makes a
CompileError has a tiny user function that reaches it.

The places ("sites") are found by parsing the frontend's source
(catalogue_harness.collect_sites), so a new site without a case here fails
test_every_site_has_a_case.  Each case is a module defining `f` (or a class)
whose compilation must fail with a message containing `fragment`, the caret
starting under the text `caret` on the line it names, and hints that are
finished sentences promising nothing; a hint that shows a rewrite comes with
that rewrite (`fix`), which must compile and give CPython's result.  A site
no user code can reach is listed in UNREACHABLE with the reason.
"""
from __future__ import annotations

import math
import os
from typing import Any, Dict, List, Optional, Tuple

import pytest

from catalogue_harness import (SITES, SUGGESTS_REWRITE, Case, hint_problems, hints, location,
                               run)
from catalogue_syntax import SYNTAX_CASES
from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit


def case(source: str, fragment: str, caret=None, **kwargs) -> Case:
    return Case(source, fragment, caret, **kwargs)


CASES = [
    # ------------------------------------------------------------ stdlib.py
    case("""
        from pyjitx.stdlib_random import _mt_random

        def f() -> float:
            return _mt_random([0] * 627, 1)
        """, "_mt_random() takes 1 positional argument", "_mt_random([0]"),
    case("""
        import time

        def f() -> float:
            return time.time(1)
        """, "time.time() takes no arguments", "time.time(1)"),
    case("""
        import time

        def f() -> None:
            time.sleep()
        """, "time.sleep() takes exactly one argument (the seconds)", "time.sleep()"),
    case("""
        import time

        def f() -> None:
            time.sleep("1")
        """, "'str' object cannot be interpreted as an integer or float", '"1"'),
    case("""
        import operator

        def f(xs: List[List[int]]) -> List[List[int]]:
            return sorted(xs, key=operator.itemgetter())
        """, "operator.itemgetter() takes one or more positional arguments here",
         "operator.itemgetter()", args=([[1]],)),
    case("""
        import operator

        def f(xs: List[str], name: str) -> List[str]:
            return sorted(xs, key=operator.attrgetter(name))
        """, "operator.attrgetter() takes attribute names as string literals in compiled code",
         "name))", args=(["a"], "x")),
    # ------------------------------------------------------------ calls.py
    case("""
        def f() -> int:
            return eval("1")
        """, "'eval' cannot be called from compiled code", "eval"),
    case("""
        def helper(x: int) -> int:
            return eval("x")

        def f() -> int:
            return helper(1) + 1
        """, "'eval' cannot be called from compiled code", "eval",
         fix="""
        @pyjitx.pyfunc
        def helper(x: int) -> int:
            return eval("x")

        def f() -> int:
            return helper(1) + 1
        """),
    case("""
        def f() -> int:
            x = 5
            return x.bit_length()
        """, "an int has no method 'bit_length' in compiled code", "x.bit_length"),
    case("""
        class C:
            K = 1

        def f() -> int:
            return C.NOPE
        """, "type object 'C' has no attribute 'NOPE'", "C.NOPE"),
    # ------------------------------------------------------------ calls.py: Optional arguments
    case("""
        from typing import List, Optional

        class Node:
            def __init__(self, v: int) -> None:
                self.v = v

        def keep(nodes: List[Node]) -> int:
            nodes.append(Node(0))
            return len(nodes)

        def f(n: int) -> int:
            nodes: List[Optional[Node]] = [None] * n
            for i in range(n):
                nodes[i] = Node(i)
            return keep(nodes)
        """, "argument 'nodes' of keep() is a list that may hold None, and keep() changes or "
             "keeps it", "keep(nodes)", args=(2,), line="return keep(nodes)"),
    case("""
        def need(s: str) -> int:
            return len(s)

        def f() -> int:
            x = None
            return need(x)
        """, "argument 's' of need() must be str, not None", "need(x)"),
    case("""
        class Box:
            def __init__(self, s: str) -> None:
                self.s = s

        def f() -> int:
            x = None
            return len(Box(x).s)
        """, "argument 's' of Box.__init__() must be str, not None", "Box(x)"),
    # ------------------------------------------------------------ subclass_dispatch.py
    case("""
        class Shape:
            def describe(self) -> str:
                return self.name(upper=True)

        class Square(Shape):
            def name(self, upper: bool = False) -> str:
                return "SQUARE" if upper else "square"

        def f() -> str:
            return Square().describe()
        """, "'Shape' has no method 'name': its subclasses' methods are called here with "
             "positional arguments only", "self.name(upper=True)"),
    # ------------------------------------------------------------ typeof.py
    case("""
        def f(x: int) -> int:
            return len(type(x).__doc__)
        """, "compiled code reads __name__ and __qualname__ of the class of an int",
         "type(x).__doc__", args=(1,)),
    case("""
        from typing import Optional

        class Base:
            pass

        class Sub(Base):
            pass

        def f(x: Optional[Base]) -> str:
            return type(x).__name__
        """, "the class of an Optional[Base] is told only after `is None` is ruled out here",
         "type(x).__name__", args=(None,), fix="""
        from typing import Optional

        class Base:
            pass

        class Sub(Base):
            pass

        def f(x: Optional[Base]) -> str:
            if x is None:
                return "NoneType"
            return type(x).__name__
        """, fix_args=(None,)),
    case("""
        from typing import Callable

        def g() -> int:
            return 1

        def f() -> str:
            h = g
            return type(h).__name__
        """, "the class of", "type(h).__name__"),
    case("""
        class Base:
            LIMIT = 1

            def limit(self) -> int:
                return self.__class__.LIMIT

        class Sub(Base):
            LIMIT = 2

        def f() -> int:
            return Sub().limit()
        """, "'self.__class__.LIMIT' differs between Base and its subclass Sub",
         "self.__class__.LIMIT"),
    case("""
        class Box:
            def size(self) -> int:
                return type(self).CAPACITY
        def f() -> int:
            return Box().size()
        """, "type object 'Box' has no attribute 'CAPACITY'", "type(self).CAPACITY"),
    case("""
        class Box:
            def size(self) -> int:
                return 1

            def twice(self) -> int:
                method = type(self).size
                return method(self) * 2

        def f() -> int:
            return Box().twice()
        """, "'type(self).size' is a method: compiled code calls methods on the instance",
         "type(self).size", fix="""
        class Box:
            def size(self) -> int:
                return 1

            def twice(self) -> int:
                return self.size() * 2

        def f() -> int:
            return Box().twice()
        """),
    case("""
        class Wide:
            def __init__(self) -> None:
                self.n = 0

            def fill(self) -> None:
                self.a0 = 0
                self.a1 = 1
                self.a2 = 2
                self.a3 = 3
                self.a4 = 4
                self.a5 = 5
                self.a6 = 6
                self.a7 = 7
                self.a8 = 8
                self.a9 = 9
                self.a10 = 10
                self.a11 = 11
                self.a12 = 12
                self.a13 = 13
                self.a14 = 14
                self.a15 = 15
                self.a16 = 16
                self.a17 = 17
                self.a18 = 18
                self.a19 = 19
                self.a20 = 20
                self.a21 = 21
                self.a22 = 22
                self.a23 = 23
                self.a24 = 24
                self.a25 = 25
                self.a26 = 26
                self.a27 = 27
                self.a28 = 28
                self.a29 = 29
                self.a30 = 30
                self.a31 = 31
                self.a32 = 32
                self.a33 = 33
                self.a34 = 34
                self.a35 = 35
                self.a36 = 36
                self.a37 = 37
                self.a38 = 38
                self.a39 = 39
                self.a40 = 40
                self.a41 = 41
                self.a42 = 42
                self.a43 = 43
                self.a44 = 44
                self.a45 = 45
                self.a46 = 46
                self.a47 = 47
                self.a48 = 48
                self.a49 = 49
                self.a50 = 50
                self.a51 = 51
                self.a52 = 52
                self.a53 = 53
                self.a54 = 54
                self.a55 = 55
                self.a56 = 56
                self.a57 = 57
                self.a58 = 58
                self.a59 = 59
                self.a60 = 60
                self.a61 = 61
                self.a62 = 62
                self.a63 = 63

        def f() -> int:
            return Wide().n
        """, "class Wide: more than 63 attributes are first assigned outside __init__",
         "class Wide:", fix="""
        class Wide:
            def __init__(self) -> None:
                self.n = 0

        def f() -> int:
            return Wide().n
        """),
    # ------------------------------------------------------------ local_classes.py
    case("""
        def f(x: int) -> int:
            class Scaled:
                def get(self) -> int:
                    return x * 2

            return Scaled().get()
        """, "class Scaled uses the local 'x' of f(), which a class made once for every call "
             "cannot", "class Scaled:", args=(2,), fix="""
        def f(x: int) -> int:
            class Scaled:
                def __init__(self, x: int) -> None:
                    self.x = x

                def get(self) -> int:
                    return self.x * 2

            return Scaled(x).get()
        """, fix_args=(2,)),
    # ------------------------------------------------------------ operators.py
    case("""
        class Point:
            def __init__(self, x: float) -> None:
                self.x = x

        def f(n: int) -> float:
            return (Point(1.0) + n).x
        """, "unsupported operand type(s) for +: 'Point' and 'int'", "Point(1.0) + n", args=(1,),
         fix="""
        class Point:
            def __init__(self, x: float) -> None:
                self.x = x

            def __add__(self, n: int) -> "Point":
                return Point(self.x + n)

        def f(n: int) -> float:
            return (Point(1.0) + n).x
        """),
    case("""
        class Point:
            def __init__(self, x: float) -> None:
                self.x = x

        def f() -> float:
            return (-Point(1.0)).x
        """, "bad operand type for unary -: 'Point'", "-Point(1.0)"),
    # ------------------------------------------------------------ module_constants.py
    case("""
        VOCAB = {"a": 1}

        def f(w: str) -> int:
            VOCAB[w] = 2
            return len(VOCAB)
        """, "'VOCAB' is a module-level dict that compiled code captured when it was compiled",
         "VOCAB", args=("b",), line="VOCAB[w] = 2",
         fix="""
        VOCAB = {"a": 1}

        def f(w: str) -> int:
            global VOCAB
            VOCAB[w] = 2
            return len(VOCAB)
        """),
    case("""
        BIG = [1, 2 ** 70]

        def f() -> int:
            return len(BIG)
        """, "'BIG' holds the integer 1180591620717411303424, which does not fit in 64 bits",
         "BIG", line="return len(BIG)"),
    case("""
        import threading

        LOCKS = [threading.Lock()]

        def f() -> int:
            return len(LOCKS)
        """, "'LOCKS' holds a lock value, which compiled code cannot use", "LOCKS",
         line="return len(LOCKS)"),
    case("""
        LOOP = []
        LOOP.append(LOOP)

        def f() -> int:
            return len(LOOP)
        """, "'LOOP' contains itself, which a captured value cannot", "LOOP",
         line="return len(LOOP)",
         fix="""
        from typing import Any
        LOOP = []
        LOOP.append(LOOP)

        def f(loop: Any) -> int:
            return len(loop)
        """, fix_args=([],)),
    case("""
        import enum

        class Mark(enum.Enum):
            ON = 1

        MIXED = [Mark.ON, 1]

        def f() -> int:
            return len(MIXED)
        """, "'MIXED' holds enum members among values of other types", "MIXED",
         line="return len(MIXED)",
         fix="""
        import enum

        class Mark(enum.Enum):
            ON = 1

        MIXED = [Mark.ON.value, 1]

        def f() -> int:
            return len(MIXED)
        """),
    case("""
        def f() -> float:
            return math.pi.real
        """, "'math.pi.real': compiled code cannot read attributes of a float object",
         "math.pi.real", fix="""
        REAL = math.pi.real

        def f() -> float:
            return REAL
        """),
    case("""
        def f() -> int:
            return next(iter([1, 2]))
        """, "next() needs an iterator object", "next"),
    case("""
        def g(x: int) -> int:
            return x

        def f() -> int:
            return g(1, 2)
        """, "g() takes 1 positional argument but 2 were given", "g(1, 2)"),
    case("""
        def f() -> int:
            return abs(1, 2)
        """, "abs() takes 1 argument (2 given)", "abs(1, 2)"),
    case("""
        def f() -> int:
            return abs("a")
        """, "bad operand type for abs(): 'str'", 'abs("a")'),
    case("""
        def f() -> int:
            return int(1.5, 2)
        """, "int() can't convert non-string with explicit base", "int(1.5, 2)"),
    case("""
        def f() -> int:
            return len(5)
        """, "object of type 'int' has no len()", "len(5)"),
    case("""
        def f() -> int:
            return ord(5)
        """, "ord() expected string of length 1, but int found", "ord(5)"),
    case("""
        def f() -> str:
            return chr(1.5)
        """, "'float' object cannot be interpreted as an integer", "chr(1.5)"),
    case("""
        def f() -> str:
            return format(1, 2)
        """, "format() argument 2 must be str", "format(1, 2)"),
    case("""
        def f() -> List[int]:
            return sorted([1], [2])
        """, "sorted() takes exactly one iterable here", "sorted([1], [2])"),
    case("""
        def f() -> Dict[str, int]:
            return dict(a=1)
        """, "dict() takes no arguments, a dict, or an iterable of pairs here", "dict(a=1)"),
    case("""
        def f() -> int:
            return sum([1], start=0)
        """, "sum() takes an iterable and an optional start", "sum([1], start=0)"),
    case("""
        def f() -> bool:
            return isinstance(1)
        """, "isinstance() takes 2 arguments", "isinstance(1)"),
    case("""
        def f() -> bool:
            return issubclass(int)
        """, "issubclass() takes 2 arguments", "issubclass(int)"),
    case("""
        def f() -> bool:
            return issubclass(1, int)
        """, "issubclass() takes the exception class __exit__ receives here, not an int",
         "1, int"),
    case("""
        def f() -> str:
            return unicodedata.category(unichr="a")
        """, "category() takes no keyword arguments", 'unichr="a"'),
    case("""
        def f() -> str:
            return unicodedata.category("a", "b")
        """, "category() takes exactly 1 argument (2 given)", "unicodedata.category("),
    case("""
        def f() -> str:
            return unicodedata.category(1)
        """, "category() argument must be a unicode character, not int", "1)"),
    # ------------------------------------------------------------ json_calls.py
    case("""
        import json

        def f(s: str) -> Any:
            return json.loads(s, parse_float=float)
        """, "json.loads() keyword 'parse_float' is not supported in compiled code",
         "parse_float=float", args=("1.5",)),
    case("""
        import json

        def f() -> Any:
            return json.loads()
        """, "loads() missing 1 required positional argument: 's'", "json.loads("),
    case("""
        import json

        def f(s: str) -> Any:
            return json.loads(s, s)
        """, "loads() takes 1 positional argument but 2 were given", "s)", args=("1",)),
    case("""
        import json

        def f() -> Any:
            return json.loads(1)
        """, "the JSON object must be str, bytes or bytearray, not int", "1)"),
    case("""
        import json

        def f(x: Any) -> str:
            return json.dumps(x, default=str)
        """, "json.dumps() keyword 'default' is not supported in compiled code", "default=str",
         args=(1,)),
    case("""
        import json

        def f() -> str:
            return json.dumps()
        """, "dumps() missing 1 required positional argument: 'obj'", "json.dumps("),
    case("""
        import json

        def f(x: Any) -> str:
            return json.dumps(x, indent=1.5)
        """, "json.dumps() indent cannot be a float", "1.5", args=(1,)),
    case("""
        import json

        def f() -> Any:
            return json.JSONDecoder()
        """, "json.JSONDecoder() cannot be called from compiled code", "json.JSONDecoder"),
    case("""
        def f() -> int:
            return math.gcd(1.5, 2)
        """, "'float' object cannot be interpreted as an integer", "1.5"),
    case("""
        class Box:
            def __init__(self, kind: int) -> None:
                self.kind = kind

        def f() -> bool:
            b = Box(1)
            return isinstance(b, b.kind)
        """, "'b.kind' must name a module's or a class's attribute here, and 'b' is a local",
         "b.kind", fix="""
        class Box:
            def __init__(self, kind: int) -> None:
                self.kind = kind

        def f() -> bool:
            b = Box(1)
            return isinstance(b, Box)
        """),
    case("""
        def g() -> int:
            return 1

        def f() -> bool:
            return isinstance(1, g().real)
        """, "'g().real' must name a module's or a class's attribute here", "g().real"),
    case("""
        def f() -> int:
            return math.nope(1)
        """, "module 'math' has no attribute 'nope'", "math.nope"),
    case("""
        def f() -> int:
            x = 1
            return x()
        """, "the local 'x' holds an int, which is not callable", "x()"),
    case("""
        def f() -> int:
            return [1][0]()
        """, "an int is not callable", "[1][0]"),
    case("""
        def g(a: int, *, b: int = 1) -> int:
            return a + b

        def f() -> int:
            return g(1, 2)
        """, "g() takes 1 positional argument but 2 were given", "g(1, 2)"),
    case("""
        def g(a: int) -> int:
            return a

        def f() -> int:
            return g(c=1)
        """, "g() got an unexpected keyword argument 'c'", "g(c=1)"),
    case("""
        def g(a: int) -> int:
            return a

        def f() -> int:
            return g(1, a=2)
        """, "g() got multiple values for argument 'a'", "g(1, a=2)"),
    case("""
        def g(x: complex) -> int:
            return 1

        def f() -> int:
            return g(1)
        """, "parameter 'x' of g() has an unsupported annotation", "g(1)"),
    case("""
        def f() -> int:
            return abs(x=1)
        """, "abs() got an unexpected keyword argument 'x'", "x=1"),
    case("""
        def f() -> int:
            return min([1], foo=1)
        """, "min() got an unexpected keyword argument 'foo'", "min([1], foo=1)"),
    case("""
        def f() -> int:
            return min(1, 2, default=0)
        """, "Cannot specify a default for min() with multiple positional arguments",
         "min(1, 2, default=0)"),
    case("""
        def f() -> int:
            return min([1], default="a")
        """, "min() default must have the items' type, int", '"a"'),
    case("""
        def f() -> float:
            return round(1.5, 1.5)
        """, "'float' object cannot be interpreted as an integer", "round(1.5, 1.5)"),
    case("""
        class C:
            def __hash__(self) -> str:
                return "h"

        def f() -> int:
            return hash(C())
        """, "__hash__ must return an int", "hash(C())"),
    case("""
        def f() -> Dict[int, int]:
            return dict([1, 2])
        """, "dict() needs pairs, got items of type int", "[1, 2]"),
    case("""
        def f() -> bool:
            return isinstance(1, [int])
        """, "isinstance() takes a class or a tuple of classes", "[int]"),
    case("""
        def f() -> bool:
            return isinstance(1, complex)
        """, "isinstance() with <class 'complex'> is not supported", "complex"),
    case("""
        def f(x: Any) -> bool:
            return isinstance(x, complex)
        """, "isinstance() with <class 'complex'> is not supported", "complex", args=(1,)),
    case("""
        def f() -> None:
            print("a", sep=1)
        """, "sep must be None or a string, not int", "1"),
    case("""
        def f() -> None:
            print(1, file=3)
        """, "print() cannot write to an int", "3"),
    case("""
        def f() -> bool:
            return math.isclose(1.0, 2.0, 0.1)
        """, "isclose() takes 2 positional arguments", "math.isclose("),
    case("""
        def g(x: int) -> int:
            return x

        def f() -> int:
            return g()
        """, "g() missing 1 required positional argument: 'x'", "g()"),
    case("""
        def g(h: Callable[[int], int]) -> int:
            return h(1)

        def f() -> int:
            return g(1)
        """, "argument 'h' of g() must be a function, not int", "g(1)"),
    case("""
        def g(x: int) -> int:
            return x

        def f() -> int:
            return g("a")
        """, "argument 'x' of g() must be int, not str", 'g("a")'),
    case("""
        def f() -> Tuple[int, ...]:
            return sum([(1,)], ())
        """, "sum() of items of type Tuple[int] is not supported", "sum("),
    case("""
        def f() -> float:
            return math.sqrt("a")
        """, "must be real number, not str", '"a"'),
    case("""
        def g(x: List[int] = [1]) -> int:
            return len(x)

        def f() -> int:
            return g()
        """, "default value of parameter 'x' of g() is not an int, float, bool, str or None",
         "g()"),
    case("""
        def f() -> int:
            return math.gcd(1, a=2)
        """, "gcd() takes no keyword arguments", "math.gcd(1, a=2)"),
    case("""
        def f() -> int:
            return min(1, True)
        """, "min() mixes an int and a bool; its result would have either type", "True",
         line="min(1, True)"),
    # ------------------------------------------------------------ builder.py
    case("""
        class C:
            @classmethod
            def make(cls) -> int:
                cls = 1
                return 1

        def f() -> int:
            return C.make()
        """, "classmethod C.make() assigns to 'cls', its class", "cls = 1"),
    case("""
        def g() -> int:
            return 1

        def f() -> int:
            x = g
            x = "a"
            return 0
        """, "local 'x' is assigned a str here but holds a function g elsewhere", 'x = "a"'),
    case("""
        def f() -> complex:
            return 1
        """, "unsupported return type annotation 'complex'", "complex"),
    # ------------------------------------------------------------ module_state.py
    case("""
        def f() -> int:
            global COUNT
            COUNT += 1
            return COUNT
        """, "global 'COUNT' has no value and no annotation in its module", "COUNT",
         line="COUNT += 1", fix="""
        COUNT = 0

        def f() -> int:
            global COUNT
            COUNT += 1
            return min(COUNT, 1)
        """),
    case("""
        CACHE = None

        def size() -> int:
            global CACHE
            return 0 if CACHE is None else len(CACHE)

        def f() -> int:
            global CACHE
            n = size()
            CACHE = {"a": 1}
            return n + len(CACHE)
        """, "global 'CACHE' is None at module level and other compiled code used it before",
         "CACHE", line='CACHE = {"a": 1}', fix="""
        from typing import Dict, Optional
        CACHE: Optional[Dict[str, int]] = None

        def size() -> int:
            global CACHE
            return 0 if CACHE is None else len(CACHE)

        def f() -> int:
            global CACHE
            n = size()
            CACHE = {"a": 1}
            return min(n, 0) + len(CACHE)
        """),
    case("""
        SIZE: complex = 1j

        def f() -> int:
            global SIZE
            return int(SIZE.real)
        """, "unsupported annotation of module-level 'SIZE'", "SIZE", line="return int(SIZE.real)"),
    case("""
        COUNT = 0

        def f() -> int:
            global COUNT
            COUNT = "many"
            return 0
        """, "global 'COUNT' holds an int, and this assigns a str", "COUNT", line='COUNT = "many"',
         fix="""
        from typing import Union
        COUNT: Union[int, str] = 0

        def f() -> int:
            global COUNT
            COUNT = "many"
            return 0
        """),
    case("""
        def f() -> int:
            import no_such_module_pjx
            return 1
        """, "cannot import no_such_module_pjx", "import no_such_module_pjx"),
    case("""
        def f() -> int:
            from os import no_such_name_pjx
            return 1
        """, "cannot import name 'no_such_name_pjx' from 'os'", "from os import"),
    case("""
        def f() -> int:
            from .no_such_package_pjx import x
            return 1
        """, "cannot import from .no_such_package_pjx", "from .no_such_package_pjx"),
    case("""
        def f() -> int:
            async def later() -> int:
                return 1
            return 1
        """, "unsupported statement 'AsyncFunctionDef'", "async def later"),
    case("""
        def f() -> int:
            a, b = c = (1, 2)
            return a + b + len(c)
        """, "unpacking in a chained assignment is not supported", "a, b = c", fix="""
        def f() -> int:
            c = (1, 2)
            a, b = c
            return a + b + len(c)
        """),
    case("""
        def f() -> int:
            a, b = 1, 2, 3
            return a
        """, "too many values to unpack (expected 2)", "1, 2, 3"),
    case("""
        def f() -> int:
            t = (1, 2)
            a, b, *c, d = t
            return a
        """, "not enough values to unpack (expected at least 3, got 2)", "t",
         line="a, b, *c, d = t"),
    case("""
        def g() -> int:
            return 1

        def f() -> int:
            t = (1, g, 2)
            a, *rest = t
            return a
        """, "the starred target would hold function values and other values together", "t",
         line="a, *rest = t"),
    case("""
        def f() -> int:
            t = (1, 2, 3)
            a, b = t
            return a
        """, "too many values to unpack (expected 2)", "t", line="a, b = t"),
    case("""
        def f() -> int:
            a, b = 5
            return a
        """, "cannot unpack an int", "5"),
    case("""
        def f() -> int:
            x = 1
            del x
            return 1
        """, "del is supported on items (del xs[i], del d[k])", "x", line="del x"),
    case("""
        def f() -> int:
            xs = [1]
            xs[0]: int = 2
            return xs[0]
        """, "annotated assignment to a non-name", "xs[0]:"),
    case("""
        def f() -> int:
            g: Callable[[int], int] = 1
            return 1
        """, "expected a function, got an int", "1", line="g: Callable"),
    case("""
        def f() -> int:
            x: complex = 1
            return 1
        """, "unsupported annotation 'complex'", "complex", line="x: complex"),
    case("""
        def f() -> int:
            x = 1.5
            x: int = 1
            return x
        """, "local 'x' is declared int but assigned a float", "x: int = 1"),
    case("""
        def f() -> int:
            return "a"
        """, "returns a str, but the function is annotated to return int", '"a"', fix="""
        def f() -> Any:
            return "a"
        """),
    case("""
        def g() -> int:
            return 1

        def h(k: int):
            if k == 0:
                return 1
            return g

        def f() -> int:
            h(0)
            return 0
        """, "returns a function g here but an int at line", "g", line="return g"),
    case("""
        def g() -> int:
            return 1

        def h(k: int):
            if k == 0:
                return 1
            if k == 1:
                return "a"
            return g

        def f() -> int:
            h(0)
            return 0
        """, "returns a function g, but also a Union[int, str], and they cannot share a variable",
         "g", line="return g"),
    case("""
        def make():
            def f() -> int:
                return k + 1
            return f
            k = 1

        f = make()
        """, "free variable 'k' has no value when f() is compiled", "k + 1"),
    case("""
        def f() -> int:
            return undefined_name
        """, "name 'undefined_name' is not defined", "undefined_name"),
    # ------------------------------------------------------------ containers.py
    case("""
        def g(x: int) -> int:
            return x

        def f() -> bool:
            fs = [g]
            return g in fs
        """, "function values cannot be compared or hashed in compiled code", "g in fs"),
    case("""
        def f() -> int:
            xs: List[int] = ["a"]
            return len(xs)
        """, "this list holds an int, not a str", '"a"'),
    case("""
        def f() -> int:
            [].append(1)
            return 0
        """, "cannot infer the item type of this empty container", "[].append(1)", fix="""
        def f() -> int:
            xs: List[int] = []
            xs.append(1)
            return 0
        """),
    case("""
        def f() -> int:
            t = ([], 1)
            return t[1]
        """, "cannot infer the item type of an empty container in a tuple", "([], 1)", fix="""
        def f() -> int:
            xs: List[int] = []
            t = (xs, 1)
            return t[1]
        """),
    case("""
        def f() -> int:
            xs = [[], 1]
            return len(xs)
        """, "items of one container must share a type: found a List[?] and an int", "[[], 1]",
         fix="""
        def f() -> int:
            xs: List[Any] = [[], 1]
            return len(xs)
        """),
    case("""
        def f() -> int:
            d = {[1]: 2}
            return len(d)
        """, "unhashable type: 'list'", "{[1]: 2}"),
    case("""
        def f(y: List[int]) -> List[int]:
            return list(x async for x in y)
        """, "async comprehensions are not supported", "x in y", args=([1],)),
    case("""
        def f() -> List[int]:
            return sorted(5)
        """, "an int is not iterable", "5"),
    case("""
        def f() -> int:
            n = 0
            for x in (1, "a"):
                n += 1
            return n
        """, "iterating over Tuple[int, str] (items of different types) is not supported",
         '(1, "a")', fix="""
        def f() -> int:
            n = 0
            for x in [1, "a"]:
                n += 1
            return n
        """),
    case("""
        def f() -> List[int]:
            return [x for x in 5]
        """, "'int' object is not iterable", "5"),
    case("""
        def f() -> bool:
            return 1 in 5
        """, "argument of type 'int' is not iterable", "1 in 5"),
    case("""
        def f() -> Tuple[int, ...]:
            t = (1, "a")
            return t[0:1]
        """, "slicing a Tuple[int, str] is not supported", "t[0:1]"),
    case("""
        def f() -> int:
            return (1, 2)[5]
        """, "tuple index out of range", "5]"),
    case("""
        def f(i: int) -> int:
            t = (1, "a")
            return t[i]
        """, "a tuple with items of different types takes constant indices", "i]", args=(0,)),
    case("""
        def f() -> int:
            x = 5
            return x[0]
        """, "'int' object is not subscriptable", "x[0]"),
    case("""
        def f() -> int:
            i = 1.5
            return [1][i]
        """, "list indices must be integers or slices, not float", "i]"),
    case("""
        class Grid:
            def __setitem__(self, i: int, v: int) -> None:
                pass

        def f() -> int:
            g = Grid()
            g[1:2] = 5
            return 0
        """, "slices of instances are not supported", "1:2"),
    case("""
        def f() -> List[int]:
            xs = [1]
            xs[0:1] = ["a"]
            return xs
        """, "cannot assign List[str] to a slice of List[int]", "xs[0:1]"),
    case("""
        def f() -> int:
            t = (1, 2)
            t[0] = 3
            return 0
        """, "'Tuple[int, int]' object does not support item assignment", "t[0] = 3"),
    case("""
        def f() -> int:
            t = (1, 2)
            del t[0]
            return 0
        """, "'Tuple[int, int]' object doesn't support item deletion", "t[0]"),
    case("""
        def f() -> List[int]:
            xs = [1, 2, 3]
            xs[0:2] += [9]
            return xs
        """, "augmented assignment to a slice is not supported", "xs[0:2] +=", fix="""
        def f() -> List[int]:
            xs = [1, 2, 3]
            xs[0:2] = xs[0:2] + [9]
            return xs
        """),
    case("""
        def f() -> int:
            t = (1, 2)
            t[0] += 3
            return 0
        """, "'Tuple[int, int]' object does not support item assignment", "t[0] +="),
    # ------------------------------------------------------------ loops.py
    case("""
        def f() -> int:
            x = 5
            n = 0
            for w in x.split():
                n += 1
            return n
        """, "an int has no method 'split'", "x.split()"),
    case("""
        def f() -> int:
            for i, x in enumerate():
                pass
            return 0
        """, "enumerate() takes an iterable and an optional start", "enumerate()"),
    case("""
        def f() -> int:
            for x in zip():
                pass
            return 0
        """, "zip() takes one or more iterables", "zip()"),
    case("""
        def f() -> int:
            for x in reversed([1], [2]):
                pass
            return 0
        """, "reversed() takes one argument", "reversed([1], [2])"),
    case("""
        def f() -> int:
            n = 0
            for x in reversed({1, 2}):
                n += x
            return n
        """, "'Set[int]' object is not reversible", "{1, 2}"),
    case("""
        def f() -> int:
            n = 0
            for x in []:
                n += 1
            return n
        """, "cannot infer the item type of this empty list", "[]", fix="""
        def f() -> int:
            n = 0
            xs: List[int] = []
            for x in xs:
                n += 1
            return n
        """),
    case("""
        def f() -> int:
            for i in range():
                pass
            return 0
        """, "range() takes 1 to 3 positional arguments", "range()"),
    case("""
        def f() -> int:
            for i in range(1.5):
                pass
            return 0
        """, "'float' object cannot be interpreted as an integer", "1.5"),
    # ------------------------------------------------------------ container_methods.py
    case("""
        def f() -> int:
            t = (1, 2)
            return t.index(1)
        """, "a Tuple[int, int] has no method 'index' in compiled code", "t.index"),
    case("""
        def f() -> int:
            xs = [1]
            xs.append()
            return 0
        """, "append() takes 1 argument (0 given)", "xs.append()"),

    case("""
        def f() -> int:
            xs = [2, 1]
            xs.sort(1)
            return 0
        """, "sort() takes no positional arguments", "xs.sort(1)"),
    case("""
        def f() -> int:
            xs = [2, 1]
            xs.nope()
            return 0
        """, "list has no method 'nope' in compiled code", "xs.nope"),
    case("""
        def f() -> int:
            xs = [2, 1]
            xs.sort(cmp=1)
            return 0
        """, "sort() got an unexpected keyword argument 'cmp'", "xs.sort(cmp=1)"),
    case("""
        def f() -> List[int]:
            return sorted([2, 1], key=lambda a, b: a)
        """, "a key function takes one argument", "lambda a, b: a"),

    case("""
        def f() -> int:
            d = {"a": 1}
            d.update({1: 2})
            return 0
        """, "cannot update Dict[str, int] with Dict[int, int]", "d.update"),
    case("""
        def f() -> int:
            d = {"a": 1}
            d.nope()
            return 0
        """, "dict has no method 'nope' in compiled code", "d.nope"),
    case("""
        def f(n: int) -> int:
            t = (1, "a") * n
            return len(t)
        """, "a Tuple[int, str] repeated a number of times known only at run time has items of "
             "different types at unknown positions", "(1, \"a\") * n", args=(2,), fix="""
        def f(n: int) -> int:
            t = (1, 2) * n
            return len(t)
        """),
    case("""
        def f() -> int:
            s = {1}
            s.nope()
            return 0
        """, "set has no method 'nope' in compiled code", "s.nope"),
    # ------------------------------------------------------------ expressions.py
    case("""
        def f() -> float:
            x = 1j
            return 1.0
        """, "unsupported constant 1j", "1j"),
    case("""
        def f() -> int:
            return 99999999999999999999
        """, "integer constant 99999999999999999999 does not fit in 64 bits", "9999"),
    case("""
        def f() -> int:
            g = print
            return 1
        """, "'print' (builtin_function_or_method) cannot be used as a value in compiled code",
         "print", line="g = print"),
    case("""
        def f() -> int:
            x = 1
            return x.real
        """, "an int has no attribute 'real' in compiled code", "x.real"),
    case("""
        def f() -> int:
            g = math.sin
            return 1
        """, "'math.sin' cannot be used as a value in compiled code", "math.sin"),
    case("""
        class Grid:
            def __getitem__(self, i: int) -> int:
                return i

        def f() -> int:
            g = Grid()
            return g[1:2]
        """, "slices of instances are not supported", "1:2"),
    case("""
        def f() -> int:
            s = "a"
            return -s
        """, "bad operand type for unary -: 'str'", "-s"),
    case("""
        def f() -> int:
            x = 1.5
            return ~x
        """, "bad operand type for unary ~: 'float'", "~x"),
    case("""
        def g() -> int:
            return 1

        def f(c: bool) -> int:
            x = c and g
            return 1
        """, "'and' mixes a bool and a function g", "c and g", args=(True,)),
    case("""
        def g() -> int:
            return 1

        def f(c: bool) -> int:
            x = g if c else 1
            return 1
        """, "conditional expression gives a function g or an int, which cannot share a variable",
         "g if c else 1", args=(True,)),
    case("""
        def f() -> int:
            if np.zeros(3):
                return 1
            return 0
        """, "the truth value of an array is ambiguous", "np.zeros(3)", fix="""
        def f() -> int:
            if np.zeros(3).any():
                return 1
            return 0
        """),
    case("""
        def f() -> int:
            xs: List[int] = "a"
            return 1
        """, "expected a List[int], got a str", '"a"'),
    case("""
        def f() -> int:
            x: int = "a"
            return 1
        """, "expected an int, got a str", '"a"'),
    case("""
        def f() -> int:
            a = 2
            b = 3
            return a @ b
        """, "unsupported operator MatMult", "a @ b"),
    case("""
        def f() -> int:
            a = np.zeros(2) + "a"
            return 1
        """, "unsupported operand types for +: 'NDArray[float64, 1]' and 'str'",
         'np.zeros(2) + "a"'),
    case("""
        def f() -> int:
            x = None
            return 1 + x
        """, "unsupported operand types for +: 'int' and 'None'", "1 + x"),
    case("""
        def f() -> float:
            x = 1.5
            return x << 1
        """, "unsupported operand types for <<: 'float' and 'int'", "x << 1"),
    case("""
        def f() -> str:
            a = "a"
            return a - "b"
        """, "unsupported operand types for -: 'str' and 'str'", 'a - "b"'),
    case("""
        def f() -> bool:
            return bool(np.zeros(2) < "a")
        """, "'Lt' is not supported between 'NDArray[float64, 1]' and 'str'", 'np.zeros(2) < "a"'),
    case("""
        def f(x: Any) -> bool:
            y = 1
            return x is y
        """, "'Is' is not supported on Any values", "x is y", args=(1,)),
    case("""
        def f() -> bool:
            a = 1
            b = 2
            return a is b
        """, "'is' between an int and an int: compiled code compares with 'is' only None and "
             "instances of compiled classes", "a is b"),
    case("""
        def f() -> bool:
            return [1] < "a"
        """, "'<' not supported between a List[int] and a str", '[1] < "a"'),
    case("""
        def f() -> bool:
            x = None
            return x < 1
        """, "'<' not supported between 'None' and 'int'", "x < 1"),
    case("""
        def g() -> int:
            return 1

        def f() -> bool:
            return g < 1
        """, "cannot compare", "g < 1"),
    # ------------------------------------------------------------ strings.py
    case("""
        def f() -> bool:
            return 1 in "abc"
        """, "'in <string>' requires a str as left operand, not an int", '1 in "abc"'),
    case("""
        def f() -> bool:
            return "a" in b"abc"
        """, "'in <bytes>' takes a bytes left operand in compiled code, not a str",
         '"a" in b"abc"'),
    case("""
        def f() -> str:
            i = 1.5
            return "abc"[i]
        """, "string indices must be integers, not float", "i]"),
    case("""
        def f() -> str:
            i = 1.5
            return "abc"[i:]
        """, "slice indices must be integers or None", "i:]"),
    case("""
        def f() -> str:
            s = "a"
            return s.nope()
        """, "'str' object has no method 'nope' in compiled code", "s.nope"),
    case("""
        def f() -> str:
            return "a".strip("a", "b")
        """, "str.strip() takes at most 1 argument (2 given)", '"a".strip('),
    case("""
        def f() -> str:
            return "a".strip(foo="a")
        """, "str.strip() got an unexpected keyword argument 'foo'", 'foo="a"'),
    case("""
        def f() -> str:
            return "a".center()
        """, "str.center() missing required argument 'width'", '"a".center()'),
    case("""
        def f() -> str:
            return "a".center("x")
        """, "str.center() argument 'width' must be int, not str", '"x"'),
    case("""
        def f() -> str:
            return ",".join()
        """, "str.join() takes exactly one argument", '",".join()'),
    case("""
        def f() -> str:
            return ",".join([1])
        """, "str.join() needs an iterable of str, not List[int]", "[1]"),
    case("""
        def f() -> bool:
            return "a".startswith(("a", 1))
        """, "startswith first arg must be str or a tuple of str, not int", "1)"),
    case("""
        def f() -> str:
            return str(np.zeros(2))
        """, "compiled code does not format arrays as numpy does", "str(np.zeros(2))", fix="""
        def f() -> str:
            return str(np.zeros(2).tolist())
        """),
    # ------------------------------------------------------------ formatting.py
    case("""
        def f(t: str) -> str:
            return t.format(1)
        """, "str.format() needs a literal format string in compiled code", "t.format(1)",
         args=("{}",)),
    case("""
        def f() -> str:
            return "{".format()
        """, "bad format string: Single '{' encountered in format string", '"{".format()'),
    case("""
        def f() -> str:
            return "{0}{}".format(1, 2)
        """, "cannot switch from manual field specification to automatic field numbering",
         '"{0}{}".format'),
    case("""
        def f() -> str:
            return "{}{0}".format(1)
        """, "cannot switch from automatic field numbering to manual field specification",
         '"{}{0}".format'),
    case("""
        def f() -> str:
            return "{1}".format(1)
        """, "Replacement index 1 out of range for positional args tuple", '"{1}".format'),
    case("""
        def f() -> str:
            return "{a.b}".format(a=1)
        """, "str.format() has no argument 'a.b'", '"{a.b}".format'),
    case("""
        def f() -> str:
            return "{:{}}".format(1, 2)
        """, "nested replacement fields in format specs are not supported", '"{:{}}".format'),
    case("""
        def f(t: str) -> str:
            return t % 1
        """, "%-formatting needs a literal format string in compiled code", "t % 1",
         args=("%d",), fix="""
        def f(t: str) -> str:
            return f"{1}"
        """),
    case("""
        def f() -> str:
            return "abc %" % 1
        """, "incomplete format", '"abc %" % 1'),
    case("""
        def f() -> str:
            return "%d %d" % (1,)
        """, "not enough arguments for format string", '"%d %d" % (1,)'),
    case("""
        def f() -> str:
            return "%d" % (1, 2)
        """, "not all arguments converted during string formatting", '"%d" % (1, 2)'),
    case("""
        def f() -> str:
            return "%y" % 1
        """, "unsupported format character 'y' (0x79) at index 1", '"%y" % 1'),
    # ------------------------------------------------------------ exceptions.py
    case("""
        def pick() -> int:
            return 1

        def f() -> int:
            raise pick()("x")
        """, "expected an exception class name", "pick()", line='raise pick()("x")'),
    case("""
        def f() -> int:
            raise int
        """, "'int' is not an exception class", "int", line="raise int"),
    case("""
        def f() -> int:
            raise BrokenPipeError("x")
        """, "exception class BrokenPipeError is not supported in compiled code",
         "BrokenPipeError"),
    case("""
        def f() -> int:
            raise
        """, "a bare 'raise' is supported inside an except clause only", "raise"),
    case("""
        def f() -> int:
            x = 1
            raise x
        """, "can only raise exceptions", "x", line="raise x"),
    case("""
        def f() -> int:
            raise ValueError(msg="x")
        """, "exception constructors take positional arguments here", 'ValueError(msg="x")'),
    case("""
        def f() -> int:
            a = 1
            raise ValueError("a", a)
        """, "exceptions with more than one argument are not supported", 'ValueError("a", a)',
         fix="""
        def f() -> str:
            a = 1
            try:
                raise ValueError(f"a: {a}")
            except ValueError as e:
                return str(e)
        """),
    case("""
        class Guard:
            def __enter__(self) -> int:
                return 1

            def __exit__(self, exc_type, exc, tb) -> bool:
                return str(exc_type) == ""

        def f() -> int:
            with Guard():
                pass
            return 1
        """, "str() of an exception class is not supported", "str(exc_type)"),
    # ------------------------------------------------------------ anys.py
    case("""
        def g(x: int) -> int:
            return x

        def f() -> int:
            a: Any = g
            return 1
        """, "cannot be held in an Any", "g", line="a: Any = g"),
    case("""
        def g(x: int) -> int:
            return x

        def f() -> int:
            a: Any = [[g]]
            return 1
        """, "cannot be held in an Any", "[[g]]"),
    case("""
        def f(d: Dict[str, Any]) -> bool:
            x: None = d["a"]
            return True
        """, "an Any cannot be used where None is expected", 'd["a"]', args=({"a": None},),
         fix="""
        def f(d: Dict[str, Any]) -> bool:
            return d["a"] is None
        """),
    case("""
        def f() -> int:
            x: int = 0
            x = "a"
            return x
        """, "local 'x' is annotated int but assigned a str here", "x = \"a\""),
    case("""
        def f(x: Any) -> int:
            x.sort(1)
            return 0
        """, "sort() takes no positional arguments", "x.sort(1)", args=([],)),
    case("""
        def f(x: Any) -> int:
            x.sort(foo=1)
            return 0
        """, "sort() got an unexpected keyword argument 'foo'", "x.sort(foo=1)", args=([],)),
    case("""
        def f(x: Any) -> Any:
            x.sort(key=str)
            return x
        """, "sort(key=...) on an Any is not supported", "str)", args=(["b", "a", "c"],),
         fix="""
        def f(x: Any) -> Any:
            if isinstance(x, list):
                xs: List[Any] = x
                xs.sort(key=str)
            return x
        """),
    case("""
        def f(x: Any) -> int:
            x.append(v=1)
            return 0
        """, "append() of a list, dict or set takes no keyword arguments", "x.append(v=1)",
         args=([],)),
    case("""
        def f(x: Any) -> int:
            x.insert(1, 2, 3, 4)
            return 0
        """, "insert() on an Any takes at most 3 arguments in compiled code",
         "x.insert(1, 2, 3, 4)", args=([],)),
    # ------------------------------------------------------------ classmethods.py
    case("""
        class C:
            make = classmethod(len)

        def f() -> int:
            return C.make()
        """, "classmethod 'len' wraps no plain function", "C.make()"),
    case("""
        class Base:
            @classmethod
            def make(cls) -> int:
                return 1

            def go(self) -> int:
                return self.make()

        class Sub(Base):
            def make(self) -> int:
                return 2

        def f() -> int:
            return Base().go()
        """, "'self.make' may reach Sub, where it is no classmethod", "self.make()"),
    # ------------------------------------------------------------ pyfuncs.py
    case("""
        @pyjitx.pyfunc
        def p(x: complex) -> int:
            return 1

        def f() -> int:
            return p(1)
        """, "pyfunc p(): unsupported annotation <class 'complex'> of parameter 'x'", "p(1)"),
    case("""
        @pyjitx.pyfunc
        def p(x: int) -> int:
            return x

        def f() -> int:
            return p("a")
        """, "argument 'x' of p() must be int, not str", 'p("a")'),
    # ------------------------------------------------------------ session.py
    case("""
        def f(n: int):
            x = f(n - 1) if n > 0 else 0
            return x + 1
        """, "cannot infer the return type of recursive function 'f' before one of its returns",
         "def f(n: int):", args=(3,), fix="""
        def f(n: int) -> int:
            x = f(n - 1) if n > 0 else 0
            return x + 1
        """),
    # ------------------------------------------------------------ source.py
    case("""
        exec("def f() -> int:\\n    return 1\\n")
        """, "cannot compile 'f': its source is not available"),
    case("""
        async def f() -> int:
            return 1
        """, "is not a plain function definition"),
    case("""
        import linecache

        CELL = "def f() -> int:\\n    %time\\n    return 1\\n"
        linecache.cache["<cell-1>"] = (len(CELL), None, CELL.splitlines(True), "<cell-1>")
        scope = {}
        exec(compile("def f() -> int:\\n    pass\\n    return 1\\n", "<cell-1>", "exec"), scope)
        f = scope["f"]
        """, "cannot compile 'f': its source does not parse on its own (invalid syntax, line 2)"),
    case("""
        import linecache

        CELL = "%time\\nf = lambda: 1\\n"
        linecache.cache["<cell-2>"] = (len(CELL), None, CELL.splitlines(True), "<cell-2>")
        scope = {}
        exec(compile("pass\\nf = lambda: 1\\n", "<cell-2>", "exec"), scope)
        f = scope["f"]
        """, "is not a plain function definition"),
    # ------------------------------------------------------------ contexts.py
    case("""
        def f() -> int:
            with 1:
                pass
            return 0
        """, "'with' over an int is not supported", "1:"),
    case("""
        class OnlyEnter:
            def __enter__(self) -> int:
                return 1

        def f() -> int:
            with OnlyEnter():
                pass
            return 0
        """, "'OnlyEnter' object does not support the context manager protocol", "OnlyEnter()",
         line="with OnlyEnter()"),
    case("""
        @contextlib.contextmanager
        def managed():
            yield 1

        def f() -> int:
            with managed():
                pass
            return 0
        """, "'with' over the generator-based context manager 'managed' is not supported",
         "with managed()"),
    case("""
        class Guard:
            def __enter__(self) -> int:
                return 1

            def __exit__(self, *args) -> bool:
                return False

        def f() -> int:
            with Guard():
                pass
            return 0
        """, "Guard.__exit__: __exit__ takes (self, exc_type, exc_value, traceback)",
         "def __exit__"),
    case("""
        class Guard:
            def __enter__(self) -> int:
                return 1

            def __exit__(self, exc_type: type, exc: Exception, tb: Any) -> bool:
                return False

        def f() -> int:
            with Guard():
                pass
            return 0
        """, "Guard.__exit__: parameter 'exc_type' is annotated type, but __exit__ receives None",
         "exc_type: type"),
    # ------------------------------------------------------------ classes.py
    case("""
        class A:
            pass

        class B:
            pass

        class C(A, B):
            pass

        def f() -> int:
            C()
            return 1
        """, "class C: multiple inheritance is not supported", "class C(A, B)"),
    case("""
        class C(dict):
            def total(self) -> int:
                return sum(self.values())

        def f() -> int:
            C()
            return 1
        """, "class C: its base dict cannot be compiled", "class C(dict)"),
    case("""
        class C:
            x: complex

        def f() -> int:
            C()
            return 1
        """, "class C: unsupported annotation <class 'complex'> of attribute 'x'", "class C"),
    case("""
        class C:
            x: int

            def __init__(self) -> None:
                self.x: str = ""

        def f() -> int:
            C()
            return 1
        """, "class C: attribute 'x' is declared both int and str", "self.x: str"),
    case("""
        class C:
            __slots__ = ("a", "b")

            def __init__(self) -> None:
                self.a = 1

        def f() -> int:
            return C().a
        """, "class C: cannot tell the type of attribute 'b'", "class C", fix="""
        class C:
            __slots__ = ("a", "b")
            b: int

            def __init__(self) -> None:
                self.a = 1

        def f() -> int:
            return C().a
        """),
    case("""
        class C:
            def m(self, x) -> int:
                return 1

        def f() -> int:
            return C().m(1)
        """, "C.m: parameter 'x' needs an annotation", "x)"),
    case("""
        class C:
            def __init__(self, x: complex) -> None:
                self.x = 1

        def f() -> int:
            return C(1).x
        """, "class C: unsupported annotation <class 'complex'> of parameter 'x'", "x: complex"),
    case("""
        class C:
            def __init__(self) -> None:
                y = self.x
                self.x = 1

        def f() -> int:
            return C().x
        """, "attribute 'x' is read before __init__ assigns it", "self.x", line="y = self.x"),
    case("""
        class C:
            def set_p(self, v: int) -> None:
                pass

            p = property(None, set_p)

        def f() -> int:
            return C().p
        """, "property 'p' has no getter", "C().p"),
    case("""
        class C:
            @classmethod
            def m(cls, x: int) -> int:
                return x

        def f() -> int:
            c = C()
            g = c.m
            return 1
        """, "method 'm' used as a value", "c.m", fix="""
        class C:
            @classmethod
            def m(cls, x: int) -> int:
                return x

        def f() -> int:
            c = C()
            g = lambda x: c.m(x)
            return g(2)
        """),
    case("""
        class C:
            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            return C().nope
        """, "'C' object has no attribute 'nope'", "C().nope"),
    case("""
        class Base:
            K = 1

            def k(self) -> int:
                return self.K

        class Sub(Base):
            K = "a"

        def f() -> int:
            return Base().k()
        """, "class constant 'K' is an int in Base but a str in Sub", "self.K"),
    case("""
        class C:
            K = object()

            def k(self) -> int:
                return 1 if self.K else 0

        def f() -> int:
            return C().k()
        """, "class attribute of type object cannot be used in compiled code", "self.K"),
    case("""
        def f() -> int:
            x = 1
            x.y = 2
            return x
        """, "cannot set attribute 'y' of an int", "x.y"),
    case("""
        def g(x: int) -> int:
            return x

        class C:
            def __init__(self) -> None:
                self.h = g

        def f() -> int:
            C()
            return 1
        """, "attribute 'h' cannot hold a function value", "self.h"),
    case("""
        class C:
            @property
            def p(self) -> int:
                return 1

        def f() -> int:
            c = C()
            c.p = 2
            return 1
        """, "property 'p' has no setter", "c.p"),
    case("""
        class C:
            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            c = C()
            c.y = 2
            return 1
        """, "'C' object has no attribute 'y' to assign", "c.y"),
    case("""
        class C:
            def __init__(self) -> None:
                self.seen = set()

        def f() -> int:
            return len(C().seen)
        """, "cannot tell the type of attribute 'seen' from this value", "self.seen", fix="""
        class C:
            def __init__(self) -> None:
                self.seen: Set[int] = set()

        def f() -> int:
            return len(C().seen)
        """),
    case("""
        class C:
            def __init__(self) -> None:
                self.table = {}

        def f() -> int:
            return len(C().table)
        """, "cannot tell the type of attribute 'table' from this value", "self.table", fix="""
        class C:
            def __init__(self) -> None:
                self.table: Dict[int, int] = {}

        def f() -> int:
            return len(C().table)
        """),
    case("""
        class C:
            def __init__(self) -> None:
                self.items = []

        def f() -> int:
            return len(C().items)
        """, "cannot tell the type of attribute 'items' from this value", "self.items", fix="""
        class C:
            def __init__(self) -> None:
                self.items: List[int] = []

        def f() -> int:
            return len(C().items)
        """),
    case("""
        class C:
            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            c = C()
            c.x = "a"
            return 1
        """, "attribute 'x' of C holds an int, not a str", "c.x"),
    case("""
        class C:
            pass

        def f() -> int:
            C(1)
            return 1
        """, "C() takes no arguments", "C(1)"),
    case("""
        from pyjitx.frontend.classes import blank_instance

        def f() -> int:
            blank_instance()
            return 1
        """, "blank_instance() takes one class", "blank_instance()"),
    case("""
        from pyjitx.frontend.classes import blank_instance

        def f() -> int:
            blank_instance(1)
            return 1
        """, "blank_instance() takes a compiled class", "1)"),
    case("""
        class C:
            def m(self, x: int) -> int:
                return x

        def f() -> int:
            return C().m("a")
        """, "argument 'x' of C.m() must be int, not str", 'C().m("a")'),
    case("""
        class C:
            def __init__(self) -> None:
                self.x = 1

        def f() -> int:
            return C().x()
        """, "attribute 'x' holds an int, which is not callable", "C().x()"),
    case("""
        class C:
            pass

        def f() -> int:
            return C().nope()
        """, "'C' object has no method 'nope'", "C().nope"),
    case("""
        def f() -> int:
            return super().nope()
        """, "super() is supported inside methods of compiled classes", "super()"),
    case("""
        class C:
            def m(self) -> int:
                return super().m()

        def f() -> int:
            return C().m()
        """, "super(): C has no compiled base", "super().m"),
    case("""
        class Base:
            pass

        class C(Base):
            @classmethod
            def make(cls) -> int:
                return super().nope()

        def f() -> int:
            return C.make()
        """, "super() object has no classmethod 'nope'", "super().nope"),
    case("""
        class Base:
            pass

        class C(Base):
            def m(self) -> int:
                return super().nope()

        def f() -> int:
            return C().m()
        """, "super() object has no method 'nope'", "super().nope"),
    case("""
        class Base:
            def m(self) -> int:
                return 1

        def outside(self) -> int:
            return super().m()

        class C(Base):
            m = outside

        def f() -> int:
            return C().m()
        """, "super() is supported inside methods of compiled classes", "def outside"),
    case("""
        class Base:
            def m(self, x: int) -> int:
                return x

        class Sub(Base):
            def m(self, x: str) -> int:
                return 1

        def f() -> int:
            return Sub().m("a")
        """, "Sub.m overrides Base.m with another signature: (str) -> int vs (int) -> int",
         "def m(self, x: str)"),
    case("""
        class C:
            pass

        def f() -> int:
            return len(C())
        """, "object of type 'C' has no len()", "len(C())"),
    case("""
        class C:
            pass

        def f() -> bool:
            return C() < C()
        """, "'<' not supported between instances of 'C' and 'C'", "C() < C()"),
    case("""
        class C:
            def __str__(self) -> int:
                return 1

        def f() -> str:
            return str(C())
        """, "__str__ returned an int, not a str", "str(C())"),
    case("""
        class C:
            pass

        def f() -> int:
            for x in C():
                pass
            return 1
        """, "'C' object is not iterable", "C():"),
    case("""
        class Base:
            def __iter__(self):
                yield 1

        class Sub(Base):
            def __iter__(self):
                yield 2

        def f() -> int:
            n = 0
            for x in Base():
                n += x
            return n
        """, "Sub overrides the generator __iter__ of Base", "Base():"),
    # ------------------------------------------------------------ closures.py
    case("""
        def f() -> int:
            @staticmethod
            def g(x: int) -> int:
                return x
            return g(1)
        """, "decorators on nested functions are not supported", "def g"),
    case("""
        def f() -> int:
            def g(n: int) -> int:
                return 1 if n == 0 else g(n - 1)
            return g(3)
        """, "recursive nested function 'g' is not supported", "g(n - 1)", fix="""
        def g(n: int) -> int:
            return 1 if n == 0 else g(n - 1)

        def f() -> int:
            return g(3)
        """),
    case("""
        def f() -> int:
            def g(x: int) -> int:
                return x
            return g(1, 2)
        """, "f.<locals>.g() takes 1 positional argument but 2 were given", "g(1, 2)"),
    case("""
        def f() -> int:
            def g(x: int) -> int:
                return x
            return g(y=1)
        """, "f.<locals>.g() got an unexpected keyword argument 'y'", "g(y=1)"),
    case("""
        def f() -> int:
            def g(x: int) -> int:
                return x
            return g(1, x=2)
        """, "f.<locals>.g() got multiple values for argument 'x'", "g(1, x=2)"),
    case("""
        def f() -> int:
            def g(x: int) -> int:
                return x
            return g()
        """, "f.<locals>.g() missing 1 required positional argument: 'x'", "g()"),
    case("""
        def apply(h: Callable[[int], int], v: int) -> int:
            return h(v)

        def f() -> int:
            k = 3
            return apply(lambda x: x + k, 1)
        """, "the lambda reads k from this function and cannot be passed to another function",
         "apply(lambda", fix="""
        def apply(h: Callable[[int, int], int], v: int, k: int) -> int:
            return h(v, k)

        def f() -> int:
            k = 3
            return apply(lambda x, k: x + k, 1, k)
        """),
    case("""
        def f() -> int:
            total = 0
            for i in range(3):
                def g(x: int, d: int = i) -> int:
                    return x + d
                h = g
                total += h(1)
            return total
        """, "is defined in a loop and each definition has its default values", "h = g",
         fix="""
        def f() -> int:
            total = 0
            for i in range(3):
                def g(x: int, d: int) -> int:
                    return x + d
                total += g(1, i)
            return total
        """),
    case("""
        def a(x: int) -> int:
            return x

        def b(x: int) -> str:
            return "s"

        def f(c: bool) -> int:
            h = a if c else b
            h(1)
            return 1
        """, "the functions this call may reach return an int (a()) and a str (b())", "h(1)",
         args=(True,)),
    case("""
        def a(x: int) -> int:
            return x

        def b(x: int, y: int) -> int:
            return x + y

        def f(c: bool) -> int:
            h = a if c else b
            return h(1)
        """, "this call may reach b() or a(), and b() cannot take its arguments", "h(1)",
         args=(True,)),
    # ------------------------------------------------------------ generators.py
    case("""
        def walk(n: int):
            yield n
            if n > 0:
                for m in walk(n - 1):
                    yield m

        def f() -> int:
            return sum(walk(3))
        """, "generator 'walk' iterates itself (recursion), which pyjitx cannot expand inline",
         "walk(n - 1)", fix="""
        def walk(n: int) -> List[int]:
            out = [n]
            if n > 0:
                out.extend(walk(n - 1))
            return out

        def f() -> int:
            return sum(walk(3))
        """),
    case("""
        def f() -> int:
            def g():
                yield 1
            g()
            return 1
        """, "'yield' outside a generator that pyjitx expands", "yield 1"),
    case("""
        def gen() -> Iterator[int]:
            yield "a"

        def f() -> int:
            return len(list(gen()))
        """, "yields a str, but the generator is annotated to yield int", 'yield "a"'),
    case("""
        def gen():
            yield 1
            yield "a"

        def f() -> int:
            return len(list(gen()))
        """, "yields a str here but an int at line 9", 'yield "a"', fix="""
        def gen() -> Iterator[Any]:
            yield 1
            yield "a"

        def f() -> List[Any]:
            return list(gen())
        """),
    case("""
        def gen():
            return
            yield 1

        def f() -> int:
            return len(list(gen()))
        """, "cannot infer what generator 'gen' yields: none of its yields is reachable",
         "gen())", fix="""
        def gen() -> Iterator[int]:
            return
            yield 1

        def f() -> int:
            return len(list(gen()))
        """),
    case("""
        def gen():
            yield 1

        def f() -> int:
            g = gen()
            return 1
        """, "a generator object ('gen(...)') cannot be used as a value in compiled code",
         "gen()", line="g = gen()"),
    case("""
        def gen() -> int:
            yield 1

        def f() -> int:
            return sum(gen())
        """, "unsupported return annotation 'int' for a generator", "int:", line="def gen"),
    case("""
        def gen():
            x = yield 1

        def f() -> int:
            return sum(gen())
        """, "the value of a yield expression (what send() passes in) is not supported",
         "yield 1", fix="""
        def gen():
            yield 1

        def f() -> int:
            return sum(gen())
        """),
    case("""
        def gen():
            try:
                yield 1
            finally:
                pass

        def f() -> int:
            return sum(gen())
        """, "'yield' inside try/finally is not supported", "yield 1"),
    case("""
        def gen():
            try:
                yield 1
            except:
                pass

        def f() -> int:
            return sum(gen())
        """, "'yield' inside a try whose handler catches GeneratorExit", "yield 1"),
    # ------------------------------------------------------------ arrays.py
    case("""
        def f() -> int:
            a = np.zeros(3, dtype=complex)
            return 1
        """, "'complex' is not a dtype pyjitx knows at compile time", "complex"),
    case("""
        def f() -> int:
            a = np.zeros((1.5,))
            return 1
        """, "a dimension must be an int, not float", "1.5"),
    case("""
        def f() -> int:
            a = np.zeros("a")
            return 1
        """, "a shape must be an int or a tuple of ints, not str", '"a"'),
    case("""
        def f() -> float:
            return np.sum(1)
        """, "expected an NDArray, got an int", "np.sum(1)"),
    case("""
        def f() -> int:
            return len(np.zeros(()))
        """, "len() of unsized object (a 0-d array)", "len(np.zeros(()))"),
    case("""
        def f() -> float:
            a = np.zeros((2, 2))
            return a[..., ...].sum()
        """, "an index can only have a single ellipsis ('...')", "...]"),
    case("""
        def f() -> float:
            a = np.zeros(2)
            i = 1.5
            return a[i]
        """, "only integers, slices (`:`), ellipsis (`...`) and None are valid array indices, "
             "not float", "i]"),
    case("""
        def f() -> float:
            a = np.zeros(2)
            return a[0, 0]
        """, "too many indices for array: array is 1-dimensional, but 2 were indexed", "0, 0]"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            a[0] = "x"
            return 1
        """, "cannot assign a str to an element of an NDArray[float64, 1]", "a[0]"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            a[0:1] = "x"
            return 1
        """, "cannot assign a str into an array", "a[0:1]"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            return a.nope
        """, "'NDArray[float64, 1]' has no attribute 'nope' in compiled code", "a.nope"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            return a.shape[5]
        """, "tuple index out of range", "5]"),
    case("""
        def f() -> float:
            return np.zeros(()).tolist()
        """, "tolist() of a 0-d array is not supported", "np.zeros(()).tolist()", fix="""
        def f() -> float:
            return float(np.zeros(())[()])
        """),
    case("""
        def f() -> float:
            return np.zeros(()).sum(axis=0)
        """, "axis 0 is out of bounds for array of dimension 0", "np.zeros(()).sum(axis=0)"),
    case("""
        def f() -> float:
            return np.zeros(2).sum(0, 1)
        """, "sum() takes an optional axis only in compiled code", "np.zeros(2).sum(0, 1)"),
    case("""
        def f() -> int:
            a = np.zeros(2).reshape(shape=2)
            return 1
        """, "reshape() takes no keyword arguments in compiled code", "np.zeros(2).reshape("),
    case("""
        def f() -> int:
            a = np.zeros(2)
            a.nope()
            return 1
        """, "'NDArray[float64, 1]' has no method 'nope' in compiled code", "a.nope"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            a.copy(1)
            return 1
        """, "copy() takes 0 argument(s)", "a.copy(1)"),
    case("""
        def f() -> int:
            a = np.zeros(2) & np.zeros(2)
            return 1
        """, "unsupported operand types for &: 'NDArray[float64, 1]' and 'NDArray[float64, 1]'",
         "np.zeros(2) & np.zeros(2)"),
    case("""
        def f() -> int:
            a = ~np.zeros(2)
            return 1
        """, "numpy does not support invert on float64 arrays", "~np.zeros(2)"),
    case("""
        def f() -> int:
            a = np.zeros(2)
            a += "x"
            return 1
        """, "unsupported operand for an in-place array operation: a str", 'a += "x"'),
    case("""
        def f() -> int:
            a = np.zeros(3, "float64", 1)
            return 1
        """, "np.zeros() takes at most 2 arguments", 'np.zeros(3, "float64", 1)'),
    case("""
        def f() -> int:
            a = np.zeros(3, order="C")
            return 1
        """, "np.zeros() got an unexpected keyword argument 'order'", 'order="C"'),
    case("""
        def f() -> int:
            a = np.zeros(3, shape=3)
            return 1
        """, "np.zeros() got multiple values for argument 'shape'", "shape=3"),
    case("""
        def f() -> int:
            a = np.zeros()
            return 1
        """, "np.zeros() missing required argument 'shape'", "np.zeros()"),
    case("""
        def f() -> int:
            a = np.sqrt(1, 2)
            return 1
        """, "np.sqrt() takes 1 positional argument(s) in compiled code", "np.sqrt(1, 2)"),
    case("""
        def f() -> float:
            return np.sqrt(4.0)
        """, "np.sqrt() of a float is not supported", "np.sqrt(4.0)", fix="""
        def f() -> float:
            return math.sqrt(4.0)
        """),
    case("""
        def f() -> int:
            a = np.maximum(1, 2)
            return 1
        """, "np.maximum() takes an array in compiled code", "np.maximum(1, 2)"),
    case("""
        def f() -> int:
            a = np.maximum(np.zeros(2), "a")
            return 1
        """, "np.maximum() does not take an NDArray[float64, 1] and a str",
         'np.maximum(np.zeros(2), "a")'),
    case("""
        def f() -> int:
            a = np.full(3, "a")
            return 1
        """, "fill_value must be a number, not str", 'np.full(3, "a")'),
    case("""
        def f() -> int:
            a = np.arange("a")
            return 1
        """, "arange() takes numbers", 'np.arange("a")'),
    case("""
        def f() -> int:
            a = np.array([["a"]])
            return 1
        """, "np.array() of a List[List[str]] is not supported", 'np.array([["a"]])'),
    case("""
        def f() -> int:
            a = np.concatenate([])
            return 1
        """, "need at least one array to concatenate", "np.concatenate([])"),
    case("""
        def f() -> int:
            a = np.concatenate([np.zeros(2), np.zeros((2, 2))])
            return 1
        """, "all the input arrays must have same number of dimensions", "np.concatenate("),
    case("""
        def f() -> int:
            a = np.concatenate(5)
            return 1
        """, "concatenate() takes a list of arrays, not int", "5)"),
    case("""
        def f() -> int:
            a = np.zeros((2, 2))
            a @= a
            return 1
        """, "unsupported in-place operator on arrays: MatMult", "a @= a"),
    case("""
        def f() -> int:
            a = np.zeros((2, 2))
            a[0:1] @= a
            return 1
        """, "unsupported in-place operator on arrays: MatMult", "a[0:1] @= a"),
    case("""
        exec("class C:\\n    def m(self, x):\\n        return 1\\n", globals())

        def f() -> int:
            return C().m(1)
        """, "C.m: parameter 'x' needs an annotation", "C().m(1)"),    # ------------------------------------------------------------ enums.py
    case("""
        import enum

        class Empty(enum.Enum):
            pass

        def f() -> int:
            return len([e for e in Empty])
        """, "enum Empty has no members", "Empty])"),
    case("""
        import enum

        class Big(enum.Enum):
            HUGE = 2 ** 70

        def f() -> bool:
            return Big.HUGE is Big.HUGE
        """, "enum Big: a member's value does not fit in 64 bits", "Big.HUGE is"),
    case("""
        import enum

        class Planet(enum.Enum):
            MERCURY = 3.3
            VENUS = 4.8

        def f() -> bool:
            return Planet(3.3) is Planet.MERCURY
        """, "enum Planet has values of type float", "Planet(3.3)"),
    case("""
        import enum

        class Odd(enum.Enum):
            BAD = "\\ud800"

        def f() -> bool:
            return Odd.BAD is Odd.BAD
        """, "enum Odd: the value '\\ud800' has no UTF-8 form", "Odd.BAD is"),
    case("""
        import enum

        class Wide(enum.Flag):
            A = 1
            B = 2
            C = 4
            D = 8
            E = 16
            F = 32
            G = 64
            H = 128
            I = 256
            J = 512

        def f() -> bool:
            return Wide.A in Wide.A | Wide.B
        """, "flag Wide combines into more than 512 values", "Wide.A in"),
    case("""
        import enum

        class Mood(enum.Enum):
            HAPPY = 1

            def __format__(self, spec: str) -> str:
                raise ValueError("no formatting")

        def f() -> str:
            return format(Mood.HAPPY, "x")
        """, "format() of a Mood member raises ValueError: no formatting", "format("),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(spec: str) -> str:
            return format(Color.RED, spec)
        """, "formatting a Color member with a format spec made at run time is not supported",
         "format(", args=(">9",)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f() -> int:
            return Color.PURPLE.value
        """, "type object 'Color' has no attribute 'PURPLE'", "Color.PURPLE"),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(c: Color) -> int:
            return c.hue
        """, "'Color' member has no attribute 'hue' in compiled code", "c.hue",
         args=(None,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(c: Color) -> int:
            return c.lighter()
        """, "'Color' member has no method 'lighter' in compiled code", "c.lighter",
         args=(None,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f() -> bool:
            return Color(1, 2) is Color.RED
        """, "Color() takes one value here", "Color(1, 2)"),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(x: str) -> bool:
            return Color(x) is Color.RED
        """, "Color() takes an int value here, not a str", "x)", args=("1",)),
    case("""
        import enum

        class Perm(enum.Flag):
            R = 1
            W = 2

        def f(x: int) -> bool:
            return Perm(x) is Perm.R
        """, "looking up a member of flag Perm by a value computed at run time is not supported",
         "Perm(x)", args=(1,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

            @classmethod
            def _missing_(cls, value):
                return Color.RED

        def f(x: int) -> bool:
            return Color(x) is Color.RED
        """, "Color defines _missing_, which compiled code does not run", "Color(x)",
         args=(1,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f() -> bool:
            return Color[1] is Color.RED
        """, "Color[...] takes a member's name (a str), not an int", "1]"),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(c: Color) -> bool:
            return Color.RED in c
        """, "argument of type 'Color' is not iterable", "Color.RED in c", args=(None,)),
    case("""
        import enum

        class Perm(enum.Flag):
            R = 1
            W = 2

        def f(p: Perm) -> bool:
            return 1 in p
        """, "'in' between an int and a Perm flag", "1 in p", args=(None,)),
    case("""
        import enum

        class Mode(enum.IntFlag):
            A = 1
            B = 2

        def f(m: Mode) -> int:
            return int(m | 8)
        """, "combining an Mode flag with a plain int is not supported", "m | 8",
         args=(None,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(c: Color) -> int:
            return c + 1
        """, "unsupported operand types for an operator: 'Color' and 'int'", "c + 1",
         args=(None,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(c: Color) -> int:
            return -c
        """, "bad operand type for unary operator: 'Color'", "-c", args=(None,)),
    case("""
        import enum

        class Level(enum.Enum):
            OFF = 0
            ON = 1

            def __bool__(self) -> bool:
                return self is Level.ON

        def f(x: Level) -> int:
            return 1 if x else 0
        """, "Level defines __bool__, which compiled code does not run on members", "x else",
         args=(None,)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f(xs: List[Any]) -> bool:
            c: Color = xs[0]
            return c is Color.RED
        """, "a Color member cannot be taken out of an Any or a union here", "xs[0]",
         args=([],)),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f() -> List[Any]:
            return [Color.RED, "x"]
        """, "a Color member cannot be held in an Any or a union", "Color.RED,"),
    case("""
        import enum

        class Color(enum.Enum):
            RED = 1

        def f() -> str:
            s: str = Color.RED
            return s
        """, "expected a str, got a Color member", "Color.RED"),
    # ------------------------------------------------------------ namedtuples.py
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            when: complex

        def f() -> int:
            return len(P(1j))
        """, "named tuple P: unsupported annotation", "return len(P(1j))"),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f() -> int:
            return P("a").x
        """, "field 'x' of P is an int, not a str", 'P("a")'),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f(p: P) -> int:
            return p.z
        """, "'P' object has no attribute 'z' in compiled code", "p.z", args=(None,)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f(p: P) -> P:
            return p._replace(2)
        """, "P._replace() takes keyword arguments only", "p._replace(2)", args=(None,)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f(p: P) -> P:
            return p._replace(z=2)
        """, "P._replace(): got unexpected field name 'z'", "z=2", args=(None,)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f(p: P) -> Dict[str, int]:
            return p._asdict(1)
        """, "P._asdict() takes no arguments", "p._asdict(1)", args=(None,)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

            def __repr__(self) -> int:
                return self.x

        def f(p: P) -> str:
            return repr(p)
        """, "__repr__ returned an int, not a str", "repr(p)", args=(None,)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f() -> P:
            return P._make()
        """, "P._make() takes one iterable", "P._make()"),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f(xs: List[int]) -> P:
            return P._make(xs)
        """, "P._make() takes a tuple here, not a List[int]", "xs)", args=([1],)),
    case("""
        from typing import NamedTuple

        class P(NamedTuple):
            x: int

        def f() -> Any:
            return P.nope
        """, "type object 'P' has no attribute 'nope'", "P.nope"),
    # ------------------------------------------------------------ dataclasses
    case("""
        import collections
        from dataclasses import dataclass, field

        @dataclass
        class Counts:
            seen: Dict[str, int] = field(default_factory=collections.Counter)

        def f() -> int:
            return len(Counts().seen)
        """, "the default_factory <class 'collections.Counter'> cannot be called from compiled code",
         "Counts()"),
    case("""
        from dataclasses import dataclass, field

        def make():
            base = [1]
            return field(default_factory=lambda: list(base))

        @dataclass
        class Bag:
            items: List[int] = make()

        def f() -> int:
            return len(Bag().items)
        """, "this default_factory lambda cannot be compiled", "Bag()"),
    case("""
        import dataclasses
        from dataclasses import dataclass

        @dataclass
        class D:
            x: int

        def f() -> Dict[str, Any]:
            return dataclasses.asdict(D(1), dict_factory=dict)
        """, "asdict() takes one dataclass instance here", "dataclasses.asdict("),
    case("""
        import dataclasses

        def f() -> Dict[str, Any]:
            return dataclasses.asdict(1)
        """, "asdict() should be called on dataclass instances, not an int", "1)"),
    case("""
        import dataclasses

        def f() -> bool:
            return dataclasses.is_dataclass()
        """, "is_dataclass() takes one argument", "dataclasses.is_dataclass()"),
    case("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class D:
            x: int

            def __post_init__(self) -> None:
                name = "x"
                object.__setattr__(self, name, 2)

        def f() -> int:
            return D(1).x
        """, "object.__setattr__() takes an instance, an attribute name written as a string",
         "object.__setattr__(self, name, 2)"),
    case("""
        def f() -> int:
            x = [1]
            object.__setattr__(x, "y", 2)
            return 1
        """, "object.__setattr__() of a List[int]", "x,"),
    case("""
        import dataclasses
        from dataclasses import dataclass

        @dataclass
        class D:
            x: int

        def f() -> D:
            return dataclasses.replace(D(1), D(2))
        """, "replace() takes the instance positionally and the changes as keywords",
         "dataclasses.replace("),
    case("""
        import dataclasses

        def f() -> int:
            return dataclasses.replace(1, x=2)
        """, "replace() should be called on dataclass instances, not an int", "1,"),
    case("""
        import dataclasses
        from dataclasses import dataclass

        @dataclass
        class D:
            x: int

        def f() -> D:
            return dataclasses.replace(D(1), y=2)
        """, "D.__init__() got an unexpected keyword argument 'y'", "dataclasses.replace("),
    case("""
        import dataclasses
        from dataclasses import dataclass, field

        @dataclass
        class Node:
            value: int
            children: "List[Node]" = field(default_factory=list)

        def f() -> int:
            return len(dataclasses.astuple(Node(1)))
        """, "astuple() of a Node would be a tuple holding tuples of itself",
         "dataclasses.astuple(Node(1))"),
    case("""
        import dataclasses
        from dataclasses import dataclass

        class Plain:
            def __init__(self) -> None:
                self.k = 1

        @dataclass
        class D:
            p: Plain

        def f() -> int:
            return len(dataclasses.asdict(D(Plain())))
        """, "asdict()/astuple() would copy a Plain instance with copy.deepcopy",
         "dataclasses.asdict(D(Plain()))"),

    # ------------------------------------------------------------ streams.py
    case("""
        def f(path: str) -> int:
            with open(path, "w", encoding="utf-16") as fp:
                return fp.write("x")
        """, "open() in compiled code does not encode 'utf-16'", '"utf-16"', args=("/dev/null",)),
    case("""
        def f(path: str) -> int:
            args = [path, "w"]
            with open(*args) as fp:
                return fp.write("x")
        """, "open() with *args or **kwargs cannot be compiled", "open(*args)",
         args=("/dev/null",)),
    case("""
        def f(path: str, mode: str) -> int:
            with open(path, mode) as fp:
                return fp.write("x")
        """, "open()'s mode must be a str literal in compiled code", "mode)",
         args=("/dev/null", "w")),

    # ------------------------------------------------------------ stdarrays.py
    case("""
        import array

        def f() -> int:
            a = array.array('d', [1.0])
            a[0] = "x"
            return len(a)
        """, "must be real number, not a str (an item of array('d'))", 'a[0] = "x"'),
    case("""
        import array

        def f() -> int:
            a = array.array('B', [1])
            a.append("x")
            return len(a)
        """, "an item of array('B') must be an int, not a str", 'a.append("x")'),
    case("""
        import array

        def f() -> int:
            return len(array.array('B', [1], 2))
        """, "array() takes a typecode and at most one initializer", "array.array('B', [1], 2)"),
    case("""
        import array

        def f(tc: str) -> int:
            return len(array.array(tc, [1]))
        """, "array()'s typecode must be a constant str", "tc, [1]", args=("b",)),
    case("""
        import array

        def f() -> int:
            return len(array.array('u', []))
        """, "array.array('u') (an array of characters) is not supported", "'u', []"),
    case("""
        import array

        def f() -> int:
            return len(array.array('z', []))
        """, "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)", "'z', []"),
    case("""
        import array

        def f() -> int:
            return len(array.array('B', array.array('d', [1.0])))
        """, "array('B') of array('d'): 'float' object cannot be interpreted as an integer",
         "array.array('B', array.array('d', [1.0]))"),
    case("""
        import array

        def f(xs: List[float]) -> int:
            return len(array.array('i', xs))
        """, "array('i') of a List[float]: 'float' object cannot be interpreted",
         "array.array('i', xs)", args=([1.0],)),
    case("""
        import array

        def f() -> int:
            return len(array.array('i', "abc"))
        """, "array() of a str is not supported in compiled code", "array.array('i', \"abc\")"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a[0:1] = [5]
            return len(a)
        """, "can only assign array (not a List[int]) to array slice", "a[0:1] = [5]"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a[::2] = array.array('i', [5])
            return len(a)
        """, "assigning to an extended slice of an array", "a[::2] = array.array('i', [5])"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            return len(a.whatever)
        """, "array.whatever is not supported in compiled code", "a.whatever"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a.append(x=1)
            return len(a)
        """, "array.append() takes no keyword arguments", "a.append(x=1)"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a.append(1, 2)
            return len(a)
        """, "array.append() takes 1 argument (2 given)", "a.append(1, 2)"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            return a.pop("0")
        """, "array.pop() takes an int index, not a str", 'a.pop("0")'),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a.extend(array.array('h', [1]))
            return len(a)
        """, "can only extend with array of same kind", "a.extend(array.array('h', [1]))"),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            a.frombytes("ab")
            return len(a)
        """, "array.frombytes() takes bytes here, not a str", 'a.frombytes("ab")'),
    case("""
        import array

        def f() -> int:
            a = array.array('i', [1, 2])
            return a.buffer_info()[0]
        """, "array.buffer_info() is not supported in compiled code", "a.buffer_info"),
    case("""
        import array

        def f() -> int:
            return len(array.array('i', [1]) + array.array('h', [1]))
        """, "bad argument type for built-in operation (arrays of two typecodes)",
         "array.array('i', [1]) + array.array('h', [1])"),
    case("""
        import array

        def f() -> str:
            xs: List[Any] = [array.array('i', [1])]
            return repr(xs)
        """, "an array.array held as an Any (or in a union) is not supported", "array.array('i', [1])"),
    case("""
        import array

        def f() -> int:
            return hash(array.array('i', [1]))
        """, "hash() of an array: unhashable type: 'array.array'", "hash(array.array('i', [1]))"),
    case("""
        import array

        def f() -> int:
            return len(array.array('i', [1]) - array.array('i', [1]))
        """, "unsupported operand types for -: 'array('i')' and 'array('i')'",
         "array.array('i', [1]) - array.array('i', [1])"),
    case("""
        import array

        def f() -> bool:
            return array.array('i', [1]) < array.array('i', [2])
        """, "'Lt' between 'array('i')' and 'array('i')' is not supported in compiled code",
         "array.array('i', [1]) < array.array('i', [2])"),

    # ------------------------------------------------------------ anys.py: unions of classes
    case("""
        class A:
            def __init__(self) -> None:
                self.x = 1

        class B:
            def __init__(self) -> None:
                self.x = 2

        def f(flag: bool) -> int:
            u = A() if flag else B()
            return u.nothing()
        """, "no member of Union[A, B] has a method 'nothing'", "u.nothing()", args=(True,)),
    case("""
        class A:
            def __init__(self) -> None:
                self.x = 1

        class B:
            def __init__(self) -> None:
                self.x = 2

        def f(flag: bool) -> int:
            u = A() if flag else B()
            return u.nothing
        """, "no member of Union[A, B] has an attribute 'nothing'", "u.nothing", args=(True,)),

    # ------------------------------------------------------------ bytearrays.py
    case("""
        def f(b: bytes) -> int:
            xs = [bytearray(b)]
            return len(xs)
        """, "a bytearray inside a container", "xs = [bytearray(b)]", args=(b"a",)),
    case("""
        def f(ba: bytearray) -> None:
            ba.append("x")
        """, "bytearray.append() takes an int in compiled code, not a str", 'ba.append("x")',
         args=(bytearray(),)),
    case("""
        def f(s: str) -> bytearray:
            return bytearray(s, "utf-8")
        """, "bytearray() takes at most one positional argument", 'bytearray(s, "utf-8")',
         args=("a",)),
    case("""
        def f(x: float) -> bytearray:
            return bytearray(x)
        """, "bytearray() of a float is not supported", "bytearray(x)", args=(1.5,)),
    case("""
        def f(b: bytes) -> bytes:
            return bytes(b, "ascii")
        """, "bytes() takes at most one positional argument", 'bytes(b, "ascii")', args=(b"a",)),
    case("""
        def f(ba: bytearray) -> int:
            return ba.pop(index=0)
        """, "bytearray.pop() takes no keyword arguments", "ba.pop(index=0)",
         args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> None:
            ba.append()
        """, "bytearray.append() takes 1 argument (0 given)", "ba.append()",
         args=(bytearray(),)),
    case("""
        def f(ba: bytearray) -> bytearray:
            return ba.upper()
        """, "bytearray.upper() is not supported", "ba.upper", args=(bytearray(),)),
    case("""
        def f(ba: bytearray) -> None:
            ba.extend("ab")
        """, "extending a bytearray with a str", 'ba.extend("ab")', args=(bytearray(),)),
    case("""
        def f(ba: bytearray) -> None:
            ba[::2] = b"x"
        """, "assigning to an extended slice of a bytearray", "ba[::2]",
         args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> None:
            ba[0:1] = "x"
        """, "assigning a str to a slice of a bytearray", "ba[0:1]", args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> bool:
            return "a" in ba
        """, "'in <bytearray>' takes an int or bytes left operand, not a str", '"a" in ba',
         args=(bytearray(b"a"),)),
    case("""
        def f(b: bytes) -> Any:
            x: Any = bytearray(b)
            return x
        """, "a bytearray held as an Any (or in a union) is not supported", "bytearray(b)",
         args=(b"a",)),
    case("""
        def f(ba: bytearray) -> int:
            return hash(ba)
        """, "hash() of a bytearray", "hash(ba)", args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> None:
            ba[0] += 1.5
        """, "a bytearray item takes an int, not a float", "ba[0] += 1.5",
         args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> bool:
            return ba is ba
        """, "'Is' between 'bytearray' and 'bytearray' is not supported", "ba is ba",
         args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> bytearray:
            return ba - ba
        """, "unsupported operand types for -: 'bytearray' and 'bytearray'", "ba - ba",
         args=(bytearray(b"a"),)),
    case("""
        def f(ba: bytearray) -> str:
            return format(ba, ">9")
        """, "a format spec for a bytearray is not supported", 'format(ba, ">9")',
         args=(bytearray(b"a"),)),
    # ------------------------------------------------------------ loops.py: zip
    case("""
        from itertools import count, repeat

        def f() -> int:
            total = 0
            for i, x in zip(count(), repeat(2)):
                total += i * x
                if total > 10:
                    break
            return total
        """, "zip() of only count() and repeat() never ends", "zip(count(), repeat(2))"),
    case("""
        from itertools import count

        def f(xs: List[str]) -> float:
            total = 0.0
            for t, x in zip(count(0.5), xs):
                total += t
            return total
        """, "count() in zip() takes int start and step here", "count(0.5)", args=(["a"],)),
    # ------------------------------------------------------------ stdlib_collections.py
    case("""
        from collections import Counter

        def f(d: Dict[str, int]) -> int:
            c = Counter(**d)
            return c["a"]
        """, "**mapping in a Counter(), OrderedDict() or defaultdict() call is not supported",
         "**d)", args=({"a": 1},)),
    case("""
        from collections import OrderedDict

        def f(xs: List[Tuple[str, int]]) -> int:
            d = OrderedDict(xs, xs)
            return len(d)
        """, "OrderedDict() expected at most 1 argument, got 2", "OrderedDict(xs, xs)",
         args=([("a", 1)],)),
    case("""
        from collections import Counter

        def f(xs: List[List[str]]) -> int:
            c = Counter(*xs)
            return len(c)
        """, "*arguments in a Counter() call are not supported", "Counter(*xs)",
         args=([["a"]],)),
    case("""
        from collections import OrderedDict

        def f(d: Dict[str, str]) -> int:
            od = OrderedDict(d, extra=1)
            return len(od)
        """, "OrderedDict(): Dict[str, int] and OrderedDict[str, str] hold different items",
         "OrderedDict(d, extra=1)", args=({"a": "b"},)),
    case("""
        from collections import Counter

        def f(xs: List[str], ys: List[str]) -> int:
            c: Counter[str] = Counter()
            c.update(xs, ys)
            return len(c)
        """, "Counter.update() takes from 1 to 2 positional arguments but 3 were given",
         "c.update(xs, ys)", args=(["a"], ["b"])),
    case("""
        from collections import OrderedDict

        def f() -> int:
            od: OrderedDict[str, int] = OrderedDict()
            od["a"] = 1
            k, v = od.popitem(lst=True)
            return v
        """, "'lst' is an invalid keyword argument for popitem()", "od.popitem(lst=True)"),
    case("""
        from collections import OrderedDict

        def f() -> int:
            od: OrderedDict[str, int] = OrderedDict()
            od["a"] = 1
            od.move_to_end()
            return len(od)
        """, "move_to_end() missing required argument 'key' (pos 1)", "od.move_to_end()"),
    case("""
        from collections import OrderedDict

        def f(k: str) -> int:
            od: OrderedDict[int, int] = OrderedDict()
            od[1] = 1
            od.move_to_end(k)
            return len(od)
        """, "move_to_end() of a str in OrderedDict[int, int]: the key must have the keys' type",
         "od.move_to_end(k)", args=("1",)),
    case("""
        from collections import defaultdict

        def f() -> int:
            d: defaultdict[str, List[int]] = defaultdict(list)
            make = d.default_factory
            return len(d)
        """, "a defaultdict's default_factory is not a value compiled code reads",
         "d.default_factory"),
    case("""
        from collections import Counter

        def f(xs: List[str], ys: List[int]) -> int:
            both = Counter(xs) + Counter(ys)
            return len(both)
        """, "Counter[str] and Counter[int] count different keys", "Counter(xs) + Counter(ys)",
         args=(["a"], [1])),
    case("""
        from collections import defaultdict

        SEEN = defaultdict(lambda: 1)
        SEEN["a"] += 1

        def f() -> int:
            return SEEN["a"]
        """, "'SEEN' is a defaultdict whose default_factory", "SEEN",
         line='return SEEN["a"]'),
    case("""
        from collections import OrderedDict

        def f(xs: List[str]) -> int:
            od = OrderedDict.fromkeys(xs, value=0)
            return len(od)
        """, "OrderedDict.fromkeys() is not supported in compiled code",
         "OrderedDict.fromkeys(xs, value=0)", args=(["a"],)),
    # ------------------------------------------------------------ stdlib_defaultdict.py
    case("""
        from collections import defaultdict

        def f(d: Dict[str, int]) -> int:
            dd = defaultdict(int, d, name="x")
            return len(dd)
        """, "defaultdict(): Dict[str, str] and DefaultDict[str, int] hold different items",
         'defaultdict(int, d, name="x")', args=({"a": 1},)),
    case("""
        from collections import defaultdict

        def seven() -> int:
            return 7

        def f() -> int:
            d: defaultdict[str, int] = defaultdict(seven)
            return d["a"]
        """, "expected a DefaultDict[str, int] whose default_factory is a built-in or None, "
             "got one whose default_factory is compiled code", "defaultdict(seven)", fix="""
        from collections import defaultdict

        def seven() -> int:
            return 7

        def f() -> int:
            d = defaultdict(seven)
            return d["a"]
        """),
    case("""
        from collections import defaultdict

        def f() -> int:
            d = defaultdict(0)
            return len(d)
        """, "first argument must be callable or None", "0"),
    # ------------------------------------------------------------ stdlib_deque.py
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs, 2, 3)
            return len(dq)
        """, "deque() takes at most 2 arguments (3 given)", "deque(xs, 2, 3)", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs, size=2)
            return len(dq)
        """, "'size' is an invalid keyword argument for deque()", "size=2", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs, "2")
            return len(dq)
        """, "an integer is required", '"2"', args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            return dq["0"]
        """, "sequence index must be integer, not 'str'", '"0"', args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            dq.append(x=1)
            return len(dq)
        """, "deque.append() takes no keyword arguments", "x=1", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            dq.push(1)
            return len(dq)
        """, "'collections.deque' object has no attribute 'push'", "dq.push", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            return dq.popleft(0)
        """, "deque.popleft() takes no arguments (1 given)", "dq.popleft(0)", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            dq.appendleft()
            return len(dq)
        """, "deque.appendleft() takes exactly one argument (0 given)", "dq.appendleft()",
         args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            dq.rotate(1, 2)
            return len(dq)
        """, "deque.rotate expected at most 1 argument, got 2", "dq.rotate(1, 2)", args=([1],)),
    case("""
        from collections import deque

        def f(xs: List[int], x: str) -> int:
            dq = deque(xs)
            dq.remove(x)
            return len(dq)
        """, "deque.remove() of a str among int items is not supported", "dq.remove(x)",
         args=([1], "1")),
    # ------------------------------------------------------------ stdlib_dispatch.py
    case("""
        import itertools

        def f(xs: List[int]) -> int:
            pairs = itertools.pairwise(xs)
            return len(list(pairs))
        """, "itertools.pairwise() makes an iterator, which compiled code does not keep as a value",
         "itertools.pairwise(xs)", args=([1, 2],)),
    # ------------------------------------------------------------ stdlib_functools.py
    case("""
        import functools

        def compare(a: int, b: int) -> int:
            return a - b

        def f(xs: List[int]) -> int:
            key = functools.cmp_to_key(compare)
            return len(xs)
        """, "functools.cmp_to_key() is supported as the key of sorted() and list.sort() only",
         "functools.cmp_to_key(compare)", args=([1],)),
    case("""
        from functools import reduce

        def f(xs: List[int]) -> int:
            return reduce(lambda a, b: a + b)
        """, "reduce expected at least 2 arguments, got 1", "reduce(lambda", args=([1],)),
    case("""
        from functools import reduce

        def f(xs: List[int]) -> int:
            return reduce(lambda a, b: a + b, xs, initial=0)
        """, "reduce() takes no keyword arguments", "reduce(lambda", args=([1],)),
    case("""
        from functools import reduce

        def f(xs: List[int]) -> int:
            return reduce(lambda a, b: str(a) + str(b), xs)
        """, "reduce()'s function returns str where the accumulated value is int", "reduce(",
         args=([1, 2],)),
    case("""
        from functools import reduce

        def f() -> int:
            return reduce(lambda a, b: a + b, ())
        """, "cannot tell the type of what reduce() accumulates from this iterable", "reduce("),
    case("""
        from functools import partial

        def add(a: int, b: int) -> int:
            return a + b

        def f(xs: List[int]) -> int:
            g = partial(add, *xs)
            return g(1)
        """, "partial() takes a function and the arguments to fix, one by one", "partial(add",
         args=([1],)),
    case("""
        import functools

        cached_len = functools.lru_cache(maxsize=None)(len)

        def f(s: str) -> int:
            return cached_len(s)
        """, "lru_cache of builtin_function_or_method objects cannot be called from compiled code",
         "cached_len(s)", args=("ab",)),
    case("""
        import functools

        @functools.lru_cache(maxsize=None)
        def apply(g: Callable[[int], int], x: int) -> int:
            return g(x)

        def double(x: int) -> int:
            return 2 * x

        def f(x: int) -> int:
            return apply(double, x)
        """, "a function value passed to apply(), which lru_cache keys by its arguments",
         "apply(double, x)", args=(2,)),
    case("""
        import functools

        @functools.lru_cache(maxsize=None)
        def square(x: int) -> int:
            return x * x

        def f(x: int) -> int:
            square.cache_clear(x)
            return square(x)
        """, "cache_clear() takes no arguments", "square.cache_clear(x)", args=(2,)),
    case("""
        import functools

        @functools.lru_cache(maxsize=None)
        def square(x: int) -> int:
            return x * x

        def f(x: int) -> int:
            info = square.cache_info()
            return square(x)
        """, "square.cache_info() is not available in compiled code", "square.cache_info()",
         args=(2,)),
    # ------------------------------------------------------------ stdlib_itertools.py
    case("""
        import itertools

        def f(xss: List[List[int]]) -> List[int]:
            return list(itertools.chain(*xss))
        """, "*iterables in a call of itertools.chain() are not supported",
         "itertools.chain(*xss)", args=([[1], [2]],)),
    case("""
        import itertools

        def f(xs: List[int], ys: List[int]) -> int:
            total = 0
            for a, b in itertools.zip_longest(xs, ys, fill=0):
                total += a + b
            return total
        """, "zip_longest() got an unexpected keyword argument 'fill'", "fill=0",
         args=([1], [2, 3])),
    case("""
        import itertools

        def f(xs: List[int], ys: List[int]) -> int:
            return len(list(itertools.product(xs, ys, repeats=2)))
        """, "product() got an unexpected keyword argument 'repeats'", "repeats=2",
         args=([1], [2, 3])),
    case("""
        import itertools

        def f(xs: List[int], ys: List[int], n: int) -> int:
            return len(list(itertools.product(xs, ys, repeat=n)))
        """, "product(..., repeat=n) of several iterables takes a constant n here", "n)))",
         args=([1], [2, 3], 2)),
    case("""
        import itertools

        def f(xs: List[int]) -> List[int]:
            return list(itertools.islice(xs, stop=2))
        """, "islice() takes no keyword arguments", "itertools.islice(xs, stop=2)",
         args=([1, 2, 3],)),
    case("""
        import itertools

        def f(xs: List[int]) -> List[int]:
            return list(itertools.islice(xs))
        """, "islice expected at least 2 arguments, got 1", "itertools.islice(xs)",
         args=([1, 2, 3],)),
    # ------------------------------------------------------------ regex.py
    case("""
        import re

        def f(n: int) -> str:
            return re.escape(n)
        """, "re.escape() takes a str or bytes, not an int", "n)", args=(1,)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> int:
            return len(WORD.scanner(s).search().group())
        """, "'re.Pattern' object has no method 'scanner' in compiled code", "WORD.scanner",
         args=("ab",)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> bool:
            find = WORD.search
            return find(s) is not None
        """, "'re.Pattern' object has no attribute 'search' in compiled code", "WORD.search",
         args=("ab",)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a", s, re.I, 1) is not None
        """, "search() takes from 2 to 3 positional arguments but 4 were given", "re.search(",
         args=("a",)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> List[str]:
            return WORD.split(s, 1, 2)
        """, "split() takes at most 2 arguments (3 given)", "WORD.split(", args=("a b",)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(xs: List[str]) -> bool:
            return WORD.search(*xs) is not None
        """, "search() takes a fixed list of arguments here: '*' is not supported", "*xs",
         args=(["a"],)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str, options: Dict[str, int]) -> bool:
            return WORD.search(s, **options) is not None
        """, "search() takes a fixed list of arguments here: '**' is not supported",
         "**options", args=("a", {})),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a", s, flag=re.I) is not None
        """, "search() got an unexpected keyword argument 'flag'", "flag=", args=("a",)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a", s, string=s) is not None
        """, "search() got multiple values for argument 'string'", "string=s", args=("a",)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a") is not None
        """, "search() missing 1 required positional argument: 'string'", "re.search(",
         args=("a",)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> str:
            return WORD.sub(s)
        """, "sub() missing required argument 'string' (pos 2)", "WORD.sub(", args=("a",)),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> bool:
            return WORD.search(s, "1") is not None
        """, "'str' object cannot be interpreted as an integer", '"1"', args=("ab",)),
    case("""
        import re

        def f(s: str, flags: int) -> bool:
            return re.search(r"a", s, flags) is not None
        """, "the flags of a regular expression must be known when the function is compiled",
         "flags)", args=("a", 2)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a", s, 2.0) is not None
        """, "flags must be an int, not float", "2.0", args=("a",)),
    case("""
        import re

        def f(s: str) -> bool:
            p = re.compile(r"a")
            return re.search(p, s, re.I) is not None
        """, "cannot process flags argument with a compiled pattern", "re.search(",
         args=("a",)),
    case("""
        import re

        def f(pattern: str, s: str) -> bool:
            return re.search(pattern, s) is not None
        """, "regular expression from a str known only at run time", "pattern, s",
         args=("a", "a")),
    case("""
        import re

        WORD = re.compile(r"\\w+")

        def f(s: str) -> bool:
            return re.search(WORD, s, re.I) is not None
        """, "cannot process flags argument with a compiled pattern", "re.search(",
         args=("a",)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(1, s) is not None
        """, "first argument must be string or compiled pattern", "1, s", args=("a",)),
    case("""
        import re

        def f(s: str) -> bool:
            return re.search(r"a", s, re.DEBUG) is not None
        """, "re.DEBUG prints the parse when the pattern is compiled", "re.search(",
         args=("a",)),
    case("""
        import re

        def f(n: int) -> bool:
            return re.search(r"a", n) is not None
        """, "expected string or bytes-like object, got 'int'", "n)", args=(1,)),
    case("""
        import re

        def f(s: str) -> str:
            return re.sub(r"a", b"b", s)
        """, "the replacement of a str pattern must be str, not bytes", 'b"b"', args=("a",)),
    case("""
        import re

        def f(s: str) -> str:
            return re.sub(r"a", 1, s)
        """, "sub() takes a replacement string or a function, not an int", "1, s",
         args=("a",)),
    case("""
        import re

        def f(s: str) -> str:
            return re.sub(r"\\d", lambda m: int(m.group()) * 2, s)
        """, "the replacement function must return str (or None), not an int", "re.sub(",
         args=("a1",)),
    # ------------------------------------------------------------ regex_match.py
    case("""
        import re

        def f(s: str) -> str:
            m = re.match(r"(?P<word>\\w+)", s)
            return m.group(name="word") if m else ""
        """, "Match.group() takes no keyword arguments", 'name="word"', args=("ab",)),
    case("""
        import re

        def f(s: str) -> int:
            m = re.match(r"(\\w+)", s)
            return m.start(group=1) if m else -1
        """, "Match.start() takes no keyword arguments", "group=1", args=("ab",)),
    case("""
        import re

        def f(s: str) -> Tuple[int, int]:
            m = re.match(r"(\\w+)", s)
            return m.span(0, 1) if m else (-1, -1)
        """, "span expected at most 1 argument, got 2", "m.span(0, 1)", args=("ab",)),
    case("""
        import re

        def f(s: str) -> str:
            m = re.match(r"(\\w+)", s)
            return m.expand(b"<\\\\1>") if m else ""
        """, "Match.expand() takes a str template here, not a bytes", 'b"', args=("ab",)),
    case("""
        import re

        def f(s: str) -> str:
            m = re.match(r"(\\w+)", s)
            return m.get(1) if m else ""
        """, "'re.Match' object has no method 'get' in compiled code", "m.get", args=("ab",)),
    case("""
        import re

        def f(s: str) -> str:
            m = re.match(r"(\\w)(\\w)", s)
            return "".join(m[1:3]) if m else ""
        """, "a Match is indexed by a group number or name, not a slice", "1:3",
         args=("ab",)),
    case("""
        import re

        def f(s: str) -> int:
            m = re.match(r"(?P<word>\\w+)", s)
            return len(m.groupindex) if m else 0
        """, "'re.Match' object has no attribute 'groupindex' in compiled code", "m.groupindex",
         args=("ab",)),
    case("""
        import re

        def f(s: str) -> str:
            m = re.match(r"(\\w+)", s)
            return m.group(1.0) if m else ""
        """, "a group is named by an int or a str, not a float", "1.0", args=("ab",)),
    # ------------------------------------------------------------ counts, in CPython's words
    case("""
        from collections import deque

        def f(xs: List[int]) -> int:
            dq = deque(xs)
            return dq.index()
        """, "index() takes at least 1 argument (0 given)", "dq.index()", args=([1],)),
    case("""
        from collections import OrderedDict

        def f() -> int:
            od: OrderedDict[str, int] = OrderedDict()
            od["a"] = 1
            od.move_to_end("a", True, 1)
            return len(od)
        """, "move_to_end() takes at most 2 arguments (3 given)", 'od.move_to_end("a", True, 1)'),
    case("""
        from functools import reduce

        def f(xs: List[int]) -> int:
            return reduce(lambda a, b: a + b, xs, 0, 1)
        """, "reduce expected at most 3 arguments, got 4", "reduce(lambda", args=([1],)),
]

# site key -> why no user code reaches it
CASES += SYNTAX_CASES

UNREACHABLE = {
    "expressions.py:value:unsupported expression '{}'":
        "every expression a function body can hold has a builder: await is Python's "
        "SyntaxError outside async def, generators.py refuses a yield used as a value first, "
        "and starred items are unpacked by the calls and displays that hold them",
    "anys.py:unbox:an Any cannot be used as {}":
        "the one remaining target type is a function, and every conversion to a function "
        "type (a Callable parameter or local) checks for a function first",
    "closures.py:widen:expected {}, got {}":
        "callers widen a function to a set only after unify() put it in the set",
    "session.py:record:could not settle the types of '{}': local '{}' went back from {} to {} "
    "({})":
        "a safety net: rebuilds only widen types (tests/test_compiler_crashes.py feeds it a "
        "type that comes back)",
    "session.py:failure:could not settle the types of '{}' in {} builds{}":
        "reached past MAX_REBUILDS + REBUILDS_PER_LOCAL per local; tests/test_compiler_crashes.py "
        "lowers the bound to check the message",
    "stdlib_defaultdict.py:call_factory:this defaultdict's default_factory, {}, {} and can be "
    "called only there":
        "a safety net no user code was found to reach: a defaultdict whose factory is a closure "
        "is read in its defining function or in nested functions and lambdas, which see the "
        "factory's free names too, and it cannot leave by a typed parameter or a declared "
        "variable (a plain Dict refuses it, and a declared defaultdict takes a built-in factory "
        "only: stdlib_defaultdict.factory_mismatch)",
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("catalogue"))
    return [run(c, i, directory) for i, c in enumerate(CASES)]


def _id(c: Case) -> str:
    return c.id or c.fragment[:50]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[_id(c) for c in CASES])
def test_case(outcomes, index):
    outcome = outcomes[index]
    c = outcome.case
    assert outcome.other is None, f"not a CompileError: {outcome.other!r}"
    assert outcome.error is not None, "compiled without an error"
    message = str(outcome.error)
    first = message.splitlines()[0]
    assert c.fragment in first, f"expected {c.fragment!r} in:\n{message}"
    where = location(message)
    if c.caret is None:
        assert where is None, f"unexpected location:\n{message}"
    else:
        assert where is not None, f"no location:\n{message}"
        _, line, col = where
        lines = outcome.module_text.splitlines()
        text = lines[line - 1]
        assert text[col:].startswith(c.caret), (
            f"caret at column {col} of line {line} ({text!r}), expected it under {c.caret!r}:"
            f"\n{message}")
        expected_line = c.line or c.caret
        first_line = next(i for i, t in enumerate(lines, 1) if expected_line in t)
        assert line == first_line, f"line {line}, expected {first_line}:\n{message}"
        shown = message.splitlines()
        caret_rows = [r for r in shown if r.strip().startswith("|") and "^" in r]
        assert caret_rows, message
    for hint in hints(message):
        problems = hint_problems(hint)
        assert not problems, f"hint {hint!r}: {problems}"
        if SUGGESTS_REWRITE.search(hint) and not hint.startswith("or, to run"):
            assert c.fix is not None, f"the hint shows a rewrite; give it as `fix`: {hint!r}"
    if c.fix is not None:
        assert outcome.fix_error is None, f"the fix fails: {outcome.fix_error!r}"
        if not c.eager:
            expected, got = outcome.python_fix_result, outcome.fix_result
            same = expected == got or (isinstance(expected, float) and math.isnan(expected)
                                       and math.isnan(got))
            assert same and type(expected) is type(got), (expected, got)


def test_every_site_has_a_case(outcomes):
    covered = {site.key for o in outcomes for site in o.sites}
    missing = [s for s in SITES if s.key not in covered and s.key not in UNREACHABLE]
    assert not missing, "sites without a case:\n" + "\n".join(map(str, missing))


def test_unreachable_list_is_current():
    keys = {s.key for s in SITES}
    stale = [k for k in UNREACHABLE if k not in keys]
    assert not stale, f"UNREACHABLE names sites that no longer exist: {stale}"


def _static_hints():
    """Every hint text written in pyjitx/frontend: `hint=` arguments and the
    hint tables, as templates (formatted parts as {})."""
    import ast as ast_module

    from catalogue_harness import FRONTEND, _template

    found = []
    for name in sorted(os.listdir(FRONTEND)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(FRONTEND, name), encoding="utf-8") as f:
            tree = ast_module.parse(f.read())
        for node in ast_module.walk(tree):
            values = []
            if isinstance(node, ast_module.keyword) and node.arg == "hint":
                values.append(node.value)
            if isinstance(node, ast_module.Assign) and any(
                    isinstance(t, ast_module.Name) and "HINT" in t.id for t in node.targets):
                if isinstance(node.value, ast_module.Dict):
                    values.extend(node.value.values)
                else:
                    values.append(node.value)
            if isinstance(node, ast_module.FunctionDef) and node.name.endswith("_hint"):
                values.extend(r.value for r in ast_module.walk(node)
                              if isinstance(r, ast_module.Return) and r.value is not None)
            for value in values:
                if isinstance(value, ast_module.IfExp):
                    value = value.body
                text = _template(value)
                if text and not text.startswith("<"):
                    found.append((name, node.lineno, text))
    return found


def test_every_written_hint_is_a_finished_sentence_promising_nothing():
    """Also the hints no catalogue case shows (the hint tables' other
    entries, hints of branches a case does not take)."""
    hints_found = _static_hints()
    assert len(hints_found) > 60
    bad = [(f, line, text, hint_problems(text)) for f, line, text in hints_found
           if hint_problems(text)]
    assert not bad, "\n".join(map(str, bad))


def test_catalogue_size():
    assert len(SITES) > 250 and len(CASES) >= len(SITES) - len(UNREACHABLE) - 40


# ------------------------------------------------ what used to be an error


def formatted_assert(n: int) -> int:
    assert n >= 0, f"n must not be negative, got {n}"
    assert n != 3, n * 10
    return n * 2


def dict_get_optional(d: Dict[str, str], k: str) -> str:
    v = d.get(k)
    if v is None:
        return "missing"
    return v + "!"


def dict_get_any(d: Dict[str, Any], k: str) -> Any:
    return d.get(k)


def dict_get_list(d: Dict[str, List[int]], k: str) -> int:
    v = d.get(k)
    if v is None:
        return -1
    return len(v)


def tuple_count(t: Tuple[int, ...], x: int) -> int:
    u = (1, 2, 1)
    return t.count(x) + u.count(1) + ("a", "b", "a").count("a")


@pytest.mark.parametrize("n", [0, 2, 3, -1])
def test_assert_with_a_formatted_message(n):
    assert_same(formatted_assert, compiled(formatted_assert), n)


@pytest.mark.parametrize("k", ["x", "z"])
def test_dict_get_without_a_default(k):
    assert_same(dict_get_optional, compiled(dict_get_optional), {"x": "y"}, k)
    assert_same(dict_get_any, compiled(dict_get_any), {"x": 1, "y": [2]}, k)
    assert_same(dict_get_list, compiled(dict_get_list), {"x": [1, 2]}, k)


@pytest.mark.parametrize("t,x", [((), 1), ((1, 2, 2), 2), ((3,), 4)])
def test_tuple_count(t, x):
    assert_same(tuple_count, compiled(tuple_count), t, x)


class Shape:
    def __init__(self, n: int) -> None:
        self.n = n


class Square(Shape):
    pass


def optional_isinstance(k: int) -> Tuple[bool, bool, bool]:
    x: Optional[Shape] = None
    if k == 1:
        x = Shape(1)
    elif k == 2:
        x = Square(2)
    y: Optional[Square] = Square(3) if k == 3 else None
    return isinstance(x, Square), isinstance(x, Shape), isinstance(y, Shape)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_isinstance_of_an_optional_instance(k):
    assert_same(optional_isinstance, compiled(optional_isinstance), k)
