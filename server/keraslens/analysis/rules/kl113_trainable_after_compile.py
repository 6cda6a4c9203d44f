"""KL113 trainable-after-compile."""

from __future__ import annotations

import ast
from itertools import groupby

from ..facts.lifecycle import Event, Lifecycle, Step, lifecycles
from ..names.imports import Flavor
from .base import Context, Related, Rule, Severity


class TrainableAfterCompile(Rule):
    """
    ## What it does
    Finds a `trainable` change (`base.trainable = True`, `model.layers[0].trainable = False`,
    `layer.trainable = ...` in a loop over `model.layers`) made after a model of the same
    code was compiled, when that model is then trained again without a new `compile()`.

    ## Why is this bad?
    `compile()` fixes which weights the training step updates. Changed afterwards, the
    flag is ignored by `fit()` until the model is compiled again: the "unfrozen" base model
    of a fine-tuning step never trains, or the frozen one keeps training, and nothing says
    so. This is the classic transfer-learning trap.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y)
    base.trainable = True        # fine-tune the base model
    model.fit(x, y)              # still trains the head only
    ```

    ## Use instead
    ```python
    base.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="mse")
    model.fit(x, y)
    ```

    ## Fix safety
    No automatic fix: the new `compile()` usually needs a different learning rate.

    ## Keras versions
    Observed with Keras 3.15 and tf_keras 2.21 (training a `Dense` and comparing its
    kernel). Keras 3 makes its training function at the first `fit()` after `compile()`:
    a change between `compile()` and that first `fit()` still takes effect, one after a
    `fit()` does not until the next `compile()`. tf_keras ignores any change made after
    `compile()`, even before the first `fit()`, until the next `compile()`.
    """

    code = "KL113"
    name = "trainable-after-compile"
    severity = Severity.WARNING

    def check(self, ctx: Context):
        ordered = sorted(lifecycles(ctx.module, ctx.memo), key=lambda lc: lc.scope)
        for _, group in groupby(ordered, key=lambda lc: lc.scope):
            yield from self._scope(ctx, list(group))

    def _scope(self, ctx: Context, group: list[Lifecycle]):
        timeline = sorted(((e, lc) for lc in group for e in lc.events), key=lambda item: item[0].order)
        compiled: dict[int, Event] = {}  # model -> its last compile
        trained: set[int] = set()  # models fitted since their last compile
        pending: dict[int, list[Event]] = {}  # model -> trainable changes its training ignores
        reported: set[int] = set()
        for event, owner in timeline:
            key = id(owner)
            if event.step is Step.COMPILE:
                compiled[key] = event
                trained.discard(key)
                pending.pop(key, None)
            elif event.step is Step.TRAINABLE:
                for model in compiled:
                    if ctx.flavor is Flavor.KERAS2 or model in trained:
                        pending.setdefault(model, []).append(event)
            elif event.step is Step.FIT and key in compiled:
                for change in pending.pop(key, []):
                    if id(change) not in reported:
                        reported.add(id(change))
                        yield self._finding(ctx, change, compiled[key], event, owner)
                trained.add(key)

    def _finding(self, ctx: Context, change: Event, compile_event: Event, fit: Event, model: Lifecycle):
        return self.finding(
            ctx,
            change.node,
            f"`trainable` is changed after `{model.var}.compile()`: the next `{model.var}.{_method(fit.node)}()` ignores it; "
            f"call `{model.var}.compile(...)` again after changing `trainable`",
            related=(
                Related(ctx.span(compile_event.node), f"`{model.var}` was compiled here"),
                Related(ctx.span(fit.node), "trained here without a new compile()"),
            ),
        )


def _method(node: ast.AST) -> str:
    return node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else "fit"
