"""KL301 shared-layer."""

from __future__ import annotations

from .base import Context, Related, Rule, Severity


class SharedLayer(Rule):
    """
    ## What it does
    Marks a layer instance that is called two or more times.

    ## Why is this bad?
    It is not a bug, but worth seeing: every call uses the same weights, and
    `model.summary()` counts them once. If separate weights were meant, create one
    instance per use.

    ## Example
    ```python
    dense = keras.layers.Dense(64)
    a = dense(x)
    b = dense(y)   # same kernel and bias as for x
    ```

    ## Use instead
    ```python
    a = keras.layers.Dense(64)(x)
    b = keras.layers.Dense(64)(y)   # when separate weights were intended
    ```

    ## Fix safety
    No fix: sharing is often intended (siamese networks, tied embeddings).

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL301"
    name = "shared-layer"
    severity = Severity.HINT

    def check(self, ctx: Context):
        for instance in ctx.graph.instances:
            first, *others = instance.applications or [None]
            for application in others:
                yield self.finding(
                    ctx,
                    application.call,
                    f"`{instance.label}` is called again here: its weights are shared and counted once",
                    related=(Related(ctx.span(first.call), f"first call of `{instance.label}`"),),
                )
