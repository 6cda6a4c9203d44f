"""Runs a layer class's ``__init__``, ``build`` and ``call`` over the abstract values of
``evaluate``: which weights and sublayers Keras would track, with which shapes, and
what ``call`` returns. Straight-line code, known ``if`` branches, ``for`` over known
ranges and helper methods are followed; anything else makes the result uncertain. The
statements are walked by the one walker (``walker.StatementWalker``); this supplies its hooks.

It is the one evaluator of expressions: module code and the module's functions are evaluated by it
too, in the graph reader (``graph_reader._GraphCase``, a subclass whose handlers for calls,
operators, conditional expressions and subscripts are the graph case), and plain values at a
position (``scopes.ScopeValues.value``) by an instance of its own.
"""

from __future__ import annotations

import ast
import math
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..facts.classes import ModuleFacts, Phase, TargetKind, WeightKind
from ..facts.library import function_home, layer_class_home
from ..names.imports import Flavor
from ..names.keras_names import ATTENTION_INPUTS, SEQUENTIAL, SINGLE_INPUT_ATTENTION, WEIGHT_KEEPING_METHODS, is_weight_free
from ..source import name_bindings, per_node
from . import layer_table as builtin_layers
from .limits import LIMITS
from .shapes import BUILD_PARAMETERS, MADE_FROM_NUMBERS, indexed, made_shape, shape_function
from .symbolic import Expr
from .walker import StatementWalker
from .values import (
    UNKNOWN,
    USER_CODE_ERRORS,
    CopiedOnRead,
    FunctionValue,
    LayerValue,
    SymbolicShape,
    Tensor,
    WeightValue,
    arithmetic,
    as_int,
    bind_parameters,
    bind_target,
    bound_names,
    copied,
    compare,
    is_data,
    is_known,
    literal,
    subscript,
    truth,
)

KERAS_OR_TF = ("keras.", "tensorflow.")
_KEPT_ON_SELF = (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER)
KERAS_INPUTS = frozenset({"keras.Input", "keras.layers.Input"})
MODEL_INITS = frozenset({"keras.Model.__init__", "keras.models.Model.__init__"})

# List and dict methods the evaluator runs on the evaluated container; the ones that change it
# must run exactly, since Keras tracks (and untracks) the layers such containers hold on `self`.
READING_METHODS = {list: {"index", "count", "copy"}, dict: {"get", "items", "keys", "values", "copy"}}
CHANGING_METHODS = {
    list: {"append", "extend", "insert", "pop", "remove", "clear", "reverse"},
    dict: {"pop", "popitem", "clear", "update", "setdefault"},
}

KERAS3_ADD_WEIGHT = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer", "constraint", "aggregation", "overwrite_with_gradient", "name")
KERAS2_ADD_WEIGHT = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
ELEMENTWISE_PREFIXES = ("tensorflow.nn.", "tensorflow.math.", "keras.activations.", "keras.ops.", "tensorflow.")
SHAPE_PRESERVING = frozenset(
    {"relu", "sigmoid", "tanh", "gelu", "softmax", "silu", "swish", "elu", "selu", "exp", "log", "sqrt", "square", "abs",
     "add", "subtract", "multiply", "divide", "maximum", "minimum", "cast", "identity", "dropout", "leaky_relu", "softplus",
     "negative", "rsqrt", "erf", "stop_gradient", "convert_to_tensor", "clip_by_value", "clip"}
)
MATMUL = frozenset({"tensorflow.matmul", "tensorflow.linalg.matmul", "keras.ops.matmul", "numpy.matmul", "keras.ops.dot"})
# the axis each concatenation takes when none is given (None: it must be given)
CONCAT = {"tensorflow.concat": None, "keras.ops.concatenate": 0, "keras.layers.concatenate": -1, "numpy.concatenate": 0}
TENSOR_FROM_SHAPE = frozenset(
    {"tensorflow.zeros", "tensorflow.ones", "tensorflow.random.normal", "tensorflow.random.uniform", "tensorflow.random.truncated_normal",
     "keras.ops.zeros", "keras.ops.ones", "keras.random.normal", "keras.random.uniform", "numpy.zeros", "numpy.ones"}
)


class Uncertain(Exception):
    """Raised to give up on a whole evaluation with a reason."""


@dataclass(slots=True)
class Outcome:
    """What running a class produced."""

    weights: list[WeightValue] = field(default_factory=list)  # from add_weight / tracked variables
    sublayers: list[LayerValue] = field(default_factory=list)  # tracked, in creation order
    output: object = UNKNOWN
    doubts: list[str] = field(default_factory=list)  # why the result may be incomplete


class Interpreter(StatementWalker):
    """Evaluates one class instance: ``self`` attributes live in ``self.attrs``. Its frames are
    environments of abstract values; what is created in a block that may not run makes the
    evaluation give up (``Uncertain``). ``expr`` is where an expression is dispatched by node type,
    to the ``_expr_*`` handlers of the class (a subclass's own, where it has them: the graph
    reader's graph case, ``graph_reader._GraphCase``)."""

    EXPRESSIONS: dict[type, object]  # node type -> its handler, per class

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.EXPRESSIONS = _handlers(cls)

    def __init__(self, module: ModuleFacts, class_name: str | None, flavor: Flavor, depth: int = 0, module_values: Mapping[str, object] | None = None) -> None:
        """``class_name`` None: evaluate module-level expressions only. ``module_values``: the plain
        values of the module's names that its methods read (``ScopeValues.constants``)."""
        self.module = module
        self.module_values = CopiedOnRead(module_values if module_values is not None else {})
        self.facts = module.classes.get(class_name) if class_name else None
        self._chain: list | None = None  # ``_mro``
        self.flavor = flavor
        self.depth = depth
        self.attrs: dict[str, object] = {}
        self.running: list[ast.FunctionDef] = []  # the functions being evaluated, innermost last
        self.outcome = Outcome()
        self.created_layers: list[LayerValue] = []
        self.conditional = 0
        self.returned_on_some_path: list[list] = []  # per function running: what returns in blocks that may not run give
        self.built_on_some_path: dict[int, LayerValue] = {}  # sublayers whose first call or build may not run
        self.builtin_base: LayerValue | None = None
        self.init_trainable: object = True  # the ``trainable`` Keras' own ``__init__`` is given
        # ``super().__init__(inputs=..., outputs=...)`` met in the constructor: the model is functional,
        # built when constructed; True only when that call ran on every path
        self.functional_init: bool | None = None
        self.functional_inputs: object = UNKNOWN  # the inputs and outputs it was given
        self.functional_outputs: object = UNKNOWN
        # the tensors of this evaluation: which layer call made each (the layer and the tensors it
        # was given), and the ``keras.Input`` ones, by id (each kept alive with its id)
        self.producers: dict[int, tuple[Tensor, LayerValue, list[Tensor] | None]] = {}  # None: given something else too
        self.inputs: dict[int, Tensor] = {}
        self.symbolic = False  # set while a functional model's constructor runs: tensors are symbolic, calls on them build its graph
        # which creation calls ran, and which were skipped on a decided path: a creation
        # site in neither set was not followed, so a count without it is not exact
        self.evaluated: set[int] = set()
        self.skipped: set[int] = set()
        self.invoked: set[int] = set()

    # -- entry points ------------------------------------------------------------------
    def construct(self, args: list, kwargs: dict) -> None:
        init = self._method("__init__")
        if init is not None:
            self._invoke(init, args, kwargs)
            return
        self.init_trainable = kwargs.get("trainable", True)
        base = _builtin_base(self.facts, self.module) if self.facts else None
        if base is not None:  # the built-in's own __init__ takes the arguments
            self.builtin_base = LayerValue(base, args, _layer_kwargs(kwargs))

    def build(self, input_shape, extra_shapes: list | tuple = (), keywords: dict | None = None) -> None:
        """``extra_shapes``: a layer called with several tensors gets each one's shape (Keras 3)."""
        build = self._method("build")
        if build is not None:
            self._invoke(build, [input_shape, *extra_shapes], dict(keywords or {}))
        elif self.builtin_base is not None:
            spec = builtin_layers.lookup(self.builtin_base.ref)
            several = spec is not None and spec.multi_input and extra_shapes
            self.builtin_base.input_shapes.append([input_shape, *extra_shapes] if several else input_shape)

    def call(self, inputs: list, keywords: dict | None = None) -> object:
        """``keywords``: the shapes of tensors given by keyword, as ``build`` takes them (``encoder_sequence_shape``)."""
        call = self._method("call")
        if call is None:
            if self.builtin_base is not None:
                return _apply_builtin(self.builtin_base, inputs, self.flavor)
            return UNKNOWN
        given = {name.removesuffix("_shape"): _tensor(shape) for name, shape in (keywords or {}).items() if isinstance(shape, tuple)}
        return self._invoke(call, inputs, given)

    def tracked_sublayers(self) -> list[LayerValue]:
        found: list[LayerValue] = []
        seen: set[int] = set()
        for value in self.attrs.values():
            _collect_layers(value, found, seen)
        return found

    def _method(self, name: str) -> ast.FunctionDef | None:
        for facts in self._mro():
            if name in facts.methods:
                return facts.methods[name]
        return None

    def _mro(self):
        """The class and its bases of this file, nearest first: found once (every method lookup reads it)."""
        if self._chain is None:
            chain = [self.facts] if self.facts is not None else []
            index = 0
            while index < len(chain):
                for base in chain[index].local_bases:
                    if base in self.module.classes and self.module.classes[base] not in chain:
                        chain.append(self.module.classes[base])
                index += 1
            self._chain = chain
        return self._chain

    # -- functions -----------------------------------------------------------------------
    def _invoke(self, function: ast.FunctionDef, args: list, kwargs: dict) -> object:
        """A method: its parameters, then the module's names (read through copies: a method that
        changes a module list changes no value of the module's own)."""
        return self._run(function, ChainMap(self._bind(function, args, kwargs), self.module_values))

    def call_function(self, function: FunctionValue, args: list, kwargs: dict):
        """A function of the module called with these arguments: what it returns, when that is plain
        data (``is_data``) and every path it took was known; else UNKNOWN. It runs on copies of its
        arguments and of the module values it reads, so it changes no value outside it."""
        env = ChainMap(bind_parameters(function.node.args, copied(args), copied(kwargs), self._default), CopiedOnRead(function.globals))
        try:
            result = self._run(function.node, env)
        except Uncertain:  # recursion too deep, a loop left on an unknown path, a raise: not followed
            return UNKNOWN
        return result if is_data(result) else UNKNOWN

    def _run(self, function: ast.FunctionDef, env: dict) -> object:
        """What the function returns: the value of the return that ends it, when every return met
        on a path that may not run gave the same (``x`` of a known shape on both paths); else UNKNOWN."""
        if not LIMITS.enters_call(self.depth):
            raise Uncertain("calls nest too deeply")
        self.invoked.add(id(function))
        self.depth += 1
        self.running.append(function)
        self.returned_on_some_path.append([])
        conditional = self.conditional
        try:
            self.block(function.body, env)
            result = None
        except _Return as done:
            result = done.value
        finally:
            self.depth -= 1
            self.running.pop()
            self.conditional = conditional
            others = self.returned_on_some_path.pop()
        return result if not others or all(_same_result(other, result) for other in others) else UNKNOWN

    def _bind(self, function: ast.FunctionDef, args: list, kwargs: dict) -> dict:
        return bind_parameters(function.args, args, kwargs, self._default, skip_first=True)  # a method: drop self

    def _default(self, node: ast.expr):
        value = literal(node)
        return value if is_known(value) else self.expr(node, {})

    # -- statements: the hooks of the one walker (``walker.StatementWalker``) ---------------
    def assign(self, stmt: ast.Assign, env: dict) -> None:
        made = len(self.created_layers)
        value = self.expr(stmt.value, env)
        if value is UNKNOWN and any(_is_self_attr(target) for target in stmt.targets):
            self._doubt_unknown_object(stmt.value)
            if len(self.created_layers) > made:  # `self.parts = {key(i): Dense(n) ...}` with a key not known
                self._doubt(f"line {stmt.lineno}: layers made here are stored in a value that is not followed")
        for target in stmt.targets:
            self._assign(target, value, env)

    def annotated_assign(self, stmt: ast.AnnAssign, env: dict) -> None:
        self._assign(stmt.target, self.expr(stmt.value, env), env)

    def augmented_assign(self, stmt: ast.AugAssign, env: dict) -> None:
        current = self.expr(stmt.target, env)
        self._assign(stmt.target, self._binop(stmt.op, current, self.expr(stmt.value, env)), env)

    def expression(self, node: ast.expr, env: dict) -> None:
        self.expr(node, env)

    def return_(self, stmt: ast.Return, env: dict) -> None:
        raise _Return(self.expr(stmt.value, env) if stmt.value is not None else None)

    def jump_or_delete(self, stmt: ast.Raise | ast.Break | ast.Continue | ast.Delete, env: dict) -> None:
        if isinstance(stmt, ast.Raise):
            raise _Raise("the code raises on this path")
        if isinstance(stmt, ast.Break):
            raise _Break
        if isinstance(stmt, ast.Continue):
            raise _Continue
        for target in stmt.targets:
            self._delete(target, env)

    def _delete(self, target: ast.expr, env: dict) -> None:
        """Keras stops tracking what ``del`` takes off ``self`` or out of a tracked list or dict."""
        if isinstance(target, ast.Name):
            env.pop(target.id, None)
            return
        try:
            if isinstance(target, ast.Attribute) and _is_self(target.value):
                del self.attrs[target.attr]
                return
            if isinstance(target, ast.Subscript):
                container, key = self.expr(target.value, env), self.expr(target.slice, env)
                if isinstance(container, dict | list) and is_known(key):
                    del container[key]
                    return
        except (KeyError, IndexError, TypeError):
            pass
        raise Uncertain(f"line {target.lineno}: `del {ast.unparse(target)}` is not followed")

    def decide(self, test: ast.expr, env: dict) -> bool | None:
        return truth(self.expr(test, env))

    def _doubt_unknown_object(self, value: ast.expr) -> None:
        """``self.x = thing(...)`` where ``thing`` is code that was not followed (this file's or a
        library's) may hold weights; a Keras or TensorFlow name is doubted where it is called."""
        if not isinstance(value, ast.Call):
            return
        ref = self._ref(value.func)
        if ref is None or not (is_weight_free(ref) or ref.startswith(KERAS_OR_TF)):
            self._doubt(f"line {value.lineno}: `{ast.unparse(value.func)}(...)` is not known; it may create weights")

    def _doubt(self, reason: str) -> None:
        if reason not in self.outcome.doubts:
            self.outcome.doubts.append(reason)

    def _not_modelled(self, node: ast.Call, ref: str | None):
        """The value of a call that is not followed: unknown, and a doubt on the count when the
        callee is a Keras or TensorFlow name that is not known to create no weights (a library's own
        function is doubted where its result is stored on the layer)."""
        if ref is not None and ref.startswith(KERAS_OR_TF) and not is_weight_free(ref):
            self._doubt(f"line {node.lineno}: `{ast.unparse(node.func)}(...)` is not modelled; it may create weights")
        return UNKNOWN

    def skip(self, *nodes: ast.AST) -> None:
        self.skipped.update(id(inner) for node in nodes for inner in ast.walk(node) if isinstance(inner, ast.Call))

    def unfollowed_sites(self) -> list[ast.Call]:
        """Creation calls in methods that ran but that the evaluation did not follow."""
        missed = []
        followed = self.evaluated | self.skipped
        for facts in self._mro():
            ran = {name for name, function in facts.methods.items() if id(function) in self.invoked}
            missed += [site.call for site in facts.weights if site.method in ran and site.kind is not WeightKind.TENSOR and id(site.call) not in followed]
            missed += [site.call for site in facts.sublayers if site.method in ran and site.target.kind in _KEPT_ON_SELF and id(site.call) not in followed]
        return missed

    def uncertain_block(self, body: list[ast.stmt], env: dict, why: str) -> None:
        """A block that may run or not (or run several times): what it creates makes the result
        uncertain, and a name or ``self`` attribute it changes is unknown after it."""
        before = len(self.outcome.weights), len(self.created_layers)
        names = {name: env.get(name, _UNBOUND) for stmt in body for name in bound_names(stmt)}
        attrs = dict(self.attrs)
        self.conditional += 1
        returned = False
        try:
            self.block(body, env)
        except _Return as done:
            self.returned_on_some_path[-1].append(done.value)
            returned = True
        except (_Break, _Continue):  # the loop around it may stop here or go on
            raise Uncertain(f"a loop is left under {why}") from None
        except _Raise:  # a path that raises is not the one a working model takes
            del self.outcome.weights[before[0]:], self.created_layers[before[1]:]
            _restore(env, names, names)
            _restore(self.attrs, attrs, {*attrs, *self.attrs})
        finally:
            self.conditional -= 1
        self.conditional += returned  # the rest of the function runs on some paths only (``_run`` ends it)
        if (len(self.outcome.weights), len(self.created_layers)) != before:
            raise Uncertain(f"weights or layers are created under {why}")
        _forget_changed(env, names, names)
        _forget_changed(self.attrs, attrs, {*attrs, *self.attrs})

    def loop_items(self, loop: ast.For, env: dict) -> list | tuple | range | None:
        iterable = self.expr(loop.iter, env)
        if not isinstance(iterable, range | list | tuple) or not LIMITS.runs_loop(len(iterable)):
            return None
        return iterable

    def run_loop(self, loop: ast.For, items: list | tuple | range, env: dict) -> None:
        if not items:
            self.skip(*loop.body)
        for item in items:
            self._assign(loop.target, item, env)
            try:
                self.block(loop.body, env)
            except _Break:
                break
            except _Continue:
                continue

    def _assign(self, target: ast.expr, value, env: dict) -> None:
        if isinstance(target, ast.Name | ast.Attribute):  # a leaf already (most targets): nothing to destructure
            self._assign_leaf(target, value, env)
        else:
            bind_target(target, value, lambda leaf, item: self._assign_leaf(leaf, item, env))

    def _assign_leaf(self, target: ast.expr, value, env: dict) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, ast.Attribute) and target.attr == "trainable" and not _is_self(target.value):
            owner = self.expr(target.value, env)
            value = value if isinstance(value, bool) and not self.conditional else UNKNOWN  # set on some path only
            if isinstance(owner, LayerValue):
                owner.trainable_later = value
            elif isinstance(owner, WeightValue):  # `self.w.trainable = False` after `add_weight`
                owner.trainable = value
        elif isinstance(target, ast.Attribute) and _is_self(target.value):
            self.attrs[target.attr] = value
            if isinstance(value, WeightValue) and value.name.startswith(UNNAMED):
                value.name = target.attr  # what the summary calls it: the attribute holding it
            if isinstance(value, LayerValue) and value.attr is None:
                value.attr = target.attr
        elif isinstance(target, ast.Subscript):
            container = self.expr(target.value, env)
            key = self.expr(target.slice, env)
            if self.conditional and isinstance(container, dict | list):
                raise Uncertain(f"line {target.lineno}: `{ast.unparse(target)} = ...` runs on a path that is not known")
            try:
                container[key] = value
            except USER_CODE_ERRORS:  # not a container, or an index it does not have
                if isinstance(container, dict | list) or _holds_tracked(value):
                    raise Uncertain(f"line {target.lineno}: `{ast.unparse(target)} = ...` is not followed") from None

    # -- expressions -----------------------------------------------------------------------
    def expr(self, node: ast.expr | None, env: dict):
        if node is None:
            return None
        method = self.EXPRESSIONS.get(type(node))
        return method(self, node, env) if method else UNKNOWN

    def _expr_Constant(self, node: ast.Constant, env: dict):
        return node.value

    def _expr_Name(self, node: ast.Name, env: dict):
        name = node.id
        for scope in env.maps if type(env) is ChainMap else (env,):  # each map asked once (a ChainMap asks twice)
            if name in scope:
                return scope[name]
        return _CONSTANT_NAMES.get(name, UNKNOWN)

    def _expr_Attribute(self, node: ast.Attribute, env: dict):
        if _is_self(node.value):
            value = self.attrs[node.attr] if node.attr in self.attrs else self._class_constant(node.attr)
            return value.weight if isinstance(value, _PendingVariable) else value  # used like its value
        owner = self.expr(node.value, env)
        if isinstance(owner, Tensor) and node.attr == "shape":
            return owner.shape if owner.shape is not None else UNKNOWN
        if isinstance(owner, LayerValue) and node.attr in ("input", "output"):
            return self._functional_io(owner, node.attr)
        if owner is UNKNOWN and isinstance(node.value, ast.Name):  # `Config.units`
            return _settings_class_constant(self.module.source.tree, node.value.id, node.attr)
        return UNKNOWN

    def _functional_io(self, layer: LayerValue, which: str):
        """``backbone.input`` / ``.output`` of a model class whose constructor builds a functional
        model: tensors shaped as those it was built with."""
        home = layer_class_home(layer.ref, self.module)
        if home is None:
            return UNKNOWN
        child = Interpreter(home[0], home[1], self.flavor, self.depth + 1, self.module_values.values if home[0] is self.module else None)
        try:
            child.construct(layer.args, layer.kwargs)
        except Uncertain:
            return UNKNOWN
        value = child.functional_inputs if which == "input" else child.functional_outputs
        if not child.functional_init or _shapes(value) is None:
            return UNKNOWN
        value = _copied_tensors(value)
        if which == "input":  # symbolic inputs, as `keras.Input` makes
            self.inputs.update((id(tensor), tensor) for tensor in _tensors_in(value) or [])
        return value

    def _expr_JoinedStr(self, node: ast.JoinedStr, env: dict):
        """``f"d{i}"`` with plain known values (no format spec or conversion)."""
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                value = self.expr(part.value, env) if part.conversion == -1 and part.format_spec is None else UNKNOWN
                if not isinstance(value, str | int) or isinstance(value, bool):
                    return UNKNOWN
                parts.append(str(value))
            else:
                parts.append(part.value)
        return "".join(parts)

    def _expr_Tuple(self, node: ast.Tuple, env: dict):
        return tuple(self.expr(element, env) for element in node.elts)

    def _expr_List(self, node: ast.List, env: dict):
        return [self.expr(element, env) for element in node.elts]

    def _expr_Set(self, node: ast.Set, env: dict):
        """``{"channels_first", "channels_last"}``: a set of plain values, else not known."""
        items = [self.expr(element, env) for element in node.elts]
        return frozenset(items) if all(item is None or isinstance(item, str | int | float) for item in items) else UNKNOWN

    def _expr_Dict(self, node: ast.Dict, env: dict):
        keys = [self.expr(key, env) if key is not None else UNKNOWN for key in node.keys]
        if not all(is_known(key) and isinstance(key, str | int) for key in keys):
            return UNKNOWN
        return {key: self.expr(value, env) for key, value in zip(keys, node.values)}

    def _expr_ListComp(self, node: ast.ListComp, env: dict):
        return self._comprehension(node, env, lambda inner: self.expr(node.elt, inner))

    def _expr_DictComp(self, node: ast.DictComp, env: dict):
        pairs = self._comprehension(node, env, lambda inner: (self.expr(node.key, inner), self.expr(node.value, inner)))
        if pairs is UNKNOWN or not all(is_known(key) and isinstance(key, str | int) for key, _ in pairs):
            return UNKNOWN
        return dict(pairs)

    def _comprehension(self, node: ast.ListComp | ast.DictComp, env: dict, element):
        if len(node.generators) != 1 or node.generators[0].ifs:
            return UNKNOWN
        generator = node.generators[0]
        iterable = self.expr(generator.iter, env)
        if isinstance(iterable, dict):
            iterable = list(iterable)
        if not isinstance(iterable, range | list | tuple) or not LIMITS.runs_loop(len(iterable)):
            return UNKNOWN
        if not iterable:
            self.skip(node)
        inner = ChainMap({}, env)  # the comprehension's own names, over the enclosing ones
        results = []
        for item in iterable:
            self._assign(generator.target, item, inner)
            results.append(element(inner))
        return results

    def _expr_BinOp(self, node: ast.BinOp, env: dict):
        return self._binop(node.op, self.expr(node.left, env), self.expr(node.right, env))

    def _binop(self, op: ast.operator, left, right):
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            if isinstance(op, ast.MatMult):
                return _matmul(left, right)
            return _broadcast(left, right)
        if isinstance(op, ast.Add) and isinstance(left, tuple | list) and isinstance(right, tuple | list):
            return type(left)(left) + type(left)(right)
        return arithmetic(op, left, right)

    def _expr_UnaryOp(self, node: ast.UnaryOp, env: dict):
        value = self.expr(node.operand, env)
        if isinstance(node.op, ast.Not):
            decided = truth(value)
            return UNKNOWN if decided is None else not decided
        if isinstance(node.op, ast.USub):
            return arithmetic(ast.Mult(), value, -1) if is_known(value) else UNKNOWN
        return value if isinstance(node.op, ast.UAdd) else UNKNOWN

    def _expr_BoolOp(self, node: ast.BoolOp, env: dict):
        is_and = isinstance(node.op, ast.And)
        for value_node in node.values:
            value = self.expr(value_node, env)
            decided = truth(value)
            if decided is None:
                return UNKNOWN
            if decided is not is_and:
                return value
        return value

    def _expr_Compare(self, node: ast.Compare, env: dict):
        left = self.expr(node.left, env)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.expr(right_node, env)
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right, tuple | list | dict | str | frozenset) or not is_known(left):
                    return UNKNOWN
                if isinstance(right, frozenset) and not (left is None or isinstance(left, str | int | float)):
                    return UNKNOWN
                result = (left in right) ^ isinstance(op, ast.NotIn)
            else:
                result = compare(op, left, right)
            if result is not True:
                return result
            left = right
        return True

    def _expr_IfExp(self, node: ast.IfExp, env: dict):
        decided = truth(self.expr(node.test, env))
        if decided is None:
            body, orelse = self.expr(node.body, env), self.expr(node.orelse, env)
            return body if _same(body, orelse) else UNKNOWN
        self.skip(node.orelse if decided else node.body)
        return self.expr(node.body if decided else node.orelse, env)

    def _expr_Subscript(self, node: ast.Subscript, env: dict):
        container = self.expr(node.value, env)
        if isinstance(node.slice, ast.Slice) and isinstance(container, SymbolicShape):
            return UNKNOWN
        index = self.expr(node.slice, env)
        index = as_int(index) if as_int(index) is not None else index
        if isinstance(container, Tensor):
            shape = indexed(container.shape, index) if container.shape is not None else None
            return Tensor(shape) if shape is not None else UNKNOWN
        return subscript(container, index)

    def _expr_Slice(self, node: ast.Slice, env: dict):
        parts = [self.expr(part, env) if part is not None else None for part in (node.lower, node.upper, node.step)]
        if not all(part is None or as_int(part) is not None for part in parts):
            return UNKNOWN
        return slice(*(as_int(part) if part is not None else None for part in parts))

    def _expr_Starred(self, node: ast.Starred, env: dict):
        return UNKNOWN

    def _expr_Call(self, node: ast.Call, env: dict):
        given_tensor = self.symbolic and _names_tensor(node, env)  # read before the call binds anything
        result = self._call(node, env)
        ref = self._ref(node.func) if given_tensor and result is UNKNOWN else None
        if given_tensor and result is UNKNOWN and (ref is None or not is_weight_free(ref)):  # in a functional constructor, it may have put layers on the path
            self._doubt(f"line {node.lineno}: `{ast.unparse(node.func)}(...)` is given a tensor and is not followed; it may add layers to the model")
        return result

    def _call(self, node: ast.Call, env: dict):
        self.evaluated.add(id(node))
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) == 3 and _is_self(node.args[0]):
            return self._setattr(node, env)
        if isinstance(func, ast.Attribute):
            handled = self._method_call(node, func, env)
            if handled is not NotImplemented:
                return handled
        ref = self._ref(func)
        args, kwargs = self._arguments(node, env)
        if args is None:
            return self._not_modelled(node, ref)
        if ref is not None:
            return self._known_call(ref, node, args, kwargs)
        callee = self.expr(func, env)
        if isinstance(callee, LayerValue):
            return self.apply_layer(callee, args, kwargs)
        if isinstance(callee, FunctionValue):
            return self.call_function(callee, args, kwargs)
        return UNKNOWN

    def _setattr(self, node: ast.Call, env: dict) -> None:
        """``setattr(self, "d0", Dense(3))`` is ``self.d0 = Dense(3)`` when the name is known."""
        name, value = self.expr(node.args[1], env), self.expr(node.args[2], env)
        if isinstance(name, str):
            self._assign(ast.Attribute(value=ast.Name("self", ast.Load()), attr=name, ctx=ast.Store()), value, env)
        else:
            self.outcome.doubts.append(f"line {node.lineno}: `setattr(self, ...)` with a name not known statically may add weights")
        return None

    def _arguments(self, node: ast.Call, env: dict):
        args: list = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.expr(arg.value, env)
                if not isinstance(value, tuple | list):
                    return None, None
                args.extend(value)
            else:
                args.append(self.expr(arg, env))
        kwargs: dict = {}
        for keyword in node.keywords:
            value = self.expr(keyword.value, env)
            if keyword.arg is None:
                if not isinstance(value, dict):
                    return None, None
                kwargs.update(value)
            else:
                kwargs[keyword.arg] = value
        return args, kwargs

    def _ref(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self.module.classes:
                return func.id
            if func.id in ("len", "int", "range", "tuple", "list", "max", "min", "sum", "abs", "dict", "super", "isinstance", "getattr", "setattr", "float", "round", "enumerate", "zip", "reversed", "str"):
                return f"builtins.{func.id}"
        return self.module.imports.canonical(func)

    def _method_call(self, node: ast.Call, func: ast.Attribute, env: dict):
        owner_node = func.value
        name = func.attr
        if _is_super(owner_node):
            return self._super_call(node, name, env)
        if _is_self(owner_node):
            if name == "add_weight":
                return self._add_weight(node, env)
            method = self._method(name)
            if method is not None and name not in ("call", "build", "__init__"):
                args, kwargs = self._arguments(node, env)
                return self._invoke(method, args, kwargs) if args is not None else UNKNOWN
            if name == "add_variable":
                return self._add_weight(node, env)
            return NotImplemented
        owner = self.expr(owner_node, env)
        if isinstance(owner, str) and name in ("lower", "upper", "strip") and not node.args and not node.keywords:
            return getattr(owner, name)()
        if isinstance(owner, list | dict) and name in READING_METHODS[type(owner)] | CHANGING_METHODS[type(owner)]:
            return self._container_method(owner, name, node, env)
        if isinstance(owner, list | dict):
            raise Uncertain(f"line {node.lineno}: `{ast.unparse(node)}` is not followed")
        if isinstance(owner, LayerValue) and name in ("build", "_build_from_signature"):  # the latter: attention in Keras 2 and keras-hub
            args, kwargs = self._arguments(node, env)
            shapes = _build_shapes(self._build_parameters(owner.ref, name), args, kwargs) if args is not None else [UNKNOWN]
            self._record_input(owner, shapes[0] if len(shapes) == 1 else shapes)
            return None
        if isinstance(owner, LayerValue) and name == "compute_output_shape":
            args, _ = self._arguments(node, env)
            output = _apply_builtin(owner, [Tensor(tuple(args[0]))], self.flavor) if args and isinstance(args[0], tuple | list) else UNKNOWN
            return output.shape if isinstance(output, Tensor) and output.shape is not None else UNKNOWN
        if isinstance(owner, LayerValue) and name == "enable_lora" and _takes_lora(owner):
            args, kwargs = self._arguments(node, env)
            owner.kwargs["lora_rank"] = (args[0] if args else kwargs.get("rank", UNKNOWN)) if args is not None and not self.conditional else UNKNOWN
            return None
        if isinstance(owner, LayerValue) and name not in WEIGHT_KEEPING_METHODS:
            owner.changes.append(f"line {node.lineno}: `{ast.unparse(func)}(...)` is not modelled; it may change the weights")
            return UNKNOWN
        return NotImplemented

    def _container_method(self, owner: list | dict, name: str, node: ast.Call, env: dict):
        """Runs a list or dict method on the evaluated container; one it cannot run exactly is a give-up,
        since the container may hold layers Keras tracks."""
        if self.conditional and name in CHANGING_METHODS[type(owner)]:  # changed on some path only, under every name it has
            raise Uncertain(f"line {node.lineno}: `{ast.unparse(node)}` runs on a path that is not known")
        args, kwargs = self._arguments(node, env)
        if args is not None and not kwargs and all(map(is_known, args)):
            if name == "insert" and args:
                args[0] = as_int(args[0])
            if name in ("extend", "update") and args:
                args[0] = args[0] if isinstance(args[0], list | tuple | dict) else UNKNOWN
            if all(map(is_known, args)):
                try:
                    result = getattr(owner, name)(*args)
                except USER_CODE_ERRORS:  # pop() on an empty list, remove() of what is not there: raises at run time
                    raise Uncertain(f"line {node.lineno}: `{ast.unparse(node)}` raises") from None
                return list(result) if name in ("items", "keys", "values") else result
        if name in READING_METHODS[type(owner)]:
            return UNKNOWN
        raise Uncertain(f"line {node.lineno}: `{ast.unparse(node)}` is not followed")

    def _super_call(self, node: ast.Call, name: str, env: dict):
        args, kwargs = self._arguments(node, env)
        if args is None:
            raise Uncertain("super() arguments are not known")
        parent = self._parent_method(name)
        if parent is not None:
            return self._invoke(parent, args, kwargs)
        if name == "__init__":
            self._model_init(args, kwargs)
            self.init_trainable = kwargs.get("trainable", True)
        base = _builtin_base(self.facts, self.module) if self.facts else None
        if base is None:
            return None  # keras.layers.Layer's own __init__/build create nothing
        if name == "__init__":
            self.builtin_base = LayerValue(base, args, _layer_kwargs(kwargs))
        elif name == "build" and self.builtin_base is not None:
            self.builtin_base.input_shapes.append(args[0] if args else kwargs.get("input_shape", UNKNOWN))
        elif name == "call" and self.builtin_base is not None:
            return _apply_builtin(self.builtin_base, args, self.flavor)
        return None

    def _class_constant(self, name: str):
        """``self.units`` not set on the instance: a constant in the nearest class body that binds it,
        unless the file also sets ``<something>.units`` (``Head.units = 7`` at the bottom)."""
        for facts in self._mro():
            if name in facts.methods:
                return UNKNOWN
            bound = [stmt.value for stmt in facts.node.body if _binds(stmt, name)]
            if not bound:
                continue
            value = literal(bound[0], immutable=True) if len(bound) == 1 else UNKNOWN
            if value is UNKNOWN or _sets_attribute_elsewhere(self.module.source.tree, name):
                return UNKNOWN
            return value
        return UNKNOWN

    def _parent_method(self, name: str) -> ast.FunctionDef | None:
        """What ``super().name`` reaches: the method of a class after the one whose method is running."""
        chain = self._mro()
        if len(chain) < 2:  # no class of the file after it
            return None
        start = next((index for function in reversed(self.running) for index, facts in enumerate(chain) if facts.methods.get(function.name) is function), 0)
        for facts in chain[start + 1 :]:
            if name in facts.methods:
                return facts.methods[name]
        return None

    def _add_weight(self, node: ast.Call, env: dict) -> WeightValue:
        args, kwargs = self._arguments(node, env)
        if args is None:
            raise Uncertain("add_weight arguments are not known")
        order = KERAS2_ADD_WEIGHT if self.flavor is Flavor.KERAS2 else KERAS3_ADD_WEIGHT
        bound = dict(zip(order, args)) | kwargs if args else kwargs  # read only
        shape = bound.get("shape", ())
        shape = () if shape is None else shape
        if isinstance(shape, list):
            shape = tuple(shape)
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        trainable = bound.get("trainable", True)
        trainable = True if trainable is None else trainable
        name = bound.get("name")
        weight = WeightValue(name if isinstance(name, str) else f"{UNNAMED}{len(self.outcome.weights)}", shape if isinstance(shape, tuple) else UNKNOWN, trainable, node, self.conditional > 0)
        self.outcome.weights.append(weight)
        return weight

    def _known_call(self, ref: str, node: ast.Call, args: list, kwargs: dict):
        if ref == "builtins.isinstance" and len(node.args) == 2 and args:
            return _isinstance(args[0], node.args[1])
        if ref.startswith("builtins."):
            return python_builtin(ref[len("builtins."):], args)
        if ref in ("numpy.prod", "math.prod") and len(args) == 1 and not kwargs and isinstance(args[0], tuple | list):
            sizes = [as_int(size) for size in args[0]]  # `int(np.prod(shape))` of a known shape
            return math.prod(sizes) if None not in sizes else UNKNOWN
        if ref in KERAS_INPUTS:
            tensor = _input_tensor(args, kwargs)
            self.inputs[id(tensor)] = tensor
            return tensor
        if ref in MODEL_INITS and args and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":  # ``keras.Model.__init__(self, inputs=..., ...)``
            self._model_init(args[1:], kwargs)
            return None
        if builtin_layers.lookup(ref) is not None or ref.startswith("keras.layers.") or ref in SEQUENTIAL or layer_class_home(ref, self.module):
            layer = LayerValue(ref, args, kwargs, node)
            if ref in ("keras.layers.TimeDistributed", "keras.layers.Bidirectional") and args and isinstance(args[0], LayerValue):
                layer.wrapped = args[0]
            self.created_layers.append(layer)
            return layer
        if ref in ("keras.Variable", "keras.backend.Variable") or (ref == "tensorflow.Variable" and self.flavor is Flavor.KERAS2):
            return self._variable(node, args, kwargs)
        if ref == "tensorflow.Variable":
            return UNKNOWN  # Keras 3 does not track a tf.Variable
        if ref in TENSOR_FROM_SHAPE and args:
            shape = args[0]
            return Tensor(tuple(shape)) if isinstance(shape, tuple | list) else Tensor(None)
        if ref in MADE_FROM_NUMBERS:
            return Tensor(made_shape(ref, args, kwargs))
        if ref in MATMUL and len(args) >= 2:
            return _matmul(args[0], args[1])
        if ref in CONCAT and args and isinstance(args[0], list | tuple):
            axis = kwargs.get("axis", args[1] if len(args) > 1 else CONCAT[ref])
            return _concat(list(args[0]), axis)
        shape_of = shape_function(ref)
        if shape_of is not None and args and isinstance(args[0], Tensor):
            return Tensor(shape_of(args[0].shape, args[1:], kwargs) if args[0].shape is not None else None)
        short = ref.rsplit(".", 1)[-1]
        if ref.startswith(ELEMENTWISE_PREFIXES) and short in SHAPE_PRESERVING:
            tensors = [arg for arg in args if isinstance(arg, Tensor)]
            return _broadcast(*tensors) if len(tensors) > 1 else tensors[0] if tensors else UNKNOWN
        if ref in ("tensorflow.shape", "keras.ops.shape") and args and isinstance(args[0], Tensor):
            return args[0].shape if args[0].shape is not None else UNKNOWN
        if ref == "keras.config.image_data_format":
            return "channels_last"  # Keras' default, which the layer table assumes for `data_format=None` too
        home = function_home(ref, self.module)
        if home is not None:  # a function of another file (a library helper): run in its module
            module, function = home
            return Interpreter(module, None, self.flavor, self.depth + 1).call_function(FunctionValue(function, {}), args, kwargs)
        return self._not_modelled(node, ref)

    def _model_init(self, args: list, kwargs: dict) -> None:
        """A Model's ``__init__`` given inputs and outputs: a functional model, built now."""
        if not ("inputs" in kwargs or "outputs" in kwargs or len(args) >= 2):
            return
        if any({"keras.Model", "keras.models.Model"} & set(facts.keras_bases) for facts in self._mro()):  # else a layer's own arguments
            self.functional_init = self.functional_init is not False and not self.conditional
            self.functional_inputs = kwargs.get("inputs", args[0] if args else UNKNOWN)
            self.functional_outputs = kwargs.get("outputs", args[1] if len(args) >= 2 else UNKNOWN)

    def functional_path(self) -> set[int] | None:
        """The ids of the layers between the model's inputs and its outputs, followed back from the
        outputs; None when a tensor on the way was made by something else than a layer call."""
        layers: set[int] = set()
        seen: set[int] = set()
        stack = _tensors_in(self.functional_outputs)
        if stack is None:
            return None
        while stack:
            tensor = stack.pop()
            if id(tensor) in seen or self.inputs.get(id(tensor)) is tensor:
                continue
            seen.add(id(tensor))
            made = self.producers.get(id(tensor))
            if made is None or made[0] is not tensor or made[2] is None:
                return None
            layers.add(id(made[1]))
            stack.extend(made[2])
        return layers

    def _variable(self, node: ast.Call, args: list, kwargs: dict):
        initial = args[0] if args else kwargs.get("initial_value", kwargs.get("initializer", UNKNOWN))
        shape = kwargs.get("shape")
        if shape is None and isinstance(initial, Tensor):
            shape = initial.shape
        elif shape is None and isinstance(initial, int | float) and not isinstance(initial, bool):
            shape = ()  # a Python number is a scalar variable
        trainable = kwargs.get("trainable", True)
        weight = WeightValue(kwargs.get("name") if isinstance(kwargs.get("name"), str) else f"variable_{len(self.outcome.weights)}", tuple(shape) if isinstance(shape, tuple | list) else UNKNOWN, trainable, node, self.conditional > 0)
        weight_holder = _PendingVariable(weight)
        return weight_holder

    def apply_layer(self, layer: LayerValue, args: list, kwargs: dict):
        """The output of a layer call, recorded as made by the layer from the tensors it was given."""
        output = self._layer_output(layer, args, kwargs)
        given = _tensors_in([*args, *kwargs.values()])
        if isinstance(output, Tensor) and any(output is tensor for tensor in given or []):  # it gives back a tensor it was given: a new one
            output = Tensor(output.shape)
        for tensor in _tensors_in(output) or []:
            self.producers[id(tensor)] = (tensor, layer, given)
        return output

    def _layer_output(self, layer: LayerValue, args: list, kwargs: dict):
        inputs = args[:1] if args else list(kwargs.values())[:1]
        if layer.ref in ATTENTION_INPUTS or layer.ref in SINGLE_INPUT_ATTENTION:
            inputs = _attention_inputs(layer.ref, args, kwargs)
        shapes = _shapes_of(inputs)
        self._record_input(layer, shapes[0] if len(shapes) == 1 else shapes)
        if layer.ref in SEQUENTIAL:
            sublayers = sequential_layers(layer)
            if sublayers is None:
                return Tensor(None)
            output = inputs[0] if inputs else UNKNOWN
            for sublayer in sublayers:
                output = self.apply_layer(sublayer, [output], {})
            return output if isinstance(output, Tensor) else Tensor(None)
        home = layer_class_home(layer.ref, self.module)
        if home is None:
            return _apply_builtin(layer, inputs, self.flavor)
        extra = _shapes_of([arg for arg in args[1:] if isinstance(arg, Tensor)])
        layer.extra_shapes.append(extra)
        child = Interpreter(home[0], home[1], self.flavor, self.depth + 1, self.module_values.values if home[0] is self.module else None)
        build = child._method("build")
        takes = {arg.arg for arg in [*build.args.args, *build.args.kwonlyargs][2:]} if build is not None else set()
        shaped = {f"{name}_shape": _shapes(value) for name, value in kwargs.items() if f"{name}_shape" in takes and _tensors_in(value) != []}
        if len(layer.input_shapes) == 1:  # its first call builds it, with those shapes too (`encoder_sequence_shape`)
            layer.build_keywords = shaped
        if None in shaped.values() and not layer.changes:
            layer.changes.append(f"it is called with a tensor keyword whose shape its build() takes ({', '.join(shaped)}), and that shape is not known")
        try:
            output = child.run(layer.args, layer.kwargs, layer.input_shapes[-1], extra, shaped)
        except Uncertain:  # its output is not known here; counting the layer says why
            return Tensor(None)
        if child.functional_init:  # a functional model: its outputs, when called on inputs shaped as its own
            same = inputs and _shapes(inputs[0]) == _shapes(child.functional_inputs) and _shapes(child.functional_outputs) is not None
            return _copied_tensors(child.functional_outputs) if same else Tensor(None)
        return output if isinstance(output, Tensor) and output.shape is not None else child.declared_output(layer.input_shapes[-1], extra)

    def _build_parameters(self, ref: str, method: str) -> tuple[str, ...]:
        """The shape parameters of ``layer.build(...)`` (or tf_keras attention's ``_build_from_signature``), in order."""
        if method == "_build_from_signature":
            return ("query", "value", "key")
        own = self.module.classes.get(ref)
        if own is not None and "build" in own.methods:
            params = own.methods["build"].args
            return tuple(param.arg for param in [*params.posonlyargs, *params.args, *params.kwonlyargs][1:])
        return BUILD_PARAMETERS.get(ref, ("input_shape",))

    def _record_input(self, layer: LayerValue, shapes) -> None:
        """A layer is built by its first call or ``build``: one first reached on a path that may not
        run may stay without weights, unless a later step on every path builds it."""
        if not self.conditional:
            self.built_on_some_path.pop(id(layer), None)
        elif not layer.input_shapes:
            self.built_on_some_path[id(layer)] = layer
        layer.input_shapes.append(shapes)

    def run(self, args: list, kwargs: dict, input_shape, extra_shapes: list | tuple = (), keywords: dict | None = None):
        """Construct, build and call the layer as Keras does on its first call; the output."""
        self.construct(args, kwargs)
        self.build(input_shape, extra_shapes, keywords)
        inputs = [_as_input(input_shape)] if not isinstance(input_shape, SymbolicShape) else [Tensor((None, Expr.sym(input_shape.last)))]
        try:
            return self.call([*inputs, *map(_tensor, extra_shapes)], keywords)
        except Uncertain:
            if self._call_may_add_state():
                raise
            return UNKNOWN  # call() only gives the output its shape: the weights are all known by now
        finally:
            for layer in self.built_on_some_path.values():
                layer.maybe_unbuilt = True

    def declared_output(self, input_shape, extra_shapes: list | tuple = ()) -> Tensor:
        """The output of a call not followed, from the class's own ``compute_output_shape`` (what
        Keras 3 uses for a symbolic call when a layer defines it)."""
        method = self._method("compute_output_shape")
        if method is None or extra_shapes or not isinstance(input_shape, tuple):
            return Tensor(None)
        try:
            shape = self._invoke(method, [input_shape], {})
        except Uncertain:
            return Tensor(None)
        return Tensor(tuple(shape)) if isinstance(shape, tuple | list) and all(d is None or type(d) is int for d in shape) else Tensor(None)

    def _call_may_add_state(self) -> bool:
        """Whether call() or a method it reaches creates weights or layers or sets anything on ``self``."""
        for facts in self._mro():
            weights = [site for site in facts.weights if site.kind is not WeightKind.TENSOR]
            if any(Phase.CALL in site.phases for site in [*weights, *facts.sublayers]):
                return True
            for function in facts.methods.values():
                if Phase.CALL in facts.phases.get(function.name, ()) and any(map(_sets_on_self, ast.walk(function))):
                    return True
        return False


def _handlers(cls: type) -> dict[type, object]:
    return {getattr(ast, name.removeprefix("_expr_")): getattr(cls, name) for name in dir(cls) if name.startswith("_expr_")}


Interpreter.EXPRESSIONS = _handlers(Interpreter)
_CONSTANT_NAMES = {"True": True, "False": False, "None": None}


@dataclass(eq=False, slots=True)
class _PendingVariable:
    """A variable object; it becomes a tracked weight when stored on the layer."""

    weight: WeightValue


class _Return(Exception):
    def __init__(self, value) -> None:
        self.value = value


class _Raise(Uncertain):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


UNNAMED = "weight_"


def sequential_layers(layer: LayerValue) -> list[LayerValue] | None:
    """The layers of a ``keras.Sequential([...])`` value, when all are known layers."""
    items = layer.args[0] if layer.args else layer.kwargs.get("layers")
    if not isinstance(items, list | tuple) or not all(isinstance(item, LayerValue) for item in items):
        return None
    return list(items)


def _same_result(first, second) -> bool:
    """Whether two returned values are the same for whoever reads them: tensors of one fully known
    shape, or equal plain data."""
    if isinstance(first, Tensor) and isinstance(second, Tensor):
        return first.shape is not None and first.shape == second.shape and all(dim is not UNKNOWN for dim in first.shape)
    if isinstance(first, list | tuple) and isinstance(second, list | tuple):
        return type(first) is type(second) and len(first) == len(second) and all(map(_same_result, first, second))
    return is_data(first) and is_data(second) and type(first) is type(second) and first == second


def _names_tensor(node: ast.Call, env: dict) -> bool:
    """Whether a name the call's arguments read holds a tensor (or a container with one)."""
    for argument in [*node.args, *(k.value for k in node.keywords)]:
        for inner in ast.walk(argument):
            if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load) and inner.id in env:
                value = env[inner.id]
                if isinstance(value, Tensor) or (isinstance(value, list | tuple | dict) and _tensors_in(value) != []):
                    return True
    return False


def _tensors_in(value) -> list[Tensor] | None:
    """The tensors in a value (a tensor, or lists, tuples and dicts of them, with plain values);
    None when it holds something else (not known, a layer...)."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        found: list[Tensor] = []
        for item in value:
            inner = _tensors_in(item)
            if inner is None:
                return None
            found += inner
        return found
    return [] if value is None or isinstance(value, bool | int | float | str) else None


def _shapes(value):
    """The shapes of a structure of tensors (a tensor, or dicts, lists and tuples of them); None:
    not such a structure, or a shape not known."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, dict):
        inner = {key: _shapes(item) for key, item in value.items()}
        return None if None in inner.values() else inner
    if isinstance(value, list | tuple):
        items = [_shapes(item) for item in value]
        return None if None in items else items
    return None


def _copied_tensors(value):
    """New tensors of the same shapes, in the same structure."""
    if isinstance(value, Tensor):
        return Tensor(value.shape)
    if isinstance(value, dict):
        return {key: _copied_tensors(item) for key, item in value.items()}
    return type(value)(_copied_tensors(item) for item in value)


def _input_tensor(args: list, kwargs: dict) -> Tensor:
    """``keras.Input(shape=(None,), batch_size=...)``: a symbolic tensor with its batch axis."""
    shape = kwargs.get("shape", args[0] if args else None)
    batch = kwargs.get("batch_size", args[1] if len(args) > 1 else None)
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list) or not (batch is None or type(batch) is int):
        return Tensor(None)
    return Tensor((batch, *(dim if dim is None or type(dim) is int else UNKNOWN for dim in shape)))


def _tensor(shape) -> Tensor:
    return Tensor(tuple(shape)) if isinstance(shape, tuple | list) and is_known(shape) else Tensor(None)


def _as_input(input_shape):
    """The tensor a layer is called with, or the list of tensors of a list input (``layer([x, a])``)."""
    if isinstance(input_shape, list) and input_shape and all(isinstance(s, tuple | list) or s is None for s in input_shape):
        return [_tensor(shape) for shape in input_shape]
    return _tensor(input_shape)


def _is_self_attr(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and _is_self(node.value)


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _same(a, b) -> bool:
    return is_known(a) and type(a) is type(b) and a == b


_UNBOUND = object()  # a name not bound before a block


def _restore(values: dict, before: dict, names) -> None:
    """Undo what a block did to ``names`` (``before``: their values before it)."""
    for name in names:
        old = before.get(name, _UNBOUND)
        if old is _UNBOUND:
            values.pop(name, None)
        else:
            values[name] = old


def _forget_changed(values: dict, before: dict, names) -> None:
    """After a block that may not have run: a name it changed has one of two values, so it is unknown."""
    for name in names:
        old, new = before.get(name, _UNBOUND), values.get(name, _UNBOUND)
        if old is not new and not _same(old, new):
            values[name] = UNKNOWN


def _takes_lora(layer: LayerValue) -> bool:
    """Whether the built-in table counts ``lora_rank`` for this layer (then ``enable_lora`` is modelled)."""
    spec = builtin_layers.lookup(layer.ref)
    return spec is not None and "lora_rank" in spec.defaults


def _build_shapes(names: tuple[str, ...], args: list, kwargs: dict) -> list:
    """The shapes ``build`` is given, bound to its parameters by name and taken in their order
    (``mha.build(value_shape=v, query_shape=q)`` is ``mha.build(q, v)``); unknown when an argument is
    not one of them or a parameter before one given is left out."""
    if not kwargs:
        return list(args)
    if any(name not in names or name in names[: len(args)] for name in kwargs) or len(args) > len(names):
        return [UNKNOWN]
    given = dict(zip(names, args)) | kwargs
    present = [name for name in names if name in given]
    return [given[name] for name in present] if present == list(names[: len(present)]) else [UNKNOWN]


def _layer_kwargs(kwargs: dict) -> dict:
    """Constructor keywords without the ones every Layer takes (they create no weights)."""
    return {k: v for k, v in kwargs.items() if k not in ("name", "dtype", "trainable")}


def _builtin_base(facts, module: ModuleFacts) -> str | None:
    for base in facts.keras_bases:
        if builtin_layers.lookup(base) is not None:
            return base
    for name in facts.local_bases:
        if name in module.classes:
            found = _builtin_base(module.classes[name], module)
            if found:
                return found
    return None


def _binds(stmt: ast.stmt, name: str) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign | ast.AugAssign) else []
    return any(isinstance(inner, ast.Name) and inner.id == name for target in targets for inner in ast.walk(target))


def _settings_class_constant(tree: ast.Module, class_name: str, name: str):
    """``Config.units``: a constant bound once in the body of a plain class of the module (no base,
    no decorator but ``dataclass``) whose name nothing else binds, when no code sets such an attribute."""
    found = _plain_classes(tree).get(class_name)
    if found is None or name_bindings(tree)[class_name] != 1:  # the module is walked only for a plain class's name
        return UNKNOWN
    bound = [stmt for stmt in found.body if _binds(stmt, name)]
    if len(bound) != 1 or _sets_attribute_elsewhere(tree, name):
        return UNKNOWN
    stmt = bound[0]
    plainly = (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)) or (isinstance(stmt, ast.AnnAssign) and stmt.value is not None)
    return literal(stmt.value, immutable=True) if plainly else UNKNOWN


@per_node
def _plain_classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """The module's top-level classes with no base, keyword or decorator but ``dataclass``, by name."""
    plain = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and not stmt.bases and not stmt.keywords:
            if {ast.unparse(d) for d in stmt.decorator_list} <= {"dataclass", "dataclasses.dataclass"}:
                plain[stmt.name] = stmt
    return plain


def _sets_attribute_elsewhere(tree: ast.Module, name: str) -> bool:
    """``Head.units = 7``, ``del other.units`` or any ``setattr(...)`` in the file."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Store | ast.Del) and not _is_self(node.value):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            return True
    return False


def _sets_on_self(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return isinstance(node.ctx, ast.Store) and _is_self(node.value)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"


def _holds_tracked(value) -> bool:
    """Whether a value is or contains a layer or a weight."""
    layers: list[LayerValue] = []
    _collect_layers(value, layers, set())
    return bool(layers) or bool(collect_variables({"": value}))


def _collect_layers(value, found: list[LayerValue], seen: set[int]) -> None:
    if type(value) in _HOLDS_NOTHING:
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, LayerValue):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_layers(item, found, seen)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_layers(item, found, seen)


# values that are neither a layer nor a variable nor hold one (most of a layer's attributes)
_HOLDS_NOTHING = frozenset({int, float, str, bool, type(None), Expr, Tensor, WeightValue})


def collect_variables(attrs: dict) -> list[WeightValue]:
    """Variables (keras.Variable; tf.Variable in Keras 2) stored on the layer are tracked."""
    found: list[WeightValue] = []
    stack = list(attrs.values())
    seen: set[int] = set()
    while stack:
        value = stack.pop()
        if type(value) in _HOLDS_NOTHING or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, _PendingVariable):
            found.append(value.weight)
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


_PLAIN_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "tuple": tuple, "list": list, "dict": dict}


def _isinstance(value, types: ast.expr):
    """``isinstance(patch_size, int)`` on a plain Python value and built-in types named as such."""
    names = types.elts if isinstance(types, ast.Tuple) else [types]
    if not all(isinstance(name, ast.Name) and name.id in _PLAIN_TYPES for name in names):
        return UNKNOWN
    if not (value is None or (isinstance(value, str | int | float | tuple | list | dict) and is_data(value))):
        return UNKNOWN
    return isinstance(value, tuple(_PLAIN_TYPES[name.id] for name in names))


def python_builtin(name: str, args: list):
    """What a builtin the interpreter knows gives for these arguments (UNKNOWN: not known)."""
    try:
        if name == "len" and args and isinstance(args[0], tuple | list | dict | str):
            return len(args[0])
        if name in ("int", "round") and args and as_int(args[0]) is not None:
            return as_int(args[0])
        if name == "range" and all(as_int(arg) is not None for arg in args) and args:
            return range(*(as_int(arg) for arg in args))
        if name in ("tuple", "list") and args and isinstance(args[0], tuple | list | range) and LIMITS.runs_loop(len(args[0])):
            return tuple(args[0]) if name == "tuple" else list(args[0])
        if name in ("max", "min", "sum") and args:
            items = args[0] if len(args) == 1 and isinstance(args[0], tuple | list) else args
            if all(as_int(item) is not None for item in items):
                return {"max": max, "min": min, "sum": sum}[name](as_int(item) for item in items)
        if name in ("enumerate", "zip", "reversed") and args and all(isinstance(arg, tuple | list | range) for arg in args):
            return list({"enumerate": enumerate, "zip": zip, "reversed": reversed}[name](*args))
        if name == "isinstance":
            return UNKNOWN
        if name == "str" and len(args) == 1 and (args[0] is None or isinstance(args[0], str | int | float)):
            return str(args[0])
    except USER_CODE_ERRORS:  # `range(0, 3, 0)`, `max([])`: raises in the user's code
        return UNKNOWN
    return UNKNOWN


def _shapes_of(inputs: list) -> list:
    shapes = []
    for item in inputs:
        if isinstance(item, Tensor):
            shapes.append(item.shape)
        elif isinstance(item, list | tuple) and all(isinstance(element, Tensor) for element in item):
            shapes.append([element.shape for element in item])
        else:
            shapes.append(None)
    return shapes


def _attention_inputs(ref: str, args: list, kwargs: dict) -> list:
    if ref in SINGLE_INPUT_ATTENTION:
        return args[:1] or [kwargs.get("inputs", UNKNOWN)]
    names = ATTENTION_INPUTS[ref]
    values = [args[i] if i < len(args) else kwargs.get(name) for i, name in enumerate(names)]
    return [value for value in values if value is not None]


def _apply_builtin(layer: LayerValue, inputs: list, flavor: Flavor):
    spec = builtin_layers.lookup(layer.ref)
    shapes = _shapes_of(inputs)
    if spec is not None and spec.multi_input:  # ``Add()([a, b])``: the tensors come as one list
        return table_output(layer.ref, layer.args, layer.kwargs, shapes[0] if len(shapes) == 1 and isinstance(shapes[0], list) else shapes)
    return table_output(layer.ref, layer.args, layer.kwargs, shapes[0] if shapes else None)


def table_output(ref: str, args: list, kwargs: dict, shape) -> Tensor:
    """The output of a built-in layer made with these arguments on ``shape`` (a list of shapes for
    a layer taking several tensors), as the layer table computes it."""
    spec = builtin_layers.lookup(ref)
    if spec is None:
        return Tensor(None)
    output = spec.output_shape(spec.bind(args, kwargs), shape)
    return Tensor(tuple(output)) if isinstance(output, tuple | list) else Tensor(None)


def _matmul(left, right):
    if not isinstance(left, Tensor) or left.shape is None:
        return Tensor(None)
    right_shape = right.shape if isinstance(right, Tensor | WeightValue) and isinstance(right.shape, tuple) else None
    if not right_shape:
        return Tensor(None)
    return Tensor(tuple(left.shape[:-1]) + (right_shape[-1],))


def _broadcast(*values):
    """NumPy broadcasting: shapes line up from the right, a 1 stretches to the other size."""
    shapes = [v.shape if isinstance(v, Tensor) else v.shape if isinstance(v, WeightValue) and isinstance(v.shape, tuple) else () for v in values]
    tensors = [v for v in values if isinstance(v, Tensor)]
    if any(isinstance(v, Tensor) and v.shape is None for v in values) or not tensors:
        return Tensor(None)
    dims = []
    for position in range(1, max(map(len, shapes)) + 1):
        sized = [shape[-position] for shape in shapes if len(shape) >= position and as_int(shape[-position]) != 1]
        known = [dim for dim in sized if is_known(dim) and dim is not None]
        if any(dim != known[0] for dim in known):
            return Tensor(None)  # sizes that do not broadcast: the code would fail here
        # a length known at run time only is 1 or the other one, or the code fails: the other one
        dims.append(known[0] if known else None if sized else 1)
    return Tensor(tuple(reversed(dims)))


def _concat(items: list, axis) -> Tensor:
    shapes = [item.shape for item in items if isinstance(item, Tensor)]
    axis = as_int(axis)
    if len(shapes) != len(items) or any(shape is None for shape in shapes) or axis is None:
        return Tensor(None)
    if len({len(shape) for shape in shapes}) != 1:
        return Tensor(None)
    rank = len(shapes[0])
    axis = axis % rank
    total = 0
    for shape in shapes:
        dim = shape[axis]
        if dim is None or not is_known(dim):
            return Tensor(tuple(shapes[0][:axis]) + (None,) + tuple(shapes[0][axis + 1:]))
        total = arithmetic(ast.Add(), total, dim)
    return Tensor(tuple(shapes[0][:axis]) + (total,) + tuple(shapes[0][axis + 1:]))

