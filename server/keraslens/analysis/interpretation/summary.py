"""The static ``model.summary()``: the words and numbers Keras 3 prints, for every view.

Keras prints ``Layer (type)``, ``Output Shape`` and ``Param #`` columns, then
``Total params: 55 (220.00 B)`` lines whose sizes come from the variables' dtypes
(``keras.src.utils.summary_utils``). A count that is not exact is a lower bound and is
never printed like a final one.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..source import SourceFile, walk
from .count_model import Count, LayerRow, Sizes, Status

HEADERS = ("Layer (type)", "Output Shape", "Param #")
DTYPE_BITS = {"float64": 64, "float32": 32, "float16": 16, "bfloat16": 16, "int8": 8, "uint8": 8, "int4": 4, "float8_e4m3fn": 8}
UNKNOWN_DTYPE = "?"  # a weight whose dtype the analysis does not know: no size is printed for it
# `keras.config.set_dtype_policy`, `keras.mixed_precision.set_global_policy`, `set_floatx`
_POLICY_SETTERS = frozenset({"set_dtype_policy", "set_global_policy", "set_floatx"})
_WEIGHT_MAKERS = frozenset({"add_weight", "add_variable", "Variable"})
TO_MAKE_EXACT = "an input shape (`keras.Input(shape=...)` or `input_shape=`), or the probe (`keraslens count --probe`) for real Keras numbers"


@dataclass(frozen=True, slots=True)
class Policy:
    """A dtype policy: the dtype its layers' variables have, and the one they compute in."""

    variable: str | None  # None: not known
    compute: str | None = None
    reason: str | None = None  # why it is not known


FLOAT32 = Policy("float32", "float32")


def policy_named(name: object) -> Policy | None:
    """``"mixed_float16"`` keeps float32 variables and computes in float16; a float dtype name is
    both; anything else (a quantized policy, an unknown name) is None."""
    if not isinstance(name, str):
        return None
    if name.startswith("mixed_") and name[len("mixed_"):] in ("float16", "bfloat16"):
        return Policy("float32", name[len("mixed_"):])
    return Policy(name, name) if name in ("float16", "bfloat16", "float32", "float64") else None


def policy_of(node: ast.expr | None) -> Policy | None:
    """The policy a ``dtype=`` argument or a policy setter names: ``"float16"``,
    ``keras.DTypePolicy("mixed_float16")``; None when it is not a constant the table knows."""
    if isinstance(node, ast.Call) and _called_name(node).endswith("DTypePolicy") and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return policy_named(node.value) if isinstance(node, ast.Constant) else None


def module_policy(source: SourceFile, first_layer_line: int | None = None) -> Policy:
    """The global dtype policy a module's layers are made under: float32 unless module-level
    statements set another before the first layer is made. Set elsewhere (in a function, a branch),
    to a value not known, or after layers exist: not known, so sizes are not claimed."""
    policy = FLOAT32
    if not any(setter in source.text for setter in _POLICY_SETTERS):
        return policy
    top_level = {id(statement.value) for statement in source.tree.body if isinstance(statement, ast.Expr)}
    setters = [node for node in walk(source.tree) if isinstance(node, ast.Call) and _called_name(node) in _POLICY_SETTERS]
    for node in sorted(setters, key=lambda call: (call.lineno, call.col_offset)):
        named = policy_of(node.args[0]) if len(node.args) == 1 and not node.keywords else None
        if id(node) not in top_level:
            return Policy(None, reason=f"line {node.lineno}: the dtype policy is set inside a function, a branch or an expression")
        if named is None:
            return Policy(None, reason=f"line {node.lineno}: the dtype policy is set to a value keraslens does not know")
        if first_layer_line is not None and node.lineno > first_layer_line:
            return Policy(None, reason=f"line {node.lineno}: the dtype policy changes after layers are made")
        policy = named
    return policy


def sets_weight_dtype(facts) -> bool:
    """Whether a class (``ClassFacts``) picks dtypes for its own weights (``add_weight(..., dtype=...)``,
    ``keras.Variable(..., dtype=...)``); its sublayers' ``dtype=`` is read where they are made."""
    return any(_called_name(node) in _WEIGHT_MAKERS and any(k.arg == "dtype" for k in node.keywords) for node in facts.calls)


def names_itself_only(facts) -> bool:
    """A layer class of the file (``ClassFacts``) whose instances take Keras's automatic name and make no
    other object that may take one: it constructs nothing (no capitalised call) and passes no ``name=``."""
    return not any(_called_name(node)[:1].isupper() or any(k.arg == "name" for k in node.keywords) for node in facts.calls)


def _called_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def typed_params(weights) -> tuple:
    """``Count.typed`` of weights (``name``, ``params``, ``trainable``, ``dtype``): the params of each
    dtype set on the weight itself, by side; weights of the layer's default dtype are left out."""
    typed: dict[str, list[int]] = {}
    for weight in weights:
        if weight.dtype is None or weight.trainable is None:
            continue
        params = weight.params
        if params is not None:
            typed.setdefault(weight.dtype, [0, 0])[0 if weight.trainable else 1] += params
    return tuple((dtype, trainable, frozen) for dtype, (trainable, frozen) in typed.items())


def all_frozen(typed: tuple) -> tuple:
    """``Count.typed`` once every weight is non-trainable."""
    return tuple((dtype, 0, trainable + frozen) for dtype, trainable, frozen in typed)


def sizes_of(count: Count, policy: Policy = FLOAT32) -> Sizes:
    """Each param has its weight's dtype: the one set on it (quantized kernels, a layer's own
    ``dtype=``) or the policy's variable dtype."""
    if policy.variable is None:
        return Sizes(None, None, None, policy.reason)
    if any(dtype == UNKNOWN_DTYPE for dtype, _, _ in count.typed):
        return Sizes(None, None, None, "the dtype of some weights is not known")
    default = DTYPE_BITS[policy.variable]

    def side(params: int | None, typed: list[tuple[str, int]]) -> float | None:
        if params is None:
            return None
        return ((params - sum(n for _, n in typed)) * default + sum(n * DTYPE_BITS[dtype] for dtype, n in typed)) / 8

    trainable = side(count.trainable, [(dtype, n) for dtype, n, _ in count.typed])
    frozen = side(count.non_trainable, [(dtype, n) for dtype, _, n in count.typed])
    total = side(count.total, [(dtype, a + b) for dtype, a, b in count.typed])
    return Sizes(total, trainable, frozen)


def memory_size(size: float) -> str:
    """Keras's ``readable_memory_size`` of a size in bytes: ``220.00 B``, ``1.05 KB`` (powers of 1024)."""
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
    with, or the automatic one Keras gives where the file's layers are all followed; else one
    numbered within the model (and ``names_note`` says so)."""
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


def names_note(rows: list[LayerRow]) -> list[str]:
    """Why automatic names may differ from Keras's, where they are not known."""
    if all(row.keras_name is not None for row in rows):
        return []
    return ["Layer names: Keras numbers automatic names per session (dense, dense_1, ...); not all of this file's layers are "
            "followed, so the numbers shown count from this model's first layer."]


def session_names(instances: list, text: str, is_builtin) -> dict[int, str]:
    """The name Keras gives each layer (by ``id``), numbering automatic names in the order the
    file makes its layers, as one fresh session running it does; empty when that order is not
    certain (layers made in functions, loops, branches, by classes of the file, or the session cleared)."""
    if "clear_session" in text:
        return {}
    names: dict[int, str] = {}
    made: dict[str, int] = {}
    for instance in instances:
        if instance.scope != "<module>" or instance.uncertain or instance.model is not None or not isinstance(instance.call, ast.Call) or not is_builtin(instance.class_ref):
            return {}
        given = next((k.value for k in instance.call.keywords if k.arg == "name"), None)
        if given is not None:
            if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
                return {}
            names[id(instance)] = given.value
            continue
        base = snake_case(instance.class_ref.rsplit(".", 1)[-1])
        names[id(instance)] = base if base not in made else f"{base}_{made[base]}"
        made[base] = made.get(base, 0) + 1
    return names


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


def totals(count: Count, sizes: Sizes | None = None, bound: str = "at least ") -> list[str]:
    """``Total params: 55 (220.00 B)`` and the trainable split, as Keras prints them;
    for a partial count the numbers are marked as lower bounds and the unknown part is named."""
    if count.status is Status.UNKNOWN:
        return ["Total params: ? (not counted)", f"Unknown: {count.reason or 'not analysed'}", f"To count it, give {TO_MAKE_EXACT}."]
    sizes = sizes or sizes_of(count)
    mark = bound if count.status is Status.PARTIAL else ""
    lines = []
    for label, value, size in (("Total params", count.total, sizes.total), ("Trainable params", count.trainable, sizes.trainable),
                               ("Non-trainable params", count.non_trainable, sizes.non_trainable)):
        in_bytes = "size not known" if size is None else f"{mark}{memory_size(size)}"
        lines.append(f"{label}: ?" if value is None else f"{label}: {mark}{value:,} ({in_bytes})")
    if count.status is Status.PARTIAL:
        lines += [f"Not counted: {count.reason or 'some layers'}", f"To make it exact, give {TO_MAKE_EXACT}."]
    if sizes.reason:
        lines.append(f"Sizes not known: {sizes.reason}")
    return lines
