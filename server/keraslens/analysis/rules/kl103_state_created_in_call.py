"""KL103 state-created-in-call."""

from __future__ import annotations

from ..layerinfo import is_weightless
from ..facts import Phase, SublayerSite, TargetKind, WeightKind
from ..resolve import Flavor
from .base import Context, Rule

STATE_KINDS = (WeightKind.ADD_WEIGHT, WeightKind.TF_VARIABLE, WeightKind.KERAS_VARIABLE)


class StateCreatedInCall(Rule):
    """
    ## What it does
    Finds `add_weight`, new sublayers and new variables created inside `call()` (or in a
    helper that only `call()` uses).

    ## Why is this bad?
    Keras 3 locks a layer's state once it is built: assigning a new sublayer or weight in
    `call()` raises "You cannot add new elements of state (variables or sub-layers) to a
    layer that is already built". A layer or variable kept in a local is untracked
    (0 params), gets fresh random weights on every call, and `fit` fails with
    "tf.function only supports singleton tf.Variables created on the first call".

    ## Example
    ```python
    class Head(keras.layers.Layer):
        def call(self, x):
            self.proj = keras.layers.Dense(5)
            return self.proj(x)
    ```

    ## Use instead
    ```python
    class Head(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.proj = keras.layers.Dense(5)

        def call(self, x):
            return self.proj(x)
    ```

    ## Fix safety
    Safe for a sublayer assigned to an attribute (moved to `__init__`) and for
    `add_weight` (moved to `build()`); no fix when the arguments use values local to `call()`.

    ## Keras versions
    Keras 3: every form fails. tf_keras: lazy creation guarded by `if self.x is None`
    works, so only unguarded creation and locals are reported there.
    """

    code = "KL103"
    name = "state-created-in-call"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            for site in [*facts.weights, *facts.sublayers]:
                if not _only_in_call(site.phases):
                    continue
                if isinstance(site, SublayerSite):
                    if is_weightless(site.class_ref, ctx.module):
                        continue
                    what = f"a new `{site.class_ref.rsplit('.', 1)[-1]}` layer"
                elif site.kind in STATE_KINDS:
                    what = "a weight" if site.kind is WeightKind.ADD_WEIGHT else f"a `{site.creator}`"
                else:
                    continue
                local = site.target.kind in (TargetKind.LOCAL, TargetKind.NONE)
                if ctx.flavor is Flavor.KERAS2 and site.guarded and not local:
                    continue
                # Keras 3 does not track a tf.Variable, so no state lock either: it behaves like a local
                untracked = local or (ctx.flavor is Flavor.KERAS3 and getattr(site, "kind", None) is WeightKind.TF_VARIABLE)
                yield self.finding(ctx, site.call, _message(what, untracked, ctx.flavor), facts)


def _only_in_call(phases: frozenset[Phase]) -> bool:
    return Phase.CALL in phases and not phases & {Phase.INIT, Phase.BUILD}


def _message(what: str, untracked: bool, flavor: Flavor) -> str:
    if untracked:
        return (
            f"{what} is created on every call: it is not tracked (0 params), gets fresh random weights each time, "
            "and `fit` fails (tf.function singleton variables); create it in `__init__`/`build()`"
        )
    if flavor is Flavor.KERAS3:
        return f'{what} is created in call(): Keras 3 raises "You cannot add new elements of state"; create it in `__init__`/`build()`'
    return f"{what} is re-created on every call: the old weights are dropped and `fit` fails; create it in `__init__`/`build()`"
