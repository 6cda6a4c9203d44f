"""Plain values of module-level code: constants, and a model-building function's defaults.

``width = 64`` at module level, or ``def make(depth=3): ... width = 2 * depth``, give
values that layer arguments, ``keras.Input`` shapes and ``range(depth)`` loops use. A
function counts as called with its defaults; a name bound in a branch or loop is unknown.
"""

from __future__ import annotations

import ast

from .evaluate import UNKNOWN
from .interpret import Interpreter

MAX_UNROLL = 64  # longer model-building loops are read once and marked uncertain


class ScopeValues:
    def __init__(self, tree: ast.Module, evaluator: Interpreter) -> None:
        self.tree = tree
        self.evaluator = evaluator
        self.constants = self._plain_values(tree.body, {})
        self._scopes: dict[str, dict[str, object]] = {}

    def env(self, scope: str) -> dict[str, object]:
        """A copy of the values visible in ``scope`` (a module-level function name, or the module)."""
        if scope not in self._scopes:
            env = dict(self.constants)
            function = next((s for s in self.tree.body if isinstance(s, ast.FunctionDef) and s.name == scope), None)
            if function is not None:
                env.update(_parameter_defaults(function, self.evaluator))
                env = self._plain_values(function.body, env)
            self._scopes[scope] = env
        return dict(self._scopes[scope])

    def bind_call(self, scope: str, function: ast.FunctionDef, call: ast.Call, caller: str) -> None:
        """The values inside ``function`` when called by ``call`` (read in ``caller``'s scope)."""
        env = dict(self.constants)
        env.update(_parameter_defaults(function, self.evaluator))
        args, kwargs = self.arguments(call, caller)
        params = [p.arg for p in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]]
        if args is None:
            env.update(dict.fromkeys(params, UNKNOWN))
        else:
            env.update(zip(params, args))
            env.update({name: value for name, value in kwargs.items() if name in params})
        self._scopes[scope] = self._plain_values(function.body, env)

    def value(self, node: ast.expr, scope: str):
        return self.evaluator.expr(node, self.env(scope))

    def arguments(self, call: ast.Call, scope: str) -> tuple[list | None, dict | None]:
        return self.evaluator._arguments(call, self.env(scope))

    def loop_items(self, iterable: ast.expr, scope: str) -> list | None:
        """What ``for ... in range(...)`` iterates over, when known and short enough to unroll."""
        if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"):
            return None
        value = self.value(iterable, scope)
        return list(value) if isinstance(value, range) and len(value) <= MAX_UNROLL else None

    def bind_iteration(self, scope: str, parent: str, target: ast.expr, item: object) -> None:
        """The values in one unrolled pass of a loop: the parent's, with the loop variable set."""
        env = self.env(parent)
        if isinstance(target, ast.Name):
            env[target.id] = item
        self._scopes[scope] = env

    def _plain_values(self, body: list[ast.stmt], env: dict) -> dict[str, object]:
        """Names bound to plain values (numbers, tuples, arithmetic) by straight-line code."""
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self.evaluator.expr(stmt.value, env) if _is_plain_value(stmt.value) else UNKNOWN
                env[stmt.targets[0].id] = value
            elif isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.For | ast.While | ast.If | ast.With | ast.Try):
                for node in ast.walk(stmt):  # a name bound in a branch or loop is no longer plain
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        env[node.id] = UNKNOWN
        return env


def _parameter_defaults(function: ast.FunctionDef, evaluator: Interpreter) -> dict[str, object]:
    params = [*function.args.posonlyargs, *function.args.args]
    defaults = [None] * (len(params) - len(function.args.defaults)) + list(function.args.defaults)
    pairs = [*zip(params, defaults), *zip(function.args.kwonlyargs, function.args.kw_defaults)]
    return {param.arg: UNKNOWN if default is None else evaluator.expr(default, {}) for param, default in pairs}


def _is_plain_value(node: ast.expr) -> bool:
    return all(isinstance(n, ast.Constant | ast.Tuple | ast.List | ast.BinOp | ast.UnaryOp | ast.Name | ast.operator | ast.unaryop | ast.Load | ast.Dict) for n in ast.walk(node))
