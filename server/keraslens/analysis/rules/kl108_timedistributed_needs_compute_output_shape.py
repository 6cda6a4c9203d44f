"""KL108 timedistributed-needs-compute-output-shape."""

from __future__ import annotations

from ..layerinfo import has_compute_output_shape
from ..resolve import Flavor
from .base import Context, Rule

TIME_DISTRIBUTED = "keras.layers.TimeDistributed"


class TimeDistributedNeedsComputeOutputShape(Rule):
    """
    ## What it does
    Finds `TimeDistributed(CustomLayer(...))` called on a symbolic tensor (functional API)
    when the custom layer class has no `compute_output_shape`.

    ## Why is this bad?
    In Keras 3 the wrapper asks the inner layer for its output shape while the model is
    built and fails: "NotImplementedError: Layer Linear does not have a
    `compute_output_shape` method implemented."

    ## Example
    ```python
    inputs = keras.Input(shape=(7, 10))
    outputs = keras.layers.TimeDistributed(Linear(5))(inputs)
    ```

    ## Use instead
    ```python
    class Linear(keras.layers.Layer):
        ...
        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], self.units)
    ```

    ## Fix safety
    No automatic fix yet: the output shape depends on what `call()` computes.

    ## Keras versions
    Keras 3 only. It does not fail eagerly, inside `Sequential([Input, TimeDistributed(...)])`,
    or inside another layer or a subclassed Model: no finding there. tf_keras infers the shape.
    """

    code = "KL108"
    name = "timedistributed-needs-compute-output-shape"

    def check(self, ctx: Context):
        if ctx.flavor is not Flavor.KERAS3:
            return
        for application in ctx.graph.applications:
            instance = application.instance
            inner = instance.wrapped
            if instance.class_ref != TIME_DISTRIBUTED or inner is None or instance.in_sequential:
                continue
            if not application.output or not application.output.symbolic:
                continue
            facts = ctx.module.classes.get(inner.class_ref)
            if facts is None or has_compute_output_shape(facts, ctx.module) is not False:
                continue
            yield self.finding(
                ctx,
                application.call,
                f"`TimeDistributed({facts.name})` on a symbolic tensor: Keras 3 raises NotImplementedError because "
                f"`{facts.name}` has no `compute_output_shape`",
                facts,
            )
