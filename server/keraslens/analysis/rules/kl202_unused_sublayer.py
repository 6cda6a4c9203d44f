"""KL202 unused-sublayer."""

from __future__ import annotations

from ..facts.classes import Phase, TargetKind
from ..interpretation.layer_questions import is_weightless
from .base import Context, Rule, Severity


class UnusedSublayer(Rule):
    """
    ## What it does
    Finds sublayers created in `__init__` or `build()` that no method other than
    `__init__`/`build()` ever reads (not `call()`, not a helper, not a property, not a subclass
    of this file) and that are not handed on: stored in another attribute or container
    (`self.enc_input = encoder.layers[0]`, `self.blocks = [self.a]`) or passed to another
    object (`Head(self.proj)`). Classes that read attributes by computed names
    (`getattr(self, name)`, `vars(self)`) are not judged. An unused weightless layer
    (`Dropout`, `Activation`) is reported at `info`: nothing is miscounted.

    ## Why is this bad?
    The sublayer is tracked once built, so its weights may be created and counted, but
    they never take part in the forward pass: dead parameters in `model.summary()` and
    a "Gradients do not exist" warning in training. Often a typo (`self.dense1` used twice,
    `self.dense2` never).

    ## Example
    ```python
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = keras.layers.Dense(8)
        self.dense2 = keras.layers.Dense(8)

    def call(self, x):
        return self.dense1(self.dense1(x))
    ```

    ## Use instead
    ```python
    def call(self, x):
        return self.dense2(self.dense1(x))
    ```

    ## Fix safety
    No automatic fix: whether to use or delete the sublayer is the author's call.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL202"
    name = "unused-sublayer"
    severity = Severity.WARNING

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            family = [facts, *ctx.module.subclasses_of(facts.name)]
            if not any("call" in member.methods for member in family) or any(m.dynamic_reads for m in family):
                continue  # no forward pass here to judge by, or attributes read by computed names
            used = set().union(*(member.reads_in(Phase.CALL, Phase.OTHER) | member.passed_on for member in family))
            reported: set[str] = set()
            for site in facts.sublayers:
                attr = site.target.attr
                if site.target.kind not in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER) or not attr or attr == "<dynamic>":
                    continue
                if not site.phases <= {Phase.INIT, Phase.BUILD} or attr in used or attr in reported:
                    continue
                reported.add(attr)
                if is_weightless(site.class_ref, ctx.module):
                    message, severity = "is never applied (it has no weights: nothing is miscounted)", Severity.INFO
                else:
                    message, severity = "its weights never take part in the forward pass", None
                yield self.finding(
                    ctx,
                    site.call,
                    f"sublayer `self.{attr}` is created but never used outside `__init__`/`build()`: {message}",
                    facts,
                    severity=severity,
                    tags=("unnecessary",),
                )
