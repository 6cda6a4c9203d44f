"""KL107 add-weight-positional-name."""

from __future__ import annotations

import ast

from ..facts.classes import WeightKind
from ..fixes.edit import Applicability, Edit, Fix
from ..names.imports import Flavor
from ..source import Span
from .base import Context, Rule

# tf_keras's positional order, which is what a positional name was written for
KERAS2_ORDER = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")


class AddWeightPositionalName(Rule):
    """
    ## What it does
    Finds `add_weight("name", ...)` calls that pass the weight's name positionally in
    Keras 3 code.

    ## Why is this bad?
    Keras 3 changed the positional order of `add_weight` (shape comes first). Keras 3.15
    raises "ValueError: `name` must be passed as a keyword argument"; older Keras 3
    releases fail with confusing errors ("got multiple values for argument 'shape'",
    "Could not interpret initializer identifier").

    ## Example
    ```python
    self.w = self.add_weight("kernel", (input_shape[-1], 4))
    ```

    ## Use instead
    ```python
    self.w = self.add_weight(name="kernel", shape=(input_shape[-1], 4))
    ```

    ## Fix safety
    Safe: every positional argument is rewritten as the keyword tf_keras gave it
    (name, shape, dtype, initializer, regularizer, trainable, constraint), which is what
    the code meant and works in both Keras versions.

    ## Keras versions
    Keras 3 only; in tf_keras `name` is the first positional parameter.
    """

    code = "KL107"
    name = "add-weight-positional-name"

    def check(self, ctx: Context):
        if ctx.flavor is not Flavor.KERAS3:
            return
        for facts in ctx.module.classes.values():
            for site in facts.weights:
                call = site.call
                if site.kind is not WeightKind.ADD_WEIGHT or not call.args or not _is_string(call.args[0]):
                    continue
                yield self.finding(
                    ctx,
                    call,
                    '`add_weight` gets its name positionally: Keras 3 raises "`name` must be passed as a keyword argument"',
                    facts,
                    fix=_keyword_fix(ctx, call),
                )


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _keyword_fix(ctx: Context, call: ast.Call) -> Fix | None:
    if len(call.args) > len(KERAS2_ORDER) or any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    taken = {keyword.arg for keyword in call.keywords}
    names = KERAS2_ORDER[: len(call.args)]
    if taken & set(names):
        return None
    first, last = ctx.span(call.args[0]), ctx.span(call.args[-1])
    text = ", ".join(f"{name}={ctx.source.segment(arg)}" for name, arg in zip(names, call.args))
    return Fix("Pass add_weight arguments by keyword", Applicability.SAFE, (Edit(Span(first.line, first.col, last.end_line, last.end_col), text),))
