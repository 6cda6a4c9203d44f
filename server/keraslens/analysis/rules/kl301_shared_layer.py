"""KL301 shared-layer."""

from __future__ import annotations

from ..facts.classes import TargetKind, repeated_self_calls
from ..interpretation.layer_questions import is_weightless
from .base import Context, Related, Rule, Severity


class SharedLayer(Rule):
    """
    ## What it does
    Marks a layer instance that is called two or more times, or appears twice in
    `Sequential` models (in one model or across models), including a sublayer with weights
    called twice in one pass of another layer's `call()` (the same norm before two
    sub-blocks, one encoder applied to two inputs); calls in the two branches of one `if`
    (or under `if x:` and `if not x:`) are not both run, and weightless sublayers (`Dropout`, `Activation`) are left out.

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
        yield from self._model_code(ctx)
        yield from self._inside_call(ctx)

    def _inside_call(self, ctx: Context):
        for facts in ctx.module.classes.values():
            classes = {site.target.attr: site.class_ref for site in facts.sublayers if site.target.kind is TargetKind.SELF_ATTR}
            for attr, (first, *later) in repeated_self_calls(facts).items():
                if is_weightless(classes[attr], ctx.module):
                    continue
                for again in later:
                    yield self.finding(
                        ctx,
                        again.call,
                        f"`self.{attr}` is called again in the same forward pass: its weights are shared and counted once",
                        facts,
                        related=(Related(ctx.span(first.call), f"first call of `self.{attr}`"),),
                    )

    def _model_code(self, ctx: Context):
        for instance in ctx.graph.instances:
            # a call `layer(x)` and an element of `Sequential([..., layer, ...])` both apply it
            uses = [(a.call, "called") for a in instance.applications] + [(e, "used") for e in instance.sequential_uses]
            if len(uses) < 2:
                continue
            uses = sorted({id(node): (node, verb) for node, verb in uses}.values(), key=lambda use: (use[0].lineno, use[0].col_offset))
            if len(uses) == 1:  # one call site run several times, in an unrolled loop
                node = uses[0][0]
                yield self.finding(ctx, node, f"`{instance.label}` is called on each pass of the loop: its weights are shared and counted once")
                continue
            first = uses[0][0]
            for node, verb in uses[1:]:
                yield self.finding(
                    ctx,
                    node,
                    f"`{instance.label}` is {verb} again here: its weights are shared and counted once",
                    related=(Related(ctx.span(first), f"first use of `{instance.label}`"),),
                )
