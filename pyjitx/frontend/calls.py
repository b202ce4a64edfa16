"""Calls: of compiled or plain Python functions (compiled along), of the
built-ins abs/min/max/round/int/float/bool/pow, and of the math module."""
from __future__ import annotations

import array
import ast
import builtins
import inspect
import math
import types
import unicodedata
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import cpython, ops
from ..ir import primitives as prims
from ..ir.types import (ArrayType, is_any, with_article, ANY, BOOL, BYTEARRAY, FLOAT, INT, NONE, NONE_SO_FAR, ClassType, FunctionRefType,
                        FunctionType, ListType, NDArrayType, OptionalType, Type, unify)
from .annotations import (annotation_scope, is_callable_annotation, parameter_type,
                          type_from_annotation)
from .expressions import constant_value
from .generators import called_generator
from .session import describe

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def resolve_attribute(b: "FunctionBuilder", node: ast.Attribute) -> Any:
    """The object `module.attr` (or a longer chain) refers to."""
    if isinstance(node.value, ast.Name):
        if node.value.id in b.locals:
            raise b.error(node, f"'{ast.unparse(node)}' must name a module's or a class's "
                          f"attribute here, and '{node.value.id}' is a local",
                          hint="name the class itself, e.g. isinstance(x, Shape)")
        base = b.lookup_global(node.value.id, node.value)
    elif isinstance(node.value, ast.Attribute):
        base = resolve_attribute(b, node.value)
    else:
        raise b.error(node, f"'{ast.unparse(node)}' must name a module's or a class's "
                      "attribute here")
    from .classes import original_class
    from .stdclasses import NOT_MINE, resolve_attribute as std_attribute

    found = std_attribute(b, base, node)  # Color.RED, Color.RED.value, Point._fields
    if found is not NOT_MINE:
        return found
    pyclass = original_class(base)
    if pyclass is not None:  # ClassName.CONSTANT or ClassName.static_method
        from .classes import class_attribute

        found = class_attribute(pyclass, node.attr)
        if found is not None:
            holder, value = found
            b.session.depend_on("classattr", holder, node.attr, value)
            return value
        raise b.error(node, f"type object '{pyclass.__name__}' has no attribute '{node.attr}'")
    if not isinstance(base, types.ModuleType):
        raise b.error(node, f"'{ast.unparse(node)}': compiled code cannot read attributes of "
                      f"{with_article_name(type(base).__name__)} object",
                      hint="compiled code reads attributes of modules (math.pi), of compiled "
                           "classes (Shape.SIDES) and of their instances; read this value "
                           f"into a module-level constant, e.g. "
                           f"{node.attr.upper()} = {ast.unparse(node)}, and use that")
    try:
        value = getattr(base, node.attr)
    except AttributeError:
        raise b.error(node, f"module '{base.__name__}' has no attribute '{node.attr}'") from None
    b.session.dependencies[f"attr:{base.__name__}:{node.attr}"] = describe(value)
    return value


def build_call(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from . import classes, pyfuncs

    func = node.func
    if isinstance(func, ast.Name):
        # ('.'-names are the renamed locals of an expanded nested function)
        if func.id in b.locals or func.id in b.lambda_bindings or func.id.startswith("."):
            callee = b.expr.value(func)
            if isinstance(callee.type, ClassType):
                return classes.method_call(b, callee, "__call__", node)
            if isinstance(callee.type, FunctionType):
                from .closures import call_value

                return call_value(b, callee, node)
            raise b.error(func, f"the local '{func.id}' holds {with_article(callee.type)}, "
                          "which is not callable",
                          hint="a local can be called when it holds a function (a def, a lambda, "
                               "a module-level function) or an instance of a class with __call__")
        target = b.lookup_global(func.id, func)
    elif isinstance(func, ast.Attribute):
        if _is_super_call(func.value):
            return classes.super_call(b, node, func)
        written = _module("printing").stream_call(b, node, func)  # sys.stdout.write(s)
        if written is not None:
            return written
        static = _module("stdlib").static_call(b, node)  # str.maketrans(...)
        if static is not None:
            return static
        from . import stdlib_dispatch

        standard = stdlib_dispatch.class_method_handler(b, func)  # OrderedDict.fromkeys(...)
        if standard is not None:
            return standard(b, node, func)
        unbound = _module("methods").unbound_method(b, func)  # str.lower(s)
        if unbound is not None:
            from .closures import call_value

            return call_value(b, unbound, node)
        if not _is_module_path(b, func.value):
            return _method_call(b, node, func)
        target = resolve_attribute(b, func)
        if isinstance(target, classmethod):  # Class.make(...), cls.make(...)
            from . import classmethods

            owner = classes.original_class(_named_object(b, func.value))
            return classmethods.call(b, node, target, owner)
    else:
        callee = b.expr.value(func)  # e.g. (lambda x: x + 1)(2)
        if isinstance(callee.type, FunctionType):
            from .closures import call_value

            return call_value(b, callee, node)
        if isinstance(callee.type, ClassType):
            return classes.method_call(b, callee, "__call__", node)
        raise b.error(func, f"{with_article(callee.type)} is not callable")
    from .signatures import StaticCall, has_unpacking
    from . import stdclasses

    # enum/named-tuple classes, dataclasses' functions (they read a fixed argument list)
    if has_unpacking(node) and stdclasses.claims_call(target):
        with StaticCall(b, node, f"{getattr(target, '__name__', 'the callee')}()") as call:
            special = stdclasses.call(b, call, target)
    else:
        special = stdclasses.call(b, node, target)
    if special is not None:
        return special
    from . import stdlib_dispatch

    standard = stdlib_dispatch.call_handler(target)  # collections, itertools, functools, json
    if standard is not None:
        return standard(b, node, target)
    container_base = _bare_container_subclass(target)
    if container_base is not None:  # class OrderedCollection(list): pass
        target = container_base
    if target is builtins.open:  # (io.open is the same function)
        from .streams import open_call

        return open_call(b, node)
    handler = _BUILTINS.get(_identity(target))
    if handler is not None:
        if target in (builtins.print, builtins.min, builtins.max):  # (they unpack *xs)
            return handler(b, node, target)
        with StaticCall(b, node, f"{target.__name__}()") as call:
            return handler(b, call, target)
    built = _module("stdlib").call(b, node, target)  # random.X(...)
    if built is not None:
        return built
    if pyfuncs.is_pyfunc(target):
        return pyfuncs.call(b, node, target)
    json_calls = _module("json_calls")
    if json_calls.is_json_function(target):  # (before classes: json.JSONDecoder())
        with StaticCall(b, node, f"{ast.unparse(func)}()") as call:
            return json_calls.call(b, call, target)
    pyclass = classes.original_class(target)
    if pyclass is not None:
        return classes.construct(b, node, pyclass)
    if isinstance(target, staticmethod):
        target = target.__func__
    from . import arrays, regex

    for test, build in ((lambda t: t is classes.blank_instance,
                         lambda call: classes.blank(b, call)),
                        (arrays.is_array_function,
                         lambda call: arrays.call_function(b, call, target)),
                        (lambda t: _identity(t) in _MATH_BY_OBJECT,
                         lambda call: _math_call(b, call, _MATH_BY_OBJECT[_identity(target)])),
                        (lambda t: _identity(t) in _UNICODEDATA_BY_OBJECT,
                         lambda call: _unicodedata_call(
                             b, call, _UNICODEDATA_BY_OBJECT[_identity(target)])),
                        (regex.handles, lambda call: regex.call(b, call, target))):
        if test(target):
            with StaticCall(b, node, f"{ast.unparse(func)}()") as call:
                return build(call)
    if _is_dispatcher(target) and isinstance(target.py_func, types.FunctionType):
        return user_call(b, node, target.py_func)
    if isinstance(target, types.FunctionType):
        return user_call(b, node, target, suggest_pyfunc=True)
    if target is builtins.next or target is builtins.iter:
        from .generators import VALUE_HINT

        raise b.error(func, f"{target.__name__}() needs an iterator object, which compiled code "
                      "does not make", hint=VALUE_HINT)
    name = ast.unparse(func)
    raise b.error(func, f"'{name}' cannot be called from compiled code",
                  hint="compiled code calls compiled or plain Python functions, abs/min/max/"
                       "round/int/float/bool/pow, the math module, json.loads/dumps and "
                       "unicodedata's normalize/is_normalized/category/combining; to call "
                       "other Python "
                       f"code, wrap it in an annotated def and that in pyjitx.pyfunc")


def _suggest_pyfunc(exc: CompileError, target: types.FunctionType) -> CompileError:
    """A plain Python function that compiled code calls does not compile:
    the error also says how to call it as Python instead (once, naming the
    innermost such function)."""
    if getattr(exc, "suggested_pyfunc", False):
        return exc
    suggestion = (f"or, to run {target.__name__}() as plain Python from compiled code, wrap "
                  f"it: {target.__name__} = pyjitx.pyfunc({target.__name__}) (annotations "
                  "required)")
    error = CompileError(exc.message, exc.location,
                         f"{exc.hint}\n  = {suggestion}" if exc.hint else suggestion)
    error.suggested_pyfunc = True  # type: ignore[attr-defined]
    return error


def _is_super_call(node: ast.expr) -> bool:
    """super() or super(C, self)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "super" and len(node.args) in (0, 2) and not node.keywords)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def with_article_name(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _named_object(b: "FunctionBuilder", node: ast.expr) -> Any:
    """The module or class a (dotted) name refers to at compile time."""
    if isinstance(node, ast.Name):
        return b.lookup_global(node.id, node)
    assert isinstance(node, ast.Attribute)
    return resolve_attribute(b, node)


def _is_module_path(b: "FunctionBuilder", node: ast.expr) -> bool:
    """Does `node` name a module (math, os.path) or a class, rather than a
    value?"""
    from .classes import original_class

    if isinstance(node, ast.Name):
        if node.id in b.locals or node.id in b.state_names:  # (`global x`: a value)
            return False
        try:
            target = b.lookup_global(node.id, node)
        except Exception:
            return False
        from .stdclasses import is_class_path

        return isinstance(target, types.ModuleType) or original_class(target) is not None or \
            is_class_path(target)
    if isinstance(node, ast.Attribute):
        if not _is_module_path(b, node.value):
            return False
        # config.VOCAB is a value (its .get is a method call on it), while
        # os.path and Shape.Inner name a module and a class
        try:
            target = resolve_attribute(b, node)
        except Exception:
            return True  # (the caller reports what is wrong with it)
        from .module_constants import captures

        return not captures(b, target)
    return False


def _method_call(b: "FunctionBuilder", node: ast.Call, func: ast.Attribute) -> ops.Value:
    from . import regex

    value = b.expr.value(func.value)
    if regex.is_regex_type(value.type):  # (m.group(): AttributeError for None)
        return regex.method_call(b, value, func, node)
    receiver = b.expr.unwrap(value, func)
    if not isinstance(receiver.type, ClassType):  # (an instance's methods bind *xs themselves)
        from .signatures import StaticCall

        with StaticCall(b, node, f"{func.attr}()") as call:
            return _builtin_method_call(b, call, func, receiver)
    from .classes import method_call

    built = _module("stdlib").method_call(b, receiver, func.attr, node)  # random.Random
    if built is not None:
        return built
    return method_call(b, receiver, func.attr, node)


def _builtin_method_call(b: "FunctionBuilder", node: ast.Call, func: ast.Attribute,
                         receiver: ops.Value) -> ops.Value:
    from . import containers, strings
    from ..ir.types import BYTES, STR

    if is_any(receiver.type):
        from . import anys

        return anys.method_call(b, receiver, func.attr, node)
    from .stdclasses import method_call as std_method

    special = std_method(b, receiver, func.attr, node)  # of an enum member, a named tuple
    if special is not None:
        return special
    if receiver.type in (STR, BYTES):
        return strings.method_call(b, receiver, func.attr, node)
    if receiver.type == BYTEARRAY:
        return _module("bytearrays").method_call(b, receiver, func.attr, node)
    if isinstance(receiver.type, ArrayType):
        return _module("stdarrays").method_call(b, receiver, func.attr, node)
    if isinstance(receiver.type, NDArrayType):
        from . import arrays

        return arrays.method_call(b, receiver, func.attr, node)
    if receiver.type.is_refcounted:
        return containers.method_call(b, receiver, func.attr, node)
    raise b.error(func, f"{with_article(receiver.type)} has no method '{func.attr}' in compiled "
                  "code")


def _identity(obj: Any) -> int:
    return id(obj)


def _is_dispatcher(obj: Any) -> bool:
    from .._ext import Dispatcher

    return isinstance(obj, Dispatcher)


# ----------------------------------------------------------- user calls


def bind_arguments(b: "FunctionBuilder", node: ast.AST, pyfunc: types.FunctionType,
                   given: Optional[List[ops.Value]] = None, skip_first: bool = False) -> List[ops.Value]:
    """The values of pyfunc's parameters at a call, as CPython binds them
    (pyjitx.frontend.signatures): `given` positionally, else the call
    node's arguments (`*xs` and `**kw` included), then defaults; `*args`
    as a tuple, `**kwargs` as a dict.  `skip_first` leaves out the first
    parameter (a method's self)."""
    from .signatures import Flat, Spec, bind, declared_types, flatten

    spec = Spec.of_function(pyfunc, skip_first)
    if given is not None:
        flat = Flat()
        flat.positional = [(v, node) for v in given]
    else:
        assert isinstance(node, ast.Call)
        flat = flatten(b, node, spec.shown())

    def default_of(p: inspect.Parameter) -> ops.Value:
        b.session.depend_on("default", pyfunc, p.name, p.default)
        value = constant_value(p.default)
        if value is None and isinstance(p.default, (str, bytes)):
            value = b.expr.value(ast.copy_location(ast.Constant(p.default), node))
        if value is None:
            from .dataclasses_ import default_value

            value = default_value(b, p.default, node)  # a field's factory, a named tuple
        if value is None:
            raise b.error(node, f"default value of parameter '{p.name}' of "
                          f"{pyfunc.__name__}() is not an int, float, bool, str or None")
        return value

    values = bind(b, spec, flat, node, default_of, declared_types(pyfunc, spec))
    return [values[p.name] for p in spec.params]


def user_call(b: "FunctionBuilder", node: ast.Call, pyfunc: types.FunctionType,
              suggest_pyfunc: bool = False) -> ops.Value:
    """A call of a Python function compiled along (specialised on the
    argument types of its unannotated parameters).  `suggest_pyfunc`: the
    user did not ask for it to be compiled, so an error in its body also
    suggests pyjitx.pyfunc."""
    from .generators import is_generator_function, value_error

    if is_generator_function(pyfunc):
        raise value_error(b, node, pyfunc)
    return call_compiled(b, node, pyfunc, bind_arguments(b, node, pyfunc),
                         suggest_pyfunc=suggest_pyfunc)


def call_compiled(b: "FunctionBuilder", node: ast.AST, pyfunc: types.FunctionType,
                  values: List[ops.Value], compile_time: Tuple[Type, ...] = (),
                  suggest_pyfunc: bool = False) -> ops.Value:
    """pyfunc(*values), the values bound to its parameters in order, each
    checked against the parameter's annotation.  `compile_time`: the types
    of leading parameters that are no run-time values (a classmethod's
    class, see classmethods.py); they are not among `values`."""
    checked: List[str] = []
    args, arg_types = typed_arguments(b, node, pyfunc, values, compile_time, checked)
    try:
        callee = b.session.function_for(pyfunc, tuple(arg_types))
    except CompileError as exc:
        if not suggest_pyfunc:
            raise
        raise _suggest_pyfunc(exc, pyfunc) from None
    if checked:
        _check_lists_kept(b, node, pyfunc, tuple(arg_types), checked)
    return b.emit(ops.Call(callee, args, b.lineno(node)))


def _check_lists_kept(b: "FunctionBuilder", node: ast.AST, pyfunc: types.FunctionType,
                      arg_types: Tuple[Type, ...], names: List[str]) -> None:
    """A List[Optional[T]] passed as a List[T] is the same list, checked to
    hold no None when the call is made: sound only if the callee neither
    changes it nor keeps it (a None stored later would be read as a T)."""
    from ..ir.passes import mutated_params

    fn = b.session.functions.get((pyfunc, arg_types))
    changed = set(names) if fn is None else mutated_params(fn) & set(names)
    if changed:
        name = sorted(changed)[0]
        raise b.error(node, f"argument '{name}' of {pyfunc.__name__}() is a list that may hold "
                      f"None, and {pyfunc.__name__}() changes or keeps it",
                      hint=f"annotate the parameter as a list of Optional[...] items, or build "
                           f"the list without None")


def typed_arguments(b: "FunctionBuilder", node: ast.AST, pyfunc: types.FunctionType,
                    values: List[ops.Value], compile_time: Tuple[Type, ...] = (),
                    checked: Optional[List[str]] = None,
                    inline: bool = False) -> Tuple[List[ops.Value], List[Type]]:
    """Bound argument values checked against and widened to pyfunc's
    annotations, with the parameter types they give (the annotation, or
    the argument's own type), after the `compile_time` ones.  An Optional
    value for a parameter of its item type is checked at run time, and so
    is a list of Optional items for a list parameter (when `checked`
    collects their names, for the caller to make sure the callee keeps no
    such list)."""
    params = list(inspect.signature(pyfunc).parameters.values())[len(compile_time):]
    args: List[ops.Value] = []
    arg_types: List[Type] = list(compile_time)
    annotations = getattr(pyfunc, "__annotations__", {})
    from .closures import check_passable

    from .signatures import varargs_type

    for p, value in zip(params, values):
        where = node
        if not inline:  # (a generator expands here: a function may read our locals)
            check_passable(b, value, node)
        if p.name in annotations and is_callable_annotation(annotations[p.name]):
            if not isinstance(value.type, FunctionType):
                raise b.error(where, f"argument '{p.name}' of {pyfunc.__name__}() must be a "
                              f"function, not {value.type}")
            args.append(value)
            arg_types.append(value.type)  # specialised on the function(s) given
            continue
        declared = (parameter_type(annotations[p.name], p.default, annotation_scope(pyfunc))
                    if p.name in annotations else None)
        if declared is not None:  # *args: T is a Tuple[T, ...], **kwargs: T a Dict[str, T]
            declared = varargs_type(p, declared)
        if p.name in annotations and declared is None:
            raise b.error(node, f"parameter '{p.name}' of {pyfunc.__name__}() has an unsupported "
                          f"annotation {annotations[p.name]!r}")
        if (isinstance(declared, NDArrayType) and isinstance(value.type, NDArrayType)
                and declared.is_generic and declared.accepts(value.type)):
            declared = value.type  # an open NDArray parameter: specialised on the argument
        if declared is not None and value.type != declared:
            if _present_items_list(value.type, declared) and checked is not None:
                what = f"argument '{p.name}' of {pyfunc.__name__}()"
                b.emit(ops.PrimitiveCall(prims.LIST_CHECK_PRESENT, [
                    value, ops.Constant(prims.CSTR, what), ops.Constant(prims.CSTR, str(declared))],
                    b.lineno(where)))
                value = b.emit(ops.OptionalOp("wrap", value, declared))  # (the same list)
                checked.append(p.name)
                args.append(value)
                arg_types.append(declared)
                continue
            if value.type == NONE_SO_FAR and declared.is_refcounted:
                # a local that is None so far: an assignment further on may
                # make it an Optional[...] of this type (a rebuild then)
                b.deferred_errors.append(b.error(
                    where, f"argument '{p.name}' of {pyfunc.__name__}() must be {declared}, "
                           "not None"))
                args.append(ops.Undefined(declared))
                arg_types.append(declared)
                continue
            optional_item = isinstance(value.type, OptionalType) and (
                value.type.item == declared or unify(value.type.item, declared) == declared)
            if unify(value.type, declared) != declared and not (value.type == BOOL and declared == INT) \
                    and not is_any(value.type) and not optional_item:  # (an Any is checked at run time)
                raise b.error(where, f"argument '{p.name}' of {pyfunc.__name__}() must be "
                              f"{declared}, not {value.type}")
            value = b.expr.coerce(value, declared, where)
        args.append(value)
        arg_types.append(declared or value.type)
    return args, arg_types


def _present_items_list(given: Type, declared: Type) -> bool:
    """Is `given` a List[Optional[T]] (T held as a pointer) and `declared`
    the List[T] (or List of a base class of T) of the same objects?"""
    if not (isinstance(given, ListType) and isinstance(declared, ListType)
            and isinstance(given.item, OptionalType)):
        return False
    item, want = given.item.item, declared.item
    if isinstance(item, ClassType) and isinstance(want, ClassType):
        return item.is_subclass_of(want)
    return item == want and want.is_refcounted


# ------------------------------------------------------------- built-ins


def _bare_container_subclass(target: Any) -> Optional[type]:
    """list, dict or set, when target is a subclass of it that adds nothing
    (only a docstring, `pass`): compiled code builds and holds its
    instances as the base container, which behaves the same in every way
    but `type()` and isinstance() against the subclass (docs/guide/
    semantics.md)."""
    if not isinstance(target, type) or target in (list, dict, set):
        return None
    for base in (list, dict, set):
        if target.__bases__ == (base,):
            # (3.13 records __static_attributes__ and __firstlineno__ of every class)
            own = set(target.__dict__) - {"__module__", "__qualname__", "__doc__", "__dict__",
                                          "__weakref__", "__annotations__",
                                          "__static_attributes__", "__firstlineno__"}
            return base if not own else None
    return None


def _positional(b: "FunctionBuilder", node: ast.Call, name: str, low: int, high: int,
                keywords: Tuple[str, ...] = ()) -> List[Optional[ops.Value]]:
    given = {kw.arg: kw.value for kw in node.keywords}
    for kw in node.keywords:
        if kw.arg not in keywords:
            raise b.error(kw, f"{name}() got an unexpected keyword argument '{kw.arg}'")
    if not low <= len(node.args) + len(given) <= high:
        expected = f"{low}" if low == high else f"{low} to {high}"
        raise b.error(node, f"{name}() takes {expected} argument{'' if expected == '1' else 's'} "
                      f"({len(node.args)} given)")
    values: List[Optional[ops.Value]] = [b.expr.value(a) for a in node.args]
    for kw_name in keywords:
        if kw_name in given:
            values.append(b.expr.value(given[kw_name]))
    return values


def _numeric(b: "FunctionBuilder", value: ops.Value, node: ast.AST, what: str) -> ops.Value:
    from .stdclasses import decay

    value = decay(b, value)  # an IntEnum member is its int
    if not value.type.is_numeric:
        raise b.error(node, f"bad operand type for {what}(): '{value.type}'")
    return value


def _abs(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    (value,) = _positional(b, node, "abs", 1, 1)
    if isinstance(value.type, NDArrayType):
        from . import arrays

        return arrays.unary(b, "abs", value, node)
    if is_any(value.type):
        return b.emit(ops.PrimitiveCall(prims.ANY_UNARY, [ops.Constant(INT, 3), value],
                                        b.lineno(node)))
    if isinstance(value.type, ClassType):  # __abs__
        from . import operators

        return operators.unary(b, "abs", value, node)
    value = _numeric(b, value, node, "abs")
    if value.type == FLOAT:
        return b.emit(ops.Unary("float_abs", value))
    value = b.expr.coerce(value, INT, node)
    negative = b.emit(ops.Compare("lt", value, ops.Constant(INT, 0)))
    negated = b.emit(ops.Unary("int_neg", value))  # raises only for -2**63, as abs must
    return b.emit(ops.Select(negative, negated, value))


def _min_max(b: "FunctionBuilder", node: ast.Call, target) -> ops.Value:
    from .signatures import StaticCall, flatten, has_unpacking

    name = target.__name__
    if has_unpacking(node):
        flat = flatten(b, node, f"{name}()")
        if flat.rest is not None and not flat.positional and flat.mapping is None:
            return _min_max_unpacked(b, node, name, flat)
        with StaticCall(b, node, f"{name}()", flat) as call:
            return _min_max(b, call, target)
    if len(node.args) == 1 or node.keywords:
        return _min_max_iterable(b, node, name)
    values = [b.expr.value(a) for a in node.args]
    if any(v.type.is_refcounted for v in values):
        return _min_max_objects(b, node, name, values)
    values = [_numeric(b, v, a, name) for v, a in zip(values, node.args)]
    result_type = values[0].type
    for v, arg in zip(values[1:], node.args[1:]):
        joined = unify(result_type, v.type)
        if joined is None:
            raise b.error(arg, f"{name}() mixes {with_article(result_type)} and {with_article(v.type)}; its result "
                          "would have either type", hint="convert the arguments to one type")
        result_type = joined
    op = ast.Lt() if name == "min" else ast.Gt()
    current = values[0]
    for v, arg in zip(values[1:], node.args[1:]):
        # Python keeps the current item unless the new one is strictly
        # smaller (min) or greater (max): NaN handling follows from that.
        better = b.expr.compare(op, v, current, node)
        current = b.emit(ops.Select(better, b.expr.coerce(v, result_type, arg),
                                    b.expr.coerce(current, result_type, node)))
    return current


def _min_max_unpacked(b: "FunctionBuilder", node: ast.Call, name: str, flat) -> ops.Value:
    """min(*xs) / max(*xs, key=...): of the items, as of separate arguments
    -- so one item is iterated itself, and none is a TypeError."""
    from .signatures import _as_list, fail_if

    items = _as_list(b, flat.rest, node)
    count = b.emit(ops.Length(items))
    keywords = {k: (v, where) for k, v, where in flat.keywords}
    for key in keywords:
        if key not in ("key", "default"):
            raise b.error(node, f"{name}() got an unexpected keyword argument '{key}'")
    if "default" in keywords:
        fail_if(b, b.emit(ops.Compare("gt", count, ops.Constant(INT, 1))),
                f"Cannot specify a default for {name}() with multiple positional arguments", node)
    fail_if(b, b.emit(ops.Compare("eq", count, ops.Constant(INT, 0))),
            f"{name} expected at least 1 argument, got 0", node)
    item = items.type.item
    if item.is_refcounted or is_any(item):
        raise b.error(node, f"{name}(*xs) of {item} items is not supported",
                      hint=f"call {name}(xs) on the sequence itself")
    fail_if(b, b.emit(ops.Compare("eq", count, ops.Constant(INT, 1))),
            f"'{item}' object is not iterable", node)
    hidden = {}
    for key, (value, where) in keywords.items():
        hidden[key] = ast.copy_location(ast.Name(id=f".{name}{key}{b.next_loop_id()}",
                                                 ctx=ast.Load()), where)
        b.lambda_bindings[hidden[key].id] = value
    try:
        return _best_of(b, node, name, items, hidden.get("key"), None)
    finally:
        for n in hidden.values():
            b.lambda_bindings.pop(n.id, None)


def _arguments_as_list(b: "FunctionBuilder", node: ast.Call, name: str,
                       values: List[ops.Value]) -> ops.Value:
    """min(a, b, ...)'s arguments as one list, typed as the first."""
    from . import containers

    items = containers.new_list(b, values[0].type, node, len(values))
    for value, arg in zip(values, node.args):
        containers.append(b, items, containers.coerce_item(b, value, values[0].type, arg,
                                                           f"{name}()"), arg)
    return items


def _min_max_objects(b: "FunctionBuilder", node: ast.Call, name: str,
                     values: List[ops.Value]) -> ops.Value:
    """min/max of str (or container) arguments: one pass, keeping the first
    of equal items as CPython does."""
    return _best_of(b, node, name, _arguments_as_list(b, node, name, values), None, None)


def _min_max_iterable(b: "FunctionBuilder", node: ast.Call, name: str) -> ops.Value:
    from . import containers

    kwargs = {kw.arg: kw.value for kw in node.keywords}
    for key in kwargs:
        if key not in ("key", "default"):
            raise b.error(node, f"{name}() got an unexpected keyword argument '{key}'")
    if len(node.args) == 1:
        items = containers.iterable_as_list(b, node.args[0])
    else:
        if "default" in kwargs:
            raise b.error(node, f"Cannot specify a default for {name}() with multiple "
                          "positional arguments")
        items = _arguments_as_list(b, node, name, [b.expr.value(a) for a in node.args])
    return _best_of(b, node, name, items, kwargs.get("key"), kwargs.get("default"))


def _best_of(b: "FunctionBuilder", node: ast.Call, name: str, items: ops.Value,
             key_node: Optional[ast.expr], default_node: Optional[ast.expr]) -> ops.Value:
    """The smallest (min) / largest (max) item of a list; the first of equals."""
    from . import containers

    item_type = items.type.item
    uid = b.next_loop_id()
    best, best_key, index = f".best{uid}", f".bestkey{uid}", f".i{uid}"
    n = b.emit(ops.Length(items))
    empty = b.new_block("empty")
    nonempty = b.new_block("nonempty")
    after = b.new_block("best")
    b.branch(b.emit(ops.Compare("eq", n, ops.Constant(INT, 0))), empty, nonempty)
    b.seal(empty)
    b.seal(nonempty)
    b.start(empty)
    result_type = item_type
    default_value = None
    if default_node is None:
        b.terminate(ops.Raise("ValueError", cpython.empty_min_max(name), b.lineno(node)))
    else:
        default_value = b.expr.value(default_node)
        result_type = unify(item_type, default_value.type)
        if result_type is None:
            raise b.error(default_node, f"{name}() default must have the items' type, "
                          f"{item_type}")
        b.write_var(best, b.expr.coerce(default_value, result_type, default_node), node)
        b.goto(after)
    b.start(nonempty)

    def key_of(value: ops.Value) -> ops.Value:
        return value if key_node is None else containers.call_key(b, key_node, value, node)

    first = containers.prim(b, prims.LIST_GET, [items, ops.Constant(INT, 0)], node, item_type)
    b.write_var(best, b.expr.coerce(first, result_type, node), node)
    b.write_var(best_key, key_of(first), node)
    b.write_var(index, ops.Constant(INT, 1), node)
    header = b.new_block("bestloop")
    body = b.new_block("bestbody")
    better = b.new_block("better")
    latch = b.new_block("bestnext")
    b.goto(header)
    b.start(header)
    b.poll_signals()
    i = b.read_var(index, node)
    b.branch(b.emit(ops.Compare("lt", i, b.emit(ops.Length(items)))), body, after)
    b.seal(body)
    b.start(body)
    item = containers.prim(b, prims.LIST_GET, [items, b.read_var(index, node)], node, item_type)
    k = key_of(item)
    op = ast.Lt() if name == "min" else ast.Gt()
    b.expr.condition_value(b.expr.compare(op, k, b.read_var(best_key, node), node), better, latch)
    b.seal(better)
    b.start(better)
    b.write_var(best, b.expr.coerce(item, result_type, node), node)
    b.write_var(best_key, k, node)
    b.goto(latch)
    b.seal(latch)
    b.start(latch)
    b.write_var(index, b.emit(ops.IntArith("add", b.read_var(index, node),
                                           ops.Constant(INT, 1))), node)
    b.goto(header)
    b.seal(header)
    b.seal(after)
    b.start(after)
    return b.read_var(best, node)


def _round(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    values = _positional(b, node, "round", 1, 2, keywords=("ndigits",))
    number = _numeric(b, values[0], node, "round")
    ndigits = values[1] if len(values) == 2 else None
    if ndigits is not None and ndigits.type == NONE:
        ndigits = None
    if ndigits is not None:
        if ndigits.type not in (INT, BOOL):
            raise b.error(node, f"'{ndigits.type}' object cannot be interpreted as an integer")
        ndigits = b.expr.coerce(ndigits, INT, node)
    if number.type == FLOAT:
        if ndigits is None:
            return b.emit(ops.PrimitiveCall(prims.FLOAT_ROUND, [number]))
        return b.emit(ops.PrimitiveCall(prims.FLOAT_ROUND_NDIGITS, [number, ndigits]))
    number = b.expr.coerce(number, INT, node)
    if ndigits is None:
        return number
    return b.emit(ops.PrimitiveCall(prims.INT_ROUND_NDIGITS, [number, ndigits]))


def _int(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings
    from ..ir.types import BYTES, STR

    values = _positional(b, node, "int", 0, 2, ("base",))
    if not values:
        return ops.Constant(INT, 0)
    if values[0].type == STR:
        base = b.expr.coerce(values[1], INT, node) if len(values) > 1 else None
        return strings.to_int(b, values[0], base, node)
    if values[0].type == BYTES:  # its ASCII text, as CPython reads it
        base = b.expr.coerce(values[1], INT, node) if len(values) > 1 else ops.Constant(INT, 10)
        return strings.emit_prim(b, prims.BYTES_TO_INT, [values[0], base], node)
    if is_any(values[0].type) and len(values) == 1:
        from . import anys

        return anys.to_int(b, values[0], node)
    if len(values) > 1:
        raise b.error(node, "int() can't convert non-string with explicit base")
    value = _numeric(b, values[0], node, "int")
    if value.type == FLOAT:
        return b.emit(ops.Convert("float_to_int", value))
    return b.expr.coerce(value, INT, node)


def _float(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings
    from ..ir.types import BYTES, STR

    values = _positional(b, node, "float", 0, 1)
    if not values:
        return ops.Constant(FLOAT, 0.0)
    if values[0].type == STR:
        return strings.to_float(b, values[0], node)
    if values[0].type == BYTES:
        return strings.emit_prim(b, prims.BYTES_TO_FLOAT, [values[0]], node)
    if is_any(values[0].type):
        from . import anys

        return anys.to_float(b, values[0], node)
    return b.expr.coerce(_numeric(b, values[0], node, "float"), FLOAT, node)


def _bool(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    values = _positional(b, node, "bool", 0, 1)
    if not values:
        return ops.Constant(BOOL, False)
    return b.expr.truthy(values[0], node)


def _pow(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    values = _positional(b, node, "pow", 2, 2, keywords=("base", "exp"))
    return b.expr.binary(ast.Pow(), values[0], values[1], node)


def _len(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    (value,) = _positional(b, node, "len", 1, 1)
    value = b.expr.unwrap(value, node, "object of type 'NoneType' has no len()")
    if is_any(value.type):
        from . import anys

        return anys.length(b, value, node)
    if isinstance(value.type, ClassType):
        from .classes import require_special

        return require_special(b, value, "__len__", [], node,
                               f"object of type '{value.type}' has no len()")
    if isinstance(value.type, NDArrayType):
        from . import arrays

        return arrays.length(b, value, node)
    if value.type == BYTEARRAY:
        return b.emit(ops.Length(_module("bytearrays").items(b, value, node)))
    if isinstance(value.type, ArrayType):
        return b.emit(ops.Length(_module("stdarrays").items(b, value, node)))
    if not value.type.is_refcounted:
        raise b.error(node, f"object of type '{value.type}' has no len()")
    return b.emit(ops.Length(value))


def _hash(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    """hash(x): Python's hash of the value (a class's __hash__ for instances)."""
    from .classes import call_special
    from .hashing import hash_frozenset, hash_value, is_frozenset_call

    if len(node.args) == 1 and not node.keywords and is_frozenset_call(b, node.args[0]):
        return hash_frozenset(b, node.args[0], node)
    (value,) = _positional(b, node, "hash", 1, 1)
    if isinstance(value.type, ArrayType):
        raise b.error(node, "hash() of an array: unhashable type: 'array.array' (TypeError in "
                      "CPython)", hint="hash a.tobytes()")
    if value.type == BYTEARRAY:
        raise b.error(node, "hash() of a bytearray: unhashable type: 'bytearray' (TypeError in "
                      "CPython)", hint="hash bytes(ba)")
    from .enums import hashed_as

    value = hashed_as(b, value)  # an enum member hashes as its name (its value for IntEnum)
    special = call_special(b, value, "__hash__", [], node)
    if special is not None:
        if special.type != INT:
            raise b.error(node, "__hash__ must return an int")
        minus_one = b.emit(ops.Compare("eq", special, ops.Constant(INT, -1)))
        return b.emit(ops.Select(minus_one, ops.Constant(INT, -2), special))
    return hash_value(b, value, node)


def _str(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings
    from ..ir.types import STR

    from .typeof import text

    if len(node.args) == 1 and not node.keywords:
        shown = text(b, node.args[0])  # str(type(x)): "<class 'int'>"
        if shown is not None:
            return shown
    values = _positional(b, node, "str", 0, 1)
    if not values:
        return ops.Constant(STR, "")
    return strings.to_str(b, values[0], node)


def _repr(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings

    from .typeof import text

    if len(node.args) == 1 and not node.keywords:
        shown = text(b, node.args[0])
        if shown is not None:
            return shown
    (value,) = _positional(b, node, "repr", 1, 1)
    return strings.to_repr(b, value, node)


def _ascii(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings

    (value,) = _positional(b, node, "ascii", 1, 1)
    return strings.to_ascii(b, value, node)


def _ord(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings
    from ..ir.types import BYTES, STR

    (value,) = _positional(b, node, "ord", 1, 1)
    if value.type == BYTES:
        return strings.emit_prim(b, prims.BYTES_ORD, [value], node)
    if value.type != STR:
        raise b.error(node, f"ord() expected string of length 1, but {value.type} found")
    return strings.emit_prim(b, prims.STR_ORD, [value], node)


def _chr(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings

    (value,) = _positional(b, node, "chr", 1, 1)
    if value.type not in (INT, BOOL):
        raise b.error(node, f"'{value.type}' object cannot be interpreted as an integer")
    return strings.emit_prim(b, prims.CHR, [b.expr.coerce(value, INT, node)], node)


def _format(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import strings
    from ..ir.types import STR

    values = _positional(b, node, "format", 1, 2)
    spec = values[1] if len(values) > 1 else ops.Constant(STR, "")
    if spec.type != STR:
        raise b.error(node, "format() argument 2 must be str")
    return strings.format_value(b, values[0], spec, node)


def call_with_values(b: "FunctionBuilder", func_node: ast.expr, values: List[ops.Value],
                     node: ast.AST) -> ops.Value:
    """Calls the function named by func_node with already computed values
    (key functions of sort/sorted/min/max)."""
    fake = ast.Call(func=func_node, args=[ast.Name(id=f".arg{i}", ctx=ast.Load())
                                          for i in range(len(values))], keywords=[])
    ast.copy_location(fake, node)
    for i, arg in enumerate(fake.args):
        ast.copy_location(arg, node)
        b.lambda_bindings[f".arg{i}"] = values[i]
    try:
        return build_call(b, fake)
    finally:
        for i in range(len(values)):
            b.lambda_bindings.pop(f".arg{i}", None)


def _iterable_arg(b: "FunctionBuilder", node: ast.Call, name: str) -> ops.Value:
    from . import containers

    if len(node.args) != 1:
        raise b.error(node, f"{name}() takes exactly one iterable here")
    return containers.iterable_as_list(b, node.args[0])


def _list(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers
    from ..ir.types import UNKNOWN

    if not node.args:
        return containers.new_list(b, UNKNOWN, node)
    items = _iterable_arg(b, node, "list")
    if isinstance(node.args[0], ast.GeneratorExp) or called_generator(b, node.args[0]):
        return items  # a new list already
    return containers.prim(b, prims.LIST_COPY, [items], node, items.type)


def _tuple(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    """tuple(iterable): a Tuple[T, ...] (its length is known at run time only)."""
    from . import containers
    from ..ir.types import TupleType, VarTupleType

    if not node.args:
        return containers.prim(b, prims.TUPLE_NEW, [ops.Constant(INT, 0)], node, TupleType(()))
    items = _iterable_arg(b, node, "tuple")
    return containers.prim(b, prims.TUPLE_FROM_LIST, [items], node,
                           VarTupleType(items.type.item))


def _set(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers
    from ..ir.types import SetType, UNKNOWN

    if not node.args:
        return containers.prim(b, prims.SET_NEW, [containers.kind(UNKNOWN)], node, SetType(UNKNOWN))
    items = _iterable_arg(b, node, "set")
    result = containers.prim(b, prims.SET_NEW, [containers.kind(items.type.item)], node,
                             SetType(items.type.item))
    containers.prim(b, prims.SET_UPDATE_LIST, [result, items], node)
    return result


def _dict(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers
    from ..ir.types import DictType, UNKNOWN

    if node.args or node.keywords:
        if len(node.args) == 1 and not node.keywords:
            if _is_zip(b, node.args[0]) or isinstance(node.args[0], ast.GeneratorExp) \
                    or called_generator(b, node.args[0]):
                return _dict_from_pairs(b, node)
            value = b.expr.value(node.args[0])
            if isinstance(value.type, DictType) and type(value.type) is not DictType:
                # dict(counter): a plain dict of its items
                from ..ir.primitives_stdlib import DICT_PLAIN_COPY

                return containers.prim(b, DICT_PLAIN_COPY, [value], node,
                                       DictType(value.type.key, value.type.value))
            if isinstance(value.type, DictType):
                return containers.prim(b, prims.DICT_COPY, [value], node, value.type)
            return _dict_from_pairs(b, node, value)
        raise b.error(node, "dict() takes no arguments, a dict, or an iterable of pairs here")
    return containers.prim(b, prims.DICT_NEW, [containers.kind(UNKNOWN), containers.kind(UNKNOWN)],
                           node, DictType(UNKNOWN, UNKNOWN))


def _is_zip(b: "FunctionBuilder", node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id not in b.locals and b.lookup_global(node.func.id, node.func) is zip)


def _dict_from_pairs(b: "FunctionBuilder", node: ast.Call,
                     iterable: Optional[ops.Value] = None) -> ops.Value:
    """dict(zip(keys, values)), dict(list of pairs), dict(generator of pairs)."""
    from . import containers
    from .loops import build_for
    from .session import Retry
    from ..ir.types import DictType, TupleType, UNKNOWN

    holder = f".dict{b.next_loop_id()}"
    known = b.var_types.get(holder, DictType(UNKNOWN, UNKNOWN))
    result = containers.prim(b, prims.DICT_NEW, [containers.kind(known.key),
                                                 containers.kind(known.value)], node, known)
    arg = node.args[0]
    if isinstance(arg, ast.GeneratorExp):
        iterable = containers.comprehension(b, arg)

    def body() -> None:
        pair = b.loop_item
        if not (isinstance(pair.type, TupleType) and len(pair.type.items) == 2):
            raise b.error(arg, f"dict() needs pairs, got items of type {pair.type}")
        if known.key == UNKNOWN:
            b.var_types[holder] = DictType(*pair.type.items)
            raise Retry()
        key, value = (containers.prim(b, prims.TUPLE_GET, [pair, ops.Constant(INT, i)], node,
                                      pair.type.items[i]) for i in range(2))
        containers.prim(b, prims.DICT_SETITEM, [
            result, containers.coerce_item(b, key, known.key, node, "dict()"),
            containers.coerce_item(b, value, known.value, node, "dict()")], node)

    if iterable is None:
        build_for(b, None, arg, body, [], node)
    else:
        build_for(b, None, arg, body, [], node, iterable=iterable)
    return result


def _sorted(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers

    items = _iterable_arg(b, node, "sorted")
    result = containers.prim(b, prims.LIST_COPY, [items], node, items.type)
    containers.sort_list(b, result, {kw.arg: kw.value for kw in node.keywords}, node)
    return result


def _sum(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers
    from .loops import build_for

    if not 1 <= len(node.args) <= 2 or node.keywords:
        raise b.error(node, "sum() takes an iterable and an optional start")
    start = b.expr.value(node.args[1]) if len(node.args) == 2 else ops.Constant(INT, 0)
    uid = b.next_loop_id()
    holder = f".sum{uid}"
    acc_type = b.var_types.get(holder, start.type)
    b.write_var(holder, b.expr.coerce(start, acc_type, node), node)
    iter_node = node.args[0]
    compensated = acc_type == FLOAT and cpython.COMPENSATED_FLOAT_SUM
    if compensated:
        sum_state = _CompensatedSum(b, uid, start, node)

    def body() -> None:
        item = b.loop_item
        if compensated and item.type == FLOAT:
            sum_state.add(holder, item)
            return
        total = b.expr.binary(ast.Add(), b.read_var(holder, node), item, node)
        if total.type != acc_type:
            if unify(total.type, acc_type) is None and not total.type.is_numeric:
                raise b.error(node, f"sum() of items of type {total.type} is not supported")
            b.var_types[holder] = total.type
            from .session import Retry
            raise Retry()
        b.write_var(holder, total, node)

    if called_generator(b, iter_node):  # expanded at the loop, no list
        build_for(b, None, iter_node, body, [], node)
    else:
        if isinstance(iter_node, ast.GeneratorExp) and len(iter_node.generators) == 1 and \
                not iter_node.generators[0].ifs:
            items = containers.comprehension(b, iter_node)
        else:
            items = containers.iterable_as_list(b, iter_node)
        build_for(b, None, node, body, [], node, iterable=items)
    if compensated:
        return sum_state.result(holder)
    return b.read_var(holder, node)


class _CompensatedSum:
    """sum() of floats as CPython 3.12+ computes it: Neumaier's compensated
    summation over float items (int items are added plainly), the
    compensation added at the end unless it is zero or not finite.  A sum
    that starts from an int adds its first float plainly (CPython enters
    its float loop after that addition); from the literal 0 that addition
    is exact, so nothing tells the two apart."""

    def __init__(self, b: "FunctionBuilder", uid: int, start: ops.Value, node: ast.AST) -> None:
        self.b = b
        self.node = node
        self.comp = f".sumc{uid}"
        b.write_var(self.comp, ops.Constant(FLOAT, 0.0), node)
        self.first = None
        if start.type in (INT, BOOL) and not (isinstance(start, ops.Constant) and start.value == 0):
            self.first = f".sumfirst{uid}"
            b.write_var(self.first, ops.Constant(BOOL, True), node)

    def add(self, holder: str, x: ops.Value) -> None:
        b, node = self.b, self.node
        f = b.read_var(holder, node)
        t = b.emit(ops.FloatArith("add", f, x))
        f_is_bigger = b.emit(ops.Compare("ge", b.emit(ops.Unary("float_abs", f)),
                                         b.emit(ops.Unary("float_abs", x))))
        low_f = b.emit(ops.FloatArith("add", b.emit(ops.FloatArith("sub", f, t)), x))
        low_x = b.emit(ops.FloatArith("add", b.emit(ops.FloatArith("sub", x, t)), f))
        error = b.emit(ops.Select(f_is_bigger, low_f, low_x))
        if self.first is not None:
            error = b.emit(ops.Select(b.read_var(self.first, node), ops.Constant(FLOAT, 0.0), error))
            b.write_var(self.first, ops.Constant(BOOL, False), node)
        comp = b.emit(ops.FloatArith("add", b.read_var(self.comp, node), error))
        b.write_var(self.comp, comp, node)
        b.write_var(holder, t, node)

    def result(self, holder: str) -> ops.Value:
        b, node = self.b, self.node
        f = b.read_var(holder, node)
        c = b.read_var(self.comp, node)
        nonzero = b.emit(ops.Compare("ne", c, ops.Constant(FLOAT, 0.0)))
        finite = b.emit(ops.Compare("eq", b.emit(ops.FloatArith("sub", c, c)),
                                    ops.Constant(FLOAT, 0.0)))
        use = b.emit(ops.Select(nonzero, finite, ops.Constant(BOOL, False)))
        return b.emit(ops.Select(use, b.emit(ops.FloatArith("add", f, c)), f))


def _any_all(b: "FunctionBuilder", node: ast.Call, target) -> ops.Value:
    from . import containers
    from .loops import build_for

    is_any = target is builtins.any
    # over a generator (function or expression), the loop stops it at the
    # first deciding item, as CPython does (what it would have yielded next
    # never runs: no side effect, no exception, no walrus binding)
    arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
    generator = arg is not None and called_generator(b, arg)
    expression = isinstance(arg, ast.GeneratorExp)
    items = None if generator or expression else \
        _iterable_arg(b, node, "any" if is_any else "all")
    holder = f".anyall{b.next_loop_id()}"
    b.write_var(holder, ops.Constant(BOOL, not is_any), node)
    depth = len(b.loops)  # the outermost loop of the iteration: where a hit leaves

    def decide(item: ops.Value) -> None:
        truth = b.expr.truthy(item, node)
        hit = b.new_block("hit")
        miss = b.new_block("miss")
        if is_any:
            b.branch(truth, hit, miss)
        else:
            b.branch(truth, miss, hit)
        b.seal(hit)
        b.seal(miss)
        b.start(hit)
        b.write_var(holder, ops.Constant(BOOL, is_any), node)
        b.goto(b.loops[depth].break_target)
        b.start(miss)

    if expression:
        scoped = containers.own_scope(arg, b.next_loop_id())
        containers.build_generators(b, scoped.generators, 0, lambda: decide(b.expr.value(scoped.elt)))
    elif generator:
        build_for(b, None, arg, lambda: decide(b.loop_item), [], node)
    else:
        build_for(b, None, node, lambda: decide(b.loop_item), [], node, iterable=items)
    return b.read_var(holder, node)


def _isinstance(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import classes
    from ..ir.types import BYTES, STR, DictType, ListType, SetType, TupleType

    if len(node.args) != 2:
        raise b.error(node, "isinstance() takes 2 arguments")
    value = b.expr.value(node.args[0])
    classes_node = node.args[1]
    from .exceptions import is_exception, kind_test

    if is_exception(value.type):
        return kind_test(b, value, classes_node, node, "isinstance")
    names = classes_node.elts if isinstance(classes_node, ast.Tuple) else [classes_node]
    by_class = {int: (INT, BOOL), float: (FLOAT,), bool: (BOOL,), str: (STR,), bytes: (BYTES,),
                bytearray: (BYTEARRAY,), type(None): (NONE,)}
    container_classes = {list: ListType, dict: DictType, set: SetType, tuple: TupleType}
    dynamic: List[ops.Value] = []
    for name_node in names:
        if not isinstance(name_node, (ast.Name, ast.Attribute)):
            raise b.error(name_node, "isinstance() takes a class or a tuple of classes")
        cls = b.lookup_global(name_node.id, name_node) if isinstance(name_node, ast.Name) \
            else resolve_attribute(b, name_node)
        from .stdclasses import isinstance_answer

        enum_answer = isinstance_answer(value.type, cls)  # enums, named tuples: by the types
        if enum_answer is not None:
            if enum_answer:
                return ops.Constant(BOOL, True)
            continue
        if cls in by_class and value.type in by_class[cls]:
            return ops.Constant(BOOL, True)
        from .stdlib_collections import isinstance_constant

        known = isinstance_constant(cls, value.type)  # Counter, deque ...
        if known is not None and not is_any(value.type):
            if known:
                return ops.Constant(BOOL, True)
            continue
        if cls in container_classes and isinstance(value.type, container_classes[cls]):
            return ops.Constant(BOOL, True)
        from ..arrays import is_ndarray_class

        if is_ndarray_class(cls) and not is_any(value.type):
            if isinstance(value.type, NDArrayType):
                return ops.Constant(BOOL, True)
            continue
        if is_any(value.type):
            from . import anys

            answer = anys.isinstance_check(b, value, cls, name_node)
            if answer is None:
                raise b.error(name_node, f"isinstance() with {cls!r} is not supported")
            dynamic.append(answer)
            continue
        pyclass = classes.original_class(cls)
        if pyclass is not None:
            answer = classes.isinstance_check(b, value, pyclass, name_node)
            if isinstance(answer, ops.Constant):
                if answer.value:
                    return answer
                continue
            dynamic.append(answer)
            continue
        if cls not in by_class and cls not in container_classes:
            raise b.error(name_node, f"isinstance() with {cls!r} is not supported")
    result: ops.Value = ops.Constant(BOOL, False)
    for answer in reversed(dynamic):  # a or b or ...: the first that holds
        result = answer if isinstance(result, ops.Constant) else \
            b.emit(ops.Select(answer, ops.Constant(BOOL, True), result))
    return result


def _issubclass(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    """issubclass(exc_type, C) of the exception class __exit__ receives
    (the only class values compiled code holds)."""
    from .exceptions import is_exception, kind_test
    from ..ir.types import EXCEPTION_CLASS, OptionalType

    if len(node.args) != 2 or node.keywords:
        raise b.error(node, "issubclass() takes 2 arguments")
    value = b.expr.value(node.args[0])
    if value.type not in (EXCEPTION_CLASS, OptionalType(EXCEPTION_CLASS)):
        raise b.error(node.args[0], "issubclass() takes the exception class __exit__ receives "
                      f"here, not {with_article(value.type)}")
    assert is_exception(value.type)
    return kind_test(b, value, node.args[1], node, "issubclass")


def _materialised(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    """range/enumerate/zip/reversed used as a value (not directly in a for
    loop): its items as a list, [x for x in <call>]."""
    from . import containers

    name = f".it{b.next_loop_id()}"
    comp = ast.ListComp(elt=ast.Name(id=name, ctx=ast.Load()), generators=[ast.comprehension(
        target=ast.Name(id=name, ctx=ast.Store()), iter=node, ifs=[], is_async=0)])
    for sub in ast.walk(comp):
        if sub is not node:
            ast.copy_location(sub, node)
    return containers.comprehension(b, comp)


_BUILTINS: Dict[int, Callable] = {
    id(builtins.range): _materialised, id(builtins.enumerate): _materialised,
    id(builtins.zip): _materialised, id(builtins.reversed): _materialised,
    id(builtins.list): _list, id(builtins.tuple): _tuple, id(builtins.set): _set,
    id(builtins.dict): _dict, id(builtins.sorted): _sorted, id(builtins.sum): _sum,
    id(builtins.any): _any_all, id(builtins.all): _any_all, id(builtins.isinstance): _isinstance,
    id(builtins.issubclass): _issubclass,
    id(builtins.print): lambda b, node, target: _module('printing').print_call(b, node, target),
    id(builtins.len): _len, id(builtins.str): _str, id(builtins.repr): _repr,
    id(builtins.ascii): _ascii,
    id(builtins.ord): _ord, id(builtins.chr): _chr, id(builtins.format): _format,
    id(builtins.abs): _abs, id(builtins.min): _min_max, id(builtins.max): _min_max,
    id(builtins.round): _round, id(builtins.int): _int, id(builtins.float): _float,
    id(builtins.bool): _bool, id(builtins.pow): _pow, id(builtins.hash): _hash,
    id(builtins.divmod): lambda b, node, target: _module('numeric').divmod_call(b, node, target),
    id(builtins.bytearray): lambda b, node, target: _module('bytearrays').construct(b, node),
    id(builtins.bytes): lambda b, node, target: _module('bytearrays').bytes_call(b, node),
    id(array.array): lambda b, node, target: _module('stdarrays').construct(b, node),
}


def _module(name: str):
    """A frontend module that imports this one (imported when first used)."""
    import importlib

    return importlib.import_module(f"{__package__}.{name}")


# ------------------------------------------------------------------ math


_MATH_BY_OBJECT: Dict[int, str] = {
    id(getattr(math, name)): name for name in list(prims.MATH_FUNCTIONS) + ["log"]
    if hasattr(math, name)
}


def _math_call(b: "FunctionBuilder", node: ast.Call, name: str) -> ops.Value:
    if name == "isclose":
        values = _positional(b, node, "isclose", 2, 4, keywords=("rel_tol", "abs_tol"))
        given = {kw.arg for kw in node.keywords}
        if len(node.args) > 2:
            raise b.error(node, "isclose() takes 2 positional arguments")
        rel = values[2] if "rel_tol" in given else ops.Constant(FLOAT, 1e-09)
        abs_ = values[-1] if "abs_tol" in given else ops.Constant(FLOAT, 0.0)
        args = [values[0], values[1], rel, abs_]
    elif name == "log":
        args = _positional(b, node, "log", 1, 2)
        if len(args) == 2:
            name = "log_base"
    elif name == "gcd" or name == "lcm":
        args = [b.expr.value(a) for a in node.args]
        if node.keywords:
            raise b.error(node, f"{name}() takes no keyword arguments")
        if not args:
            return ops.Constant(INT, 0 if name == "gcd" else 1)
        ints = [_int_arg(b, v, a, name) for v, a in zip(args, node.args)]
        result = ints[0]
        if len(ints) == 1:
            return _abs_int(b, result, node)
        for v in ints[1:]:
            result = b.emit(ops.PrimitiveCall(prims.MATH[name], [result, v]))
        return result
    elif name in ("floor", "ceil", "trunc"):
        (value,) = _positional(b, node, name, 1, 1)
        if value.type in (INT, BOOL):
            return b.expr.coerce(value, INT, node)
        if is_any(value.type):  # an int stays itself; a float rounds (below)
            from . import anys

            return anys.math_round(b, name, value, node)
        args = [value]
    else:
        arg_types, _ = prims.MATH_FUNCTIONS[name]
        args = _positional(b, node, name, len(arg_types), len(arg_types))
    prim = prims.MATH[name]
    converted = []
    for value, expected, arg_node in zip(args, prim.arg_types, node.args + [node] * 4):
        if expected == INT:
            converted.append(_int_arg(b, value, arg_node, name))
        elif is_any(value.type):  # its float, or CPython's TypeError, at run time
            converted.append(b.emit(ops.PrimitiveCall(prims.ANY_REAL, [value], b.lineno(arg_node))))
        else:
            if not value.type.is_numeric:
                raise b.error(arg_node, f"must be real number, not {value.type}")
            converted.append(b.expr.coerce(value, FLOAT, arg_node))
    return b.emit(ops.PrimitiveCall(prim, converted))


# ----------------------------------------------------------- unicodedata
# unicodedata.normalize/is_normalized(form, s) and the lookups of one
# character (libruntime/normalize.c, tables from the build interpreter's
# unicodedata); unicodedata.unidata_version is a str constant.

_UNICODEDATA_FUNCTIONS = ("normalize", "is_normalized") + tuple(prims.UNICODEDATA)
_UNICODEDATA_BY_OBJECT: Dict[int, str] = {
    id(getattr(unicodedata, name)): name for name in _UNICODEDATA_FUNCTIONS
}


def _unicodedata_call(b: "FunctionBuilder", node: ast.Call, name: str) -> ops.Value:
    from ..ir.types import STR
    from .strings import emit_prim

    if node.keywords:  # positional-only in CPython
        raise b.error(node.keywords[0], f"{name}() takes no keyword arguments")
    arity = 2 if name in ("normalize", "is_normalized") else 1
    if len(node.args) != arity:
        raise b.error(node, f"{name}() takes exactly {arity} argument"
                      f"{'s' if arity > 1 else ''} ({len(node.args)} given)")
    args = []
    for k, arg in enumerate(node.args):
        value = b.expr.unwrap(b.expr.value(arg), arg)
        if value.type != STR:
            expected = f"argument {k + 1} must be str" if arity > 1 else \
                "argument must be a unicode character"
            raise b.error(arg, f"{name}() {expected}, not {value.type}")
        args.append(value)
    if name == "normalize":
        return emit_prim(b, prims.STR_NORMALIZE, args, node)
    if name == "is_normalized":
        return emit_prim(b, prims.STR_IS_NORMALIZED, args, node)
    return emit_prim(b, prims.UNICODEDATA[name], args, node)  # mirrored: an int, as CPython


def _int_arg(b: "FunctionBuilder", value: ops.Value, node: ast.AST, name: str) -> ops.Value:
    if is_any(value.type):
        return b.emit(ops.PrimitiveCall(prims.ANY_AS_INDEX, [value], b.lineno(node)))
    if value.type not in (INT, BOOL):
        raise b.error(node, f"'{value.type}' object cannot be interpreted as an integer",
                      hint=f"math.{name}() takes ints")
    return b.expr.coerce(value, INT, node)


def _abs_int(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    negative = b.emit(ops.Compare("lt", value, ops.Constant(INT, 0)))
    negated = b.emit(ops.Unary("int_neg", value))
    return b.emit(ops.Select(negative, negated, value))
