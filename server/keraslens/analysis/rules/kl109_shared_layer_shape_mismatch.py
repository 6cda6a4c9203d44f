"""KL109 shared-layer-shape-mismatch."""

from __future__ import annotations

import ast

from ..interpretation.counts import module_counts
from ..interpretation.layer_questions import is_weightless
from ..interpretation.values import Tensor, as_int
from .base import Context, Related, Rule


class SharedLayerShapeMismatch(Rule):
    """
    ## What it does
    Finds one layer instance called on inputs whose last dimensions are statically known
    and differ.

    ## Why is this bad?
    A layer builds its weights for the last dimension of its first input. Calling the
    same instance on a different size fails when the model is built: "expected axis -1 of
    input shape to have value 64, but received input with shape (None, 32)" or
    "Dimensions must be equal". A common cause is reusing a layer after a projection
    changed the width, or calling it on its own output.

    ## Example
    ```python
    attention = SelfAttention(32)          # built on inputs of width 64
    x = attention(inputs)                  # (None, 100, 64) -> (None, 100, 32)
    x = attention(x)                       # width 32: fails
    ```

    ## Use instead
    ```python
    x = SelfAttention(32)(inputs)
    x = SelfAttention(32)(x)               # a second instance with its own weights
    ```

    ## Fix safety
    No automatic fix: use a second instance, or project the input back.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL109"
    name = "shared-layer-shape-mismatch"

    def check(self, ctx: Context):
        # a layer without weights fits any input; one with weights is built for its first input
        shared = [
            i for i in ctx.graph.instances
            if len(i.applications) + len(i.sequential_uses) > 1 and not is_weightless(i.class_ref, ctx.module)
        ]
        counts = module_counts(ctx) if shared else None
        for instance in shared:
            uses = _uses(counts, instance)
            first_node, first_dim = uses[0]
            if first_dim is None:
                continue
            for node, dim in uses[1:]:
                if dim is not None and dim != first_dim:
                    yield self.finding(
                        ctx,
                        node,
                        f"`{instance.label}` was built for inputs with last dimension {first_dim}, "
                        f"but is called here on last dimension {dim}: Keras fails when the model is built",
                        related=(Related(ctx.span(first_node), f"first use: last dimension {first_dim}"),),
                    )


def _uses(counts, instance) -> list[tuple[ast.AST, int | None]]:
    """Each call (from the graph) or Sequential slot (in order) with its input's last dimension."""
    if instance.applications:
        return [(a.call, _last_dim(counts.application_inputs.get(id(a)))) for a in instance.applications]
    shapes = counts.value_of(instance).input_shapes  # a Sequential run records one shape per slot
    if len(shapes) != len(instance.sequential_uses):
        return [(node, None) for node in instance.sequential_uses]
    return [(node, as_int(shape[-1]) if isinstance(shape, tuple) and shape else None) for node, shape in zip(instance.sequential_uses, shapes)]


def _last_dim(inputs) -> int | None:
    if not inputs or not isinstance(inputs[0], Tensor) or not inputs[0].shape:
        return None
    return as_int(inputs[0].shape[-1])
