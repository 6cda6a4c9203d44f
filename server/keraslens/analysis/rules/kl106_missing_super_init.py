"""KL106 missing-super-init."""

from __future__ import annotations

from ..edits import add_super_call, header_span
from ..fixes import Applicability, Fix
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
    Safe: inserts `super().__init__(**kwargs)` as the first statement and adds `**kwargs`
    to the signature when it is missing.

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
            fix = Fix("Call super().__init__(**kwargs) first", Applicability.SAFE, add_super_call(ctx.source, init, "__init__"))
            yield self.finding(
                ctx,
                header_span(ctx.source, init),
                f"`{facts.name}.__init__` never calls `super().__init__()`: the first call of the layer raises RuntimeError",
                facts,
                fix=fix,
            )
