"""The values the interpreter computes with, and the one binder of targets and arguments.

The value domain: Python constants and containers, symbolic integers (``symbolic.Expr``),
tensors with (partly) known shapes (``facts.graph.Tensor``: one tensor type, the graph's too),
layer instances, weights, the module's own functions, and ``UNKNOWN``. Anything not understood
becomes ``UNKNOWN``, never an error, so a count built from these values is either certain or says
it is not. Every walker binds assignment targets with ``bind_target`` and call arguments with
``bind_parameters``; how far they follow code is ``limits.LIMITS``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..facts.graph import Tensor
from .symbolic import Expr


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(eq=False, slots=True)
class SymbolicShape:
    """``input_shape`` in a symbolic ``build``: rank unknown, ``[-1]`` is ``in``."""

    last: str = "in"

    def item(self, index: int):
        if index == -1:
            return Expr.sym(self.last)
        if index == 0:
            return None  # the batch axis
        return Expr.sym(f"d{index}") if index > 0 else UNKNOWN


@dataclass(eq=False, slots=True)
class LayerValue:
    """A layer instance created in code we evaluate: its class and bound arguments."""

    ref: str  # canonical Keras name or a class name of the analysed file
    args: list
    kwargs: dict
    node: ast.Call | None = None
    attr: str | None = None  # the self attribute holding it
    input_shapes: list = field(default_factory=list)  # shapes it was called (or built) with
    extra_shapes: list = field(default_factory=list)  # per call: shapes of further positional tensors
    build_keywords: dict = field(default_factory=dict)  # its first call's tensor keywords build() takes: ``{"encoder_sequence_shape": (None, 8, 16)}``
    wrapped: LayerValue | None = None
    changes: list[str] = field(default_factory=list)  # why its weights may differ from what it was made with
    maybe_unbuilt: bool = False  # first called or built on a path that may not run: its weights, or none
    quantized: list = field(default_factory=list)  # the `quantize.Quantization`s applied to it, in order
    trainable_later: object = None  # `layer.trainable = ...` once it is made (None: never set)


@dataclass(eq=False, slots=True)
class WeightValue:
    """An ``add_weight`` result: its shape and trainability, as far as known."""

    name: str
    shape: object  # tuple of dims, or UNKNOWN
    trainable: object  # bool or UNKNOWN
    node: ast.Call
    conditional: bool = False


@dataclass(eq=False, slots=True)
class FunctionValue:
    """A function of the module (``def width(i): ...``), run by the interpreter where it is called;
    ``globals``: the module values it reads (the names the module binds once)."""

    node: ast.FunctionDef
    globals: Mapping[str, object]


def is_known(value) -> bool:
    return value is not UNKNOWN


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Expr) and value.is_const:
        return value.value
    return None


# what Python raises on user values (``1 // 0``, ``[][1]``, ``{}["k"]``, ``range(0, 3, 0)``, ``"a" - 1``):
# the user's code would raise there, so the value is not known; any other exception is a defect
USER_CODE_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError)
NOT_A_LITERAL = (ValueError, TypeError, SyntaxError, MemoryError, RecursionError)

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


def arithmetic(op: ast.operator, left, right):
    function = _BINOPS.get(type(op))
    if function is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, Expr) or isinstance(right, Expr):
        if type(op) not in (ast.Add, ast.Sub, ast.Mult):
            known_left, known_right = as_int(left), as_int(right)
            return function(known_left, known_right) if known_left is not None and known_right is not None and known_right != 0 else UNKNOWN
        left = left if isinstance(left, Expr) else Expr.const(left) if isinstance(left, int) and not isinstance(left, bool) else None
        right = right if isinstance(right, Expr) else Expr.const(right) if isinstance(right, int) and not isinstance(right, bool) else None
        if left is None or right is None:
            return UNKNOWN
    try:
        return function(left, right)
    except USER_CODE_ERRORS:  # `1 // 0`, `"a" - 1`: the user's code raises here, so the value is not known
        return UNKNOWN


def compare(op: ast.cmpop, left, right):
    function = _COMPARE.get(type(op))
    if function is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, Expr | Tensor | LayerValue) or isinstance(right, Expr | Tensor | LayerValue):
        if type(op) in (ast.Is, ast.IsNot) and (left is None or right is None):
            return function(left, right)
        return UNKNOWN
    try:
        return function(left, right)
    except TypeError:  # `"a" < 1` raises in the user's code
        return UNKNOWN


def truth(value) -> bool | None:
    """Python truthiness when known."""
    if not is_known(value) or isinstance(value, Expr | Tensor | SymbolicShape):
        return None
    if isinstance(value, LayerValue | WeightValue):
        return True
    return bool(value)  # a Python constant, range or container


def subscript(container, index):
    if isinstance(container, SymbolicShape):
        position = as_int(index)
        return container.item(position) if position is not None else UNKNOWN
    if isinstance(container, Tensor):
        return UNKNOWN  # the interpreter shapes tensor slices (tensor_ops.indexed)
    if isinstance(container, tuple | list | str | dict) and is_known(index):
        try:
            return container[index]
        except USER_CODE_ERRORS:  # out of range, a missing key, an index of the wrong type
            return UNKNOWN
    return UNKNOWN


def unpacked(value, targets: list[ast.expr]) -> list:
    """The items ``a, *rest, b = value`` binds, in target order (``rest`` gets a list)."""
    starred = [index for index, target in enumerate(targets) if isinstance(target, ast.Starred)]
    if not isinstance(value, tuple | list) or len(starred) > 1 or len(value) < len(targets) - len(starred):
        return [UNKNOWN] * len(targets)
    if not starred:
        return list(value) if len(value) == len(targets) else [UNKNOWN] * len(targets)
    at, after = starred[0], len(targets) - starred[0] - 1
    return [*value[:at], list(value[at : len(value) - after]), *value[len(value) - after :]]


def literal(node: ast.expr | None, immutable: bool = False):
    """The value of a constant expression (a signature default, a class-body constant), or UNKNOWN;
    ``immutable``: only numbers, strings, bools, None and tuples of them, a value no code can change."""
    try:
        value = ast.literal_eval(node) if node is not None else UNKNOWN
    except NOT_A_LITERAL:
        return UNKNOWN
    return value if not immutable or is_plain(value) else UNKNOWN


def is_plain(value) -> bool:
    """A number, string, bool, None or a tuple of them: a value no code can change."""
    if isinstance(value, tuple):
        return all(map(is_plain, value))
    return value is None or isinstance(value, int | float | str | bool)


def is_data(value, seen: frozenset = frozenset()) -> bool:
    """Plain data: what ``is_plain`` accepts, ranges, and lists, tuples and dicts of plain data
    (no layer, tensor, weight or unknown inside)."""
    if id(value) in seen:
        return False  # a list that holds itself
    if isinstance(value, list | tuple | dict):
        inner = seen | {id(value)}
        return all(is_data(item, inner) for item in (value.values() if isinstance(value, dict) else value))
    return isinstance(value, range) or is_plain(value)


def value_key(value) -> tuple | None:
    """A hashable stand-in for plain data (numbers, strings, None, UNKNOWN, symbolic sizes, and
    tuples, lists and dicts of them), each value tagged with its type, so ``1``, ``1.0`` and ``True``
    differ; None for anything else (a layer, a tensor, a list that holds itself)."""
    return _key(value, set())


def _key(value, enclosing: set[int]) -> tuple | None:
    """``value_key``; ``enclosing``: the ids of the containers ``value`` is inside (a container among
    them holds itself), added while their items are keyed."""
    kind = type(value)
    if kind in _KEYED or value is UNKNOWN:
        return (kind, value)
    if kind not in (tuple, list, dict) or id(value) in enclosing:
        return None
    enclosing.add(id(value))
    items = []
    for item in value.items() if kind is dict else value:  # a loop, not a generator: most items are plain
        item_kind = type(item)
        key = (item_kind, item) if item_kind in _KEYED or item is UNKNOWN else _key(item, enclosing)
        if key is None:
            return None  # and so is the key of every container around it
        items.append(key)
    enclosing.discard(id(value))
    return (kind, tuple(items))


_KEYED = frozenset({int, float, str, bool, Expr, type(None)})  # values that are their own key, with their type


def copied(value, memo: dict | None = None):
    """A copy of the lists and dicts in ``value``: what a run of user code may change in place."""
    if not isinstance(value, list | dict | tuple):
        return value
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, list):
        memo[id(value)] = copy = []
        copy.extend(copied(item, memo) for item in value)
        return copy
    if isinstance(value, dict):
        memo[id(value)] = copy = {}
        copy.update((key, copied(item, memo)) for key, item in value.items())
        return copy
    if isinstance(value, tuple):
        return tuple(copied(item, memo) for item in value)
    return value


class ReadThrough(Mapping):
    """The names of ``values``, each value as it is there; subclasses read each through something."""

    __slots__ = ("values",)

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


class CopiedOnRead(ReadThrough):
    """Values read through copies (``copied``): code that changes what it reads changes no value here."""

    __slots__ = ()

    def __getitem__(self, name: str) -> object:
        return copied(self.values[name])


def bind_parameters(params: ast.arguments, args: list | None, kwargs: dict | None, default, unknown=UNKNOWN, skip_first: bool = False) -> dict:
    """The one binder of call arguments to a function's parameters: positional, keyword, defaults
    (``default(node)`` gives a default's value), ``*args``, ``**kwargs`` and keyword-only.
    ``args`` None: the arguments are not known, every parameter is ``unknown``; ``skip_first``
    drops ``self``."""
    positional = [*params.posonlyargs, *params.args] if params.posonlyargs else params.args
    if skip_first:
        positional = positional[1:]
    if args is None:
        return dict.fromkeys(parameter_names(params)[1 if skip_first and (params.posonlyargs or params.args) else 0 :], unknown)
    kwargs = kwargs or {}
    env: dict[str, object] = {}
    given = len(args)
    first_default = len(positional) - len(params.defaults)
    for index, param in enumerate(positional):
        name = param.arg
        if index < given:
            env[name] = args[index]
        elif name in kwargs:
            env[name] = kwargs[name]
        elif index >= first_default:
            env[name] = default(params.defaults[index - first_default])
        else:
            env[name] = unknown
    if params.kwonlyargs:
        for param, node in zip(params.kwonlyargs, params.kw_defaults):
            env[param.arg] = kwargs[param.arg] if param.arg in kwargs else default(node) if node is not None else unknown
    if params.vararg:
        env[params.vararg.arg] = tuple(args[len(positional) :])
    if params.kwarg and not kwargs:
        env[params.kwarg.arg] = {}
    elif params.kwarg:
        named = {param.arg for param in [*positional, *params.kwonlyargs]}
        env[params.kwarg.arg] = {key: value for key, value in kwargs.items() if key not in named}
    return env


def parameter_names(params: ast.arguments) -> list[str]:
    """Every name a function's parameters bind, in signature order (``*args``, ``**kwargs`` last)."""
    return [param.arg for param in [*params.posonlyargs, *params.args, *params.kwonlyargs, *filter(None, [params.vararg, params.kwarg])]]


def bound_names(node: ast.AST) -> list[str]:
    """The names a statement binds in its own scope: assignment and loop targets, walruses, imports,
    ``except ... as``, ``match`` captures, and the names of functions and classes it defines (not what
    they bind inside)."""
    names, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(current.name)
            continue
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Store):
            names.append(current.id)
        elif isinstance(current, ast.alias):
            names.append((current.asname or current.name).split(".")[0])
        elif isinstance(current, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and current.name:
            names.append(current.name)
        elif isinstance(current, ast.MatchMapping) and current.rest:
            names.append(current.rest)
        stack.extend(ast.iter_child_nodes(current))
    return names


def bind_target(target: ast.expr, value, bind_leaf) -> None:
    """The one binder of assignment targets: ``a, (b, *rest), self.x, d[k] = value`` destructures
    tuples and lists (starred, nested) and hands each leaf target and its value to ``bind_leaf``."""
    if isinstance(target, ast.Tuple | ast.List):
        for element, item in zip(target.elts, unpacked(value, target.elts)):
            bind_target(element.value if isinstance(element, ast.Starred) else element, item, bind_leaf)
    elif isinstance(target, ast.Starred):
        bind_target(target.value, value, bind_leaf)
    else:
        bind_leaf(target, value)
