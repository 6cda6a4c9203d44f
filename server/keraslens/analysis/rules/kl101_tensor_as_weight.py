"""KL101 tensor-as-weight."""

from __future__ import annotations

import re

from ..facts import FILL_CREATORS, Phase, TargetKind, WeightKind
from .base import Context, Related, Rule

WEIGHT_LIKE = re.compile(r"^_?(w|b|[wb]_\w+|\w*(kernel|weight|weights|bias|gamma|beta|scale|embedding|embeddings))\d*$", re.I)


class TensorAsWeight(Rule):
    """
    ## What it does
    Finds layer attributes that are assigned a freshly created tensor
    (`tf.random.normal`, `tf.zeros`, `keras.random.uniform`, `np.random.randn`, ...)
    and then used in `call()` like a weight.

    ## Why is this bad?
    A tensor is not a variable. Keras does not track it: the layer reports 0 parameters,
    `model.summary()` shows 0, no gradient ever reaches it and nothing trains. Created in
    `call()`, it is also a fresh random value on every call. Keras 3 only warns at `fit`
    time that the model has no trainable weights; tf_keras says nothing.

    ## Example
    ```python
    class Linear(keras.layers.Layer):
        def call(self, x):
            self.w = tf.random.normal((x.shape[-1], 5))
            self.b = tf.zeros((5,))
            return tf.matmul(x, self.w) + self.b
    ```

    ## Use instead
    ```python
    class Linear(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 5), initializer="random_normal")
            self.b = self.add_weight(shape=(5,), initializer="zeros")

        def call(self, x):
            return tf.matmul(x, self.w) + self.b
    ```

    ## Fix safety
    Unsafe: the fix creates trainable weights with the matching initializer in `build()`,
    which changes the layer's parameter count and its outputs (on purpose).

    ## Keras versions
    Both Keras 3 (`keras`, `tf.keras` in TF 2.16+) and tf_keras: 0 params, never trained.
    """

    code = "KL101"
    name = "tensor-as-weight"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            for site in facts.weights:
                if site.kind is not WeightKind.TENSOR or site.target.kind not in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER):
                    continue
                attr = site.target.attr or ""
                used = facts.first_read(attr, Phase.CALL)
                if used is None:
                    continue
                if site.creator in FILL_CREATORS and not WEIGHT_LIKE.match(attr):
                    continue  # a constant (mask, positional table) kept on purpose
                where = "in call(): a new value on every call" if Phase.CALL in site.phases else f"in {site.method}()"
                yield self.finding(
                    ctx,
                    site.call,
                    f"`self.{attr}` is a tensor from `{site.creator}` {where}, not a weight: Keras does not track it "
                    "(0 params) and it never trains; create it with `self.add_weight(...)` in `build()`",
                    facts,
                    related=(Related(ctx.span(used), f"`self.{attr}` is used here like a weight"),),
                )
