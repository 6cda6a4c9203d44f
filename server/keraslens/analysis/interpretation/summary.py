"""The static ``model.summary()``: the words and numbers Keras 3 prints, for every view.

Keras prints ``Layer (type)``, ``Output Shape`` and ``Param #`` columns, then
``Total params: 55 (220.00 B)`` lines whose sizes come from the variables' dtypes
(``keras.src.utils.summary_utils``). A count that is not exact is a lower bound and is
never printed like a final one.
"""

from __future__ import annotations

import ast
import re

from .count_model import Count, LayerRow, Status

HEADERS = ("Layer (type)", "Output Shape", "Param #")
DTYPE_BITS = {"float64": 64, "float32": 32, "float16": 16, "bfloat16": 16, "int8": 8, "int4": 4, "float8_e4m3fn": 8}
# `keras.config.set_dtype_policy`, `keras.mixed_precision.set_global_policy`, `set_floatx`
_POLICY_SETTERS = frozenset({"set_dtype_policy", "set_global_policy", "set_floatx"})
TO_MAKE_EXACT = "an input shape (`keras.Input(shape=...)` or `input_shape=`), or the probe (`keraslens count --probe`) for real Keras numbers"


def variable_dtype(tree: ast.Module) -> str:
    """The dtype of the variables a module's layers create: float32 unless a module-level
    policy says otherwise (``mixed_float16`` computes in float16 but keeps float32 variables)."""
    dtype = "float32"
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call) or not call.args or not isinstance(call.args[0], ast.Constant):
            continue
        function = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        policy = call.args[0].value
        if function in _POLICY_SETTERS and isinstance(policy, str):
            variables = "float32" if policy.startswith("mixed_") else policy
            dtype = variables if variables in DTYPE_BITS else dtype
    return dtype


def memory_size(params: int, dtype: str = "float32") -> str:
    """Keras's ``readable_memory_size``: ``220.00 B``, ``1.05 KB`` (powers of 1024)."""
    size = params * DTYPE_BITS[dtype] / 8
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def shape_label(shape: tuple | None) -> str:
    """An output shape as Keras prints it, ``(None, 5)``; ``?`` when the analysis does not know it."""
    return "?" if shape is None else "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def layer_labels(rows: list[LayerRow]) -> list[str]:
    """``dense (Dense)``, the names ``model.summary()`` prints: the ``name=`` a layer is made
    with, else Keras's automatic one (snake case of its class, numbered from the second on;
    Keras numbers across a whole session, this within the model)."""
    seen: dict[str, int] = {}
    labels = []
    for row in rows:
        name = row.keras_name
        if name is None:
            base = snake_case(row.class_name)
            name = base if base not in seen else f"{base}_{seen[base]}"
            seen[base] = seen.get(base, 0) + 1
        labels.append(f"{name} ({row.class_name})" + (" (shared)" if row.shared else ""))
    return labels


def snake_case(name: str) -> str:
    """As ``keras.src.utils.naming.to_snake_case``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def params_label(count: Count, bound: str = "at least ") -> str:
    """A row's ``Param #``: exact numbers bare, lower bounds marked, unknown as ``?``."""
    if count.status is Status.UNKNOWN or count.total is None:
        return "?"
    return (bound if count.status is Status.PARTIAL else "") + f"{count.total:,}"


def summary_rows(rows: list[LayerRow], bound: str = "at least ") -> list[tuple[str, str, str]]:
    return [(label, shape_label(row.output_shape), params_label(row.count, bound)) for label, row in zip(layer_labels(rows), rows)]


def totals(count: Count, dtype: str = "float32", bound: str = "at least ") -> list[str]:
    """``Total params: 55 (220.00 B)`` and the trainable split, as Keras prints them;
    for a partial count the numbers are marked as lower bounds and the unknown part is named."""
    if count.status is Status.UNKNOWN:
        return ["Total params: ? (not counted)", f"Unknown: {count.reason or 'not analysed'}", f"To count it, give {TO_MAKE_EXACT}."]
    mark = bound if count.status is Status.PARTIAL else ""
    lines = []
    for label, value in (("Total params", count.total), ("Trainable params", count.trainable), ("Non-trainable params", count.non_trainable)):
        lines.append(f"{label}: ?" if value is None else f"{label}: {mark}{value:,} ({mark}{memory_size(value, dtype)})")
    if count.status is Status.PARTIAL:
        lines += [f"Not counted: {count.reason or 'some layers'}", f"To make it exact, give {TO_MAKE_EXACT}."]
    return lines
