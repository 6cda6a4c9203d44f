"""KL102 untracked-tf-variable."""

from __future__ import annotations

from ..facts import TargetKind, WeightKind
from ..resolve import Flavor
from .base import Context, Rule


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

    ## Fix safety
    Safe when the initial value is a recognised creator (its initializer is carried over);
    the name and `trainable=` are kept.

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
                what = "a `tf.Variable`" if site.kind is WeightKind.TF_VARIABLE else f"a `tf.Module` (`{site.creator}`)"
                yield self.finding(
                    ctx,
                    site.call,
                    f"`self.{site.target.attr}` holds {what}: Keras 3 does not track it (0 params, not trained, "
                    "not saved); use `self.add_weight(...)`",
                    facts,
                )
