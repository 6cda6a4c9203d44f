"""KL103 state-created-in-call."""

from __future__ import annotations

import ast
import re

from ..facts.classes import (
    ClassFacts,
    Phase,
    SublayerSite,
    TargetKind,
    WeightKind,
    WeightSite,
)
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.relocate import RESERVED, Relocation, Unmovable
from ..interpretation.layer_questions import is_stateless
from ..names.imports import Flavor
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
    "tf.function only supports singleton tf.Variables created on the first call". In Keras 3
    a `keras.Variable` made in `call()` already fails when a functional model is built
    ("You are attempting to create a variable while in a stateless scope").

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
    Safe: a sublayer assigned to an attribute moves to the end of `__init__` (created as
    `def __init__(self, **kwargs): super().__init__(**kwargs)` when missing), and
    `self.w = self.add_weight(...)` moves to `build()` with `x.shape[-1]` rewritten as
    `input_shape[-1]`. A lazy guard around it (`if self.w is None:`,
    `if not hasattr(self, "w"):`) goes too: the state is now created exactly once, which
    is what the guard was for.

    Unsafe: a layer kept in a local (`dense = Dense(5)`) or made and applied at once
    (`Dense(5)(x)`) becomes an attribute (`self.dense`) created in `__init__`, and a local
    `w = self.add_weight(...)` becomes `self.w` created in `build()`. The weights are then
    created once, counted and trained, instead of freshly drawn on every call: what the
    code needs, but a different computation and a new attribute name.

    A layer that makes no variable at all (`Resizing`, `Flatten`, a custom layer without
    weights) is not reported: a new one per call costs only time. Keras 3's dropout and
    noise layers do make one (their seed state), so they are reported there; tf_keras's
    do not.

    No fix when the arguments use values only `call()` has (other than the input's
    shape), when the creation sits in a loop or another block, or in a helper method.

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
                    if is_stateless(site.class_ref, ctx.module, ctx.flavor):
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
                fix = _fix(ctx, facts, site) if getattr(site, "kind", None) is not WeightKind.TF_VARIABLE else None
                yield self.finding(ctx, site.call, _message(what, untracked, ctx.flavor), facts, fix=fix)


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


def _fix(ctx: Context, facts: ClassFacts, site: WeightSite | SublayerSite) -> Fix | None:
    call = facts.methods.get("call")
    if call is None or site.method != "call" or (isinstance(site, WeightSite) and site.kind is not WeightKind.ADD_WEIGHT):
        return None
    destination = "__init__" if isinstance(site, SublayerSite) else "build"
    statement, guard = site.statement, _lazy_guard(call, site.statement)
    top = guard or statement
    if not any(top is s for s in call.body):
        return None
    relocation = Relocation(ctx.source, facts, ctx.module.imports, call, destination)
    target = statement.targets[0] if isinstance(statement, ast.Assign) and len(statement.targets) == 1 else None
    try:
        if isinstance(target, ast.Attribute) and statement.value is site.call:
            edits = relocation.move([(statement, {})], {id(statement): guard} if guard is not None else None)
            return Fix(f"Create it in {destination}()", Applicability.SAFE, edits)
        if guard is not None:
            return None
        if isinstance(target, ast.Name) and statement.value is site.call:
            return _local_to_attribute(ctx, facts, relocation, call, statement, target.id)
        if isinstance(site, SublayerSite) and site.target.kind is TargetKind.NONE:
            return _inline_to_attribute(ctx, facts, relocation, statement, site)
    except Unmovable:
        return None
    return None


def _lazy_guard(call: ast.FunctionDef, statement: ast.stmt) -> ast.If | None:
    """``if self.w is None:`` / ``if not hasattr(self, "w"):`` / ``if not self.built:`` holding only ``statement``."""
    for node in call.body:
        if isinstance(node, ast.If) and not node.orelse and len(node.body) == 1 and node.body[0] is statement:
            test = ast.unparse(node.test).replace("'", '"')
            if re.fullmatch(r'self\.\w+ is None|not hasattr\(self, "\w+"\)|not self\.built', test):
                return node
    return None


def _local_to_attribute(ctx, facts, relocation, call, statement, name) -> Fix | None:
    """``dense = Dense(5)`` -> ``self.dense = Dense(5)`` in __init__/build, uses -> ``self.dense``."""
    stores = [n for n in ast.walk(call) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or name in RESERVED or _attributes(facts) & {name}:
        return None
    uses = [n for n in ast.walk(call) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    edits = relocation.move([(statement, {id(statement.targets[0]): (statement.targets[0], f"self.{name}")})])
    edits += tuple(Edit(ctx.span(n), f"self.{name}") for n in uses)
    return Fix(f"Keep it as self.{name}, created in {relocation.destination}()", Applicability.UNSAFE, edits)


def _inline_to_attribute(ctx, facts, relocation, statement, site) -> Fix | None:
    """``Dense(5)(x)`` -> ``self.dense(x)`` with ``self.dense = Dense(5)`` in __init__."""
    scopes = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)
    if any(isinstance(n, scopes) and any(c is site.call for c in ast.walk(n)) for n in ast.walk(statement)):
        return None  # one layer per element there; a single attribute would change that
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", site.class_ref.rsplit(".", 1)[-1]).lower()
    taken = _attributes(facts) | RESERVED
    name = base if base not in taken else next(f"{base}_{i}" for i in range(1, 100) if f"{base}_{i}" not in taken)
    creation = relocation.text(site.call)  # nothing leaves call(): only the new line arrives in __init__
    added = relocation.insertion([f"self.{name} = {creation}"])
    return Fix(f"Create it once as self.{name} in __init__()", Applicability.UNSAFE, (Edit(ctx.span(site.call), f"self.{name}"), *added))


def _attributes(facts: ClassFacts) -> set[str]:
    return {n.attr for n in ast.walk(facts.node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"}
