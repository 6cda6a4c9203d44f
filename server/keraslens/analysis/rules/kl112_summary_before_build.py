"""KL112 summary-before-build."""

from __future__ import annotations

from ..facts.lifecycle import Lifecycle, Step, lifecycles
from ..interpretation.count_model import Count, Status
from ..interpretation.counts import model_report, module_counts
from ..interpretation.values import SymbolicShape
from ..names.imports import Flavor
from .base import Context, Related, Rule, Severity

BUILDS = frozenset({Step.BUILD, Step.CALL, Step.FIT, Step.ADD_INPUT})


class SummaryBeforeBuild(Rule):
    """
    ## What it does
    Finds `summary()` or `count_params()` on a layer or model that is not built at that
    point: a subclassed model or layer never built nor called, a built-in layer never
    called, a `Sequential` that does not start with `keras.Input` (or a layer given
    `input_shape`) and was not built, called or fitted yet.

    ## Why is this bad?
    Weights are created when the input size is known. Before that there is nothing to
    count: `count_params()` raises "isn't built", and `summary()` shows every layer as
    "0 (unbuilt)" and "Total params: 0" (Keras 3) or raises "This model has not yet been
    built" (tf_keras). The count the user wanted needs an input shape.

    ## Example
    ```python
    model = keras.Sequential([keras.layers.Dense(64), keras.layers.Dense(10)])
    model.summary()                      # Total params: 0
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(64), keras.layers.Dense(10)])
    model.summary()                      # Total params: 2,762
    ```

    The message names the count the object will have once built, where the analysis knows
    it: from the input it is built or called on later in the same code, or without any input
    for a class whose weights do not depend on it (called, not `build(shape)`, which
    KL111 covers). A count that is only a lower bound says "at least" and why.

    ## Fix safety
    No automatic fix: the input shape is the author's to give (`keraslens count` and the
    editor's inlay show the count once it is known).

    ## Keras versions
    Observed with Keras 3.15 and tf_keras 2.21. `count_params()` on an unbuilt layer or
    model raises `ValueError` ("isn't built") in both. `summary()` on an unbuilt model:
    Keras 3 prints "0 (unbuilt)" rows and "Total params: 0"; tf_keras raises "This model has
    not yet been built". A `Sequential` whose first layer is `keras.Input` or has
    `input_shape=` is built when made in both.
    """

    code = "KL112"
    name = "summary-before-build"
    severity = Severity.WARNING

    def check(self, ctx: Context):
        for lifecycle in lifecycles(ctx.module, ctx.memo):
            built = lifecycle.built_when_made
            for event in lifecycle.events:
                if event.step in BUILDS:
                    built = True
                elif event.step is Step.SUMMARY and not built:
                    method = event.node.func.attr
                    if method == "count_params" or ctx.flavor is Flavor.KERAS2:
                        effect = "raises \"isn't built\"" if method == "count_params" else "raises \"This model has not yet been built\""
                    else:
                        effect = "shows 0 params (\"0 (unbuilt)\")"
                    yield self.finding(
                        ctx,
                        event.node,
                        f"`{lifecycle.var}` is not built here, so `{method}()` {effect}{_hint(ctx, lifecycle)}: give it an input shape first "
                        "(start a Sequential with `keras.Input(shape)`, or call the model on `keras.Input` or data)",
                        ctx.module.classes.get(lifecycle.class_ref),
                        related=(Related(ctx.span(lifecycle.made), f"`{lifecycle.var}` is made here, without an input shape"),),
                    )
                    built = True  # one report per object is enough


def _hint(ctx: Context, lifecycle: Lifecycle) -> str:
    """``; built, it has 50 params``: the count it will have, where the analysis knows it."""
    count, when = _count_once_built(ctx, lifecycle)
    if count is None or count.total is None or count.status is Status.UNKNOWN:
        return ""
    if count.status is Status.EXACT:
        return f"; {when}, it has {count.total:,} params"
    return f"; {when}, it has at least {count.total:,} params (not exact: {count.reason})"


def _count_once_built(ctx: Context, lifecycle: Lifecycle) -> tuple[Count | None, str]:
    """From where the code builds or calls it later; else, for a class of the file, from its
    weights alone when none depends on the input (a call builds it; `build(shape)` may not: KL111)."""
    counts = module_counts(ctx)
    model = next((m for m in ctx.graph.models if m.call is lifecycle.made), None)
    instance = next((i for i in ctx.graph.instances if i.call is lifecycle.made), None)
    count = None
    if model is not None:
        count = model_report(ctx.source, counts, model).count
    elif instance is not None:
        count = counts.settled(counts.instance_count(instance))
    if count is not None and count.status is not Status.UNKNOWN:
        return count, "once built"
    scope = model.scope if model is not None else instance.scope if instance is not None else None
    if scope is None or lifecycle.class_ref not in ctx.module.classes:
        return None, ""
    args, kwargs = counts.scopes.arguments(lifecycle.made, scope)
    if args is None or kwargs is None:
        return None, ""
    alone = counts.settled(counts.counter.custom(lifecycle.class_ref, args, kwargs, SymbolicShape()).count())
    return (alone, "once called") if alone.status is Status.EXACT else (None, "")
