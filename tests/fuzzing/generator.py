"""Random typed programs for differential fuzzing against CPython.

A program is one function with typed parameters (ints, a float, a str, a
list of ints, a list of strs, a dict of str to int) whose body mixes the
statements everyday code is made of: arithmetic, string methods and
slicing, list and dict mutation, comprehensions (nested, shadowing a loop
variable), for/while loops with break/continue/else, try/except/else/
finally, raise, conditional expressions, f-strings and early returns.
Failing operations are generated on purpose (an index past the end, a
missing key, a division by zero, `min` of an empty list, `int("x")`), both
inside and outside `try` statements, since how an exception travels is
where compilers go wrong.

Every variable keeps one type, so every program is valid pyjitx; ints are
reduced modulo a prime after each multiplication-bearing assignment, so no
int leaves int64 and CPython's result is the oracle as is.  Programs are
built from a seed with `random.Random`, so a failure is reproduced from
its seed alone (see runner.py)."""
from __future__ import annotations

import random
from typing import List

M = 1000003
INTS = ["n0", "n1", "n2"]
STRS = ["t0", "t1"]
EXC_TYPES = ["IndexError", "KeyError", "ZeroDivisionError", "ValueError"]
WORDS = ["a", "b", "ab", "héllo", "日本", "", "x y", "🙂", "Z"]

SIGNATURE = ("def prog(a: int, b: int, x: float, s: str, xs: List[int], "
             "ws: List[str], d: Dict[str, int]) -> Tuple[int, float, str]:")


class ProgramGenerator:
    """Builds the body of one program; `depth` bounds statement nesting."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lines: List[str] = []
        self.ids = 0

    # -- helpers ---------------------------------------------------------
    def pick(self, options):
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def fresh(self, prefix: str) -> str:
        self.ids += 1
        return f"{prefix}{self.ids}"

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    # -- expressions, by type -------------------------------------------
    def small(self) -> str:
        return str(self.rng.randint(-3, 9))

    def int_atom(self) -> str:
        k = self.rng.randrange(9)
        if k < 4:
            return self.pick(INTS)
        if k == 4:
            return self.small()
        if k == 5:
            return f"len({self.pick(['xs', 'ws', 'd', 's', *STRS])})"
        if k == 6:
            return self.pick(["a", "b"])
        if k == 7:
            return f"({self.pick(INTS)} if {self.cond(0)} else {self.small()})"
        return f"{self.pick(STRS)}.count({self.str_literal()})"

    def int_expr(self, depth: int = 1) -> str:
        if depth <= 0 or self.chance(0.3):
            return self.int_atom()
        k = self.rng.randrange(14)
        a, b = self.int_expr(depth - 1), self.int_expr(depth - 1)
        if k < 3:
            return f"({a} {self.pick(['+', '-', '^', '&', '|'])} {b})"
        if k < 5:
            # both factors reduced first: products of products stay in int64
            return f"({a} % 1009 * ({b} % 1009))"
        if k == 5:
            # a divisor that is sometimes zero: ZeroDivisionError on purpose
            return f"({a} {self.pick(['//', '%'])} ({b} % 4))"
        if k == 6:
            return f"xs[{self.index_expr()}]"
        if k == 7:
            return f"d[{self.key_expr()}]"
        if k == 8:
            return f"d.get({self.key_expr()}, {self.small()})"
        if k == 9:
            return f"{self.pick(['min', 'max', 'sum'])}({self.int_list_expr()})"
        if k == 10:
            return f"{self.pick(STRS)}.find({self.str_literal()})"
        if k == 11:
            return f"int({self.pick(['x', 'x * 2.5', 'x - 0.5'])})"
        if k == 12:
            return f"abs({a}) % 7"
        return f"({a} << ({b} % 3))"

    def index_expr(self) -> str:
        k = self.rng.randrange(4)
        if k == 0:
            return self.small()
        if k == 1:
            i = self.pick(INTS)
            return f"{i} if {i} > 0 else {self.small()}"
        if k == 2:
            return f"{self.pick(INTS)} % 5 - 2"
        return f"len(xs) - {self.rng.randint(0, 2)}"

    def key_expr(self) -> str:
        if self.chance(0.5):
            return self.str_literal()
        return self.pick([*STRS, "s", f"{self.pick(STRS)}[:1]"])

    def str_literal(self) -> str:
        return repr(self.pick(WORDS))

    def str_expr(self, depth: int = 1) -> str:
        k = self.rng.randrange(16)
        if depth <= 0 or k < 3:
            return self.pick([*STRS, "s", self.str_literal()])
        a = self.str_expr(depth - 1)
        if k == 3:
            return f"({a} + {self.str_expr(depth - 1)})"
        if k == 4:
            return f"{a}[{self.index_expr()}]"
        if k == 5:
            return f"{a}[{self.small()}:{self.pick([self.small(), ''])}]"
        if k == 6:
            return f"{a}.{self.pick(['upper', 'lower', 'strip', 'title', 'casefold', 'swapcase'])}()"
        if k == 7:
            return f"{a}.replace({self.str_literal()}, {self.str_literal()})"
        if k == 8:
            return f"str({self.int_expr(0)})"
        if k == 9:
            return f'f"{{{self.pick(INTS)}}}-{{{self.pick(STRS)}!r}}-{{x:.2f}}"'
        if k == 10:
            return f"{self.str_literal()}.join({self.str_list_expr()})"
        if k == 11:
            return f"({a} * ({self.pick(INTS)} % 3))"
        if k == 12:
            return f"ws[{self.index_expr()}]"
        if k == 13:
            return f"({a} if {self.cond(0)} else {self.str_expr(depth - 1)})"
        if k == 14:
            return f"repr({self.pick(['xs', 'ws', 'x'])})"
        return f"{a}[::{self.pick(['-1', '2', '-2'])}]"

    def int_list_expr(self) -> str:
        k = self.rng.randrange(7)
        if k == 0:
            return "xs"
        if k == 1:
            v = self.fresh("c")
            return f"[{v} * 2 for {v} in xs if {v} % 3 != {self.rng.randint(0, 2)}]"
        if k == 2:
            return f"xs[{self.small()}:{self.small()}]"
        if k == 3:
            return f"sorted(xs, reverse={self.pick(['True', 'False'])})"
        if k == 4:
            return f"[len(w) for w in ws]"
        if k == 5:
            return f"list(d.values())"
        # a nested comprehension that reuses the outer variable's name
        return "[x1 + sum([x1 for x1 in xs]) for x1 in xs if x1 > 0]"

    def str_list_expr(self) -> str:
        k = self.rng.randrange(5)
        if k == 0:
            return "ws"
        if k == 1:
            return f"{self.pick(['s', *STRS])}.split({self.pick(['', repr(' '), repr('a')])})"
        if k == 2:
            return "sorted(d)"
        if k == 3:
            return f"[w.upper() for w in ws if w]"
        return f"list({self.pick(['s', *STRS])})"

    def float_expr(self, depth: int = 1) -> str:
        if depth <= 0 or self.chance(0.3):
            return self.pick(["x", "1.5", "-0.25", f"float({self.pick(INTS)})"])
        a, b = self.float_expr(depth - 1), self.float_expr(depth - 1)
        k = self.rng.randrange(6)
        if k < 3:
            return f"({a} {self.pick(['+', '-', '*'])} {b})"
        if k == 3:
            return f"({a} / ({b} % 3.0))"          # ZeroDivisionError at times
        if k == 4:
            return f"math.sqrt({a})"               # ValueError for negatives
        return f"round({a}, {self.rng.randint(0, 3)})"

    def cond(self, depth: int = 1) -> str:
        k = self.rng.randrange(9)
        if k == 0:
            return f"{self.int_expr(0)} < {self.int_expr(0)}"
        if k == 1:
            return f"{self.pick(INTS)} % {self.rng.randint(2, 5)} == 0"
        if k == 2:
            return f"{self.key_expr()} in d"
        if k == 3:
            return f"{self.str_literal()} in {self.pick(['s', *STRS])}"
        if k == 4:
            return f"{self.int_expr(0)} in xs"
        if k == 5:
            return f"not {self.pick(['xs', 'ws', 'd', 's', *STRS])}"
        if k == 6 and depth > 0:
            return f"({self.cond(depth - 1)}) {self.pick(['and', 'or'])} ({self.cond(depth - 1)})"
        if k == 7:
            return f"{self.pick(STRS)}.{self.pick(['isdigit', 'isalpha', 'isupper', 'isspace'])}()"
        return f"x {self.pick(['<', '>=', '=='])} {self.float_expr(0)}"

    # -- statements -----------------------------------------------------
    def block(self, indent: int, depth: int, in_loop: bool, most: int = 3) -> None:
        for _ in range(self.rng.randint(1, most)):
            self.stmt(indent, depth, in_loop)

    def stmt(self, indent: int, depth: int, in_loop: bool) -> None:
        kinds = ["int", "int", "str", "float", "list", "list", "dict", "dict", "aug"]
        if depth > 0:
            kinds += ["if", "if", "for", "forlist", "while", "try", "try"]
        if in_loop:
            kinds += ["break", "continue"]
        kinds += ["return", "raise"]
        getattr(self, "stmt_" + self.pick(kinds))(indent, depth, in_loop)

    def stmt_int(self, indent, depth, in_loop):
        self.emit(indent, f"{self.pick(INTS)} = {self.int_expr(2)} % {M}")

    def stmt_aug(self, indent, depth, in_loop):
        v = self.pick(INTS)
        self.emit(indent, f"{v} {self.pick(['+=', '-=', '*=', '^=', '|='])} {self.int_atom()}")
        self.emit(indent, f"{v} %= {M}")

    def stmt_str(self, indent, depth, in_loop):
        v = self.pick(STRS)
        self.emit(indent, f"{v} = {self.str_expr(2)}")
        # keep strings short: repeated doubling would take memory and time
        self.emit(indent, f"{v} = {v}[:40]")

    def stmt_float(self, indent, depth, in_loop):
        self.emit(indent, f"y = {self.float_expr(2)}")

    def stmt_list(self, indent, depth, in_loop):
        k = self.rng.randrange(10)
        if k == 0:
            self.emit(indent, f"xs.append({self.int_expr(1)} % {M})")
        elif k == 1:
            self.emit(indent, f"{self.pick(INTS)} = xs.pop({self.pick(['', self.index_expr()])})")
        elif k == 2:
            self.emit(indent, f"xs[{self.index_expr()}] = {self.int_expr(1)} % {M}")
        elif k == 3:
            self.emit(indent, f"xs.insert({self.small()}, {self.int_atom()})")
        elif k == 4:
            self.emit(indent, f"del xs[{self.index_expr()}]")
        elif k == 5:
            self.emit(indent, f"ws.append({self.str_expr(1)}[:10])")
        elif k == 6:
            self.emit(indent, f"{self.pick(INTS)} = xs.index({self.int_atom()})")
        elif k == 7:
            self.emit(indent, f"xs.sort(reverse={self.pick(['True', 'False'])})")
        elif k == 8:
            self.emit(indent, f"ws.remove({self.str_literal()})")
        else:
            self.emit(indent, f"xs = {self.int_list_expr()}[:20]")

    def stmt_dict(self, indent, depth, in_loop):
        k = self.rng.randrange(6)
        if k == 0:
            self.emit(indent, f"d[{self.key_expr()}] = {self.int_expr(1)} % {M}")
        elif k == 1:
            self.emit(indent, f"{self.pick(INTS)} = d.pop({self.key_expr()}"
                              f"{self.pick(['', ', ' + self.small()])})")
        elif k == 2:
            self.emit(indent, f"del d[{self.key_expr()}]")
        elif k == 3:
            self.emit(indent, f"{self.pick(INTS)} = d.setdefault({self.key_expr()}, {self.small()})")
        elif k == 4:
            self.emit(indent, f"d = {{w: len(w) for w in {self.str_list_expr()}}}")
        else:
            self.emit(indent, f"d.update({{{self.key_expr()}: {self.int_atom()}}})")

    def stmt_if(self, indent, depth, in_loop):
        self.emit(indent, f"if {self.cond()}:")
        self.block(indent + 1, depth - 1, in_loop)
        if self.chance(0.4):
            self.emit(indent, f"elif {self.cond()}:")
            self.block(indent + 1, depth - 1, in_loop)
        if self.chance(0.5):
            self.emit(indent, "else:")
            self.block(indent + 1, depth - 1, in_loop)

    def stmt_for(self, indent, depth, in_loop):
        i = self.fresh("i")
        rng = self.pick([f"range({self.pick(INTS)} % 6)", f"range(len(xs))",
                         f"range({self.small()}, {self.small()}, {self.pick(['1', '-1', '2'])})"])
        self.emit(indent, f"for {i} in {rng}:")
        self.emit(indent + 1, f"{self.pick(INTS)} = ({self.pick(INTS)} + {i}) % {M}")
        self.block(indent + 1, depth - 1, True)
        if self.chance(0.3):
            self.emit(indent, "else:")
            self.block(indent + 1, depth - 1, in_loop)

    def step_budget(self, indent: int) -> None:
        # a body that appends to the list it walks would run forever (in
        # CPython too); every loop over a container spends from one budget
        self.emit(indent, "steps += 1")
        self.emit(indent, "if steps > 300:")
        self.emit(indent + 1, "break")

    def stmt_forlist(self, indent, depth, in_loop):
        k = self.rng.randrange(4)
        if k == 0:
            e = self.fresh("e")
            self.emit(indent, f"for {e} in {self.int_list_expr()}:")
            self.emit(indent + 1, f"{self.pick(INTS)} = ({self.pick(INTS)} * 3 + {e}) % {M}")
        elif k == 1:
            j, w = self.fresh("j"), self.fresh("w")
            self.emit(indent, f"for {j}, {w} in enumerate({self.str_list_expr()}):")
            self.emit(indent + 1, f"t1 = (t1 + {w})[:40]")
        elif k == 2:
            k_ = self.fresh("k")
            self.emit(indent, f"for {k_} in {self.pick(['d', 'list(d)', 'sorted(d)'])}:")
            self.emit(indent + 1, f"n0 = (n0 + d[{k_}]) % {M}")
        else:
            c, w = self.fresh("c"), self.fresh("w")
            self.emit(indent, f"for {c}, {w} in zip(xs, ws):")
            self.emit(indent + 1, f"n1 = (n1 + {c} * len({w})) % {M}")
        self.step_budget(indent + 1)
        self.block(indent + 1, depth - 1, True)

    def stmt_while(self, indent, depth, in_loop):
        w = self.fresh("w")
        self.emit(indent, f"{w} = 0")
        self.emit(indent, f"while {w} < {self.rng.randint(0, 6)}{self.pick(['', ' and ' + self.cond(0)])}:")
        self.emit(indent + 1, f"{w} += 1")
        self.block(indent + 1, depth - 1, True)
        if self.chance(0.3):
            self.emit(indent, "else:")
            self.block(indent + 1, depth - 1, in_loop)

    def stmt_try(self, indent, depth, in_loop):
        self.emit(indent, "try:")
        self.block(indent + 1, depth - 1, in_loop)
        handlers = self.rng.randint(0 if self.chance(0.3) else 1, 2)
        for _ in range(handlers):
            types = self.rng.sample(EXC_TYPES, self.rng.randint(1, 2))
            caught = types[0] if len(types) == 1 else "(" + ", ".join(types) + ")"
            if self.chance(0.5):
                self.emit(indent, f"except {caught} as err:")
                self.emit(indent + 1, f"t0 = (str(err) + {'t0'})[:40]")
            else:
                self.emit(indent, f"except {caught}:")
            self.block(indent + 1, depth - 1, in_loop)
        if handlers and self.chance(0.3):
            self.emit(indent, "else:")
            self.block(indent + 1, depth - 1, in_loop)
        if not handlers or self.chance(0.3):
            self.emit(indent, "finally:")
            self.emit(indent + 1, f"n2 = (n2 + 7) % {M}")

    def stmt_break(self, indent, depth, in_loop):
        self.emit(indent, f"if {self.cond()}:")
        self.emit(indent + 1, "break")

    def stmt_continue(self, indent, depth, in_loop):
        self.emit(indent, f"if {self.cond()}:")
        self.emit(indent + 1, "continue")

    def stmt_return(self, indent, depth, in_loop):
        self.emit(indent, f"if {self.cond()}:")
        self.emit(indent + 1, f"return {self.result()}")

    def stmt_raise(self, indent, depth, in_loop):
        exc = self.pick(EXC_TYPES)
        self.emit(indent, f"if {self.cond()}:")
        self.emit(indent + 1, f'raise {exc}(f"bad {{n0}} {{{self.pick(STRS)}!r}}")')

    def result(self) -> str:
        return "(n0 + n1 * 3 + n2 * 5 + len(xs) + sum(xs) % 1000, y, t0 + '|' + t1)"

    # -- the program ------------------------------------------------------
    def program(self) -> str:
        for line in ("n0 = a % 1000003", "n1 = b % 1000003", "n2 = len(s)", "y = x",
                     "t0 = s", "t1 = ''", "steps = 0"):
            self.emit(1, line)
        self.block(1, 3, False, most=9)
        self.emit(1, f"return {self.result()}")
        return ("import math\nfrom typing import Dict, List, Tuple\n\n\n"
                + SIGNATURE + "\n" + "\n".join(self.lines) + "\n")


def generate(seed: int) -> str:
    return ProgramGenerator(seed).program()
