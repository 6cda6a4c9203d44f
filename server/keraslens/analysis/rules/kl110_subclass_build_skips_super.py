"""KL110 subclass-build-skips-super."""

from __future__ import annotations

from ..facts.classes import ClassFacts, Phase, TargetKind
from ..fixes.building import add_super_call, header_span
from ..fixes.edit import Applicability, Fix
from ..interpretation.layer_questions import weighted_builtin_base
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

    A `build()` that makes the base's state itself, under the names the base's own
    `build()` uses (`self._kernel`, `self._query_dense`, ... in Keras 3; `self.kernel` in
    tf_keras), is not reported: keras-hub's attention layers re-make `MultiHeadAttention`'s
    projections that way, and they work.

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
            if build is None or base is None or facts.calls_super("build") or _remakes_base_state(facts):
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


# what the built-ins' own build() assigns (Keras 3 keeps kernels and embeddings private,
# tf_keras does not; attention keeps its projections in private sublayers)
BASE_STATE = frozenset(
    {"_kernel", "kernel", "_embeddings", "embeddings", "depthwise_kernel", "pointwise_kernel", "recurrent_kernel", "gamma", "moving_mean"}
    | {"_query_dense", "_key_dense", "_value_dense", "_output_dense"}
)


def _remakes_base_state(facts: ClassFacts) -> bool:
    return any(
        Phase.BUILD in site.phases and site.target.kind is TargetKind.SELF_ATTR and site.target.attr in BASE_STATE
        for site in [*facts.weights, *facts.sublayers]
    )
