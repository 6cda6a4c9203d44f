"""What ``layer.quantize(mode)`` and ``model.quantize(mode)`` do to weights (Keras 3.15).

Observed in Keras 3.15 (``tests/test_quantize_truth.py`` checks every case against it):

- int8: a Dense, EinsumDense or Embedding kernel becomes an int8 kernel of the same shape plus a
  float scale per output channel; both non-trainable. The bias is unchanged.
- int4 (default config, groups of 128 rows): the kernel is packed two values a byte along its last
  axis (int8), with a float scale, an int8 zero point per group and channel, and a float32 group
  index per row; all non-trainable.
- float8 (Dense, EinsumDense): the weights stay, six float32 trainable scale factors and amax
  histories (1024 long) are added. Embedding has no float8: ``model.quantize`` warns and leaves it.
- ``model.quantize`` quantizes every layer that implements it and leaves the others as they are;
  a layer quantized twice, one not built yet, or int8 under a float16 compute dtype raise.

Everything else (a ``config``, ``filters``, LoRA, subclasses, composite layers) is not modelled:
its count is reported as not known, with the reason.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from ..names.imports import Flavor

MODES = ("int8", "int4", "float8")
BLOCK_SIZE = 128  # `Int4QuantizationConfig()` default: one int4 scale per 128 rows of the kernel
AMAX_HISTORY = 1024  # `QuantizedFloat8DTypePolicy.default_amax_history_length`
QUANTIZABLE = {"keras.layers.Dense": "kernel", "keras.layers.EinsumDense": "kernel", "keras.layers.Embedding": "embeddings"}
# built-in layers holding layers that implement `quantize` (or wrapping a given one): not modelled
_COMPOSITE = frozenset({"MultiHeadAttention", "GroupQueryAttention", "GroupedQueryAttention", "ReversibleEmbedding", "TimeDistributed",
                        "Bidirectional", "RNN", "StackedRNNCells", "SpectralNormalization"})


@dataclass(frozen=True, slots=True)
class Quantization:
    """A ``quantize`` call that runs once, at module level, after its layer is built."""

    mode: str
    whole_model: bool  # `model.quantize`: layers without a `quantize` of their own stay as they are
    line: int


@dataclass(frozen=True, slots=True)
class QuantizedWeight:
    name: str
    shape: tuple
    trainable: bool
    dtype: str | None  # None: the layer's variable dtype


def is_quantize(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "quantize"


def planned(call: ast.Call, tree: ast.Module, built_at: int | None, whole_model: bool, compute: str | None, flavor: Flavor) -> Quantization | str:
    """The quantization a call makes, or why it is not modelled. ``built_at``: the line from which
    the layer (or model) is built, None if that is not known; ``compute``: the layer's compute dtype."""
    where = f"line {call.lineno}: `{ast.unparse(call.func)}(...)`"
    if flavor is not Flavor.KERAS3:
        return f"{where}: quantizing is Keras 3 only"
    mode = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "mode"), None)
    others = [k.arg or "**" for k in call.keywords if k.arg != "mode"]
    if len(call.args) > 1 or others or not isinstance(mode, ast.Constant) or mode.value not in MODES:
        return f"{where}: only `quantize(\"int8\" | \"int4\" | \"float8\")` without other arguments is modelled"
    if not any(isinstance(s, ast.Expr) and s.value is call for s in tree.body):
        return f"{where}: a `quantize` call inside a function, a branch or a loop is not modelled"
    if built_at is None or built_at >= call.lineno:
        return f"{where}: whether it is built by then is not known (Keras raises on a layer not built)"
    if mode.value == "int8" and compute in (None, "float16"):
        return f"{where}: int8 with the compute dtype `{compute or 'not known'}` is not modelled (Keras refuses float16)"
    return Quantization(mode.value, whole_model, call.lineno)


def quantized_weights(ref: str, bound: dict, weights: list, plans: list[Quantization]) -> list[QuantizedWeight] | str:
    """The weights after ``plans`` (``weights``: name, shape, trainable of the float layer), or why
    they are not known."""
    if len(plans) > 1 and (ref in QUANTIZABLE or not all(plan.whole_model for plan in plans)):
        return f"quantized twice (lines {', '.join(str(p.line) for p in plans)}): Keras raises on the second"
    plan = plans[0]
    name = ref.rsplit(".", 1)[-1]
    if ref not in QUANTIZABLE:
        if plan.whole_model and ref.startswith("keras.layers.") and name not in _COMPOSITE:
            return [QuantizedWeight(w.name, w.shape, w.trainable, None) for w in weights]  # no `quantize` of its own: left as it is
        return f"line {plan.line}: what `quantize` does to `{name}` is not modelled"
    if bound.get("lora_rank"):
        return f"line {plan.line}: quantizing a layer with LoRA is not modelled"
    base = next((w for w in weights if w.name == QUANTIZABLE[ref]), None)
    if base is None or not all(type(d) is int for d in base.shape):
        return f"line {plan.line}: the kernel's shape is not known, so neither are the quantized weights"
    others = [QuantizedWeight(w.name, w.shape, w.trainable, None) for w in weights if w is not base]
    if plan.mode == "float8":
        if ref == "keras.layers.Embedding":
            return [QuantizedWeight(w.name, w.shape, w.trainable, None) for w in weights] if plan.whole_model else f"line {plan.line}: Embedding has no float8 quantization (Keras raises)"
        return [QuantizedWeight(base.name, base.shape, base.trainable, None), *others, *_float8_factors()]
    reduced = _reduced_axes(ref, bound, len(base.shape))
    if isinstance(reduced, str):
        return f"line {plan.line}: {reduced}"
    made = _int8(base, reduced) if plan.mode == "int8" else _int4(base, reduced)
    return made + others


def _float8_factors() -> list[QuantizedWeight]:
    return [QuantizedWeight(f"{of}_{kind}", shape, True, "float32")
            for of in ("inputs", "kernel", "outputs_grad") for kind, shape in (("scale", ()), ("amax_history", (AMAX_HISTORY,)))]


def _reduced_axes(ref: str, bound: dict, rank: int) -> list[int] | str:
    """The kernel axes Keras quantizes over: the input axis of a Dense, the embedding width of an
    Embedding, the contracted letters of an EinsumDense equation."""
    if ref == "keras.layers.Dense":
        return [0]
    if ref == "keras.layers.Embedding":
        return [1]
    equation = bound.get("equation")
    parts = str(equation).replace(" ", "").replace("->", ",").split(",") if isinstance(equation, str) else []
    if len(parts) != 3 or "." in equation or len(parts[1]) != rank:
        return "quantizing this EinsumDense equation is not modelled"
    kernel, output = parts[1], parts[2]
    reduced = [i for i, letter in enumerate(kernel) if letter not in output]
    if len(reduced) > len([letter for letter in output if letter not in kernel]):
        return "quantizing this EinsumDense equation is not modelled"  # Keras squeezes its scale: not followed
    return reduced


def _split(shape: tuple, reduced: list[int]) -> tuple[int, int]:
    """(rows, columns): the kernel seen as a matrix of its reduced axes by the others."""
    rows = math.prod(d for i, d in enumerate(shape) if i in reduced)
    return rows, math.prod(d for i, d in enumerate(shape) if i not in reduced)


def _int8(base, reduced: list[int]) -> list[QuantizedWeight]:
    _, columns = _split(base.shape, reduced)
    return [QuantizedWeight(base.name, base.shape, False, "int8"), QuantizedWeight(f"{base.name}_scale", (columns,), False, None)]


def _int4(base, reduced: list[int]) -> list[QuantizedWeight]:
    rows, columns = _split(base.shape, reduced)
    if reduced == [1]:  # Embedding: one row per token, grouped along its width
        rows, columns = columns, rows
        packed, grouped = (rows, (columns + 1) // 2), (rows, math.ceil(columns / BLOCK_SIZE))
        index = (columns,)
    else:
        packed, grouped, index = (rows, (columns + 1) // 2), (math.ceil(rows / BLOCK_SIZE), columns), (rows,)
    return [QuantizedWeight(base.name, packed, False, "int8"), QuantizedWeight(f"{base.name}_scale", grouped, False, None),
            QuantizedWeight(f"{base.name}_zero", grouped, False, "int8"), QuantizedWeight("g_idx", index, False, "float32")]
