"""KL109 shared-layer-shape-mismatch."""

from __future__ import annotations

import ast

from ..facts.classes import ClassFacts, SelfCall, SublayerSite, TargetKind, repeated_self_calls
from ..interpretation.counts import module_counts
from ..interpretation.layer_questions import is_weightless
from ..interpretation.values import Tensor, as_int
from .base import Context, Related, Rule


class SharedLayerShapeMismatch(Rule):
    """
    ## What it does
    Finds one layer instance called on inputs whose last dimensions are statically known
    and differ: in model code, and inside another layer's `call()` when a sublayer is
    called twice on the outputs of sublayers whose widths are literal (`Dense(64)`,
    `Conv2D(32, 3)`, `Embedding(n, 16)`).

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
        yield from self._model_code(ctx)
        for facts in ctx.module.classes.values():
            yield from self._inside_call(ctx, facts)

    def _inside_call(self, ctx: Context, facts: ClassFacts):
        sites = {site.target.attr: site for site in facts.sublayers if site.target.kind is TargetKind.SELF_ATTR}
        for attr, calls in repeated_self_calls(facts).items():
            if sites[attr].class_ref.rsplit(".", 1)[-1] not in INPUT_SIZED or not sites[attr].class_ref.startswith("keras."):
                continue
            first, *later = calls
            first_dim = _input_width(facts, first, sites)
            if first_dim is None:
                continue
            for again in later:
                dim = _input_width(facts, again, sites)
                if dim is not None and dim != first_dim:
                    yield self.finding(
                        ctx,
                        again.call,
                        f"`self.{attr}` was built for inputs with last dimension {first_dim}, but is called here on "
                        f"last dimension {dim}: Keras fails at this call",
                        facts,
                        related=(Related(ctx.span(first.call), f"first call: last dimension {first_dim}"),),
                    )

    def _model_code(self, ctx: Context):
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


# built-in layers whose weights are sized by the input's last dimension
INPUT_SIZED = frozenset({
    "Dense", "Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
    "LayerNormalization", "BatchNormalization", "GroupNormalization", "LSTM", "GRU", "SimpleRNN",
})
# built-in layers whose output width is a literal argument: class name -> (position, keyword)
OUTPUT_WIDTH = {
    "Dense": (0, "units"), "Conv1D": (0, "filters"), "Conv2D": (0, "filters"), "Conv3D": (0, "filters"),
    "Embedding": (1, "output_dim"), "LSTM": (0, "units"), "GRU": (0, "units"), "SimpleRNN": (0, "units"),
}


def _input_width(facts: ClassFacts, call: SelfCall, sites: dict[str, SublayerSite]) -> int | None:
    """The last dimension of the first argument when it is the output of a sublayer with a literal width
    (``self.a(x)``, or a local assigned once from it in the same method)."""
    if not call.call.args:
        return None
    argument = call.call.args[0]
    if isinstance(argument, ast.Name):
        argument = _single_assignment(facts.methods[call.method], argument.id)
    producer = argument.func.attr if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) else None
    if producer is None or not (isinstance(argument.func.value, ast.Name) and argument.func.value.id == "self") or producer not in sites:
        return None
    return _output_width(sites[producer])


def _single_assignment(function: ast.FunctionDef, name: str) -> ast.expr | None:
    values = [
        node.value for node in ast.walk(function)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id == name for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    return values[0] if len(values) == 1 else None


def _output_width(site: SublayerSite) -> int | None:
    if not site.class_ref.startswith("keras."):
        return None
    position, keyword = OUTPUT_WIDTH.get(site.class_ref.rsplit(".", 1)[-1], (None, None))
    if position is None:
        return None
    value = next((k.value for k in site.call.keywords if k.arg == keyword), None)
    if value is None and len(site.call.args) > position:
        value = site.call.args[position]
    return value.value if isinstance(value, ast.Constant) and type(value.value) is int else None
