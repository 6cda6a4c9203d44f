"""KL105 private-weights-list."""

from __future__ import annotations

import ast

from ..edits import delete_statement
from ..fixes import Applicability, Fix
from ..resolve import Flavor
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
    Safe: the statement is deleted; a manual `inner.build(...)` next to it is kept.

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
                if isinstance(statement, ast.Expr | ast.Assign | ast.AugAssign):
                    fix = Fix("Delete the private weight-list manipulation", Applicability.SAFE, delete_statement(ctx.source, statement))
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


def _enclosing_statement(root: ast.AST, target: ast.AST) -> ast.stmt | None:
    found = None
    for node in ast.walk(root):
        if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.If | ast.For | ast.With | ast.While | ast.Try):
            if any(child is target for child in ast.walk(node)):
                found = node
    return found
