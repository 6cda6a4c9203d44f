"""Plain values of module-level code: constants, and a model-building function's defaults.

``width = 64`` at module level, or ``def make(depth=3): ... width = 2 * depth``, give
values that layer arguments, ``keras.Input`` shapes and ``range(depth)`` loops use. A
function counts as called with its defaults; a name bound in a branch or loop is unknown.
Values are read where they are used: after ``n = 3; Dense(n); n = 5`` the first layer
still has 3 units. A name some code may change unseen is unknown: one declared ``global``
somewhere, or a list or dict that is changed in place (``cfg["units"] = 10``,
``widths.append(8)``); so is one bound by a walrus, an import, a ``match`` or an ``except``.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass, field

from ..facts.graph import MODULE_SCOPE
from ..source import walk, walk_statements
from .interpreter import CHANGING_METHODS, Interpreter
from .values import UNKNOWN, unpacked

MUTATORS = frozenset().union(*CHANGING_METHODS.values(), {"sort", "add", "discard"})  # and set methods
LOOP_BUILTINS = frozenset({"range", "enumerate", "zip", "reversed"})
MAX_UNROLL = 64  # longer model-building loops are read once and marked uncertain
CHECKPOINT = 32  # steps between the stored environments of a scope


@dataclass(slots=True)
class _Timeline:
    """The values at a scope's start, then each binding in source order with where it takes effect."""

    start: dict[str, object]
    steps: list[tuple[tuple[int, int], str, object]]
    _envs: dict[int, dict[str, object]] = field(default_factory=dict)  # by how many steps apply

    def at(self, node: ast.AST | None) -> dict[str, object]:
        position = _position(node)
        count = len(self.steps) if position is None else bisect_right(self.steps, position, key=lambda step: step[0])
        env = dict(self._checkpoint(count - count % CHECKPOINT))
        env.update((name, value) for _, name, value in self.steps[count - count % CHECKPOINT : count])
        return env

    def _checkpoint(self, count: int) -> dict[str, object]:
        """The values after ``count`` steps (a multiple of CHECKPOINT): long module code stays linear."""
        done = max((c for c in self._envs if c <= count), default=None)
        env = dict(self.start) if done is None else self._envs[done]
        for reached in range(0 if done is None else done + CHECKPOINT, count + 1, CHECKPOINT):
            env = dict(env)
            env.update((name, value) for _, name, value in self.steps[max(reached - CHECKPOINT, 0) : reached])
            self._envs[reached] = env
        return self._envs[count]


class ScopeValues:
    def __init__(self, tree: ast.Module, evaluator: Interpreter) -> None:
        self.tree = tree
        self.evaluator = evaluator
        self.declared_global = {name for node in walk_statements(tree) if isinstance(node, ast.Global) for name in node.names}
        self._mutated: set[str] | None = None  # found on first need: most modules bind no containers
        module = self._timeline(tree.body, {})
        # functions run after the module code: they see the module names that are bound once
        bound = [name for _, name, _ in module.steps]
        self.constants = {name: value for name, value in module.at(None).items() if bound.count(name) == 1}
        self._scopes: dict[str, _Timeline] = {MODULE_SCOPE: module}

    def env(self, scope: str, at: ast.AST | None = None) -> dict[str, object]:
        """The values visible at ``at`` in ``scope`` (a function name, the module, or a scope made by
        ``bind_call``/``bind_iteration``); without ``at``, those at the scope's end."""
        if scope not in self._scopes:
            function = next((s for s in self.tree.body if isinstance(s, ast.FunctionDef) and s.name == scope), None)
            start = dict(self.constants)
            if function is not None:
                start.update(self._steady_all(_parameter_defaults(function, self.evaluator)))
            self._scopes[scope] = self._timeline(function.body if function is not None else [], start)
        return self._scopes[scope].at(at)

    def bind_call(self, scope: str, function: ast.FunctionDef, call: ast.Call, caller: str) -> None:
        """The values inside ``function`` when called by ``call`` (read in ``caller``'s scope)."""
        env = dict(self.constants)
        env.update(self._steady_all(_parameter_defaults(function, self.evaluator)))
        args, kwargs = self.arguments(call, caller)
        params = [p.arg for p in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]]
        if args is None:
            env.update(dict.fromkeys(params, UNKNOWN))
        else:
            env.update(self._steady_all(dict(zip(params, args))))
            env.update(self._steady_all({name: value for name, value in kwargs.items() if name in params}))
        self._scopes[scope] = self._timeline(function.body, env)

    def value(self, node: ast.expr, scope: str):
        return self.evaluator.expr(node, self.env(scope, node))

    def arguments(self, call: ast.Call, scope: str) -> tuple[list | None, dict | None]:
        return self.evaluator._arguments(call, self.env(scope, call))

    def loop_items(self, iterable: ast.expr, scope: str) -> list | None:
        """What a ``for`` loop iterates over (``range(3)``, ``(64, 32)``, ``enumerate(widths)``, a
        name), when it is plain values known here and few enough to unroll."""
        over_builtin = isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id in LOOP_BUILTINS
        if not (over_builtin or isinstance(iterable, ast.Tuple | ast.List | ast.Name)):
            return None
        value = self.value(iterable, scope)
        if not isinstance(value, range | list | tuple) or len(value) > MAX_UNROLL or not all(map(_is_plain, value)):
            return None
        return list(value)

    def bind_iteration(self, scope: str, parent: str, loop: ast.For, item: object) -> None:
        """The values in one unrolled pass of ``loop``: the parent's there, the loop variables set."""
        env = self.env(parent, loop.target)
        _bind_target(env, loop.target, item)
        self._scopes[scope] = self._timeline(loop.body, env)

    def _timeline(self, body: list[ast.stmt], start: dict[str, object]) -> _Timeline:
        """Names bound to plain values (numbers, tuples, arithmetic) by straight-line code."""
        env, steps = dict(start), []
        for stmt in body:
            simple = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            for name in _bound_names(stmt.value if simple else stmt):  # in a branch, a loop, a walrus, an import...
                env[name] = UNKNOWN
                steps.append(((stmt.lineno, stmt.col_offset), name, UNKNOWN))
            if simple:
                name = stmt.targets[0].id
                value = self._steady(name, self.evaluator.expr(stmt.value, env) if _is_plain_value(stmt.value) else UNKNOWN)
                env[name] = value
                steps.append(((stmt.end_lineno, stmt.end_col_offset), name, value))
        return _Timeline(start, steps)

    def _steady(self, name: str, value: object) -> object:
        """UNKNOWN for a value other code may change: a ``global``, a list or dict changed in place."""
        if name in self.declared_global:
            return UNKNOWN
        if isinstance(value, list | dict | set):
            self._mutated = _mutated_names(self.tree) if self._mutated is None else self._mutated
            return UNKNOWN if name in self._mutated else value
        return value

    def _steady_all(self, values: dict[str, object]) -> dict[str, object]:
        return {name: self._steady(name, value) for name, value in values.items()}


def _bound_names(node: ast.AST) -> list[str]:
    """The names a statement binds in its own scope (not in functions or classes it defines)."""
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


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names changed in place (``x[k] = v``, ``del x[k]``, ``x.attr = v``, ``x.append(v)``) in
    module code and functions: the code whose values this module reads."""
    mutated = set()
    code = [stmt for stmt in tree.body if not isinstance(stmt, ast.ClassDef)]  # methods change `self`
    for node in (node for stmt in code for node in walk(stmt)):
        if isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del) and isinstance(node.value, ast.Name):
            mutated.add(node.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
            mutated.add(node.func.value.id)
    return mutated


def _position(node: ast.AST | None) -> tuple[int, int] | None:
    return (node.lineno, node.col_offset) if node is not None and hasattr(node, "lineno") else None


def _parameter_defaults(function: ast.FunctionDef, evaluator: Interpreter) -> dict[str, object]:
    params = [*function.args.posonlyargs, *function.args.args]
    defaults = [None] * (len(params) - len(function.args.defaults)) + list(function.args.defaults)
    pairs = [*zip(params, defaults), *zip(function.args.kwonlyargs, function.args.kw_defaults)]
    return {param.arg: UNKNOWN if default is None else evaluator.expr(default, {}) for param, default in pairs}


def _is_plain(value) -> bool:
    """A number, string, bool, None or a tuple of them: what a loop may carry into its passes."""
    if isinstance(value, tuple):
        return all(map(_is_plain, value))
    return value is None or isinstance(value, int | float | str | bool)


def _bind_target(env: dict, target: ast.expr, value) -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
    elif isinstance(target, ast.Tuple | ast.List):
        for element, item in zip(target.elts, unpacked(value, target.elts)):
            _bind_target(env, element.value if isinstance(element, ast.Starred) else element, item)
    else:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                env[node.id] = UNKNOWN


def _is_plain_value(node: ast.expr) -> bool:
    return all(isinstance(n, ast.Constant | ast.Tuple | ast.List | ast.BinOp | ast.UnaryOp | ast.Name | ast.operator | ast.unaryop | ast.Load | ast.Dict) for n in ast.walk(node))
