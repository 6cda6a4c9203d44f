"""KL201 weight-in-init."""

from __future__ import annotations

import ast
import re

from ..facts import Phase, WeightKind
from ..resolve import Flavor
from .base import Context, Rule, Severity

INPUT_DIM = re.compile(r"^(input|in|inp|n_in|d_in|dim_in|fan_in|num_in)(_?(dim|dims|size|features|channels|units|shape|d))?$|^(n|num)_inputs?$", re.I)


class WeightInInit(Rule):
    """
    ## What it does
    Finds `add_weight` calls in `__init__` whose shape uses an input-dimension argument
    (`input_dim`, `in_features`, ...).

    ## Why is this bad?
    It works (the weights exist and train), but the layer only fits inputs of that one
    size, the size must be repeated by every caller, and `count_params()` raises until the
    first call. A wrong value fails late with "Dimensions must be equal". Creating the
    weight in `build(input_shape)` reads the size from the data.

    ## Example
    ```python
    class Linear(keras.layers.Layer):
        def __init__(self, input_dim, units, **kwargs):
            super().__init__(**kwargs)
            self.w = self.add_weight(shape=(input_dim, units))
    ```

    ## Use instead
    ```python
    class Linear(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))
    ```

    ## Fix safety
    Safe: moves the weight into `build()` using `input_shape[-1]`, keeping the signature.
    Dropping the unused constructor parameter is a separate, unsafe fix.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL201"
    name = "weight-in-init"
    severity = Severity.WARNING

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            init = facts.methods.get("__init__")
            if init is None:
                continue
            dims = {arg.arg for arg in [*init.args.args, *init.args.kwonlyargs] if INPUT_DIM.match(arg.arg)}
            dims |= {f"self.{name}" for name in _self_copies(init, dims)}
            for site in facts.weights:
                if site.kind is not WeightKind.ADD_WEIGHT or site.phases != frozenset({Phase.INIT}):
                    continue
                shape = shape_argument(site.call, ctx.flavor)
                used = sorted(name for name in _names(shape) if name in dims) if shape is not None else []
                if used:
                    yield self.finding(
                        ctx,
                        site.call,
                        f"weight created in `__init__` from `{used[0]}`: create it in `build(input_shape)` "
                        "with `input_shape[-1]` so the layer fits any input size",
                        facts,
                    )


def shape_argument(call: ast.Call, flavor: Flavor) -> ast.expr | None:
    """The ``shape`` of an ``add_weight`` call in either Keras's positional convention."""
    for keyword in call.keywords:
        if keyword.arg == "shape":
            return keyword.value
    index = 1 if flavor is Flavor.KERAS2 or (call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)) else 0
    return call.args[index] if len(call.args) > index else None


def _names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == "self":
            names.add(f"self.{child.attr}")
    return names


def _self_copies(init: ast.FunctionDef, params: set[str]) -> set[str]:
    """Attributes assigned straight from one of ``params`` (``self.input_dim = input_dim``)."""
    copies: set[str] = set()
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in params:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                    copies.add(target.attr)
    return copies
