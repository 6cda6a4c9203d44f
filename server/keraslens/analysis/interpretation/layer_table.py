"""The built-in Keras layers as data: constructor signature, weights, output shape.

Each entry says which weights ``build()`` creates for an input shape (the batch axis
included, as ``None``) and what shape a call returns. Dimensions are ints, symbolic
``Expr`` values, or ``None`` when not known; a weight whose existence depends on an
unknown argument makes the whole answer ``Unknown`` rather than a guess. Every
formula is checked against real Keras 3 and tf_keras by ``tests/test_builtins.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .symbolic import Expr
from .values import UNKNOWN


@dataclass(frozen=True, slots=True)
class WeightSpec:
    name: str
    shape: tuple
    trainable: bool = True


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str


class NotKnown(Exception):
    """An argument the formula needs is not known statically."""


Bound = dict
Shape = tuple | list | None


@dataclass(frozen=True)
class LayerSpec:
    params: tuple[str, ...]  # positional order of the constructor
    defaults: dict = field(default_factory=dict)
    weights_of: Callable[[Bound, tuple, bool], list[WeightSpec]] | None = None  # (bound, shape, keras2)
    output_of: Callable[[Bound, Shape], Shape] | None = None
    multi_input: bool = False
    keras3_only: tuple[str, ...] = ()  # arguments tf_keras does not have
    wrapper: bool = False  # TimeDistributed, Bidirectional: ``counts`` counts the wrapped layer
    parts_of: Callable[[Bound, Shape], list[Shape] | None] | None = None  # a layer returning several tensors: each one's shape
    also: tuple[str, ...] = ()  # further arguments known not to change the weights beyond ``params``/``defaults``

    @property
    def weightless(self) -> bool:
        return self.weights_of is None

    def bind(self, args: list, kwargs: dict) -> Bound:
        bound = dict(self.defaults)
        bound.update(zip(self.params, args, strict=False))
        bound.update(kwargs)
        return bound

    def weights(self, bound: Bound, input_shape, flavor: str = "3") -> list[WeightSpec] | Unknown:
        keras2 = flavor in ("2", "tf_keras", "keras2")
        if keras2 and any(bound.get(name) not in (None, UNKNOWN) for name in self.keras3_only):
            return Unknown(f"{', '.join(self.keras3_only)} is Keras 3 only")
        if self.wrapper:
            return Unknown("a wrapper's weights are those of the layer it wraps")
        if self.weights_of is None:
            return []
        unmodelled = self.unmodelled(bound)
        if unmodelled:
            return Unknown(unmodelled)
        if input_shape is None or input_shape is UNKNOWN:
            return Unknown("the input shape is not known")
        try:
            weights = self.weights_of(bound, input_shape, keras2)
        except NotKnown as exc:
            return Unknown(str(exc))
        if bound.get("trainable") is False:  # made frozen: every weight it creates is non-trainable
            return [WeightSpec(w.name, w.shape, False) for w in weights]
        return weights

    def unmodelled(self, bound: Bound) -> str | None:
        """Why the weights cannot be exact for these arguments: one the table does not model, or None."""
        if self.weights_of is None:
            return None
        for name, value in bound.items():
            if name in self.params or name in self.defaults or name in self.also or _HARMLESS.fullmatch(name):
                if name == "dtype" and isinstance(value, str) and _QUANTIZED.search(value):
                    return f"the quantized dtype `{value}` is not modelled"
                continue
            return f"the argument `{name}=` is not modelled for this layer, so its weights may differ"
        return None

    def output_parts(self, bound: Bound, input_shape) -> list[Shape] | None:
        """The shape of each tensor a layer returning several gives (None: one tensor, or not known)."""
        if self.parts_of is None or input_shape is None or input_shape is UNKNOWN:
            return None
        try:
            return self.parts_of(bound, input_shape)
        except NotKnown:
            return None

    def output_shape(self, bound: Bound, input_shape) -> Shape:
        if self.output_of is None or input_shape is None or input_shape is UNKNOWN:
            return None
        try:
            return self.output_of(bound, input_shape)
        except (NotKnown, TypeError, IndexError, ValueError, ZeroDivisionError):
            return None


# arguments that never change which weights a layer creates (initial values, penalties, dropout,
# naming, how a recurrent layer runs); any other argument a spec does not declare makes it not exact
_HARMLESS = re.compile(
    r"name|dtype|trainable|autocast|dynamic|seed|input_shape|batch_input_shape|batch_size|input_dim|input_length|"
    r"\w*_initializer|\w*_regularizer|\w*_constraint|\w*activation|\w*dropout|epsilon|momentum|lora_alpha|"
    r"return_sequences|return_state|go_backwards|stateful|unroll|time_major|zero_output_for_mask|unit_forget_bias|"
    r"mask_zero|implementation|window|periodic|scaling|padding|data_format|strides|dilation_rate|output_padding"
)
_QUANTIZED = re.compile(r"int4|int8|float8|gptq|awq")


# -- argument helpers --------------------------------------------------------------------------


def _known(bound: Bound, name: str):
    value = bound.get(name)
    if value is UNKNOWN:
        raise NotKnown(f"`{name}` is not known")
    return value


def _flag(bound: Bound, name: str) -> bool:
    value = _known(bound, name)
    if isinstance(value, Expr):
        raise NotKnown(f"`{name}` is not known")
    return bool(value)


def _dim(value):
    """A usable dimension (int or Expr) or None."""
    if isinstance(value, Expr):
        return value.value if value.is_const else value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _int(bound: Bound, name: str):
    value = _dim(_known(bound, name))
    if value is None:
        raise NotKnown(f"`{name}` is not known")
    return value


def _ints(bound: Bound, name: str, rank: int) -> tuple:
    value = _known(bound, name)
    items = tuple(value) if isinstance(value, tuple | list) else (value,) * rank
    dims = tuple(_dim(item) for item in items)
    if len(dims) != rank or any(dim is None for dim in dims):
        raise NotKnown(f"`{name}` is not known")
    return dims


def _last(shape) -> object:
    if not isinstance(shape, tuple | list) or not shape:
        raise NotKnown("the input rank is not known")
    return shape[-1]


def _channels(bound: Bound, shape) -> object:
    if not isinstance(shape, tuple | list) or len(shape) < 2:
        raise NotKnown("the input rank is not known")
    channels_first = _known(bound, "data_format") == "channels_first"
    dim = _dim(shape[1] if channels_first else shape[-1])
    if dim is None:
        raise NotKnown("the input's channel axis is not known")
    return dim


def _feature(shape) -> object:
    dim = _dim(_last(shape))
    if dim is None:
        raise NotKnown("the input's last axis is not known")
    return dim


def _mul(*dims):
    total = 1
    for dim in dims:
        total = total * dim
    return total


def _div(dim, by: int):
    if isinstance(dim, int) and isinstance(by, int) and by:
        return dim // by
    if by == 1:
        return dim
    raise NotKnown("a grouped channel count is not known")


def _bias(bound: Bound, size, name: str = "bias") -> list[WeightSpec]:
    return [WeightSpec(name, (size,))] if _flag(bound, "use_bias") else []


# -- output shapes -----------------------------------------------------------------------------


def _same(bound: Bound, shape: Shape) -> Shape:
    return tuple(shape) if isinstance(shape, tuple | list) else None


def _with_last(shape: Shape, last) -> Shape:
    return (*tuple(shape)[:-1], last)


def _conv_length(length, kernel: int, stride: int, padding: str, dilation: int):
    if not isinstance(length, int):
        return None
    if padding in ("same", "causal"):
        return -(-length // stride)
    if padding == "valid":
        span = dilation * (kernel - 1) + 1
        return (length - span) // stride + 1
    return None


def _transpose_length(length, kernel: int, stride: int, padding: str, dilation: int, output_padding):
    if not isinstance(length, int):
        return None
    span = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(span - stride, 0)
        if padding == "same":
            return length * stride
        return None
    pad = {"valid": 0, "same": span // 2}.get(padding)
    return None if pad is None else (length - 1) * stride + span - 2 * pad + output_padding


def _spatial(bound: Bound, shape: Shape, rank: int, transpose: bool = False) -> Shape:
    if _known(bound, "data_format") == "channels_first" or len(shape) != rank + 2:
        return None
    kernel = _ints(bound, "kernel_size", rank) if "kernel_size" in bound else _ints(bound, "pool_size", rank)
    strides_name = "strides" if bound.get("strides") is not None else ("pool_size" if "pool_size" in bound else "strides")
    strides = _ints(bound, strides_name, rank)
    dilation = _ints(bound, "dilation_rate", rank) if "dilation_rate" in bound else (1,) * rank
    padding = str(_known(bound, "padding")).lower()
    if transpose:
        output_padding = bound.get("output_padding")
        paddings = (None,) * rank if output_padding is None else _ints(bound, "output_padding", rank)
        dims = [_transpose_length(n, k, s, padding, d, p) for n, k, s, d, p in zip(shape[1:-1], kernel, strides, dilation, paddings, strict=True)]
    else:
        dims = [_conv_length(n, k, s, padding, d) for n, k, s, d in zip(shape[1:-1], kernel, strides, dilation, strict=True)]
    return (shape[0], *dims, shape[-1])


def _channels_last(output_of):
    """An output function of channels-last shapes that also takes ``data_format="channels_first"``:
    the channels axis is moved last, and back."""
    def output(bound: Bound, shape: Shape) -> Shape:
        if _known(bound, "data_format") != "channels_first":
            return output_of(bound, shape)
        if len(shape) < 3:
            return None
        moved = output_of({**bound, "data_format": "channels_last"}, (shape[0], *shape[2:], shape[1]))
        return None if moved is None else (moved[0], moved[-1], *moved[1:-1])

    return output


def _conv_output(rank: int, transpose: bool = False):
    @_channels_last
    def output(bound: Bound, shape: Shape) -> Shape:
        spatial = _spatial(bound, shape, rank, transpose)
        if spatial is None:
            return None
        last = _int(bound, "filters") if "filters" in bound else _mul(_channels(bound, shape), _int(bound, "depth_multiplier"))
        return _with_last(spatial, last)

    return output


def _pool_output(rank: int):
    @_channels_last
    def output(bound: Bound, shape: Shape) -> Shape:
        return _spatial(bound, shape, rank)

    return output


def _global_pool(bound: Bound, shape: Shape) -> Shape:
    if _known(bound, "data_format") == "channels_first":
        if len(shape) < 3:
            return None
        return (shape[0], shape[1], *([1] * (len(shape) - 2))) if _flag(bound, "keepdims") else (shape[0], shape[1])
    if _flag(bound, "keepdims"):
        return (shape[0], *([1] * (len(shape) - 2)), shape[-1])
    return (shape[0], shape[-1])


def _flatten(bound: Bound, shape: Shape) -> Shape:
    rest = shape[1:]
    if all(isinstance(dim, int) for dim in rest):
        return (shape[0], math.prod(rest))
    return (shape[0], None)


def _reshape(bound: Bound, shape: Shape) -> Shape:
    target = _known(bound, "target_shape")
    if not isinstance(target, tuple | list) or not all(isinstance(d, int) for d in target):
        return None
    target = list(target)
    if -1 in target:
        known = math.prod(shape[1:]) if all(isinstance(d, int) for d in shape[1:]) else None
        rest = math.prod(d for d in target if d != -1)
        target[target.index(-1)] = known // rest if known is not None and rest else None
    return (shape[0], *target)


def _dense_output(bound: Bound, shape: Shape) -> Shape:
    return _with_last(shape, _int(bound, "units"))


def _embedding_output(bound: Bound, shape: Shape) -> Shape:
    return (*tuple(shape), _int(bound, "output_dim"))


def _rnn_output(bound: Bound, shape: Shape) -> Shape:
    if _flag(bound, "return_state") or len(shape) != 3:
        return None
    return _rnn_sequence(bound, shape)


def _rnn_sequence(bound: Bound, shape: Shape) -> Shape:
    units = _int(bound, "units")
    return (shape[0], shape[1], units) if _flag(bound, "return_sequences") else (shape[0], units)


def _rnn_parts(states: int):
    """With ``return_state=True``: the output, then each state (``[output, h, c]`` for an LSTM)."""
    def parts(bound: Bound, shape: Shape) -> list[Shape] | None:
        if not _flag(bound, "return_state") or len(shape) != 3:
            return None
        return [_rnn_sequence(bound, shape), *[(shape[0], _int(bound, "units"))] * states]

    return parts


def _conv_rnn_output(rank: int):
    def output(bound: Bound, shape: Shape) -> Shape:
        if _flag(bound, "return_state") or len(shape) != rank + 3:
            return None
        frame = _spatial(bound, (shape[0], *shape[2:]), rank)
        if frame is None:
            return None
        frame = _with_last(frame, _int(bound, "filters"))
        return (frame[0], shape[1], *frame[1:]) if _flag(bound, "return_sequences") else frame

    return output


def _merge_output(bound: Bound, shapes: Shape) -> Shape:
    if not isinstance(shapes, list) or not shapes or any(not isinstance(s, tuple | list) for s in shapes):
        return None
    if len({len(s) for s in shapes}) != 1:
        return None
    return tuple(_broadcast_dim([s[i] for s in shapes]) for i in range(len(shapes[0])))


def _broadcast_dim(dims: list):
    sized = {dim for dim in dims if dim != 1}
    if not sized:
        return 1
    return sized.pop() if len(sized) == 1 else None


def _concat_output(bound: Bound, shapes: Shape) -> Shape:
    merged = _merge_output(bound, shapes)
    axis = _known(bound, "axis")
    if merged is None or not isinstance(axis, int):
        return None
    axis = axis % len(merged)
    dims = [s[axis] for s in shapes]
    if any(_dim(dim) is None for dim in dims):
        return (*merged[:axis], None, *merged[axis + 1:])
    return (*merged[:axis], sum(dims[1:], dims[0]), *merged[axis + 1:])


def _attention_output(bound: Bound, shapes: Shape) -> Shape:
    if not isinstance(shapes, list) or len(shapes) < 2:
        return None
    query, value = shapes[0], shapes[1]
    return _with_last(query, value[-1])


def _mha_shapes(shapes: Shape):
    if not isinstance(shapes, list) or len(shapes) < 2 or any(not isinstance(s, tuple | list) for s in shapes):
        raise NotKnown("query and value shapes are not known")
    query, value = shapes[0], shapes[1]
    key = shapes[2] if len(shapes) > 2 and shapes[2] is not None else value
    return query, value, key


def _mha_output(bound: Bound, shapes: Shape) -> Shape:
    query, _, _ = _mha_shapes(shapes)
    output = _known(bound, "output_shape")
    if output is None:
        return tuple(query)
    dims = tuple(output) if isinstance(output, tuple | list) else (output,)
    return (*tuple(query)[:-1], *dims)


def _resize(rank: int, argument: str):
    """UpSampling (multiply), ZeroPadding (add both sides), Cropping (remove both sides)."""

    def output(bound: Bound, shape: Shape) -> Shape:
        if _known(bound, "data_format") == "channels_first" or len(shape) != rank + 2:
            return None
        value = _known(bound, argument)
        items = tuple(value) if isinstance(value, tuple | list) else (value,) * rank
        if len(items) != rank:
            return None
        dims = []
        for dim, item in zip(shape[1:-1], items, strict=True):
            pair = tuple(item) if isinstance(item, tuple | list) else (item, item)
            if not isinstance(dim, int) or not all(isinstance(p, int) for p in pair):
                dims.append(None)
            elif argument == "size":
                dims.append(dim * pair[0])
            else:
                dims.append(dim + (1 if argument == "padding" else -1) * sum(pair))
        return (shape[0], *dims, shape[-1])

    return output


def _category_encoding_output(bound: Bound, shape: Shape) -> Shape:
    """Each last-axis list of ids becomes ``num_tokens`` counts; one-hot keeps a last axis longer than 1."""
    tokens, mode = _int(bound, "num_tokens"), bound.get("output_mode")
    if mode not in ("one_hot", "multi_hot", "count") or len(shape) < 2:
        return None  # a rank-1 input: Keras 3 and tf_keras shape it differently
    kept = shape if mode == "one_hot" and shape[-1] != 1 else shape[:-1]
    return (*kept, tokens)


def _repeat_output(bound: Bound, shape: Shape) -> Shape:
    return (shape[0], _int(bound, "n"), shape[-1])


def _bidirectional_output(bound: Bound, shape: Shape) -> Shape:
    output = _inner_output(bound, shape)
    mode = _known(bound, "merge_mode")
    if output is None or mode not in ("concat", "sum", "ave", "mul"):
        return None
    last = _dim(output[-1])
    return _with_last(output, None if last is None else 2 * last) if mode == "concat" else output


def _bidirectional_parts(bound: Bound, shape: Shape) -> list[Shape] | None:
    """``merge_mode=None``: the forward layer's output, then the backward one's."""
    if _known(bound, "merge_mode") is not None:
        return None
    forward = _inner_output(bound, shape)
    backward = _layer_output(bound["backward_layer"], shape) if bound.get("backward_layer") else forward
    return None if forward is None or backward is None else [forward, backward]


def _permute_output(bound: Bound, shape: Shape) -> Shape:
    dims = _known(bound, "dims")
    return (shape[0], *(shape[d] for d in dims))


# -- weights -----------------------------------------------------------------------------------


def _dense(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    d, units = _feature(shape), _int(bound, "units")
    return _lora(bound, "kernel", (d, units)) + _bias(bound, units)


def _lora(bound: Bound, name: str, shape: tuple) -> list[WeightSpec]:
    rank = _known(bound, "lora_rank")
    if not rank:
        return [WeightSpec(name, shape)]
    rank = _int(bound, "lora_rank")
    # enabling LoRA freezes the base kernel and adds two trainable factors
    return [WeightSpec(name, shape, False), WeightSpec(f"lora_{name}_a", (*shape[:-1], rank)), WeightSpec(f"lora_{name}_b", (rank, shape[-1]))]


def _embedding(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    return _lora(bound, "embeddings", (_int(bound, "input_dim"), _int(bound, "output_dim")))


def _reversible_embedding(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    vocabulary, width = _int(bound, "input_dim"), _int(bound, "output_dim")
    untied = [] if _flag(bound, "tie_weights") else [WeightSpec("reverse_embeddings", (width, vocabulary))]
    return _embedding(bound, shape, keras2) + untied


def _einsum(bound: Bound, shape: Shape):
    """Dimension of each letter, from the input and from ``output_shape`` (None there stays None)."""
    equation = _known(bound, "equation")
    match = re.fullmatch(r"([a-zA-Z.]+),([a-zA-Z]+)->([a-zA-Z.]+)", str(equation).replace(" ", ""))
    if match is None:
        raise NotKnown("the einsum equation is not known")
    in_spec, kernel_spec, out_spec = match.groups()
    output = _known(bound, "output_shape")
    output = list(output) if isinstance(output, tuple | list) else [output]
    in_chars, out_chars = in_spec.replace("...", ""), out_spec.replace("...", "")
    elided = in_spec.startswith("...")
    if elided != out_spec.startswith("...") or (not elided and "..." in in_spec + out_spec):
        raise NotKnown("this einsum ellipsis is not modelled")
    if elided:
        inputs = list(shape)[len(shape) - len(in_chars):]
        leading = list(shape)[: len(shape) - len(in_chars)]
    else:
        if len(in_chars) != len(shape):
            raise NotKnown("the einsum equation does not match the input rank")
        inputs, leading = list(shape), []
        if len(output) == len(out_chars) - 1:
            output = [shape[0], *output]
    if len(output) != len(out_chars):
        raise NotKnown("the einsum output shape does not match the equation")
    in_dims = dict(zip(in_chars, inputs, strict=True))
    out_dims = dict(zip(out_chars, output, strict=True))
    return in_dims, out_dims, out_chars, kernel_spec, leading


def _einsum_output(bound: Bound, shape: Shape) -> Shape:
    _, out_dims, out_chars, _, leading = _einsum(bound, shape)
    return (*leading, *(out_dims[char] for char in out_chars))


def _einsum_dense(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    in_dims, out_dims, out_chars, kernel_spec, _ = _einsum(bound, shape)
    kernel = tuple(_dim(in_dims[char] if char in in_dims else out_dims.get(char)) for char in kernel_spec)
    if any(dim is None for dim in kernel):
        raise NotKnown("a kernel dimension of the einsum is not known")
    weights = _lora(bound, "kernel", kernel)
    bias_axes = _known(bound, "bias_axes")
    if bias_axes:
        first = min(out_chars.index(char) for char in bias_axes)
        bias = tuple(_dim(out_dims[char]) if char in bias_axes else 1 for char in out_chars[first:])
        if any(dim is None for dim in bias):
            raise NotKnown("a bias dimension of the einsum is not known")
        weights.append(WeightSpec("bias", bias))
    return weights


def _conv(rank: int, transpose: bool = False):
    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        c, filters = _channels(bound, shape), _int(bound, "filters")
        kernel = _ints(bound, "kernel_size", rank)
        groups = 1 if transpose else _int(bound, "groups")
        if transpose:
            if _known(bound, "lora_rank"):
                raise NotKnown("LoRA on a transposed convolution is not modelled")
            return [WeightSpec("kernel", (*kernel, filters, c))] + _bias(bound, filters)
        return _lora(bound, "kernel", (*kernel, _div(c, groups), filters)) + _bias(bound, filters)

    return weights


def _depthwise(rank: int):
    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        c, multiplier = _channels(bound, shape), _int(bound, "depth_multiplier")
        kernel = _ints(bound, "kernel_size", rank)
        return [WeightSpec("kernel", (*kernel, c, multiplier))] + _bias(bound, _mul(c, multiplier))

    return weights


def _separable(rank: int):
    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        c, multiplier, filters = _channels(bound, shape), _int(bound, "depth_multiplier"), _int(bound, "filters")
        kernel = _ints(bound, "kernel_size", rank)
        return [
            WeightSpec("depthwise_kernel", (*kernel, c, multiplier)),
            WeightSpec("pointwise_kernel", (*(1,) * rank, _mul(c, multiplier), filters)),
        ] + _bias(bound, filters)

    return weights


def _recurrent(gates: int):
    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        d, units = _feature(shape), _int(bound, "units")
        width = gates * units
        found = [WeightSpec("kernel", (d, width)), WeightSpec("recurrent_kernel", (units, width))]
        if gates == 3 and _flag(bound, "reset_after"):
            return found + ([WeightSpec("bias", (2, width))] if _flag(bound, "use_bias") else [])
        return found + _bias(bound, width)

    return weights


def _conv_recurrent(rank: int):
    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        if not isinstance(shape, tuple | list) or len(shape) != rank + 3:
            raise NotKnown("the input rank is not known")
        c, filters = _channels(bound, (shape[0], *shape[2:])), _int(bound, "filters")
        kernel = _ints(bound, "kernel_size", rank)
        return [
            WeightSpec("kernel", (*kernel, c, 4 * filters)),
            WeightSpec("recurrent_kernel", (*kernel, filters, 4 * filters)),
        ] + _bias(bound, 4 * filters)

    return weights


def _axis_sizes(bound: Bound, shape) -> tuple:
    axis = _known(bound, "axis")
    axes = list(axis) if isinstance(axis, tuple | list) else [axis]
    if not isinstance(shape, tuple | list) or not all(isinstance(a, int) for a in axes):
        raise NotKnown("the normalised axis is not known")
    sizes = tuple(_dim(shape[a]) for a in axes)
    if any(size is None for size in sizes):
        raise NotKnown("the normalised axis size is not known")
    return sizes


def _scale_center(bound: Bound, size: tuple) -> list[WeightSpec]:
    return ([WeightSpec("gamma", size)] if _flag(bound, "scale") else []) + ([WeightSpec("beta", size)] if _flag(bound, "center") else [])


def _batch_norm(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    if not keras2 and isinstance(_known(bound, "axis"), tuple | list):
        raise NotKnown("Keras 3 takes one `axis`: a list of axes raises an error when the layer is built")
    sizes = _axis_sizes(bound, shape)
    if len(sizes) == 1:
        size = sizes
    else:  # several axes (tf_keras): the weights broadcast against the input
        axes = {a % len(shape) for a in _known(bound, "axis")}
        size = tuple(dim if index in axes else 1 for index, dim in enumerate(shape))
    statistics = ("moving_mean", "moving_variance") + (("moving_stddev", "renorm_mean", "renorm_stddev") if _flag(bound, "renorm") else ())
    return _scale_center(bound, size) + [WeightSpec(name, size, False) for name in statistics]


def _layer_norm(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    size = _axis_sizes(bound, shape)
    if _flag(bound, "rms_scaling"):
        return [WeightSpec("gamma", size)]
    return _scale_center(bound, size)


def _group_norm(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    return _scale_center(bound, _axis_sizes(bound, shape))


def _rms_norm(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    return [WeightSpec("scale", _axis_sizes(bound, shape))]


def _mha(bound: Bound, shapes, keras2: bool) -> list[WeightSpec]:
    query, value, key = _mha_shapes(shapes)
    heads, key_dim = _int(bound, "num_heads"), _int(bound, "key_dim")
    value_dim = _dim(_known(bound, "value_dim")) or key_dim
    output = _known(bound, "output_shape")
    out_dims = tuple(output) if isinstance(output, tuple | list) else (_feature(query),) if output is None else (output,)
    if any(_dim(dim) is None for dim in out_dims):
        raise NotKnown("`output_shape` is not known")
    use_bias = _flag(bound, "use_bias")
    weights = []
    parts = [("query", _feature(query), key_dim), ("key", _feature(key), key_dim), ("value", _feature(value), value_dim)]
    if _flag(bound, "use_gate"):  # a sigmoid gate on the attention output, projected from the query
        parts.append(("gate", _feature(query), value_dim))
    for part, features, width in parts:
        weights.append(WeightSpec(f"{part}/kernel", (features, heads, width)))
        weights += [WeightSpec(f"{part}/bias", (heads, width))] if use_bias else []
    weights.append(WeightSpec("attention_output/kernel", (heads, value_dim, *out_dims)))
    weights += [WeightSpec("attention_output/bias", out_dims)] if use_bias else []
    return weights


def _gqa(bound: Bound, shapes, keras2: bool) -> list[WeightSpec]:
    query, value, key = _mha_shapes(shapes)
    head_dim, query_heads, kv_heads = _int(bound, "head_dim"), _int(bound, "num_query_heads"), _int(bound, "num_key_value_heads")
    use_bias = _flag(bound, "use_bias")
    weights = []
    for part, features, heads in (("query", _feature(query), query_heads), ("key", _feature(key), kv_heads), ("value", _feature(value), kv_heads)):
        weights.append(WeightSpec(f"{part}/kernel", (features, heads, head_dim)))
        weights += [WeightSpec(f"{part}/bias", (heads, head_dim))] if use_bias else []
    weights.append(WeightSpec("output/kernel", (query_heads, head_dim, _feature(query))))
    weights += [WeightSpec("output/bias", (_feature(query),))] if use_bias else []
    return weights


def _dot_attention(bound: Bound, shapes, keras2: bool) -> list[WeightSpec]:
    weights = [WeightSpec("scale", ())] if _flag(bound, "use_scale") else []
    if _known(bound, "score_mode") == "concat":
        weights.append(WeightSpec("concat_score_weight", ()))
    return weights


def _additive_attention(bound: Bound, shapes, keras2: bool) -> list[WeightSpec]:
    if not _flag(bound, "use_scale"):
        return []
    if not isinstance(shapes, list) or not shapes or not isinstance(shapes[0], tuple | list):
        raise NotKnown("the query shape is not known")
    return [WeightSpec("scale", (_feature(shapes[0]),))]


def _prelu(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    dims = list(shape[1:])
    shared = _known(bound, "shared_axes")
    for axis in [shared] if isinstance(shared, int) else (shared or []):
        dims[axis - 1] = 1
    if any(_dim(dim) is None for dim in dims):
        raise NotKnown("the input shape is not fully known")
    return [WeightSpec("alpha", tuple(dims))]


def _normalization(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    if _known(bound, "mean") is not None:
        return []  # given mean/variance become constants, not weights
    axis = _known(bound, "axis")
    axes = [] if axis is None else list(axis) if isinstance(axis, tuple | list) else [axis]
    size = tuple(_dim(shape[a]) for a in axes)
    if any(dim is None for dim in size):
        raise NotKnown("the normalised axis size is not known")
    return [WeightSpec("mean", size, False), WeightSpec("variance", size, False), WeightSpec("count", (), False)]


def _nested(value, shape, keras2: bool) -> list[WeightSpec]:
    """The weights of a built-in layer given as an argument (a cell, a wrapped layer) built on ``shape``."""
    spec = lookup(getattr(value, "ref", ""))
    if spec is None or spec.wrapper:
        raise NotKnown(f"`{getattr(value, 'ref', value)}` is not a built-in layer keraslens models here")
    weights = spec.weights(spec.bind(value.args, value.kwargs), shape, "2" if keras2 else "3")
    if isinstance(weights, Unknown):
        raise NotKnown(weights.reason)
    if value.kwargs.get("trainable", True) not in (True, False) or value.trainable_later not in (None, True, False):  # False is applied by ``weights``
        raise NotKnown("whether the inner layer trains is not known")
    return weights


def _cell_list(value) -> list:
    """The cells of ``RNN(cell)``, ``RNN([cells])`` or a ``StackedRNNCells``."""
    if isinstance(value, tuple | list):
        return [cell for item in value for cell in _cell_list(item)]
    if getattr(value, "ref", "").endswith(".StackedRNNCells"):
        spec = TABLE["StackedRNNCells"]
        return _cell_list(_known(spec.bind(value.args, value.kwargs), "cells"))
    if getattr(value, "ref", None) is None:
        raise NotKnown("the recurrent cell is not known")
    return [value]


def _cell_units(cell) -> object:
    spec = lookup(cell.ref)
    if spec is None:
        raise NotKnown(f"`{cell.ref}` is not a built-in cell")
    return _int(spec.bind(cell.args, cell.kwargs), "units")


def _stacked_weights(cells, step_shape, keras2: bool) -> list[WeightSpec]:
    """Each cell is built on the previous cell's output size."""
    weights, shape = [], step_shape
    for index, cell in enumerate(_cell_list(cells)):
        weights += [WeightSpec(f"cell_{index}/{w.name}", w.shape, w.trainable) for w in _nested(cell, shape, keras2)]
        shape = (shape[0], _cell_units(cell))
    return weights


def _stacked_cells(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    return _stacked_weights(_known(bound, "cells"), shape, keras2)


def _step_shape(shape) -> tuple:
    if not isinstance(shape, tuple | list) or len(shape) < 3:
        raise NotKnown("the input rank is not known")
    return (shape[0], *shape[2:])


def _rnn(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    return _stacked_weights(_known(bound, "cell"), _step_shape(shape), keras2)


def _rnn_cell_output(bound: Bound, shape: Shape) -> Shape:
    if _flag(bound, "return_state") or len(shape) != 3:
        return None
    units = _cell_units(_cell_list(_known(bound, "cell"))[-1])
    return (shape[0], shape[1], units) if _flag(bound, "return_sequences") else (shape[0], units)


def _spectral_normalization(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    inner = _nested(_known(bound, "layer"), shape, keras2)
    kernel = next((w for w in inner if w.name in ("kernel", "embeddings")), None)
    if kernel is None:
        raise NotKnown("the wrapped layer has no kernel")
    return inner + [WeightSpec("vector_u", (1, kernel.shape[-1]), False)]


def _inner_output(bound: Bound, shape: Shape) -> Shape:
    return _layer_output(_known(bound, "layer"), shape)


def _layer_output(layer, shape: Shape) -> Shape:
    """The output of a built-in layer value (a wrapper's ``layer``) on ``shape``; None: not known."""
    spec = lookup(getattr(layer, "ref", ""))
    return None if spec is None else spec.output_shape(spec.bind(layer.args, layer.kwargs), shape)


def _locally_connected(rank: int):
    """tf_keras ``LocallyConnected1D/2D``: one unshared kernel per output position (implementation 1)."""

    def weights(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
        if _known(bound, "implementation") != 1:
            raise NotKnown("only `implementation=1` is modelled")
        spatial = _spatial(bound, shape, rank)
        if spatial is None or any(not isinstance(dim, int) for dim in spatial[1:-1]):
            raise NotKnown("the output positions are not known")
        c, filters, kernel = _channels(bound, shape), _int(bound, "filters"), _ints(bound, "kernel_size", rank)
        positions = spatial[1:-1]
        found = [WeightSpec("kernel", (math.prod(positions), math.prod(kernel) * c, filters))]
        return found + ([WeightSpec("bias", (*positions, filters))] if _flag(bound, "use_bias") else [])

    return weights


def _stft(bound: Bound, shape, keras2: bool) -> list[WeightSpec]:
    frame = _int(bound, "frame_length")
    fft = _known(bound, "fft_length")
    fft = 2 ** math.ceil(math.log2(frame)) if fft is None else _int(bound, "fft_length")
    kernel = (frame, 1, fft // 2 + 1)
    mode = _known(bound, "mode")
    if mode not in ("log", "magnitude", "psd", "real", "imag", "angle", "stft"):
        raise NotKnown("`mode` is not known")
    parts = (mode,) if mode in ("real", "imag") else ("real", "imag")  # every other mode needs both
    return [WeightSpec(f"{part}_kernel", kernel) for part in parts]


def _sized_output(height: str, width: str):
    def output(bound: Bound, shape: Shape) -> Shape:
        if _known(bound, "data_format") == "channels_first" or len(shape) != 4:
            return None
        return (shape[0], _int(bound, height), _int(bound, width), shape[-1])

    return output


def _adaptive_output(rank: int):
    def output(bound: Bound, shape: Shape) -> Shape:
        if _known(bound, "data_format") == "channels_first" or len(shape) != rank + 2:
            return None
        return (shape[0], *_ints(bound, "output_size", rank), shape[-1])

    return output


# -- the table ---------------------------------------------------------------------------------

_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation", "use_bias")
_CONV_DEFAULTS = {"strides": 1, "padding": "valid", "data_format": None, "dilation_rate": 1, "groups": 1, "use_bias": True, "lora_rank": None}
_TRANSPOSE = ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "activation", "use_bias")
_DEPTHWISE = ("kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation", "use_bias")
_SEPARABLE = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "depth_multiplier", "activation", "use_bias")
_DEPTH_DEFAULTS = {**_CONV_DEFAULTS, "depth_multiplier": 1}
_RNN_FLAGS = {"use_bias": True, "return_sequences": False, "return_state": False, "reset_after": True}
_POOL = ("pool_size", "strides", "padding", "data_format")
_GLOBAL = {"data_format": None, "keepdims": False}


def _pool(rank: int) -> LayerSpec:
    return LayerSpec(_POOL, {"pool_size": 2, "strides": None, "padding": "valid", "data_format": None}, output_of=_pool_output(rank))


def _conv_spec(rank: int) -> LayerSpec:
    return LayerSpec(_CONV, _CONV_DEFAULTS, _conv(rank), _conv_output(rank), keras3_only=("lora_rank",))


def _transpose_spec(rank: int) -> LayerSpec:
    return LayerSpec(_TRANSPOSE, {**_CONV_DEFAULTS, "output_padding": None}, _conv(rank, transpose=True), _conv_output(rank, transpose=True))


def _conv_rnn_spec(rank: int) -> LayerSpec:
    return LayerSpec(_CONV + ("recurrent_activation",), {**_CONV_DEFAULTS, **_RNN_FLAGS}, _conv_recurrent(rank), _conv_rnn_output(rank))


_SAME = LayerSpec((), output_of=_same)
AUGMENTATION = (
    "RandomFlip RandomRotation RandomZoom RandomTranslation RandomContrast RandomBrightness RandomHue RandomSaturation "
    "RandomSharpness RandomShear RandomPerspective RandomPosterization RandomGrayscale RandomInvert RandomGaussianBlur "
    "RandomErasing RandomElasticTransform RandomColorJitter RandomColorDegeneration AugMix "
    "AutoContrast CutMix MixUp Equalization RandAugment Solarization ContrastLimitedAdaptiveHistogramEqualization"
).split()
_NORM = ("axis", "epsilon", "center", "scale")

TABLE: dict[str, LayerSpec] = {
    "Dense": LayerSpec(("units", "activation", "use_bias"), {"use_bias": True, "lora_rank": None}, _dense, _dense_output, keras3_only=("lora_rank",)),
    "EinsumDense": LayerSpec(("equation", "output_shape", "activation", "bias_axes"), {"bias_axes": None, "lora_rank": None}, _einsum_dense, _einsum_output, keras3_only=("lora_rank",)),
    "Embedding": LayerSpec(("input_dim", "output_dim"), {"lora_rank": None}, _embedding, _embedding_output, keras3_only=("lora_rank",), also=("sparse",)),
    # reverse_dtype, logit_soft_cap: only its reverse (logits) call reads them
    "ReversibleEmbedding": LayerSpec(("input_dim", "output_dim", "tie_weights"), {"tie_weights": True, "lora_rank": None}, _reversible_embedding, _embedding_output, keras3_only=("lora_rank",), also=("reverse_dtype", "logit_soft_cap")),
    "Conv1D": _conv_spec(1),
    "Conv2D": _conv_spec(2),
    "Conv3D": _conv_spec(3),
    "Conv1DTranspose": _transpose_spec(1),
    "Conv2DTranspose": _transpose_spec(2),
    "Conv3DTranspose": _transpose_spec(3),
    "DepthwiseConv1D": LayerSpec(_DEPTHWISE, _DEPTH_DEFAULTS, _depthwise(1), _conv_output(1)),
    "DepthwiseConv2D": LayerSpec(_DEPTHWISE, _DEPTH_DEFAULTS, _depthwise(2), _conv_output(2)),
    "SeparableConv1D": LayerSpec(_SEPARABLE, _DEPTH_DEFAULTS, _separable(1), _conv_output(1)),
    "SeparableConv2D": LayerSpec(_SEPARABLE, _DEPTH_DEFAULTS, _separable(2), _conv_output(2)),
    "SimpleRNN": LayerSpec(("units", "activation", "use_bias"), _RNN_FLAGS, _recurrent(1), _rnn_output, parts_of=_rnn_parts(1)),
    "LSTM": LayerSpec(("units", "activation", "recurrent_activation", "use_bias"), _RNN_FLAGS, _recurrent(4), _rnn_output, parts_of=_rnn_parts(2)),
    "GRU": LayerSpec(("units", "activation", "recurrent_activation", "use_bias"), _RNN_FLAGS, _recurrent(3), _rnn_output, parts_of=_rnn_parts(1)),
    "ConvLSTM1D": _conv_rnn_spec(1),
    "ConvLSTM2D": _conv_rnn_spec(2),
    "ConvLSTM3D": _conv_rnn_spec(3),
    "BatchNormalization": LayerSpec(
        ("axis", "momentum", *_NORM), {"axis": -1, "center": True, "scale": True, "renorm": False}, _batch_norm, _same,
        also=("synchronized", "renorm_clipping", "renorm_momentum", "fused", "adjustment"),
    ),
    "LayerNormalization": LayerSpec(_NORM, {"axis": -1, "center": True, "scale": True, "rms_scaling": False}, _layer_norm, _same),
    "GroupNormalization": LayerSpec(("groups", *_NORM), {"groups": 32, "axis": -1, "center": True, "scale": True}, _group_norm, _same),
    "RMSNormalization": LayerSpec(("axis", "epsilon"), {"axis": -1}, _rms_norm, _same),
    "MultiHeadAttention": LayerSpec(
        ("num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape"),
        {"value_dim": None, "use_bias": True, "output_shape": None, "use_gate": False},
        _mha, _mha_output, multi_input=True, also=("attention_axes", "flash_attention"),
    ),
    "GroupQueryAttention": LayerSpec(
        ("head_dim", "num_query_heads", "num_key_value_heads", "dropout", "use_bias"), {"use_bias": True}, _gqa, _attention_output,
        multi_input=True, also=("flash_attention",),
    ),
    "Attention": LayerSpec(("use_scale", "score_mode"), {"use_scale": False, "score_mode": "dot"}, _dot_attention, _attention_output, multi_input=True, also=("causal",)),
    "AdditiveAttention": LayerSpec(("use_scale",), {"use_scale": True}, _additive_attention, _attention_output, multi_input=True),
    "PReLU": LayerSpec(("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"), {"shared_axes": None}, _prelu, _same),
    "Normalization": LayerSpec(("axis", "mean", "variance"), {"axis": -1, "mean": None}, _normalization, _same, also=("invert",)),
    # weightless layers with a known output shape
    "Flatten": LayerSpec(("data_format",), output_of=_flatten),
    "Reshape": LayerSpec(("target_shape",), output_of=_reshape),
    "RepeatVector": LayerSpec(("n",), output_of=_repeat_output),
    "Permute": LayerSpec(("dims",), output_of=_permute_output),
    "Concatenate": LayerSpec(("axis",), {"axis": -1}, output_of=_concat_output, multi_input=True),
    "MaxPooling1D": _pool(1),
    "MaxPooling2D": _pool(2),
    "MaxPooling3D": _pool(3),
    "AveragePooling1D": _pool(1),
    "AveragePooling2D": _pool(2),
    "AveragePooling3D": _pool(3),
    **{f"Global{kind}Pooling{rank}D": LayerSpec(("data_format", "keepdims"), _GLOBAL, output_of=_global_pool) for kind in ("Average", "Max") for rank in (1, 2, 3)},
    **{name: LayerSpec((), output_of=_merge_output, multi_input=True) for name in "Add Subtract Multiply Average Maximum Minimum".split()},
    **{
        name: _SAME
        for name in (
            "Activation Dropout ReLU LeakyReLU ELU Softmax SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise "
            "GaussianDropout AlphaDropout ActivityRegularization Identity Masking UnitNormalization Rescaling"
        ).split()
    },
    # weightless, output shape not modelled
    **{f"UpSampling{rank}D": LayerSpec(("size",), {"size": 2, "data_format": None}, output_of=_resize(rank, "size")) for rank in (1, 2, 3)},
    **{f"ZeroPadding{rank}D": LayerSpec(("padding",), {"padding": 1, "data_format": None}, output_of=_resize(rank, "padding")) for rank in (1, 2, 3)},
    **{f"Cropping{rank}D": LayerSpec(("cropping",), {"cropping": 0 if rank == 2 else 1, "data_format": None}, output_of=_resize(rank, "cropping")) for rank in (1, 2, 3)},
    **{name: LayerSpec(()) for name in "Lambda Dot InputLayer".split()},
    # wrappers: ``counts`` counts the wrapped layer; only the output shape is here
    "TimeDistributed": LayerSpec(("layer",), wrapper=True),
    "Bidirectional": LayerSpec(("layer", "merge_mode"), {"merge_mode": "concat"}, output_of=_bidirectional_output, wrapper=True, parts_of=_bidirectional_parts),
}

_CELL = ("units", "activation", "recurrent_activation", "use_bias")
_CELL_DEFAULTS = {"use_bias": True, "reset_after": True}
_SIZED = ("height", "width", "interpolation")
TABLE.update({
    "SimpleRNNCell": LayerSpec(("units", "activation", "use_bias"), _CELL_DEFAULTS, _recurrent(1)),
    "LSTMCell": LayerSpec(_CELL, _CELL_DEFAULTS, _recurrent(4)),
    "GRUCell": LayerSpec(_CELL, _CELL_DEFAULTS, _recurrent(3)),
    "StackedRNNCells": LayerSpec(("cells",), {}, _stacked_cells),
    "RNN": LayerSpec(("cell", "return_sequences", "return_state"), {"return_sequences": False, "return_state": False}, _rnn, _rnn_cell_output),
    "SpectralNormalization": LayerSpec(("layer", "power_iterations"), {"power_iterations": 1}, _spectral_normalization, _inner_output),
    "LocallyConnected1D": LayerSpec(_CONV[:5] + ("activation", "use_bias"), {**_CONV_DEFAULTS, "implementation": 1}, _locally_connected(1), _conv_output(1)),
    "LocallyConnected2D": LayerSpec(_CONV[:5] + ("activation", "use_bias"), {**_CONV_DEFAULTS, "implementation": 1}, _locally_connected(2), _conv_output(2)),
    "STFTSpectrogram": LayerSpec(
        ("mode", "frame_length", "frame_step", "fft_length"), {"mode": "log", "frame_length": 256, "fft_length": None},
        _stft, also=("expand_dims",),
    ),
    "Resizing": LayerSpec(_SIZED, {"data_format": None}, output_of=_sized_output("height", "width")),
    "CenterCrop": LayerSpec(("height", "width"), {"data_format": None}, output_of=_sized_output("height", "width")),
    "RandomCrop": LayerSpec(("height", "width", "seed"), {"data_format": None}, output_of=_sized_output("height", "width")),
    **{f"Adaptive{kind}Pooling{rank}D": LayerSpec(("output_size", "data_format"), {"data_format": None}, output_of=_adaptive_output(rank)) for kind in ("Average", "Max") for rank in (1, 2, 3)},
    # image augmentation: the same shape out at inference (asserted against Keras per layer)
    **{name: _SAME for name in AUGMENTATION},
    # weightless preprocessing whose output shape depends on settings not modelled
    "CategoryEncoding": LayerSpec(("num_tokens", "output_mode", "sparse"), {"output_mode": "multi_hot"}, output_of=_category_encoding_output),
    **{name: LayerSpec(()) for name in "Discretization Hashing HashedCrossing IntegerLookup StringLookup TextVectorization MelSpectrogram MaxNumBoundingBoxes ThresholdedReLU RandomHeight RandomWidth".split()},
})

# renamed or aliased in some Keras versions
ALIASES = {
    "GroupedQueryAttention": "GroupQueryAttention",
    **{f"Convolution{rank}D": f"Conv{rank}D" for rank in (1, 2, 3)},
    **{f"Convolution{rank}DTranspose": f"Conv{rank}DTranspose" for rank in (1, 2, 3)},
    **{f"SeparableConvolution{rank}D": f"SeparableConv{rank}D" for rank in (1, 2)},
    **{f"AvgPool{rank}D": f"AveragePooling{rank}D" for rank in (1, 2, 3)},
    **{f"MaxPool{rank}D": f"MaxPooling{rank}D" for rank in (1, 2, 3)},
    **{f"Global{short}Pool{rank}D": f"Global{kind}Pooling{rank}D" for short, kind in (("Avg", "Average"), ("Max", "Max")) for rank in (1, 2, 3)},
}
TABLE.update({alias: TABLE[name] for alias, name in ALIASES.items()})

# public layer names with no table entry, and why: each is "unknown" in counts, never guessed
UNMODELLED = {
    "Layer": "the base class: its weights are those its subclass creates",
    "Wrapper": "the base class of wrappers: its weights are those its subclass creates",
    "AbstractRNNCell": "the base class of custom cells: its weights are those its subclass creates",
    "InputSpec": "not a layer: a description of the inputs a layer accepts",
    "Input": "not a layer: a function returning a symbolic tensor",
    "Pipeline": "a sequence of preprocessing layers applied outside the model graph",
    "FlaxLayer": "wraps a Flax module: its weights come from JAX code keraslens does not read",
    "JaxLayer": "wraps a JAX function: its weights come from JAX code keraslens does not read",
    "TorchModuleWrapper": "wraps a PyTorch module: its weights come from PyTorch code keraslens does not read",
    "TFSMLayer": "loads a SavedModel from disk: its weights are in the file, not in the source",
    "DenseFeatures": "feature columns (tf_keras): weights depend on feature column objects not modelled",
}

WEIGHTLESS = frozenset(name for name, spec in TABLE.items() if spec.weightless and not spec.wrapper)


def unmodelled_arguments(ref: str, args: list, kwargs: dict) -> str | None:
    """Why ``ref(*args, **kwargs)`` cannot be counted exactly from the table (an argument it does not
    model), or None. ``LayerSpec.weights`` applies it too, so a count from the table is never exact
    for such a call."""
    spec = lookup(ref)
    return None if spec is None else spec.unmodelled(spec.bind(args, kwargs))


@lru_cache(maxsize=4096)
def lookup(ref: str) -> LayerSpec | None:
    """The spec of a canonical Keras layer name such as ``keras.layers.Dense`` (a file names the
    same few many times, and counting asks of each layer several times)."""
    if not ref.startswith("keras."):
        return None
    return TABLE.get(ref.rsplit(".", 1)[-1])
