"""KL108 timedistributed-needs-compute-output-shape."""

from __future__ import annotations

import ast

from ..facts.classes import ClassFacts, WeightKind, shape_argument
from ..fixes.building import add_method, body_start
from ..fixes.edit import Applicability, Fix
from ..interpretation.layer_questions import has_compute_output_shape
from ..names.imports import Flavor
from .base import Context, Rule

MATMUL = frozenset({"tensorflow.matmul", "tensorflow.linalg.matmul", "keras.ops.matmul"})
# shape-preserving functions of one tensor
ELEMENTWISE_PREFIXES = ("tensorflow.nn.", "tensorflow.math.", "keras.activations.")
ELEMENTWISE = frozenset({
    "tensorflow.tanh", "tensorflow.sigmoid", "tensorflow.exp", "tensorflow.abs",
    *(f"keras.ops.{n}" for n in "tanh sigmoid relu relu6 gelu elu selu silu swish softmax log_softmax softplus exp abs leaky_relu hard_sigmoid".split()),
})

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
    Unsafe, and only when the output shape follows from the code: `call()` is a single
    `return` of an element-wise function (activations, `+ self.b`, `* scale`) around
    either the input itself (the shape is kept) or `matmul(inputs, self.w)` /
    `inputs @ self.w` with `self.w = self.add_weight(shape=(input_shape[-1], N))` in
    `build()` (the last axis becomes `N`). The fix appends
    `compute_output_shape(self, input_shape)` to the class. Keras then trusts that method
    instead of tracing `call()`, so a later change of `call()` must keep it in step; no
    fix otherwise.

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
                fix=_fix(ctx, facts),
            )


def _fix(ctx: Context, facts: ClassFacts) -> Fix | None:
    shape = _output_shape(ctx, facts)
    call = facts.methods.get("call")
    if shape is None or call is None:
        return None
    edit = add_method(ctx.source, facts.node, "def compute_output_shape(self, input_shape):", [f"return {shape}"], after=facts.node.body[-1])
    return Fix("Add compute_output_shape", Applicability.UNSAFE, (edit,))


def _output_shape(ctx: Context, facts: ClassFacts) -> str | None:
    call = facts.methods.get("call")
    if call is None or len(call.args.args) < 2:
        return None
    first = body_start(call)
    if first is None or not isinstance(first, ast.Return) or first is not call.body[-1] or first.value is None:
        return None
    inputs = call.args.args[1].arg
    node = first.value
    while True:
        peeled = _peel(ctx, node)
        if peeled is None:
            break
        node = peeled
    if isinstance(node, ast.Name) and node.id == inputs:
        return "input_shape"
    operands = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        operands = (node.left, node.right)
    elif isinstance(node, ast.Call) and ctx.module.imports.canonical(node.func) in MATMUL and len(node.args) == 2 and not node.keywords:
        operands = (node.args[0], node.args[1])
    if operands is None or not (isinstance(operands[0], ast.Name) and operands[0].id == inputs):
        return None
    units = _kernel_units(ctx, facts, operands[1])
    return f"(*input_shape[:-1], {units})" if units is not None else None


def _peel(ctx: Context, node: ast.expr) -> ast.expr | None:
    """The tensor inside a shape-preserving wrapper, or None."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred):
        ref = ctx.module.imports.canonical(node.func)
        if ref in ELEMENTWISE or (ref and ref.startswith(ELEMENTWISE_PREFIXES)) or ast.unparse(node.func) == "self.activation":
            return node.args[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
        for mine, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, ast.Constant) or _self_weight_vector(other):
                return mine
    return None


def _self_weight_vector(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def _kernel_units(ctx: Context, facts: ClassFacts, kernel: ast.expr) -> str | None:
    """``N`` of ``self.w = self.add_weight(shape=(input_shape[-1], N))`` in build()."""
    if not (isinstance(kernel, ast.Attribute) and isinstance(kernel.value, ast.Name) and kernel.value.id == "self"):
        return None
    build = facts.methods.get("build")
    sites = [s for s in facts.weights if s.target.attr == kernel.attr and s.kind is WeightKind.ADD_WEIGHT]
    if build is None or len(sites) != 1 or sites[0].method != "build" or len(build.args.args) < 2:
        return None
    shape = shape_argument(sites[0].call, ctx.flavor)
    if not isinstance(shape, ast.Tuple | ast.List) or len(shape.elts) != 2:
        return None
    shape_name = build.args.args[1].arg
    if ast.unparse(shape.elts[0]) != f"{shape_name}[-1]":
        return None
    units = shape.elts[1]
    build_locals = {n.id for n in ast.walk(build) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | {shape_name}
    if any(isinstance(n, ast.Name) and n.id in build_locals for n in ast.walk(units)):
        return None  # a value only build() knows
    return ctx.source.segment(units)
