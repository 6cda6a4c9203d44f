"""KL104 hidden-from-tracking."""

from __future__ import annotations

from ..facts.classes import TargetKind, WeightKind
from .base import Context, Rule


class HiddenFromTracking(Rule):
    """
    ## What it does
    Finds layers and variables reachable only through a plain Python object
    (`types.SimpleNamespace`, `object()`, a holder class) or through a class attribute,
    including instances of a plain class of the same file that stores layers on itself,
    held directly or in a list (`self.branches = [_Branch(...) for _ in range(3)]`).

    ## Why is this bad?
    Keras tracks sublayers and variables through the layer's own attributes (and lists,
    dicts and tuples in them). Behind a plain object or on the class they are invisible:
    0 params, never trained, not saved, though they still run with their random initial
    weights. `add_weight` results are the exception: they are registered by `add_weight`
    itself, wherever they are stored.

    ## Example
    ```python
    class Block(keras.layers.Layer):
        shared = [keras.layers.Dense(4)]

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.parts = types.SimpleNamespace(proj=keras.layers.Dense(4))
    ```

    ## Use instead
    ```python
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.shared = [keras.layers.Dense(4)]
            self.proj = keras.layers.Dense(4)
    ```

    ## Fix safety
    No automatic fix: where the object should live is the author's choice.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL104"
    name = "hidden-from-tracking"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            for site in [*facts.weights, *facts.sublayers]:
                kind = getattr(site, "kind", None)
                if kind in (WeightKind.ADD_WEIGHT, WeightKind.TENSOR):
                    continue
                what = "a layer" if kind is None else "a variable" if kind is not WeightKind.TF_MODULE else "a tf.Module"
                if site.target.kind is TargetKind.CLASS_ATTR:
                    where = "a class attribute"
                elif site.target.kind is TargetKind.PLAIN_OBJECT:
                    where = f"a plain object (`self.{site.target.attr}`)" if site.target.attr else "a plain object"
                else:
                    continue
                yield self.finding(
                    ctx,
                    site.call,
                    f"{what} held by {where} is hidden from Keras: 0 params, never trained, not saved; "
                    "assign it to an attribute of the layer",
                    facts,
                )
            for site in facts.plain_objects:
                if site.target.kind not in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER):
                    continue
                yield self.finding(
                    ctx,
                    site.call,
                    f"`{site.class_ref}` is not a Layer: the layers it holds (`self.{site.target.attr}`) are hidden "
                    "from Keras: 0 params, never trained, not saved; make it a `keras.layers.Layer`",
                    facts,
                )
