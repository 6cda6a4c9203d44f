"""KL106 missing-super-init."""

from __future__ import annotations

from ..fixes.building import add_super_call, header_span
from ..fixes.edit import Applicability, Fix
from ..fixes.relocate import PLAIN_BASES
from .base import Context, Rule


class MissingSuperInit(Rule):
    """
    ## What it does
    Finds Layer and Model subclasses whose `__init__` never calls `super().__init__()`.

    ## Why is this bad?
    The object constructs fine, then the first call fails. Keras 3: "RuntimeError: In
    layer '...', you forgot to call `super().__init__()` as the first statement in the
    `__init__()` method." tf_keras: "RuntimeError: You must call `super().__init__()` in
    the layer constructor." With `add_weight` in `__init__` it fails at construction.

    ## Example
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor):
            self.factor = factor
    ```

    ## Use instead
    ```python
    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor
    ```

    ## Fix safety
    Inserts `super().__init__(**kwargs)` as the first statement (after the docstring) and
    adds `**kwargs` to the signature when it is missing (an existing `**kw` is reused).
    Safe when the class derives directly from `Layer`/`Model`: they take only keyword
    options, so the layer now accepts `name=`, `dtype=`, `trainable=` as Keras expects.
    Unsafe for other bases (`Dense`, a class of your own): their `__init__` may need
    positional arguments the fix cannot know, so review the call. No fix for a one-line
    `__init__`.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL106"
    name = "missing-super-init"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            init = facts.methods.get("__init__")
            if init is None or facts.calls_super("__init__"):
                continue
            edits = add_super_call(ctx.source, init, "__init__")
            # a plain Layer/Model takes only keyword options; another base may need positional arguments
            plain = not facts.local_bases and not facts.external_bases and all(b in PLAIN_BASES for b in facts.keras_bases)
            fix = Fix("Call super().__init__(**kwargs) first", Applicability.SAFE if plain else Applicability.UNSAFE, edits) if edits else None
            yield self.finding(
                ctx,
                header_span(ctx.source, init),
                f"`{facts.name}.__init__` never calls `super().__init__()`: the first call of the layer raises RuntimeError",
                facts,
                fix=fix,
            )
