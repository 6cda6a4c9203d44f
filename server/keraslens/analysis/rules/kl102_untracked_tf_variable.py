"""KL102 untracked-tf-variable."""

from __future__ import annotations

import ast

from ..facts.classes import Phase, TargetKind, WeightKind, WeightSite
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.initializers import (
    CREATORS,
    add_weight_call,
    keras_root,
    literal_spec,
    weight_spec,
)
from ..fixes.relocate import before_super_init
from ..names.imports import Flavor
from .base import Context, Rule, Severity

# tf.Variable keywords that mean the same on add_weight
CARRIED = ("dtype", "trainable", "name", "constraint")


class UntrackedTfVariable(Rule):
    """
    ## What it does
    Finds a `tf.Variable` (or a `tf.Module` holding variables) stored on a Keras 3 layer:
    as an attribute, inside a list or dict attribute, or through a `tf.Module`.

    ## Why is this bad?
    Keras 3 tracks only `keras.Variable`s. A `tf.Variable` on a layer is not counted
    (0 params), gets no gradient in `fit`, and is missing from `save_weights()`. Nothing
    warns, except a generic fit-time "no trainable weights" when nothing else trains.

    ## Example
    ```python
    class Linear(keras.layers.Layer):
        def build(self, input_shape):
            self.w = tf.Variable(tf.random.normal((input_shape[-1], 5)), trainable=True)
    ```

    ## Use instead
    ```python
    class Linear(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 5), initializer="random_normal", trainable=True)
    ```

    A `tf.Variable(..., trainable=False)` made in `__init__` or `build()` that nothing
    updates (no `.assign*` anywhere in the file) is a constant, such as a relative-position
    index or a mask that `build()` recomputes from the configuration: nothing is lost, so it
    is only a hint ("a tensor or `keras.Variable` would do").

    ## Fix safety
    `tf.Variable(initial, trainable=..., name=..., dtype=...)` becomes
    `self.add_weight(shape=..., initializer=..., trainable=..., name=..., dtype=...)` in
    place, with the initial value's shape and matching initializer (`tf.zeros` ->
    `"zeros"`, `tf.random.normal(s, stddev=0.1)` -> `RandomNormal(stddev=0.1)`, a literal ->
    `Constant(...)`). Safe when the initial value is deterministic (zeros, ones, fill,
    constants): the layer starts from the same values and now tracks, trains and saves
    the weight as the code intended. Unsafe when it is random: the same distribution, but
    drawn by Keras's seed generator, so the initial values differ. Any other initial value
    (a NumPy array, a computed tensor, a shape that is not static) becomes
    `keras.Variable(value, trainable=..., name=..., dtype=...)`: safe, the same values,
    now tracked, trained and saved. No fix for `tf.Module`s, for variables created in
    `call()` (see KL103), or for `tf.Variable` options Keras variables lack (`constraint`,
    `synchronization`, ...).

    ## Keras versions
    Keras 3 only (`keras`, and `tf.keras` in TF 2.16+). tf_keras tracks `tf.Variable`
    attributes, lists and dicts of them, and `tf.Module`s: no finding there.
    """

    code = "KL102"
    name = "untracked-tf-variable"

    def check(self, ctx: Context):
        if ctx.flavor is not Flavor.KERAS3:
            return
        for facts in ctx.module.classes.values():
            for site in facts.weights:
                if site.kind not in (WeightKind.TF_VARIABLE, WeightKind.TF_MODULE):
                    continue
                if site.target.kind not in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER):
                    continue
                if _is_constant(ctx, site):
                    yield self.finding(
                        ctx,
                        site.call,
                        f"`self.{site.target.attr}` is a non-trainable `tf.Variable` that nothing assigns: a constant, "
                        "which Keras 3 does not track; a tensor or `keras.Variable` would do",
                        facts,
                        severity=Severity.HINT,
                        fix=_fix(ctx, facts, site),
                    )
                    continue
                what = "a `tf.Variable`" if site.kind is WeightKind.TF_VARIABLE else f"a `tf.Module` (`{site.creator}`)"
                yield self.finding(
                    ctx,
                    site.call,
                    f"`self.{site.target.attr}` holds {what}: Keras 3 does not track it (0 params, not trained, "
                    "not saved); use `self.add_weight(...)`",
                    facts,
                    fix=_fix(ctx, facts, site) if site.kind is WeightKind.TF_VARIABLE else None,
                )


def _is_constant(ctx: Context, site: WeightSite) -> bool:
    """``tf.Variable(..., trainable=False)`` made in ``__init__``/``build()`` and never updated:
    ``build()`` recomputes it from the configuration, so not saving it loses nothing."""
    trainable = site.keyword("trainable")
    return (
        site.kind is WeightKind.TF_VARIABLE
        and isinstance(trainable, ast.Constant) and trainable.value is False
        and site.phases <= {Phase.INIT, Phase.BUILD}
        and site.target.attr not in ctx.module.assigned_attributes
    )


def _fix(ctx: Context, facts, site: WeightSite) -> Fix | None:
    method = facts.methods.get(site.method or "")
    call = site.call
    if method is None or not method.args.args or Phase.CALL in site.phases or len(call.args) > 1:
        return None
    if before_super_init(facts, site.statement):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    initial = call.args[0] if call.args else keywords.pop("initial_value", None)
    if initial is None or set(keywords) - set(CARRIED):
        return None
    root = keras_root(ctx.module.imports)
    creator = ctx.module.imports.canonical(initial.func) if isinstance(initial, ast.Call) else None
    if creator in CREATORS:
        spec = weight_spec(initial, creator, ctx.source.segment, root)
    else:
        spec = literal_spec(initial, ctx.source.segment, root)
    if spec is None or (spec.dtype is not None and "dtype" in keywords):
        return _keras_variable(ctx, call, initial, keywords, root)
    extra = [f"{name}={ctx.source.segment(keywords[name])}" for name in CARRIED if name in keywords]
    text = add_weight_call(method.args.args[0].arg, spec, extra)
    applicability = Applicability.UNSAFE if spec.random else Applicability.SAFE
    return Fix("Use self.add_weight(...) instead of tf.Variable", applicability, (Edit(ctx.span(call), text),))


def _keras_variable(ctx: Context, call: ast.Call, initial: ast.expr, keywords: dict, root: str | None) -> Fix | None:
    """Any other initial value: ``keras.Variable(value, ...)`` holds exactly the same values, tracked."""
    if root is None or "constraint" in keywords:
        return None
    extra = [f"{name}={ctx.source.segment(keywords[name])}" for name in CARRIED if name in keywords]
    text = f"{root}.Variable({', '.join([ctx.source.segment(initial), *extra])})"
    return Fix("Use keras.Variable(...) instead of tf.Variable", Applicability.SAFE, (Edit(ctx.span(call), text),))
