"""What model code does to each layer or model it makes, in source order.

For every variable bound to a new layer or model (``model = MyModel()``,
``model = keras.Sequential([...])``) in the module or in a function: whether it is built
when made, and then each build, call, summary, compile, fit and ``trainable`` change, in the
order they appear. A variable handed to anything else (``train(model)``) may be changed
there: it is no longer followed. Nothing here decides whether something is a bug.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from ..source import per_node
from .classes import ModuleFacts

SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
FUNCTIONAL = frozenset({"keras.Model", "keras.models.Model"})
INPUTS = frozenset({"keras.Input", "keras.layers.Input", "keras.layers.InputLayer"})
INPUT_KEYWORDS = frozenset({"input_shape", "input_dim", "batch_input_shape", "batch_shape"})


class Step(str, Enum):
    BUILD = "build"  # .build(shape)
    CALL = "call"  # model(x), predict, evaluate: builds it
    FIT = "fit"  # fit, train_on_batch: builds it and makes the train function
    SUMMARY = "summary"  # .summary(), .count_params()
    COMPILE = "compile"
    TRAINABLE = "trainable"  # x.trainable = ..., x.layers[i].trainable = ..., for l in x.layers: l.trainable = ...
    ADD_INPUT = "add_input"  # Sequential.add(keras.Input(...)) or a layer given input_shape


STEP_OF_METHOD = {
    "build": Step.BUILD,
    "predict": Step.CALL, "predict_on_batch": Step.CALL, "evaluate": Step.CALL, "test_on_batch": Step.CALL,
    "fit": Step.FIT, "train_on_batch": Step.FIT, "fit_generator": Step.FIT,
    "summary": Step.SUMMARY, "count_params": Step.SUMMARY,
    "compile": Step.COMPILE,
}


@dataclass(frozen=True, slots=True)
class Event:
    step: Step
    node: ast.AST  # the call, or the assignment to `.trainable`
    order: int  # position among all events of the scope


@dataclass(slots=True)
class Lifecycle:
    var: str
    made: ast.Call
    class_ref: str  # canonical Keras name or a class of this file
    built_when_made: bool
    scope: int = 0  # which body it lives in: events of one scope can be ordered against each other
    events: list[Event] = field(default_factory=list)


def lifecycles(module: ModuleFacts, memo: dict) -> list[Lifecycle]:
    """Every followed variable of the file (computed once per analysis)."""
    if "lifecycles" not in memo:
        found: list[Lifecycle] = []
        for scope, body in enumerate(_scopes(module.source.tree)):
            found.extend(_Reader(module, scope).read(body))
        memo["lifecycles"] = found
    return memo["lifecycles"]


def _scopes(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    """The module body and every function body outside classes (model code, not layer code)."""
    yield tree.body
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ClassDef):
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.body
        todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))


class _Reader:
    def __init__(self, module: ModuleFacts, scope: int) -> None:
        self.module = module
        self.scope = scope
        self.live: dict[str, Lifecycle] = {}
        self.done: list[Lifecycle] = []
        self.count = 0
        self.loop_aliases: dict[str, str] = {}  # `for layer in model.layers`: layer -> model

    def read(self, body: list[ast.stmt]) -> list[Lifecycle]:
        statements = list(_in_order(body))
        made = [self._made(stmt) for stmt in statements]
        if not any(made):
            return []  # nothing made here, so nothing to follow: most functions of a file
        for stmt, lifecycle in zip(statements, made, strict=True):
            self._statement(stmt, lifecycle)
        return self.done + list(self.live.values())

    def _statement(self, stmt: ast.stmt, made: Lifecycle | None) -> None:
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
            owner = _root_name(stmt.iter)
            if owner in self.live:
                self.loop_aliases[stmt.target.id] = owner
        for node in _nodes_in_order(stmt):
            self._node(node, stmt)
        if made is not None:
            self._retire(made.var)
            made.scope = self.scope
            self.live[made.var] = made
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    self._retire(target.id)  # rebound to something else

    def _made(self, stmt: ast.stmt) -> Lifecycle | None:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        call = stmt.value
        if not isinstance(call, ast.Call):
            return None
        ref = self._ref(call.func)
        if ref is None:
            return None
        if ref in SEQUENTIAL:
            return Lifecycle(stmt.targets[0].id, call, ref, _sequential_has_input(call, self._ref))
        if ref in FUNCTIONAL or ref.startswith("keras.applications."):
            return Lifecycle(stmt.targets[0].id, call, ref, True)
        facts = self.module.classes.get(ref)
        if facts is not None:
            return Lifecycle(stmt.targets[0].id, call, ref, _builds_itself(facts.methods.get("__init__")))
        if ref.startswith("keras.layers.") and ref not in INPUTS and ref.rsplit(".", 1)[1][:1].isupper():
            return Lifecycle(stmt.targets[0].id, call, ref, any(k.arg in INPUT_KEYWORDS for k in call.keywords))
        return None

    def _node(self, node: ast.AST, stmt: ast.stmt) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in self.live:
                self._add(self.live[func.id], Step.CALL, node)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in self.live:
                self._method(self.live[func.value.id], func.attr, node)
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(argument, ast.Name) and argument.id in self.live:
                    self._retire(argument.id)  # handed on: may be built or changed there
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                owner = _trainable_owner(target)
                owner = self.loop_aliases.get(owner, owner)
                if owner in self.live:
                    self._add(self.live[owner], Step.TRAINABLE, node)

    def _method(self, lifecycle: Lifecycle, method: str, node: ast.Call) -> None:
        step = STEP_OF_METHOD.get(method)
        if method == "add" and node.args and _gives_input(node.args[0], self._ref):
            step = Step.ADD_INPUT
        if step is not None:
            self._add(lifecycle, step, node)

    def _add(self, lifecycle: Lifecycle, step: Step, node: ast.AST) -> None:
        self.count += 1
        lifecycle.events.append(Event(step, node, self.count))

    def _retire(self, var: str) -> None:
        if var in self.live:
            self.done.append(self.live.pop(var))

    def _ref(self, func: ast.expr) -> str | None:
        ref = self.module.imports.canonical(func)
        if ref is None and isinstance(func, ast.Name):
            return func.id
        return ref


def _in_order(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements in source order, nested blocks included (a branch or loop counts as run)."""
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        yield stmt
        for name in ("body", "orelse", "finalbody"):
            yield from _in_order(getattr(stmt, name, None) or [])
        for handler in getattr(stmt, "handlers", None) or []:
            yield from _in_order(handler.body)


def _nodes_in_order(stmt: ast.stmt) -> tuple[ast.AST, ...]:
    """``_nodes`` in source order: the statement first (no node of it starts before it)."""
    return (stmt, *_inner_nodes_in_order(stmt))


@per_node
def _inner_nodes_in_order(stmt: ast.stmt) -> tuple[ast.AST, ...]:
    # without the statement itself: a value holding its key would keep it alive for ever
    return tuple(sorted((node for node in _nodes(stmt) if node is not stmt), key=lambda n: (n.lineno, n.col_offset)))


def _nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The statement's own nodes, not those of nested blocks (they come as statements of their own)."""
    todo: list[ast.AST] = [stmt]
    while todo:
        node = todo.pop()
        if hasattr(node, "lineno"):
            yield node
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "handlers", "finalbody") and isinstance(node, ast.stmt | ast.ExceptHandler):
                continue
            if isinstance(value, ast.AST):
                todo.append(value)
            elif isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, ast.AST))


def _trainable_owner(target: ast.expr) -> str | None:
    """``m.trainable``, ``m.layers[0].trainable``, ``m.get_layer("x").trainable``: the name ``m``."""
    if not (isinstance(target, ast.Attribute) and target.attr == "trainable"):
        return None
    return _root_name(target.value)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _sequential_has_input(call: ast.Call, ref) -> bool:
    layers = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
    if not isinstance(layers, ast.List | ast.Tuple) or not layers.elts:
        return False
    return _gives_input(layers.elts[0], ref)


def _gives_input(node: ast.expr, ref) -> bool:
    """``keras.Input(...)`` or a layer given ``input_shape=``: a Sequential built from its start."""
    if not isinstance(node, ast.Call):
        return False
    return ref(node.func) in INPUTS or any(k.arg in INPUT_KEYWORDS for k in node.keywords)


@per_node
def _builds_itself(init: ast.FunctionDef | None) -> bool:
    """``self.build(...)`` or ``self(...)`` in ``__init__``: built when made; once per ``__init__`` node."""
    if init is None:
        return False
    for node in ast.walk(init):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "self":
                return True
            if isinstance(func, ast.Attribute) and func.attr == "build" and isinstance(func.value, ast.Name) and func.value.id == "self":
                return True
    return False
