"""KL101 tensor-as-weight."""

from __future__ import annotations

import ast
import re

from ..facts.classes import (
    FILL_CREATORS,
    ClassFacts,
    Phase,
    TargetKind,
    WeightKind,
    WeightSite,
)
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.initializers import add_weight_call, keras_root, weight_spec
from ..fixes.relocate import Relocation, Unmovable, before_super_init
from .base import ClassRule, Context, Related

WEIGHT_LIKE = re.compile(r"^_?(w|b|[wb]_\w+|\w*(kernel|weight|weights|bias|gamma|beta|scale|embedding|embeddings))\d*$", re.I)


class TensorAsWeight(ClassRule):
    """
    ## What it does
    Finds layer attributes that are assigned a freshly created tensor
    (`tf.random.normal`, `tf.zeros`, `keras.random.uniform`, `np.random.randn`, a NumPy
    generator's `rng.normal(...)`, any of them followed by `.astype(...)`) and then used in
    `call()` like a weight.

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
    Unsafe. The tensor becomes `self.add_weight(shape=..., initializer=...)` with the
    initializer that draws from the same distribution (`tf.random.normal` ->
    `RandomNormal(stddev=1.0)`, its own default, not Keras's 0.05; `mean`, `stddev`,
    `minval`, `maxval`, `seed`, fill values and literal constants are carried over;
    `zeros`/`ones` stay `"zeros"`/`"ones"`). A tensor made in `call()` or `__init__` moves
    to `build()` (created if missing), with `x.shape[-1]` and input-dimension arguments
    rewritten as `input_shape[-1]`; one made in `build()` or a helper it calls is replaced
    in place. This changes the parameter count, makes the values trainable and, for random
    creators, replaces per-call draws by one draw at build time: what the code meant, but
    not what it did, so it is applied only with `--unsafe-fixes`. No fix when the shape
    depends on values only `call()` has (the batch size, other arguments) or the creator's
    arguments cannot be mapped (e.g. `np.random.randn(...).astype(...)`).

    ## Keras versions
    Both Keras 3 (`keras`, `tf.keras` in TF 2.16+) and tf_keras: 0 params, never trained.
    """

    code = "KL101"
    name = "tensor-as-weight"

    def check_class(self, ctx: Context, facts: ClassFacts):
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
                fix=_fix(ctx, facts, site),
            )


def _fix(ctx: Context, facts: ClassFacts, site: WeightSite) -> Fix | None:
    method = facts.methods.get(site.method or "")
    root = keras_root(ctx.module.imports)
    if method is None or not method.args.args:
        return None
    owner = method.args.args[0].arg
    statement = site.statement
    stored = (
        isinstance(statement, ast.Assign) and len(statement.targets) == 1 and statement.value is site.call
        and isinstance(statement.targets[0], ast.Attribute) and any(statement is s for s in method.body)
    )
    if site.method in ("call", "__init__") and stored:
        relocation = Relocation(ctx.source, facts, ctx.module.imports, method, "build")
        try:
            spec = weight_spec(site.call, site.creator, relocation.text, root)
            if spec is None:
                return None
            edits = relocation.move([(statement, {id(site.call): (site.call, add_weight_call("self", spec))})])
        except Unmovable:
            return None
    elif Phase.CALL not in site.phases and site.method != "call" and not before_super_init(facts, statement):
        spec = weight_spec(site.call, site.creator, ctx.source.segment, root)
        if spec is None:
            return None
        edits = (Edit(ctx.span(site.call), add_weight_call(owner, spec)),)
    else:
        return None
    return Fix("Create it with self.add_weight(...) in build()", Applicability.UNSAFE, edits)
