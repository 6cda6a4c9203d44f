"""Layers reached through a model: ``seq.layers[1]``, ``model.get_layer("head")``, a loop over ``base.layers[:k]``.

Setting ``trainable``, ``enable_lora`` or calling ``quantize`` there changes that layer only. When the
layer cannot be told (an index or name not known, a functional model's ``layers``, which start with
its inputs), the model or layer it is reached through is still known, so only that one is uncertain.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..facts.graph import LayerInstance, Model
from .interpreter import Uncertain

Owner = LayerInstance | Model


def reached(node: ast.expr, graph_value: Callable[[ast.expr], object], plain_value: Callable[[ast.expr], object]) -> tuple[Owner | None, Owner | None]:
    """The layer (or nested model) ``node`` reaches, and the model or layer it is reached through;
    either is None when not known. ``graph_value``: a node's value in the graph read so far;
    ``plain_value``: its plain value (an index, a name)."""
    root = _root(node, graph_value)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "layers":
        return _by_index(graph_value(node.value.value), _plain(plain_value, node.slice)), root
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_layer":
        given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
        name = _plain(plain_value, given) if given is not None and len(node.args) + len(node.keywords) == 1 else None
        return _by_name(graph_value(node.func.value), name), root
    return None, root


def iterated(node: ast.expr, graph_value: Callable[[ast.expr], object], plain_value: Callable[[ast.expr], object]) -> tuple[list[Owner] | None, Owner] | None:
    """``for layer in base.layers[:k]``: the layers (or nested models) the loop runs over, None when
    not told, and the model or layer they are reached through; None when the loop is not over the
    ``layers`` of a model or layer followed. A Sequential's are told for any known slice, a functional
    model's only all of them (its ``layers`` start with its inputs, which the graph does not list)."""
    index = None
    if isinstance(node, ast.Subscript):
        node, index = node.value, node.slice
    if not (isinstance(node, ast.Attribute) and node.attr == "layers"):
        return None
    root = _root(node, graph_value)
    if root is None:
        return None
    model = graph_value(node.value)
    if not isinstance(model, Model) or model.opaque or model.kind == "subclass" or len(set(map(id, model.layers))) < len(model.layers):
        return None, root
    if index is None:
        return [_layer_or_model(instance) for instance in model.layers], root
    bounds = [None if part is None else _plain(plain_value, part) for part in (index.lower, index.upper, index.step)] if isinstance(index, ast.Slice) else None
    if model.kind != "sequential" or bounds is None or any(b is not None and (not isinstance(b, int) or isinstance(b, bool)) for b in bounds) or bounds[2] == 0:
        return None, root
    return [_layer_or_model(instance) for instance in model.layers[slice(*bounds)]], root


def reaches_from_name(node: ast.expr) -> bool:
    """``base.layers[-1]``, ``base.get_layer("head")``: a layer reached from a name (reading it again calls nothing)."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "layers":
        return isinstance(node.value.value, ast.Name)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_layer" and isinstance(node.func.value, ast.Name)


def _root(node: ast.expr, graph_value) -> Owner | None:
    """The model or layer a chain of attributes, items and calls starts from (``base`` in ``base.layers[3]``)."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    value = graph_value(node) if isinstance(node, ast.Name) else None
    return value if isinstance(value, LayerInstance | Model) else None


def _plain(plain_value, node: ast.expr):
    try:
        return plain_value(node)
    except Uncertain:
        return None


def _by_index(model, index) -> Owner | None:
    """``seq.layers[i]``: a Sequential's ``layers`` leave out its input (Keras 3 and tf_keras)."""
    if not isinstance(model, Model) or model.kind != "sequential" or model.opaque:
        return None
    if not isinstance(index, int) or isinstance(index, bool) or not -len(model.layers) <= index < len(model.layers):
        return None
    return _layer_or_model(model.layers[index])


def _by_name(model, name) -> Owner | None:
    if not isinstance(model, Model) or model.kind == "subclass" or not isinstance(name, str):
        return None
    named = [instance for instance in dict.fromkeys(model.layers) if given_name(instance) == name]
    return _layer_or_model(named[0]) if len(named) == 1 else None


def given_name(instance: LayerInstance) -> str | None:
    """``name="head"`` where the layer is made with a constant name."""
    call = instance.call
    keywords = call.keywords if isinstance(call, ast.Call) else []
    return next((k.value.value for k in keywords if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), None)


def _layer_or_model(instance: LayerInstance) -> Owner:
    """A nested model is changed as a model (its proxy only stands for it in the outer graph)."""
    return instance.model if instance.model is not None else instance
