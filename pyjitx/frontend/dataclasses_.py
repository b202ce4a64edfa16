"""dataclasses in compiled code.

CPython writes a dataclass's __init__, __repr__, __eq__, ordering and
__hash__ as source text and exec()s it, so their source is nowhere for
the compiler to read.  This module writes the same methods out again,
from dataclasses.fields() and the class's parameters, as source that
compiles (frontend.source.synthesised_function, as pyjitx.classes does
for its own forwarders), and compiles the dataclass as a plain class that
has them: a twin of the class, made once, with the same name, bases (their twins),
annotations of its own fields and every method of its own body.  The
frontend sees the twin wherever it meets the class (classes.original_class).

The written methods do what CPython's do: fields assigned in order
(defaults, factories called for each instance, init=False fields,
__post_init__ with the InitVars), the repr `Rec(name='a', n=2)` of the
instance's own class, == of instances of one class field by field, the
ordering of their field tuples (TypeError between classes), the hash of
the field tuple where CPython defines one; a frozen dataclass raises
FrozenInstanceError on assignment (its __init__ and object.__setattr__
assign).  dataclasses.replace, asdict, astuple and is_dataclass are
compiled too."""
from __future__ import annotations

import ast
import dataclasses
import inspect
import types
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..ir import ops
from ..ir.types import BOOL, STR, ClassType, Type, with_article

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_TWINS: Dict[type, type] = {}
# where dataclasses writes the methods it generates
_GENERATED_FILES = ("<string>", dataclasses.__file__)
_GENERATED = ("__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__",
              "__hash__", "__setattr__", "__delattr__", "__getstate__", "__setstate__",
              "__replace__")


class Factory:
    """The default of an __init__ parameter whose field has a
    default_factory: a call of the factory where the argument is left out
    (calls.bind_arguments), and where an init=False field is assigned."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory

    def __repr__(self) -> str:
        return f"<factory {getattr(self.factory, '__qualname__', self.factory)!r}>"


def same_class(a: Any, b: Any) -> bool:
    """`type(a) is type(b)` in the methods written here (compiled only)."""
    raise TypeError("same_class() is only meaningful inside compiled code")


def class_name(obj: Any) -> str:
    """`type(obj).__name__` in the methods written here (compiled only)."""
    raise TypeError("class_name() is only meaningful inside compiled code")


def class_qualname(obj: Any) -> str:
    """`type(obj).__qualname__` in the methods written here (compiled only)."""
    raise TypeError("class_qualname() is only meaningful inside compiled code")


def as_class(obj: Any, cls: type) -> Any:
    """obj seen as an instance of cls, which same_class() told it is
    (compiled only)."""
    raise TypeError("as_class() is only meaningful inside compiled code")


# ------------------------------------------------------------ the twin


def is_dataclass_type(cls: Any) -> bool:
    """A class @dataclass processed (not merely a subclass of one)."""
    return isinstance(cls, type) and "__dataclass_fields__" in cls.__dict__ and \
        "__pjx_dataclass__" not in cls.__dict__


def compiled_class(cls: type) -> Optional[type]:
    if not is_dataclass_type(cls):
        return cls
    twin = _TWINS.get(cls)
    if twin is None:
        # (its Python type, for instances compiled code hands to Python when
        # the class has no pyjitx.compile, is made as for any class compiled
        # along: pyjitx.classes.python_type_for, a subclass of cls)
        twin = _TWINS[cls] = _make_twin(cls)
    return twin


def original_of(twin: type) -> type:
    return twin.__dict__.get("__pjx_dataclass__", twin)


def params_of(cls: type) -> Any:
    return cls.__dict__.get("__dataclass_params__")


def _generated(member: Any) -> bool:
    # (3.13 wraps the generated __repr__ in reprlib.recursive_repr)
    inner = getattr(member, "__wrapped__", member)
    return isinstance(member, types.FunctionType) and \
        getattr(getattr(inner, "__code__", None), "co_filename", None) in _GENERATED_FILES


def _field_kind(f: dataclasses.Field) -> str:
    kind = getattr(f, "_field_type", None)
    return "initvar" if kind is dataclasses._FIELD_INITVAR else \
        "classvar" if kind is dataclasses._FIELD_CLASSVAR else "field"


def _make_twin(cls: type) -> type:
    from .classes import original_class

    params = params_of(cls)
    all_fields = list(cls.__dataclass_fields__.values())  # (InitVars and ClassVars too)
    fields = [f for f in all_fields if _field_kind(f) == "field"]
    own_annotations = cls.__dict__.get("__annotations__", {})
    ns: Dict[str, Any] = {}
    for name, member in cls.__dict__.items():
        if name in ("__dict__", "__weakref__") or inspect.ismemberdescriptor(member):
            continue
        if name in _GENERATED and _generated(member):
            continue  # written out below
        if name in own_annotations and name in cls.__dataclass_fields__ and \
                _field_kind(cls.__dataclass_fields__[name]) == "field":
            continue  # a field's default: __init__ assigns it
        ns[name] = member
    ns["__annotations__"] = {f.name: f.type for f in fields if f.name in own_annotations}
    ns["__pjx_dataclass__"] = cls
    scope = _scope(cls)
    methods = []
    if params.init and _generated(cls.__dict__.get("__init__")):
        methods.append(_init_source(cls, all_fields, params.frozen, scope))
    if params.repr and _generated(cls.__dict__.get("__repr__")):
        methods.append(_repr_source([f for f in fields if f.repr]))
    compared = [f for f in fields if f.compare]
    if params.eq and _generated(cls.__dict__.get("__eq__")):
        methods.append(_eq_source(compared))
    if params.order:
        for name, symbol in (("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"),
                             ("__ge__", ">=")):
            if _generated(cls.__dict__.get(name)):
                methods.append(_order_source(name, symbol, compared))
    if _generated(cls.__dict__.get("__hash__")):
        hashed = [f for f in fields if (f.compare if f.hash is None else f.hash)]
        methods.append(_hash_source(hashed))
    bases = tuple(original_class(b) or b if is_dataclass_type(b) else b for b in cls.__bases__)
    twin = type(cls)(cls.__name__, bases, ns)
    twin.__qualname__ = cls.__qualname__
    twin.__module__ = cls.__module__
    scope["__pjx_cls"] = twin
    for name in ("__eq__", "__lt__", "__le__", "__gt__", "__ge__"):
        # `other` is typed as in the method this one overrides (one vtable slot)
        scope[f"__pjx_other{name}"] = _overridden_class(twin, name)
    for source in methods:
        fn = _synthesised(cls, source, scope)
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
        if fn.__name__ == "__init__" and params.frozen:
            fn.__pjx_assigns_frozen__ = True  # (as CPython's, through object.__setattr__)
        setattr(twin, fn.__name__, fn)
    return twin


def _overridden_class(twin: type, name: str) -> type:
    """The topmost compiled base of twin that defines method `name` (twin
    itself if none does)."""
    from .classes import original_class

    found = twin
    for klass in twin.__mro__[1:]:
        if klass is object:
            break
        if isinstance(klass.__dict__.get(name), types.FunctionType):
            compiled = original_class(klass)
            if compiled is not None:
                found = compiled
    return found


def _scope(cls: type) -> Dict[str, Any]:
    module = inspect.getmodule(cls)
    scope = dict(vars(module)) if module is not None else {}
    scope.update(__pjx_same_class=same_class, __pjx_class_name=class_name,
                 __pjx_class_qualname=class_qualname, __pjx_as_class=as_class)
    return scope


def _synthesised(cls: type, source: str, scope: Dict[str, Any]) -> types.FunctionType:
    """A function from written source that inspect (and so the compiler)
    reads back (pyjitx.frontend.source.synthesised_function)."""
    from .source import synthesised_function

    name = source.split("(", 1)[0].split()[-1]
    return synthesised_function(name, source, scope)  # type: ignore[return-value]


def _init_source(cls: type, all_fields: List[dataclasses.Field], frozen: bool,
                 scope: Dict[str, Any]) -> str:
    positional, keyword, body = [], [], []
    for index, f in enumerate(all_fields):
        kind = _field_kind(f)
        if kind == "classvar":
            continue
        scope[f"__pjx_t{index}"] = _init_var_type(f.type) if kind == "initvar" else f.type
        if f.default_factory is not dataclasses.MISSING:
            scope[f"__pjx_d{index}"] = Factory(f.default_factory)
        elif f.default is not dataclasses.MISSING:
            scope[f"__pjx_d{index}"] = f.default
        has_default = f"__pjx_d{index}" in scope
        if f.init:
            text = f"{f.name}: __pjx_t{index}" + (f" = __pjx_d{index}" if has_default else "")
            (keyword if getattr(f, "kw_only", False) else positional).append(text)
            value = f.name
        elif has_default:  # not a parameter: the default (a factory's call) every time
            value = (f"__pjx_d{index}()" if isinstance(scope[f"__pjx_d{index}"], Factory)
                     else f"__pjx_d{index}")
        else:
            continue  # init=False without a default: unset until assigned
        if kind == "field":
            body.append(f"    self.{f.name} = {value}")
    if "__post_init__" in dir(cls):
        initvars = [f.name for f in all_fields if _field_kind(f) == "initvar"]
        body.append(f"    self.__post_init__({', '.join(initvars)})")
    params = ["self"] + positional + (["*"] + keyword if keyword else [])
    return f"def __init__({', '.join(params)}) -> None:\n" + "\n".join(body or ["    pass"]) + "\n"


def _init_var_type(annotation: Any) -> Any:
    """The type an InitVar[T] parameter takes: T (also from the text of a
    postponed annotation)."""
    if isinstance(annotation, str):
        text = annotation.strip()
        for prefix in ("InitVar[", "dataclasses.InitVar["):
            if text.startswith(prefix) and text.endswith("]"):
                return text[len(prefix):-1]
        return text
    return getattr(annotation, "type", annotation)


def _repr_source(fields: List[dataclasses.Field]) -> str:
    # f"{type(self).__qualname__}(a={self.a!r}, ...)", as CPython's
    parts = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in fields)
    return ("def __repr__(self) -> str:\n"
            f"    return __pjx_class_qualname(self) + f\"({parts})\"\n")


def _eq_source(fields: List[dataclasses.Field]) -> str:
    terms = " and ".join(f"self.{f.name} == that.{f.name}" for f in fields) or "True"
    return ("def __eq__(self, other: __pjx_other__eq__) -> bool:\n"
            "    if self is other:\n"
            "        return True\n"
            "    if not __pjx_same_class(self, other):\n"
            "        return False\n"  # (NotImplemented both ways: identity, which failed)
            "    that = __pjx_as_class(other, __pjx_cls)\n"
            f"    return {terms}\n")


def _tuple(name: str, fields: List[dataclasses.Field]) -> str:
    return "(" + "".join(f"{name}.{f.name}, " for f in fields) + ")"


def _order_source(name: str, symbol: str, fields: List[dataclasses.Field]) -> str:
    return (f"def {name}(self, other: __pjx_other{name}) -> bool:\n"
            "    if __pjx_same_class(self, other):\n"
            "        that = __pjx_as_class(other, __pjx_cls)\n"
            f"        return {_tuple('self', fields)} {symbol} {_tuple('that', fields)}\n"
            f"    raise TypeError(\"'{symbol}' not supported between instances of '\" + "
            "__pjx_class_name(self) + \"' and '\" + __pjx_class_name(other) + \"'\")\n")


def _hash_source(fields: List[dataclasses.Field]) -> str:
    return ("def __hash__(self) -> int:\n"
            f"    return hash({_tuple('self', fields)})\n")


# ------------------------------------------------------------ compiled code


def _twin_of_type(t: Type) -> Optional[type]:
    """The dataclass twin behind an instance type, or None."""
    if not isinstance(t, ClassType):
        return None
    from .classes import info_of_type

    pyclass = info_of_type(t).pyclass
    return pyclass if "__pjx_dataclass__" in pyclass.__dict__ else None


def frozen_assignment(b: "FunctionBuilder", info: Any, name: str, node: ast.AST) -> bool:
    """`obj.name = ...` on a frozen dataclass: raises FrozenInstanceError,
    as its __setattr__ does (True: the assignment is done with).  Its own
    __init__ and object.__setattr__ assign."""
    if getattr(b.pyfunc, "__pjx_assigns_frozen__", False) or getattr(b, "_pjx_unfrozen", False):
        return False
    current = info
    while current is not None:
        params = params_of(current.pyclass)
        if params is not None:
            fields = current.pyclass.__dataclass_fields__
            if params.frozen and (current is info or name in fields):
                from .stdclasses import raise_now

                raise_now(b, dataclasses.FrozenInstanceError,
                          ops.Constant(STR, f"cannot assign to field {name!r}"), node)
                return True
            return False
        current = current.base
    return False


def default_value(b: "FunctionBuilder", default: Any, node: ast.AST) -> Optional[ops.Value]:
    """An argument left out whose default is no constant: a dataclass
    field's factory, called for this call; a named tuple of constants."""
    if isinstance(default, Factory):
        return factory_value(b, default.factory, node)
    from .stdclasses import is_named_tuple_class

    if isinstance(default, tuple) and is_named_tuple_class(type(default)):
        from .expressions import constant_value
        from .namedtuples import _build, named_tuple_info

        items = [constant_value(v) for v in default]
        if all(item is not None for item in items):
            return _build(b, named_tuple_info(type(default)), items, node)  # type: ignore[arg-type]
    return None


def _fake_call(name: str, node: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=[])
    ast.copy_location(call, node)
    ast.copy_location(call.func, node)
    return call


def factory_value(b: "FunctionBuilder", factory: Any, node: ast.AST) -> ops.Value:
    """factory(): a built-in (list, dict, set, ...), a class, a function or
    a lambda, called with no arguments."""
    from . import calls, classes
    from .stdclasses import is_named_tuple_class

    name = getattr(factory, "__name__", "factory")
    handler = calls._BUILTINS.get(id(factory))
    if handler is not None:
        return handler(b, _fake_call(name, node), factory)
    # (a user class; the standard library's other containers are no compiled classes)
    pyclass = (classes.original_class(factory) if isinstance(factory, type) and not issubclass(
        factory, (list, dict, set, frozenset, tuple, str, bytes, int, float)) else None)
    if pyclass is not None:
        return classes.construct(b, _fake_call(name, node), pyclass)
    if is_named_tuple_class(factory):
        from .namedtuples import construct

        return construct(b, _fake_call(name, node), factory)
    if isinstance(factory, types.FunctionType):
        if factory.__name__ == "<lambda>":
            factory = _lambda_as_def(b, factory, node)
        return calls.user_call(b, _fake_call(name, node), factory)
    raise b.error(node, f"the default_factory {factory!r} cannot be called from compiled code",
                  hint="use a built-in container type, a class or a function of no arguments")


_LAMBDAS: Dict[Any, types.FunctionType] = {}


def _lambda_as_def(b: "FunctionBuilder", fn: types.FunctionType, node: ast.AST) -> types.FunctionType:
    """`field(default_factory=lambda: [1, 2])`: the lambda written out as a
    def of no parameters, which the compiler reads back."""
    made = _LAMBDAS.get(fn)
    if made is not None:
        return made
    code = fn.__code__
    found = None
    try:
        lines, _ = inspect.findsource(fn)
        tree = ast.parse("".join(lines))
        candidates = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
                      and n.lineno == code.co_firstlineno and not n.args.args]
        positions = [p for p in getattr(code, "co_positions", lambda: [])() if p[2] is not None]
        if len(candidates) > 1 and positions:
            # (several on the line: the one whose body holds this code's first position)
            first = positions[0]
            candidates = [n for n in candidates if (n.body.lineno, n.body.col_offset) <= first[::2]
                          and (n.body.end_lineno, n.body.end_col_offset) >= (first[1], first[3])]
        found = candidates[0] if len(candidates) == 1 else None
    except (OSError, TypeError, SyntaxError):
        found = None
    if found is None or code.co_freevars:
        raise b.error(node, "this default_factory lambda cannot be compiled",
                      hint="write the factory as a module-level def of no parameters")
    source = f"def __pjx_lambda():\n    return {ast.unparse(found.body)}\n"
    from .source import synthesised_function

    made = synthesised_function("__pjx_lambda", source, dict(fn.__globals__))
    made.__qualname__ = fn.__qualname__
    _LAMBDAS[fn] = made
    return made


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> Optional[ops.Value]:
    """Calls this module answers: a factory in a written __init__, the
    helpers of the written methods, object.__setattr__, and dataclasses'
    replace, asdict, astuple and is_dataclass."""
    if isinstance(target, Factory):
        return factory_value(b, target.factory, node)
    if target is same_class:
        a, other = (b.expr.value(arg) for arg in node.args)
        ids = [b.emit(ops.ClassIdOf(v, b.lineno(node)))
               for v in (a, other)]
        return b.emit(ops.Compare("eq", ids[0], ids[1]))
    if target is class_name or target is class_qualname:
        return _runtime_class_text(b, b.expr.value(node.args[0]), node,
                                   "__name__" if target is class_name else "__qualname__")
    if target is as_class:
        from .classes import info_for

        value = b.expr.value(node.args[0])
        cls = b.lookup_global(node.args[1].id, node.args[1])  # type: ignore[attr-defined]
        return b.emit(ops.OptionalOp("wrap", value, info_for(cls).type))  # (the same instance)
    if target is object.__setattr__:
        return _object_setattr(b, node)
    if target is dataclasses.replace:
        return _replace(b, node)
    if target is dataclasses.asdict or target is dataclasses.astuple:
        if len(node.args) != 1 or node.keywords:
            raise b.error(node, f"{target.__name__}() takes one dataclass instance here")
        value = b.expr.value(node.args[0])
        if _twin_of_type(value.type) is None:
            raise b.error(node.args[0], f"{target.__name__}() should be called on dataclass "
                          f"instances, not {with_article(value.type)}")
        from .dataclass_convert import convert

        return convert(b, value, node, as_dict=target is dataclasses.asdict)
    if target is dataclasses.is_dataclass:
        if len(node.args) != 1 or node.keywords:
            raise b.error(node, "is_dataclass() takes one argument")
        from .stdclasses import named_class

        cls = named_class(b, node.args[0])
        if cls is not None:
            return ops.Constant(BOOL, dataclasses.is_dataclass(cls))
        value = b.expr.value(node.args[0])
        return ops.Constant(BOOL, _twin_of_type(value.type) is not None)
    return None


def _runtime_class_text(b: "FunctionBuilder", value: ops.Value, node: ast.AST,
                        attribute: str) -> ops.Value:
    """type(value).__name__ (or __qualname__) of an instance: its class, of
    the classes known to derive from its static one."""
    from .classes import info_of_type, original_class, user_subclasses
    from .stdclasses import select

    pyclass = info_of_type(value.type).pyclass  # type: ignore[arg-type]
    own = getattr(original_of(pyclass), attribute)
    cases = []
    for sub in user_subclasses(original_of(pyclass)):
        compiled = original_class(sub)
        if compiled is not None and compiled is not pyclass:
            from .classes import info_for

            cases.append((info_for(compiled).type.class_id, ops.Constant(STR, getattr(sub, attribute))))
    if not cases:
        return ops.Constant(STR, own)
    class_id = b.emit(ops.ClassIdOf(value, b.lineno(node)))
    return select(b, class_id, cases, ops.Constant(STR, own))


def _object_setattr(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    """object.__setattr__(obj, "name", value): assigns even a frozen field."""
    from .classes import set_attribute

    if len(node.args) != 3 or node.keywords or not (
            isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
        raise b.error(node, "object.__setattr__() takes an instance, an attribute name written "
                      "as a string and a value here")
    obj = b.expr.value(node.args[0])
    if not isinstance(obj.type, ClassType):
        raise b.error(node.args[0], f"object.__setattr__() of {with_article(obj.type)}")
    value = b.expr.value(node.args[2])
    b._pjx_unfrozen = True  # type: ignore[attr-defined]
    try:
        set_attribute(b, obj, node.args[1].value, value, node)
    finally:
        b._pjx_unfrozen = False  # type: ignore[attr-defined]
    return ops.Constant(ops.NONE, None)


def _bind(b: "FunctionBuilder", values: Dict[str, ops.Value]) -> Dict[str, str]:
    """Names for computed values, to use them as arguments of a made-up call."""
    names = {}
    for field, value in values.items():
        name = f".dc{b.next_loop_id()}"
        b.lambda_bindings[name] = value
        names[field] = name
    return names


def _replace(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    """dataclasses.replace(obj, **changes): a new instance of obj's class
    (its run-time class, among those known) with obj's init fields and the
    changes."""
    from . import classes
    from .stdclasses import raise_now

    if len(node.args) != 1:
        raise b.error(node, "replace() takes the instance positionally and the changes as "
                      "keywords")
    obj = b.expr.value(node.args[0])
    twin = _twin_of_type(obj.type)
    if twin is None:
        raise b.error(node.args[0], "replace() should be called on dataclass instances, not "
                      f"{with_article(obj.type)}")
    changes = {kw.arg: b.expr.value(kw.value) for kw in node.keywords}  # (no **: refused before)
    info = classes.info_for(twin)
    targets = [twin] + [classes.original_class(s) for s in classes.user_subclasses(original_of(twin))
                        if is_dataclass_type(s)]
    result = f".replace{b.next_loop_id()}"
    after = b.new_block("replaced")
    for index, target in enumerate(reversed(targets)):  # most derived first
        last = index == len(targets) - 1
        if not last:
            is_it = b.emit(ops.InstanceOf(obj, classes.info_for(target).type, b.lineno(node)))
            this, other = b.new_block("replace"), b.new_block("replace_next")
            b.branch(is_it, this, other)
            b.seal(this)
            b.seal(other)
            b.start(this)
        seen = b.expr.coerce(obj, classes.info_for(target).type, node) if target is not twin else obj
        arguments: Dict[str, ops.Value] = {}
        for f in target.__dataclass_fields__.values():
            kind = _field_kind(f)
            if kind == "classvar":
                continue
            if not f.init:
                if f.name in changes:
                    raise_now(b, ValueError, ops.Constant(
                        STR, f"field {f.name} is declared with init=False, it cannot be "
                             "specified with replace()"), node)
                continue
            if f.name in changes:
                arguments[f.name] = changes[f.name]
            elif kind == "initvar":
                if f.default is dataclasses.MISSING:
                    raise_now(b, ValueError, ops.Constant(
                        STR, f"InitVar {f.name!r} must be specified with replace()"), node)
            else:
                arguments[f.name] = classes.get_attribute(
                    b, seen, ast.copy_location(ast.Attribute(value=node.args[0], attr=f.name,
                                                             ctx=ast.Load()), node))
        unknown = set(changes) - set(target.__dataclass_fields__)
        if unknown:
            name = sorted(unknown)[0]
            raise b.error(node, f"{original_of(target).__name__}.__init__() got an unexpected "
                          f"keyword argument '{name}'")
        names = _bind(b, arguments)
        call_node = ast.Call(func=ast.Name(id=original_of(target).__name__, ctx=ast.Load()),
                             args=[], keywords=[ast.keyword(arg=f, value=ast.Name(id=n, ctx=ast.Load()))
                                                for f, n in names.items()])
        ast.fix_missing_locations(ast.copy_location(call_node, node))
        for sub in ast.walk(call_node):
            ast.copy_location(sub, node)
        try:
            made = classes.construct(b, call_node, target)
        finally:
            for n in names.values():
                b.lambda_bindings.pop(n, None)
        b.write_var(result, b.expr.coerce(made, info.type, node), node)
        b.goto(after)
        if not last:
            b.start(other)
    b.seal(after)
    b.start(after)
    return b.read_var(result, node)
