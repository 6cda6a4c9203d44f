"""KL110 subclass-build-skips-super."""

from __future__ import annotations

from ..edits import add_super_call, header_span
from ..fixes import Applicability, Fix
from ..layerinfo import weighted_builtin_base
from .base import Context, Rule


class SubclassBuildSkipsSuper(Rule):
    """
    ## What it does
    Finds subclasses of built-in weighted layers (`Dense`, `Conv2D`, ...) that override
    `build()` without calling `super().build(input_shape)`.

    ## Why is this bad?
    The built-in weights (`kernel`, `bias`, ...) are never created. Keras 3 builds the
    model with the wrong count (the summary shows only the subclass's own weights), then
    crashes at the first real call ("Attempt to convert a value (None) with an unsupported
    type ... to a Tensor"; a Conv subclass: "has no attribute '_kernel'"). tf_keras fails at
    model construction with `AttributeError: ... has no attribute 'kernel'`.

    ## Example
    ```python
    class ScaledDense(keras.layers.Dense):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(), initializer="ones")
    ```

    ## Use instead
    ```python
    class ScaledDense(keras.layers.Dense):
        def build(self, input_shape):
            super().build(input_shape)
            self.scale = self.add_weight(shape=(), initializer="ones")
    ```

    ## Fix safety
    Safe: inserts `super().build(input_shape)` (with `build()`'s own parameter name) as
    the first statement of `build()`, after the docstring, so the built-in weights exist
    before the subclass's own code uses them. The layer then has the parameter count its
    base class promises. No fix for a one-line `build()`.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL110"
    name = "subclass-build-skips-super"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            build = facts.methods.get("build")
            base = weighted_builtin_base(facts, ctx.module)
            if build is None or base is None or facts.calls_super("build"):
                continue
            edits = add_super_call(ctx.source, build, "build")
            fix = Fix("Call super().build(input_shape) first", Applicability.SAFE, edits) if edits else None
            yield self.finding(
                ctx,
                header_span(ctx.source, build),
                f"`{facts.name}.build` overrides `{base.rsplit('.', 1)[-1]}.build` without calling `super().build()`: "
                "the built-in weights are never created",
                facts,
                fix=fix,
            )
