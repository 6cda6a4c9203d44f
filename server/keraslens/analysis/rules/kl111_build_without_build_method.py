"""KL111 build-without-build-method."""

from __future__ import annotations

import ast

from ..facts.classes import ClassFacts, ModuleFacts, Phase, TargetKind
from ..facts.lifecycle import Lifecycle, Step, lifecycles
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.initializers import keras_root
from ..names.imports import Flavor
from .base import Context, Related, Rule


class BuildWithoutBuildMethod(Rule):
    """
    ## What it does
    Finds `build(shape)` called on an instance of a subclassed Layer or Model of this file
    that creates sublayers in `__init__` but defines no `build()` (nor does a base class of
    the file), before anything has called it.

    ## Why is this bad?
    The default `build()` cannot know how to build the sublayers: it only marks the object
    built. `summary()` and `count_params()` then show 0 parameters, and the weights appear
    only at the first real call. This is the classic "why does summary() show 0 params?".

    ## Example
    ```python
    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(64)
            self.out = keras.layers.Dense(10)

        def call(self, x):
            return self.out(self.hidden(x))

    model = Classifier()
    model.build((None, 32))
    model.summary()          # Total params: 0
    ```

    ## Use instead
    ```python
    model = Classifier()
    model(keras.Input(shape=(32,)))   # runs call(): every sublayer is built
    model.summary()                   # Total params: 2,762
    ```

    ## Fix safety
    Unsafe: `model.build((None, 32))` becomes `model(keras.Input(shape=(32,)))` when the
    shape is a literal tuple starting with the batch dimension. Calling the model on a
    symbolic input runs `call()`, which builds every sublayer (the count becomes right),
    but `call()` may need more than one input or other arguments. Adding a `build()` that
    builds each sublayer is the other way; it is left to the author.

    ## Keras versions
    Observed with Keras 3.15 and tf_keras 2.21. Keras 3: both a subclassed `Model` and a
    `Layer` are marked built with 0 weights, with the warning "`build()` was called on
    layer ..., however the layer does not have a `build()` method implemented and it looks
    like it has unbuilt state"; the weights appear at the first call. tf_keras: a subclassed
    `Model`'s `build(shape)` runs `call()` on a placeholder and builds everything (no
    finding); a `Layer`'s is marked built with 0 weights, silently.
    """

    code = "KL111"
    name = "build-without-build-method"

    def check(self, ctx: Context):
        for lifecycle in lifecycles(ctx.module, ctx.memo):
            facts = ctx.module.classes.get(lifecycle.class_ref)
            if facts is None or lifecycle.built_when_made or not _sublayers_without_build(ctx.module, facts):
                continue
            if ctx.flavor is Flavor.KERAS2 and facts.kind == "model":
                continue  # tf_keras builds a subclassed Model by running call() on a placeholder
            build = next((e.node for e in lifecycle.events if e.step in (Step.BUILD, Step.CALL, Step.FIT)), None)
            if not (isinstance(build, ast.Call) and isinstance(build.func, ast.Attribute) and build.func.attr == "build"):
                continue
            yield self.finding(
                ctx,
                build,
                f"`{facts.name}` creates sublayers but defines no `build()`: `{lifecycle.var}.build(...)` marks it built "
                f"with 0 weights (summary shows 0 params until the first call); call it on `keras.Input(shape)` instead",
                facts,
                related=(Related(ctx.span(facts.node), f"`{facts.name}` has no `build()` method"),),
                fix=_fix(ctx, lifecycle, build),
            )


def _sublayers_without_build(module: ModuleFacts, facts: ClassFacts) -> bool:
    family = [facts]
    while family[-1].local_bases:
        base = module.classes.get(family[-1].local_bases[0])
        if base is None or base in family:
            break
        family.append(base)
    if any("build" in member.methods or member.external_bases for member in family):
        return False
    return any(
        Phase.INIT in site.phases and site.target.kind in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER)
        for member in family for site in member.sublayers
    )


def _fix(ctx: Context, lifecycle: Lifecycle, build: ast.Call) -> Fix | None:
    root = keras_root(ctx.module.imports)
    shape = build.args[0] if len(build.args) == 1 and not build.keywords else None
    if shape is None and len(build.keywords) == 1 and build.keywords[0].arg == "input_shape" and not build.args:
        shape = build.keywords[0].value
    if root is None or not isinstance(shape, ast.Tuple | ast.List) or len(shape.elts) < 2:
        return None
    first = shape.elts[0]
    if not (isinstance(first, ast.Constant) and (first.value is None or isinstance(first.value, int))):
        return None
    rest = [ctx.source.segment(e) for e in shape.elts[1:]]
    text = f"{lifecycle.var}({root}.Input(shape=({', '.join(rest)}{',' if len(rest) == 1 else ''})))"
    return Fix("Call it on keras.Input(shape) instead", Applicability.UNSAFE, (Edit(ctx.span(build), text),))
