"""Tensor creators as ``add_weight`` arguments: the shape and the matching initializer.

``tf.random.normal((3, 4), stddev=0.1)`` becomes ``shape=(3, 4)`` and
``initializer=keras.initializers.RandomNormal(stddev=0.1)``. The creator's own defaults
are spelled out (``tf.random.normal`` draws with stddev 1.0, the Keras initializer's
default is 0.05), so the fixed layer starts from the same distribution.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from ..names.imports import ImportMap

# creator -> (kind, positional parameter names); roles: shape, mean, stddev, minval, maxval, value, dtype, seed
_RANDOM = ("shape", "mean", "stddev", "dtype", "seed")
_UNIFORM = ("shape", "minval", "maxval", "dtype", "seed")
CREATORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tensorflow.random.normal": ("normal", _RANDOM),
    "tensorflow.random.truncated_normal": ("truncated", _RANDOM),
    "tensorflow.random.uniform": ("uniform", _UNIFORM),
    "keras.random.normal": ("normal", _RANDOM),
    "keras.random.truncated_normal": ("truncated", _RANDOM),
    "keras.random.uniform": ("uniform", _UNIFORM),
    "numpy.random.randn": ("normal", ("*shape",)),
    "numpy.random.rand": ("uniform", ("*shape",)),
    "numpy.random.standard_normal": ("normal", ("size",)),
    "numpy.random.random": ("uniform", ("size",)),
    "numpy.random.normal": ("normal", ("loc", "scale", "size")),
    "numpy.random.uniform": ("uniform", ("low", "high", "size")),
    "tensorflow.zeros": ("zeros", ("shape", "dtype")),
    "tensorflow.ones": ("ones", ("shape", "dtype")),
    "keras.ops.zeros": ("zeros", ("shape", "dtype")),
    "keras.ops.ones": ("ones", ("shape", "dtype")),
    "numpy.zeros": ("zeros", ("shape", "dtype")),
    "numpy.ones": ("ones", ("shape", "dtype")),
    "tensorflow.fill": ("constant", ("dims", "value")),
    "keras.ops.full": ("constant", ("shape", "fill_value", "dtype")),
    "numpy.full": ("constant", ("shape", "fill_value", "dtype")),
    "tensorflow.constant": ("literal", ("value", "dtype", "shape")),
    "tensorflow.convert_to_tensor": ("literal", ("value", "dtype")),
    "keras.ops.convert_to_tensor": ("literal", ("value", "dtype")),
    "numpy.array": ("literal", ("object", "dtype")),
    "numpy.asarray": ("literal", ("a", "dtype")),
}
# the creator's parameter name -> the role it plays
_ROLES = {"dims": "shape", "size": "shape", "loc": "mean", "scale": "stddev", "low": "minval", "high": "maxval",
          "fill_value": "value", "object": "value", "a": "value"}
RANDOM_KINDS = frozenset({"normal", "truncated", "uniform"})


@dataclass(frozen=True, slots=True)
class WeightSpec:
    shape: str
    initializer: str
    dtype: str | None
    random: bool  # the initial values are drawn, so they differ from the original draw


def keras_root(imports: ImportMap) -> str | None:
    """A local expression for the Keras package the file uses (``keras``, ``tf.keras``)."""
    for local, qualified in sorted(imports.names.items()):
        if qualified in ("keras", "tf_keras", "tensorflow.keras"):
            return local
    for local, qualified in sorted(imports.names.items()):
        if qualified == "tensorflow":
            return f"{local}.keras"
    return None


def weight_spec(call: ast.Call, creator: str, text_of: Callable[[ast.AST], str], root: str | None) -> WeightSpec | None:
    """``add_weight`` arguments equivalent to ``call``; None when they can't be derived statically."""
    entry = CREATORS.get(creator)
    if entry is None or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    kind, parameters = entry
    roles: dict[str, ast.expr] = {}
    if parameters == ("*shape",):
        if call.keywords or not call.args:
            return None
        shape = "(" + ", ".join(text_of(a) for a in call.args) + ("," if len(call.args) == 1 else "") + ")"
    else:
        if len(call.args) > len(parameters):
            return None
        for name, value in [*zip(parameters, call.args), *((k.arg, k.value) for k in call.keywords)]:
            role = _ROLES.get(name, name)
            if role not in ("shape", "mean", "stddev", "minval", "maxval", "value", "dtype", "seed"):
                return None  # name=, shape-changing or unknown options: do not guess
            roles[role] = value
        shape = None
        if kind == "literal":
            value = roles.get("value")
            literal = _literal_shape(value) if value is not None else None
            if "shape" in roles:
                shape = text_of(roles["shape"])
            elif literal is not None:
                shape = _tuple_text(literal)
            if shape is None or value is None or literal is None:
                return None
        elif "shape" in roles:
            shape = text_of(roles["shape"])
        else:
            return None
    initializer = _initializer(kind, roles, text_of, root)
    if initializer is None:
        return None
    dtype = text_of(roles["dtype"]) if "dtype" in roles else None
    return WeightSpec(shape, initializer, dtype, kind in RANDOM_KINDS)


def _initializer(kind: str, roles: dict[str, ast.expr], text_of, root: str | None) -> str | None:
    if kind in ("zeros", "ones"):
        return f'"{kind}"'
    if root is None:
        return None

    def arguments(*pairs: tuple[str, str | None]) -> str:
        # spell out the creator's default where the Keras initializer's default differs
        out = []
        for role, default in pairs:
            if role in roles:
                out.append(f"{role}={text_of(roles[role])}")
            elif default is not None:
                out.append(f"{role}={default}")
        return ", ".join(out)

    if kind == "normal":
        return f"{root}.initializers.RandomNormal({arguments(('mean', None), ('stddev', '1.0'), ('seed', None))})"
    if kind == "truncated":
        return f"{root}.initializers.TruncatedNormal({arguments(('mean', None), ('stddev', '1.0'), ('seed', None))})"
    if kind == "uniform":
        return f"{root}.initializers.RandomUniform({arguments(('minval', '0.0'), ('maxval', '1.0'), ('seed', None))})"
    if "value" not in roles:
        return None
    return f"{root}.initializers.Constant({text_of(roles['value'])})"


def _literal_shape(node: ast.expr) -> tuple[int, ...] | None:
    """Shape of a nested list/tuple literal of numbers (None when ragged or not literal)."""
    if isinstance(node, ast.List | ast.Tuple):
        shapes = {_literal_shape(element) for element in node.elts}
        if not node.elts:
            return (0,)
        if len(shapes) != 1 or None in shapes:
            return None
        return (len(node.elts), *shapes.pop())
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _literal_shape(node.operand)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return ()
    return None


def _tuple_text(shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(map(str, shape)) + ")"


def literal_spec(value: ast.expr, text_of, root: str | None) -> WeightSpec | None:
    """``tf.Variable(0.5)`` / ``tf.Variable([[1.0, 2.0]])``: a constant of a literal's shape."""
    shape = _literal_shape(value)
    if shape is None or root is None:
        return None
    return WeightSpec(_tuple_text(shape), f"{root}.initializers.Constant({text_of(value)})", None, False)


def add_weight_call(owner: str, spec: WeightSpec, extra: list[str] | None = None) -> str:
    """``self.add_weight(shape=..., initializer=...)``; keywords only, valid in Keras 2 and 3."""
    arguments = [f"shape={spec.shape}", f"initializer={spec.initializer}"]
    if spec.dtype is not None:
        arguments.append(f"dtype={spec.dtype}")
    return f"{owner}.add_weight({', '.join([*arguments, *(extra or [])])})"
