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
from collections import ChainMap, Counter
from collections.abc import Iterator, Mapping

from ..facts.graph import MODULE_SCOPE
from ..source import walk, walk_statements
from .interpreter import CHANGING_METHODS, Interpreter
from .values import UNKNOWN, bind_parameters, bind_target

MUTATORS = frozenset().union(*CHANGING_METHODS.values(), {"sort", "add", "discard"})  # and set methods
LOOP_BUILTINS = frozenset({"range", "enumerate", "zip", "reversed"})
MAX_UNROLL = 64  # longer model-building loops are read once and marked uncertain
END = (float("inf"), 0)  # a position after every statement


class _Timeline:
    """The values at a scope's start, then each name's bindings in source order with where each takes
    effect. The values at a position are read name by name (a bisection in that name's bindings), so
    reading them costs the same at any size of module: nothing is copied."""

    __slots__ = ("start", "history", "names")

    def __init__(self, start: Mapping[str, object], steps: list[tuple[tuple[int, int], str, object]]) -> None:
        self.start = start
        self.names = [name for _, name, _ in steps]  # every binding, in order
        self.history: dict[str, tuple[list[tuple[int, int]], list[object]]] = {}
        for position, name, value in steps:
            positions, values = self.history.setdefault(name, ([], []))
            positions.append(position)
            values.append(value)

    def at(self, node: ast.AST | None) -> ChainMap:
        """The values at ``node`` (None: at the scope's end); writes go to a map of the caller's own."""
        return ChainMap({}, _ValuesAt(self, _position(node) or END))


class _ValuesAt(Mapping):
    __slots__ = ("timeline", "position")

    def __init__(self, timeline: _Timeline, position: tuple) -> None:
        self.timeline, self.position = timeline, position

    def __getitem__(self, name: str) -> object:
        bindings = self.timeline.history.get(name)
        if bindings is not None:
            index = bisect_right(bindings[0], self.position)
            if index:
                return bindings[1][index - 1]
        return self.timeline.start[name]

    def __contains__(self, name: object) -> bool:
        bindings = self.timeline.history.get(name)  # type: ignore[arg-type]
        return (bindings is not None and bindings[0][0] <= self.position) or name in self.timeline.start

    def __iter__(self) -> Iterator[str]:
        bound = (name for name, (positions, _) in self.timeline.history.items() if positions[0] <= self.position)
        return iter(dict.fromkeys([*self.timeline.start, *bound]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ScopeValues:
    def __init__(self, tree: ast.Module, evaluator: Interpreter) -> None:
        self.tree = tree
        self.evaluator = evaluator
        self.declared_global = {name for node in walk_statements(tree) if isinstance(node, ast.Global) for name in node.names}
        self._mutated: set[str] | None = None  # found on first need: most modules bind no containers
        self.functions: dict[str, ast.FunctionDef] = {}  # the first definition of each name, as read before
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef):
                self.functions.setdefault(stmt.name, stmt)
        module = self._timeline(tree.body, {})
        # functions run after the module code: they see the module names that are bound once
        bindings = Counter(module.names)
        at_end = module.at(None)
        self.constants = {name: at_end[name] for name, times in bindings.items() if times == 1}
        self._scopes: dict[str, _Timeline] = {MODULE_SCOPE: module}

    def env(self, scope: str, at: ast.AST | None = None) -> ChainMap:
        """The values visible at ``at`` in ``scope`` (a function name, the module, or a scope made by
        ``bind_call``/``bind_iteration``); without ``at``, those at the scope's end."""
        if scope not in self._scopes:
            function = self.functions.get(scope)
            start = ChainMap(self._steady_all(self._parameter_defaults(function)) if function is not None else {}, self.constants)
            self._scopes[scope] = self._timeline(function.body if function is not None else [], start)
        return self._scopes[scope].at(at)

    def bind_call(self, scope: str, function: ast.FunctionDef, call: ast.Call, caller: str) -> None:
        """The values inside ``function`` when called by ``call`` (read in ``caller``'s scope)."""
        args, kwargs = self.arguments(call, caller)
        bound = bind_parameters(function.args, args, kwargs, self._default)
        self._scopes[scope] = self._timeline(function.body, ChainMap(self._steady_all(bound), self.constants))

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
        bind_target(loop.target, item, lambda leaf, value: _bind_leaf(env, leaf, value))
        self._scopes[scope] = self._timeline(loop.body, env)

    def _timeline(self, body: list[ast.stmt], start: Mapping[str, object]) -> _Timeline:
        """Names bound to plain values (numbers, tuples, arithmetic) by straight-line code."""
        env, steps = ChainMap({}, start), []
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

    def _default(self, node: ast.expr) -> object:
        return self.evaluator.expr(node, {})

    def _parameter_defaults(self, function: ast.FunctionDef) -> dict[str, object]:
        """A function read on its own counts as called with its defaults; what other parameters,
        ``*args`` and ``**kwargs`` hold is not known."""
        values = bind_parameters(function.args, [], {}, self._default)
        values.update((param.arg, UNKNOWN) for param in filter(None, [function.args.vararg, function.args.kwarg]))
        return values

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


def _is_plain(value) -> bool:
    """A number, string, bool, None or a tuple of them: what a loop may carry into its passes."""
    if isinstance(value, tuple):
        return all(map(_is_plain, value))
    return value is None or isinstance(value, int | float | str | bool)


def _bind_leaf(env: ChainMap, target: ast.expr, value) -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
    else:  # `for self.x in ...`, `for d[k] in ...`: the names it reads may change
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                env[node.id] = UNKNOWN


def _is_plain_value(node: ast.expr) -> bool:
    return all(isinstance(n, ast.Constant | ast.Tuple | ast.List | ast.BinOp | ast.UnaryOp | ast.Name | ast.operator | ast.unaryop | ast.Load | ast.Dict) for n in ast.walk(node))
