"""KL105 private-weights-list."""

from __future__ import annotations

import ast

from ..fixes.building import delete_statement
from ..fixes.edit import Applicability, Fix
from ..names.imports import Flavor
from .base import Context, Rule, Severity


class PrivateWeightsList(Rule):
    """
    ## What it does
    Finds code that touches a layer's private `_trainable_weights` or
    `_non_trainable_weights` lists, typically to "register" a nested layer's weights.

    ## Why is this bad?
    Nested layers assigned to attributes are tracked automatically once the outer layer
    is called or used in a model, so the hack is never needed. In Keras 3 the attribute
    does not exist: `AttributeError: ... object has no attribute '_trainable_weights'`.
    In tf_keras it can count weights twice (110 instead of 55) and leave stale variables
    that get no gradient.

    ## Example
    ```python
    def build(self, input_shape):
        self.inner.build(input_shape)
        self._trainable_weights.extend(self.inner.trainable_weights)
    ```

    ## Use instead
    ```python
    def build(self, input_shape):
        self.inner.build(input_shape)
    ```

    ## Fix safety
    Safe: the statement that changes the list (`.extend/.append/.insert/.remove/.clear`,
    `+=`, or an assignment to it) is deleted (with a `for` loop that only copies into it),
    becoming `pass` if it was alone in its block; a manual `inner.build(...)` next to it is kept. The nested layer's weights
    stay tracked through the attribute, counted once. No fix when the list is read
    (`n = len(self._trainable_weights)`): deleting that would break the code after it.

    ## Keras versions
    Keras 3: error (AttributeError). tf_keras: warning (double counting, stale variables).
    """

    code = "KL105"
    name = "private-weights-list"

    def severity_for(self, flavor: Flavor) -> Severity:
        return Severity.ERROR if flavor is Flavor.KERAS3 else Severity.WARNING

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            for node in facts.private_list_uses:
                statement = _enclosing_statement(facts.node, node)
                fix = None
                if statement is not None and _only_mutates(statement, node):
                    doomed = _copy_loop(facts.node, statement) or statement
                    fix = Fix("Delete the private weight-list manipulation", Applicability.SAFE, delete_statement(ctx.source, doomed))
                symptom = (
                    "Keras 3 has no such attribute (AttributeError)"
                    if ctx.flavor is Flavor.KERAS3
                    else "tf_keras may count the weights twice"
                )
                yield self.finding(
                    ctx,
                    node,
                    f"`{node.attr}` is private Keras state: {symptom}; nested layers are tracked automatically",
                    facts,
                    fix=fix,
                )


MUTATORS = frozenset({"extend", "append", "insert", "remove", "clear", "pop"})


def _only_mutates(statement: ast.stmt, node: ast.Attribute) -> bool:
    """The statement only changes the private list (its value is not used)."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return isinstance(func, ast.Attribute) and func.value is node and func.attr in MUTATORS
    if isinstance(statement, ast.AugAssign):
        return statement.target is node
    if isinstance(statement, ast.Assign):
        return len(statement.targets) == 1 and statement.targets[0] is node
    return False


def _copy_loop(root: ast.AST, statement: ast.stmt) -> ast.For | None:
    """``for w in inner.weights: self._trainable_weights.append(w)``: the loop exists only for the copy."""
    for node in ast.walk(root):
        if isinstance(node, ast.For) and not node.orelse and len(node.body) == 1 and node.body[0] is statement:
            return node
    return None


def _enclosing_statement(root: ast.AST, target: ast.AST) -> ast.stmt | None:
    found = None
    for node in ast.walk(root):
        if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.If | ast.For | ast.With | ast.While | ast.Try):
            if any(child is target for child in ast.walk(node)):
                found = node
    return found
