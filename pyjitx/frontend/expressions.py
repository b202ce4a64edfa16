"""Typing and building of expressions, with Python's operator semantics.

`value(node)` builds an expression for its value; `condition(node, t, f)`
builds it for a branch, short-circuiting `and`/`or`/`not` and chained
comparisons without materialising bools.
"""
from __future__ import annotations

import ast
import types
from typing import TYPE_CHECKING, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ArrayType, is_any, join, same_representation, UnionType, with_article, ANY, BOOL, ClassType, BYTEARRAY, BYTES, EXCEPTION, EXCEPTION_CLASS, EnumType,
                        FLOAT, INT, NONE, STR, NDArrayType, OptionalType,
                        FunctionSetType, FunctionType, TupleType, VarTupleType, Type,
                        arithmetic_result, unify, DictType, ListType, SetType, MatchType,
                        PatternType)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
    ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "lshift",
    ast.RShift: "rshift", ast.BitAnd: "and", ast.BitOr: "or", ast.BitXor: "xor",
}
_SYMBOLS = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "pow": "**", "lshift": "<<", "rshift": ">>", "and": "&", "or": "|", "xor": "^",
}
_COMPARES = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt",
             ast.GtE: "ge"}
_SWAPPED = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}


def _non_none(t: Type) -> Optional[Type]:
    """What a value of type t is when it is not None (an Optional's item, a
    union's other members), or None if t does not include None."""
    if isinstance(t, OptionalType):
        return t.item
    if isinstance(t, UnionType) and NONE in t.members:
        return t.without_none()
    return None


class ExpressionBuilder:
    def __init__(self, builder: "FunctionBuilder") -> None:
        self.b = builder

    def error(self, node, message: str, hint: str = ""):
        return self.b.error(node, message, hint)

    def emit(self, op: ops.Op) -> ops.Op:
        return self.b.emit(op)

    # ---------------------------------------------------------- values

    def value(self, node: ast.expr) -> ops.Value:
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            folded = self._fold(node)
            if folded is not None:
                return folded
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise self.error(node, f"unsupported expression '{type(node).__name__}'",
                             hint=_expression_hint(node))
        return method(node)

    def _fold(self, node: ast.expr) -> Optional[ops.Constant]:
        """Evaluates an arithmetic expression of literals at compile time, as
        Python would (so `-2**63` and `2**63 - 1` work although 2**63 does
        not fit in an int).  Gives up (None) on anything else, on an
        exception, and on an int result outside 64 bits, leaving those to
        the run-time operations and their errors."""
        try:
            value = _evaluate_literal(node)
        except Exception:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            return None
        return constant_value(value)

    def expr_Constant(self, node: ast.Constant) -> ops.Value:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            raise self.error(node, f"integer constant {value} does not fit in 64 bits",
                             hint="compiled ints are 64-bit: -2**63 to 2**63 - 1")
        constant = constant_value(value)
        if constant is None:
            raise self.error(node, f"unsupported constant {value!r}",
                             hint="supported: int, float, bool, None, str (without lone "
                                  "surrogates) and bytes constants")
        return constant

    def expr_Name(self, node: ast.Name) -> ops.Value:
        return self.read_name(node.id, node)

    def read_name(self, name: str, node: ast.AST) -> ops.Value:
        """The value of `name` where `node` reads it (also the target of an
        augmented assignment): narrowed as a test left it, module state, or
        the module's constant."""
        if not isinstance(node, ast.Name):  # (errors point at the name)
            node = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        bound = self.b.lambda_bindings.get(node.id)
        if bound is not None:
            return bound
        if node.id.startswith(".") or node.id in self.b.state_names:
            # a variable the compiler made up, or module state (`global`)
            return self.b.read_var(node.id, node)
        if node.id in self.b.locals:
            value = self.b.read_var(node.id, node)
            narrowed = self.b.narrowed.get(node.id)
            base = _instance_type(value.type)
            if narrowed is not None and narrowed != value.type and isinstance(narrowed, ClassType) \
                    and base is not None and narrowed.is_subclass_of(base):
                # isinstance(x, Sub) held: the base-typed instance is a Sub
                # (the same object, seen as its class)
                return self.emit(ops.OptionalOp("wrap", self.unwrap(value, node), narrowed))
            if narrowed == INT and value.type == FLOAT:  # x = int(x): that int
                return self.b.exact_int(node.id)
            if narrowed is not None and narrowed != value.type and \
                    (is_any(value.type) or isinstance(value.type, OptionalType)):
                # a test decided what it holds (pyjitx.frontend.narrowing)
                return self.coerce(value, narrowed, node)
            return value
        obj = self.b.lookup_global(node.id, node)
        constant = constant_value(obj)
        if constant is not None:
            return constant
        target = getattr(obj, "py_func", obj)  # a compiled function: its Python function
        if isinstance(target, types.FunctionType):  # a module-level function as a value
            from .closures import ref_type_of_global

            return ops.Constant(ref_type_of_global(target), None)
        from . import module_constants

        if module_constants.captures(self.b, obj):
            return module_constants.read(self.b, node.id, obj, node,
                                         self.b.module_annotation(node.id))
        raise self.error(node, f"'{node.id}' ({type(obj).__name__}) cannot be used as a value "
                         "in compiled code", hint="values from the module are int, float, bool, "
                         "str, bytes and None constants and functions (def, lambda, compiled "
                         "functions); other objects, built-in functions included, can only be "
                         "called")

    def expr_NamedExpr(self, node: ast.NamedExpr) -> ops.Value:
        # `(n := v)` binds n in the function (in a comprehension too: its
        # scope renames only the `for` targets) and is v itself
        value = self.value(node.value)
        self.b.write_var(node.target.id, value, node.target)
        return value

    def expr_Lambda(self, node: ast.Lambda) -> ops.Value:
        from .closures import function_value

        return function_value(self.b, node)

    def expr_Attribute(self, node: ast.Attribute) -> ops.Value:
        from .calls import _is_module_path, resolve_attribute
        from . import stdclasses

        member_attribute = stdclasses.static_attribute(self.b, node)  # Color.RED.a_property
        if member_attribute is not None:
            return member_attribute
        from . import typeof

        through_class = typeof.attribute(self.b, node)  # type(x).__name__, x.__class__.K
        if through_class is not None:
            return through_class

        from . import methods

        unbound = methods.unbound_method(self.b, node)  # str.upper
        if unbound is not None:
            return unbound
        if not _is_module_path(self.b, node.value):
            from . import classes, regex

            value = self.value(node.value)
            if regex.is_regex_type(value.type):
                return regex.attribute(self.b, value, node)
            value = self.unwrap(value, node)
            bound = methods.bound_method(self.b, value, node)  # xs.append, self.method
            if bound is not None:
                return bound
            if isinstance(value.type, ClassType):
                return classes.get_attribute(self.b, value, node)
            if isinstance(value.type, ArrayType):
                from . import stdarrays

                return stdarrays.attribute(self.b, value, node)
            special = stdclasses.attribute(self.b, value, node)  # enum members, named tuples
            if special is not None:
                return special
            if isinstance(value.type, NDArrayType):
                from . import arrays

                return arrays.attribute(self.b, value, node)
            from . import stdlib_collections

            read = stdlib_collections.attribute(self.b, value, node)  # dq.maxlen
            if read is not None:
                return read
            if is_any(value.type):
                from . import anys

                return anys.attribute(self.b, value, node)
            raise self.error(node, f"{with_article(value.type)} has no attribute '{node.attr}' "
                             "in compiled code")
        obj = resolve_attribute(self.b, node)
        constant = constant_value(obj)
        if constant is not None:
            return constant
        if isinstance(obj, staticmethod):
            obj = obj.__func__
        target = getattr(obj, "py_func", obj)
        if isinstance(target, types.FunctionType):  # module.f, C.static_f
            from .closures import ref_type_of_global

            return ops.Constant(ref_type_of_global(target), None)
        from . import module_constants

        if module_constants.captures(self.b, obj):
            return module_constants.read(self.b, ast.unparse(node), obj, node)
        raise self.error(node, f"'{ast.unparse(node)}' cannot be used as a value in "
                         "compiled code")

    def expr_Subscript(self, node: ast.Subscript) -> ops.Value:
        from . import containers, strings, stdclasses

        member = stdclasses.class_subscript(self.b, node)  # Color["RED"]
        if member is not None:
            return member

        if isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
            # a.shape[k]: the field, without building the shape tuple
            owner = self.value(node.value.value)
            if isinstance(owner.type, NDArrayType):
                from . import arrays

                field = arrays.shape_item(self.b, owner, node.slice, node)
                if field is not None:
                    return field
        value = self.unwrap(self.value(node.value), node, "'NoneType' object is not subscriptable")
        if isinstance(value.type, NDArrayType):
            from . import arrays

            return arrays.subscript(self.b, value, node)
        if value.type in (STR, BYTES):
            return strings.subscript(self.b, value, node)
        if value.type == BYTEARRAY:
            from . import bytearrays

            return bytearrays.subscript(self.b, value, node)
        if isinstance(value.type, ArrayType):
            from . import stdarrays

            return stdarrays.subscript(self.b, value, node)
        if isinstance(value.type, MatchType):
            from .regex_match import subscript

            return subscript(self.b, value, node)
        if is_any(value.type):
            from . import anys

            if isinstance(node.slice, ast.Slice):
                return anys.getslice(self.b, value, node.slice, node)
            return anys.getitem(self.b, value, self.value(node.slice), node)
        if isinstance(value.type, ClassType):
            from .classes import require_special

            if isinstance(node.slice, ast.Slice):
                raise self.error(node.slice, "slices of instances are not supported")
            return require_special(self.b, value, "__getitem__", [self.value(node.slice)], node,
                                   f"'{value.type}' object is not subscriptable")
        return containers.subscript(self.b, value, node)

    def expr_List(self, node: ast.List) -> ops.Value:
        from . import containers

        return containers.list_literal(self.b, node)

    def expr_Tuple(self, node: ast.Tuple) -> ops.Value:
        from . import containers

        return containers.tuple_literal(self.b, node)

    def expr_Dict(self, node: ast.Dict) -> ops.Value:
        from . import containers

        return containers.dict_literal(self.b, node)

    def expr_Set(self, node: ast.Set) -> ops.Value:
        from . import containers

        return containers.set_literal(self.b, node)

    def _comprehension(self, node: ast.expr) -> ops.Value:
        from . import containers

        return containers.comprehension(self.b, node)

    expr_ListComp = expr_SetComp = expr_DictComp = expr_GeneratorExp = _comprehension

    def expr_JoinedStr(self, node: ast.JoinedStr) -> ops.Value:
        from . import strings

        return strings.fstring(self.b, node)

    def iterable(self, node: ast.expr) -> ops.Value:
        """The value of an expression that is iterated (or searched with
        `in`): an enum class there is its members."""
        from .stdclasses import iterable

        members = iterable(self.b, node)
        return members if members is not None else self.value(node)

    def iterable_as_list(self, node: ast.expr) -> ops.Value:
        """The value of an iterable expression as a list (list comprehension
        semantics for generators; lists as they are)."""
        from . import containers

        return containers.iterable_as_list(self.b, node)

    def expr_Call(self, node: ast.Call) -> ops.Value:
        from .calls import build_call

        return build_call(self.b, node)

    def expr_BinOp(self, node: ast.BinOp) -> ops.Value:
        if isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp) \
                and isinstance(node.left.op, ast.Add):
            # a + b + c: three strs concatenate in one allocation
            first, second = self.value(node.left.left), self.value(node.left.right)
            if first.type == STR and second.type == STR:
                third = self.value(node.right)
                if third.type == STR:
                    from .strings import emit_prim

                    return emit_prim(self.b, prims.STR_CONCAT3, [first, second, third], node)
                return self.binary(node.op, self.binary(node.left.op, first, second, node.left),
                                   third, node)
            return self.binary(node.op, self.binary(node.left.op, first, second, node.left),
                               self.value(node.right), node)
        expected = self.b.expected.get(id(node))
        if expected is not None and isinstance(node.op, (ast.Mult, ast.Add)):
            # [None] * n and [0] + rest take the type expected of the whole
            for side in (node.left, node.right):
                if isinstance(side, (ast.List, ast.ListComp)):
                    self.b.expected.setdefault(id(side), expected)
        return self.binary(node.op, self.value(node.left), self.value(node.right), node)

    def expr_UnaryOp(self, node: ast.UnaryOp) -> ops.Value:
        if isinstance(node.op, ast.Not):
            return self.emit(ops.Unary("bool_not", self.truthy(self.value(node.operand), node)))
        operand = self.value(node.operand)
        if isinstance(operand.type, EnumType):
            from . import enums

            operand = enums.unary_operand(self.b, node, operand)  # a flag's ~: the result
            if isinstance(operand.type, EnumType):
                return operand
        if is_any(operand.type):
            from . import anys

            return anys.unary(self.b, node.op, operand, node)
        if isinstance(operand.type, NDArrayType):
            from . import arrays

            symbol = {ast.UAdd: "pos", ast.USub: "neg", ast.Invert: "invert"}[type(node.op)]
            return arrays.unary(self.b, symbol, operand, node)
        if isinstance(operand.type, ClassType):  # __neg__, __pos__, __invert__
            from . import operators

            symbol = {ast.UAdd: "pos", ast.USub: "neg", ast.Invert: "invert"}[type(node.op)]
            return operators.unary(self.b, symbol, operand, node)
        from . import stdlib_collections

        counted = stdlib_collections.unary(self.b, node.op, operand, node)  # +c, -c
        if counted is not None:
            return counted
        if operand.type == BOOL:
            operand = self.coerce(operand, INT, node)
        if operand.type not in (INT, FLOAT):
            raise self.error(node, f"bad operand type for unary {_unary_symbol(node.op)}: "
                             f"'{operand.type}'")
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.USub):
            if isinstance(operand, ops.Constant):
                folded = -operand.value
                if operand.type == FLOAT or -2**63 <= folded < 2**63:
                    return ops.Constant(operand.type, folded)
            return self.emit(ops.Unary("int_neg" if operand.type == INT else "float_neg", operand))
        if isinstance(node.op, ast.Invert):
            if operand.type != INT:
                raise self.error(node, "bad operand type for unary ~: 'float'")
            return self.emit(ops.Unary("int_invert", operand))
        raise AssertionError(f"unary {node.op}: Python has no other")

    def expr_BoolOp(self, node: ast.BoolOp) -> ops.Value:
        # `a or b` is a if a is truthy else b: the result is one of the
        # operands, of their joined type (int and float unify to float;
        # other mixes are a union).  An operand that `or` passes on is
        # truthy, so not None: `name or "?"` is a str for an Optional[str].
        from . import narrowing

        result_type: Optional[Type] = None
        values_types: List[Type] = []
        after = self.b.new_block("boolop")
        is_or = isinstance(node.op, ast.Or)
        incoming: List[tuple] = []
        outer = dict(self.b.narrowed)
        for index, operand_node in enumerate(node.values):
            if index > 0:  # runs where the operand before was true (and) / false (or)
                paths = narrowing.paths_of(self.b, node.values[index - 1])
                self.b.narrowed.update(paths.when_false if is_or else paths.when_true)
            value = self.value(operand_node)
            if index == len(node.values) - 1:
                values_types.append(value.type)
                incoming.append((self.b.block, value))
                self.b.goto(after)
                break
            truth = self.truthy(value, operand_node)
            nxt = self.b.new_block("boolnext")
            taken = value
            if is_or and _non_none(value.type) is not None:
                passed = self.b.new_block("booltrue")
                self.b.branch(truth, passed, nxt)
                self.b.seal(passed)
                self.b.start(passed)
                taken = self.coerce(value, _non_none(value.type), operand_node)
                incoming.append((self.b.block, taken))
                self.b.goto(after)
            else:
                incoming.append((self.b.block, value))
                if is_or:
                    self.b.branch(truth, after, nxt)
                else:
                    self.b.branch(truth, nxt, after)
            values_types.append(taken.type)
            self.b.seal(nxt)
            self.b.start(nxt)
        self.b.narrowed = outer
        for t in values_types:
            result_type = t if result_type is None else join(result_type, t)
            if result_type is None:
                raise self.error(node, f"'{'or' if is_or else 'and'}' mixes "
                                 f"{with_article(values_types[0])} and {with_article(t)}; its "
                                 "result would have either type, and they cannot share a "
                                 "variable (function values)",
                                 hint="in an if/while condition this is fine; as a value, "
                                      "convert the operands to one type")
        return self._merge(after, result_type, incoming, node)

    def _merge(self, after: ops.Block, result_type: Type, incoming: List[tuple],
               node: ast.AST) -> ops.Value:
        """Gives `after` a parameter that receives each incoming value,
        converted to result_type in its own block (before its terminator)."""
        param = after.add_param(result_type, "v")
        for block, value in incoming:
            if value.type != result_type:
                value = self._coerce_at_end(block, value, result_type, node)
            for edge in block.terminator.edges:
                if edge.target is after:
                    edge.args.insert(0, value)
        self.b.seal(after)
        self.b.start(after)
        return param

    def _coerce_at_end(self, block: ops.Block, value: ops.Value, to: Type, node) -> ops.Value:
        saved_block, term = self.b.block, block.terminator
        self.b.block = block
        block.terminator = None
        converted = self.coerce(value, to, node)
        block.terminator = term
        self.b.block = saved_block
        return converted

    def expr_IfExp(self, node: ast.IfExp) -> ops.Value:
        from . import narrowing

        then_block = self.b.new_block("ifexp_then")
        else_block = self.b.new_block("ifexp_else")
        after = self.b.new_block("ifexp")
        paths = narrowing.paths_of(self.b, node.test)
        self.condition(node.test, then_block, else_block)
        self.b.seal(then_block)
        self.b.seal(else_block)
        self.b.start(then_block)
        outer = dict(self.b.narrowed)
        self.b.narrowed.update(paths.when_true)
        then_value = self.value(node.body)
        then_end = self.b.block
        self.b.goto(after)
        self.b.start(else_block)
        self.b.narrowed = dict(outer)
        self.b.narrowed.update(paths.when_false)
        else_value = self.value(node.orelse)
        else_end = self.b.block
        self.b.narrowed = outer
        self.b.goto(after)
        result_type = join(then_value.type, else_value.type)
        if result_type is None:
            raise self.error(node, f"conditional expression gives {with_article(then_value.type)} or "
                             f"{with_article(else_value.type)}, which cannot share a variable",
                             hint="both branches need one type")
        return self._merge(after, result_type, [(then_end, then_value), (else_end, else_value)],
                           node)

    def expr_Compare(self, node: ast.Compare) -> ops.Value:
        from .typechecks import compare as compare_types

        exact = compare_types(self.b, node)  # type(x) is C
        if exact is not None:
            return exact
        if len(node.ops) == 1:
            left = self.value(node.left)
            if isinstance(node.ops[0], (ast.In, ast.NotIn)):
                from .stdclasses import class_membership

                member = class_membership(self.b, node.ops[0], left, node.comparators[0], node)
                if member is not None:  # x in Color
                    return member
            return self.compare(node.ops[0], left, self.value(node.comparators[0]), node)
        true_block = self.b.new_block("cmp_true")
        false_block = self.b.new_block("cmp_false")
        after = self.b.new_block("cmp")
        self.condition(node, true_block, false_block)
        self.b.seal(true_block)
        self.b.seal(false_block)
        self.b.start(true_block)
        self.b.goto(after)
        self.b.start(false_block)
        self.b.goto(after)
        return self._merge(after, BOOL, [(true_block, ops.Constant(BOOL, True)),
                                         (false_block, ops.Constant(BOOL, False))], node)

    # ----------------------------------------------------- conditions

    def condition(self, node: ast.expr, if_true: ops.Block, if_false: ops.Block) -> None:
        """Branches to if_true or if_false on the truth of `node`."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.condition(node.operand, if_false, if_true)
            return
        if isinstance(node, ast.BoolOp):
            # later operands run where the earlier ones were true (and) or
            # false (or): `x is not None and x > 0` reads x as not None
            from . import narrowing

            is_or = isinstance(node.op, ast.Or)
            outer = dict(self.b.narrowed)
            for operand in node.values[:-1]:
                paths = narrowing.paths_of(self.b, operand)
                nxt = self.b.new_block("cond")
                if is_or:
                    self.condition(operand, if_true, nxt)
                else:
                    self.condition(operand, nxt, if_false)
                self.b.narrowed.update(paths.when_false if is_or else paths.when_true)
                self.b.seal(nxt)
                self.b.start(nxt)
            self.condition(node.values[-1], if_true, if_false)
            self.b.narrowed = outer
            return
        if isinstance(node, ast.Compare) and len(node.ops) > 1:
            left = self.value(node.left)
            for index, (op, comparator) in enumerate(zip(node.ops, node.comparators)):
                right = self.value(comparator)
                result = self.compare(op, left, right, node)
                if index == len(node.ops) - 1:
                    self._branch(result, if_true, if_false)
                else:
                    nxt = self.b.new_block("chain")
                    self._branch(result, nxt, if_false)
                    self.b.seal(nxt)
                    self.b.start(nxt)
                left = right
            return
        self._branch(self.truthy(self.value(node), node), if_true, if_false)

    def condition_value(self, cond: ops.Value, if_true: ops.Block, if_false: ops.Block) -> None:
        """Branches on an already computed bool."""
        self._branch(cond, if_true, if_false)

    def _branch(self, cond: ops.Value, if_true: ops.Block, if_false: ops.Block) -> None:
        if isinstance(cond, ops.Constant):
            self.b.goto(if_true if cond.value else if_false)
            # The other block may now have no predecessor; it is still built
            # and later removed as unreachable.
            return
        self.b.branch(cond, if_true, if_false)

    def _optional_equality(self, op_node: ast.cmpop, left: ops.Value, right: ops.Value,
                           optional: ops.Value, node: ast.AST) -> ops.Value:
        """x == y with an Optional operand: None equals only None (another
        Optional's None), otherwise the values compare."""
        b = self.b
        is_none = self.emit(ops.OptionalOp("is_none", optional, BOOL))
        none_block, value_block = b.new_block("eq_none"), b.new_block("eq_value")
        after = b.new_block("eq")
        self._branch(is_none, none_block, value_block)
        b.seal(none_block)
        b.seal(value_block)
        b.start(none_block)
        other = right if optional is left else left
        if isinstance(other.type, OptionalType):  # None == other: other is None
            other_none = self.emit(ops.OptionalOp("is_none", other, BOOL))
            none_result = other_none if _is_eq(op_node) else self.emit(ops.Unary("bool_not", other_none))
        else:
            none_result = ops.Constant(BOOL, not _is_eq(op_node))
        none_end = b.block
        b.goto(after)
        b.start(value_block)
        unwrapped = self.emit(ops.OptionalOp("unwrap", optional, optional.type.item))
        value_result = self.compare(op_node, unwrapped if optional is left else left,
                                    right if optional is left else unwrapped, node)
        value_end = b.block
        b.goto(after)
        return self._merge(after, BOOL, [(none_end, none_result), (value_end, value_result)], node)

    def _optional_truthy(self, value: ops.Value, node: ast.AST) -> ops.Value:
        present = self.b.new_block("present")
        absent = self.b.new_block("absent")
        after = self.b.new_block("truth")
        self.b.branch(self.emit(ops.OptionalOp("is_none", value, BOOL)), absent, present)
        self.b.seal(present)
        self.b.seal(absent)
        self.b.start(present)
        truth = self.truthy(self.unwrap(value, node), node)
        end = self.b.block
        self.b.goto(after)
        self.b.start(absent)
        self.b.goto(after)
        return self._merge(after, BOOL, [(end, truth), (absent, ops.Constant(BOOL, False))], node)

    def unwrap(self, value: ops.Value, node: ast.AST, message: Optional[str] = None) -> ops.Value:
        """An Optional value used as its item type: checked not to be None
        (TypeError: `message`, CPython's for the operation, if given)."""
        if isinstance(value.type, OptionalType):
            return self.emit(ops.OptionalOp("unwrap", value, value.type.item, message=message))
        return value

    def _contains(self, item: ops.Value, container: ops.Value, node: ast.AST) -> ops.Value:
        from . import containers, strings

        if container.type in (STR, BYTES):
            return strings.contains(self.b, item, container, node)
        if isinstance(container.type, ClassType):
            from .classes import require_special

            result = require_special(self.b, container, "__contains__", [item], node,
                                     f"argument of type '{container.type}' is not iterable")
            return self.truthy(result, node)
        return containers.contains(self.b, item, container, node)

    def truthy(self, value: ops.Value, node: ast.AST) -> ops.Value:
        if value.type == BOOL:
            return value
        if isinstance(value.type, EnumType):
            from . import enums

            return enums.truthy(self.b, value, node)
        if isinstance(value.type, NDArrayType):
            raise self.error(node, "the truth value of an array is ambiguous",
                             hint="use a.any() or a.all()")
        if is_any(value.type):
            from . import anys

            return anys.truthy(self.b, value, node)
        if isinstance(value.type, OptionalType):
            # None is false; otherwise the item's truth
            return self._optional_truthy(value, node)
        if isinstance(value.type, ClassType):
            from .classes import truthy

            return truthy(self.b, value, node)
        if value.type in (EXCEPTION, EXCEPTION_CLASS) or isinstance(value.type, FunctionType) or \
                isinstance(value.type, (PatternType, MatchType)):
            return ops.Constant(BOOL, True)  # as any object without __bool__/__len__
        if value.type == BYTEARRAY:
            from . import bytearrays, strings

            return strings.truthy(self.b, bytearrays.items(self.b, value, node))
        if isinstance(value.type, ArrayType):
            from . import stdarrays, strings

            return strings.truthy(self.b, stdarrays.items(self.b, value, node))
        if value.type.is_refcounted:
            from . import strings

            return strings.truthy(self.b, value)
        if value.type == NONE:
            return ops.Constant(BOOL, False)
        if isinstance(value, ops.Constant):
            return ops.Constant(BOOL, bool(value.value))
        if value.type == INT:
            return self.emit(ops.Convert("int_to_bool", value))
        if value.type == FLOAT:
            return self.emit(ops.Convert("float_to_bool", value))
        raise AssertionError(f"truth of {value.type}: every value type is handled above")

    # ------------------------------------------------------ operators

    def coerce(self, value: ops.Value, to: Type, node: ast.AST) -> ops.Value:
        """Implicit widening: bool -> int -> float; an empty container
        literal takes the item types it is assigned to."""
        if value.type == to:
            return value
        if isinstance(value.type, EnumType) or isinstance(to, EnumType):
            from . import enums

            converted = enums.coerce(self.b, value, to, node)  # an IntEnum member to int ...
            if converted is not None:
                return converted
        if isinstance(to, FunctionSetType) and isinstance(value.type, FunctionType):
            from .closures import widen

            return widen(self.b, value, to, node)
        if is_any(to) or is_any(value.type):
            from . import anys

            if is_any(to):
                return anys.box(self.b, value, node, as_type=to)
            return anys.unbox(self.b, value, to, node)
        if isinstance(to, OptionalType):
            if value.type == NONE:
                return ops.Constant(to, None)
            if value.type != to.item:
                value = self.coerce(value, to.item, node)
            return self.emit(ops.OptionalOp("wrap", value, to))
        if isinstance(value.type, OptionalType) and value.type.item == to:
            return self.unwrap(value, node)
        if isinstance(to, ClassType) and isinstance(value.type, ClassType) \
                and value.type.is_subclass_of(to):
            # the same instance, seen as its base class
            return self.emit(ops.OptionalOp("wrap", value, to))
        if isinstance(to, VarTupleType) and isinstance(value.type, TupleType) and all(
                item == to.item for item in value.type.items):
            # the same tuple object, seen as variable-length
            return self.emit(ops.OptionalOp("wrap", value, to))
        if to.is_refcounted:
            from . import containers

            if containers.fresh_container(value) and unify(value.type, to) == to:
                return containers.retype_fresh(value, to)
            if same_representation(value.type, to):  # List[Union[...]] as List[Any]
                return self.emit(ops.OptionalOp("wrap", value, to))
            from .stdlib_collections import compatible

            if compatible(value.type, to):  # a Counter held as a Dict[str, int]
                return self.emit(ops.OptionalOp("wrap", value, to))
            if isinstance(value.type, TupleType) and isinstance(to, (TupleType, VarTupleType)):
                # a tuple is immutable: one of other item types is a new
                # tuple of the items converted (an Any checked at run time)
                converted = containers.convert_tuple(self.b, value, to, node)
                if converted is not None:
                    return converted
            from .stdlib_defaultdict import factory_mismatch

            mismatch = factory_mismatch(value.type, to)
            if mismatch is not None:  # (DefaultDict[str, int] either way, when printed)
                raise self.error(node, mismatch[0], hint=mismatch[1])
            raise self.error(node, f"expected {with_article(to)}, got {with_article(value.type)}")
        kind = {(BOOL, INT): "bool_to_int", (BOOL, FLOAT): "bool_to_float",
                (INT, FLOAT): "int_to_float"}.get((value.type, to))
        if kind is None:
            raise self.error(node, f"expected {with_article(to)}, got {with_article(value.type)}")
        if isinstance(value, ops.Constant):
            return ops.Constant(to, float(value.value) if to == FLOAT else int(value.value))
        return self.emit(ops.Convert(kind, value))

    def binary(self, op_node: ast.operator, left: ops.Value, right: ops.Value,
               node: ast.AST, inplace: bool = False) -> ops.Value:
        # (@ is every binary operator _BINOPS lacks: instances only, __matmul__)
        op = _BINOPS.get(type(op_node), "matmul")
        from . import operators

        if operators.involves_instances(left, right):
            return operators.binary(self.b, op, self.unwrap(left, node), self.unwrap(right, node),
                                    node, inplace)
        if op == "matmul":
            raise self.error(node, "unsupported operator MatMult")
        if isinstance(left.type, EnumType) or isinstance(right.type, EnumType):
            from . import enums

            return enums.binary(self.b, op, left, right, node)
        if (is_any(left.type) or is_any(right.type)):
            from . import anys

            return anys.binary(self.b, op, left, right, node)
        if isinstance(left.type, NDArrayType) or isinstance(right.type, NDArrayType):
            from . import arrays

            result = arrays.binary(self.b, op, left, right, node)
            if result is None:
                raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                                 f"'{left.type}' and '{right.type}'")
            return result
        if left.type.is_refcounted or right.type.is_refcounted:
            return self._object_binary(op, self.unwrap(left, node), self.unwrap(right, node), node)
        if op in ("and", "or", "xor") and left.type == BOOL and right.type == BOOL:
            result = self.emit(ops.IntArith(op, self.coerce(left, INT, node),
                                            self.coerce(right, INT, node)))
            return self.emit(ops.Convert("int_to_bool", result))
        operand_type = arithmetic_result(left.type, right.type)
        if operand_type is None:
            raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                             f"'{left.type}' and '{right.type}'")
        if operand_type == INT:
            left, right = self.coerce(left, INT, node), self.coerce(right, INT, node)
            if op == "truediv":
                return self.emit(ops.PrimitiveCall(prims.INT_TRUEDIV, [left, right]))
            if op == "pow":
                return self._int_pow(left, right, node)
            return self.emit(ops.IntArith(op, left, right))
        if op in ("lshift", "rshift", "and", "or", "xor"):
            raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                             f"'{left.type}' and '{right.type}'")
        left, right = self.coerce(left, FLOAT, node), self.coerce(right, FLOAT, node)
        if op == "floordiv":
            return self.emit(ops.PrimitiveCall(prims.FLOAT_FLOORDIV, [left, right]))
        if op == "mod":
            return self.emit(ops.PrimitiveCall(prims.FLOAT_MOD, [left, right]))
        if op == "pow":
            return self.emit(ops.PrimitiveCall(prims.FLOAT_POW, [left, right]))
        return self.emit(ops.FloatArith(op, left, right))

    def _bytearray_compare(self, op_node: ast.cmpop, left: ops.Value, right: ops.Value,
                           node: ast.AST) -> ops.Value:
        from . import bytearrays

        if isinstance(op_node, (ast.In, ast.NotIn)) and (
                right.type == BYTEARRAY or (left.type == BYTEARRAY and right.type == BYTES)):
            found = bytearrays.contains(self.b, left, right, node)
            return found if isinstance(op_node, ast.In) else self.emit(ops.Unary("bool_not", found))
        op = _COMPARES.get(type(op_node))
        result = None if op is None else bytearrays.compare(self.b, op, left, right, node)
        if result is None:
            raise self.error(node, f"'{type(op_node).__name__}' between '{left.type}' and "
                             f"'{right.type}' is not supported in compiled code",
                             hint=bytearrays.HINT)
        return result

    def _object_binary(self, op: str, left: ops.Value, right: ops.Value,
                       node: ast.AST) -> ops.Value:
        from . import strings

        result = None
        if isinstance(left.type, ArrayType) or isinstance(right.type, ArrayType):
            from . import stdarrays

            result = stdarrays.binary(self.b, op, left, right, node)
            if result is None:
                raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                                 f"'{left.type}' and '{right.type}'", hint=stdarrays.HINT)
            return result
        if BYTEARRAY in (left.type, right.type):
            from . import bytearrays

            result = bytearrays.binary(self.b, op, left, right, node)
            if result is None:
                raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                                 f"'{left.type}' and '{right.type}'", hint=bytearrays.HINT)
            return result
        if STR in (left.type, right.type) or BYTES in (left.type, right.type):
            result = strings.binary(self.b, op, left, right, node)
        if result is None:
            from . import containers

            result = containers.binary(self.b, op, left, right, node)
        if result is None:
            raise self.error(node, f"unsupported operand types for {_SYMBOLS[op]}: "
                             f"'{left.type}' and '{right.type}'")
        return result

    def _int_pow(self, base: ops.Value, exponent: ops.Value, node: ast.AST) -> ops.Value:
        if isinstance(exponent, ops.Constant) and 0 <= exponent.value <= 4:
            # Small constant powers as checked multiplications.
            if exponent.value == 0:
                return ops.Constant(INT, 1)
            result = base
            for _ in range(exponent.value - 1):
                result = self.emit(ops.IntArith("mul", result, base))
            return result
        return self.emit(ops.PrimitiveCall(prims.INT_POW, [base, exponent]))

    def compare(self, op_node: ast.cmpop, left: ops.Value, right: ops.Value,
                node: ast.AST) -> ops.Value:
        if BYTEARRAY in (left.type, right.type):
            return self._bytearray_compare(op_node, left, right, node)
        if isinstance(left.type, ArrayType) or isinstance(right.type, ArrayType):
            from . import stdarrays

            op = _COMPARES.get(type(op_node))
            result = None if op is None else stdarrays.compare(self.b, op, left, right, node)
            if result is None:
                raise self.error(node, f"'{type(op_node).__name__}' between '{left.type}' and "
                                 f"'{right.type}' is not supported in compiled code",
                                 hint=stdarrays.HINT)
            return result
        if isinstance(left.type, NDArrayType) or isinstance(right.type, NDArrayType):
            from . import arrays

            result = arrays.binary(self.b, _COMPARES.get(type(op_node), "?"), left, right, node)
            if result is None:
                raise self.error(node, f"'{type(op_node).__name__}' is not supported between "
                                 f"'{left.type}' and '{right.type}'")
            return result
        if (isinstance(left.type, EnumType) or isinstance(right.type, EnumType)) and not any(
                is_any(v.type) or isinstance(v.type, OptionalType) for v in (left, right)):
            from . import enums

            result = enums.compare(self.b, op_node, left, right, node)
            if result is not None:
                return result
        if (is_any(left.type) or is_any(right.type)):
            from . import anys

            other_side = right if is_any(left.type) else left
            if other_side.type == NONE and isinstance(op_node, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
                is_none = anys.is_none(self.b, left if is_any(left.type) else right)
                if isinstance(op_node, (ast.Is, ast.Eq)):
                    return is_none
                return self.emit(ops.Unary("bool_not", is_none))
            if isinstance(op_node, (ast.In, ast.NotIn)):
                result = anys.contains(self.b, left, right, node)
                return result if isinstance(op_node, ast.In) else self.emit(ops.Unary("bool_not", result))
            op = _COMPARES.get(type(op_node))
            if op is None:
                raise self.error(node, f"'{type(op_node).__name__}' is not supported on Any values",
                                 hint="on an Any, 'is' and 'is not' compare with None only; "
                                      "compare values with ==")
            return anys.compare(self.b, op, left, right, node)
        optional = left if isinstance(left.type, OptionalType) else right
        other = right if optional is left else left
        if isinstance(optional.type, OptionalType) and other.type == NONE and isinstance(
                op_node, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
            is_none = self.emit(ops.OptionalOp("is_none", optional, BOOL))
            if isinstance(op_node, (ast.Is, ast.Eq)):
                return is_none
            return self.emit(ops.Unary("bool_not", is_none))
        if isinstance(op_node, (ast.Eq, ast.NotEq)) and isinstance(optional.type, OptionalType):
            return self._optional_equality(op_node, left, right, optional, node)
        if isinstance(op_node, (ast.In, ast.NotIn)):
            # (a None needle is a value to look for: `None in xs`)
            right = self.unwrap(right, node)
        else:
            left, right = self.unwrap(left, node), self.unwrap(right, node)
        if isinstance(op_node, (ast.Is, ast.IsNot)):
            if isinstance(left.type, ClassType) and isinstance(right.type, ClassType) or (
                    isinstance(left.type, _IDENTITY_TYPES) and same_representation(left.type, right.type)):
                # instances and mutable containers: the same object (one pointer)
                return self.emit(ops.Compare("eq" if isinstance(op_node, ast.Is) else "ne",
                                             left, right))
            if isinstance(left.type, _IDENTITY_TYPES) and isinstance(right.type, _IDENTITY_TYPES):
                # a list is never the dict, nor a List[int] a List[str]
                return ops.Constant(BOOL, not isinstance(op_node, ast.Is))
            if NONE not in (left.type, right.type):
                raise self.error(node, f"'is' between {with_article(left.type)} and "
                                 f"{with_article(right.type)}: compiled code compares with 'is' "
                                 "only None and instances of compiled classes",
                                 hint="compare numbers, strings and containers with ==")
            same = left.type == right.type
            return ops.Constant(BOOL, same if isinstance(op_node, ast.Is) else not same)
        if isinstance(op_node, (ast.In, ast.NotIn)):
            result = self._contains(left, right, node)
            if isinstance(op_node, ast.NotIn):
                return self.emit(ops.Unary("bool_not", result))
            return result
        op = _COMPARES[type(op_node)]  # (is/is not/in/not in are above)
        if left.type.is_refcounted or right.type.is_refcounted:
            from . import classes, containers, strings

            result = classes.compare(self.b, op, left, right, node)
            if result is not None:
                return result
            result = strings.compare(self.b, op, left, right, node)
            if result is None:
                result = containers.compare(self.b, op, left, right, node)
            if result is None:
                raise self.error(node, f"'{_compare_symbol(op)}' not supported between "
                                 f"{with_article(left.type)} and {with_article(right.type)}")
            return result
        if NONE in (left.type, right.type):
            if op not in ("eq", "ne"):
                raise self.error(node, f"'{_compare_symbol(op)}' not supported between "
                                 f"'{left.type}' and '{right.type}'")
            same = left.type == right.type
            return ops.Constant(BOOL, same if op == "eq" else not same)
        if not (left.type.is_numeric and right.type.is_numeric):
            raise self.error(node, f"cannot compare {with_article(left.type)} with {with_article(right.type)}")
        if left.type == right.type:
            return self.emit(ops.Compare(op, left, right))
        if FLOAT not in (left.type, right.type):  # bool and int
            return self.emit(ops.Compare(op, self.coerce(left, INT, node),
                                         self.coerce(right, INT, node)))
        if left.type == FLOAT:
            left, right, op = right, left, _SWAPPED[op]
        if left.type == BOOL:
            return self.emit(ops.Compare(op, self.coerce(left, FLOAT, node), right))
        return self.emit(ops.CompareIntFloat(op, left, right))


def _is_eq(op_node: ast.cmpop) -> bool:
    return isinstance(op_node, ast.Eq)


def _instance_type(t: Type) -> Optional[ClassType]:
    """The class of an instance type (or of an Optional one), else None."""
    if isinstance(t, OptionalType):
        t = t.item
    return t if isinstance(t, ClassType) else None


# Values whose identity `is` compares (pointer equality): what Python
# defines identity for in a way the program can rely on.
_IDENTITY_TYPES = (ListType, DictType, SetType)


def constant_value(obj) -> Optional[ops.Constant]:
    from .stdclasses import constant as std_constant

    member = std_constant(obj)  # an enum member (before int: an IntEnum's is an int)
    if member is not None:
        return member
    if obj is None:
        return ops.Constant(NONE, None)
    if isinstance(obj, bool):
        return ops.Constant(BOOL, obj)
    if isinstance(obj, int):
        if not -2**63 <= obj < 2**63:
            return None
        return ops.Constant(INT, obj)
    if isinstance(obj, float):
        return ops.Constant(FLOAT, obj)
    if isinstance(obj, bytes):
        return ops.Constant(BYTES, obj)
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates have no UTF-8 form
            return None
        return ops.Constant(STR, obj)
    return None


_FOLDABLE_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
    ast.LShift: lambda a, b: a << b, ast.RShift: lambda a, b: a >> b,
    ast.BitAnd: lambda a, b: a & b, ast.BitOr: lambda a, b: a | b, ast.BitXor: lambda a, b: a ^ b,
}


def _evaluate_literal(node: ast.expr):
    """The value of an expression made of int/float/bool literals and
    arithmetic; raises for anything else.  Bounded so that a literal like
    10**10**10 cannot stall the compiler."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
        operand = _evaluate_literal(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return +operand
        if isinstance(operand, float):
            raise TypeError("~ of a float")
        return ~operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate_literal(node.left), _evaluate_literal(node.right)
        if isinstance(node.op, ast.Pow):
            if isinstance(left, int) and isinstance(right, int) and right > 256:
                raise OverflowError("too large to fold")
            result = left ** right
        elif isinstance(node.op, ast.LShift) and right > 256:
            raise OverflowError("too large to fold")
        else:
            result = _FOLDABLE_BINOPS[type(node.op)](left, right)
        if isinstance(result, int) and result.bit_length() > 512:
            raise OverflowError("too large to fold")
        if isinstance(result, complex):
            raise TypeError("complex")
        return result
    raise TypeError("not a literal expression")


def _unary_symbol(op: ast.unaryop) -> str:
    return {ast.UAdd: "+", ast.USub: "-", ast.Invert: "~", ast.Not: "not"}[type(op)]


def _compare_symbol(op: str) -> str:
    return {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]


def _expression_hint(node: ast.expr) -> str:
    if isinstance(node, (ast.Yield, ast.YieldFrom)):
        return "use yield as a statement: 'yield v' or 'yield from gen(...)'"
    if isinstance(node, ast.Await):
        return "coroutines are not supported"
    return ("supported: constants, names, arithmetic, comparisons, and/or/not, conditional "
            "expressions, calls, attributes, subscripts and slices, f-strings, lambdas, "
            "list/tuple/dict/set displays and comprehensions")
