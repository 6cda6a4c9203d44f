"""Output shapes of the tensor functions and slices a ``call()`` or a functional model uses between layers.

``keras.ops``, ``tf`` and NumPy follow NumPy's rules for these. A shape is a tuple whose items
are ints, ``None`` (a length known only at run time, like the batch) or symbolic dimensions;
each function returns None when the result is not known, never a guess.
"""

from __future__ import annotations

import math

from .values import as_int

PREFIXES = ("keras.ops.", "tensorflow.math.", "tensorflow.", "numpy.")
REDUCTIONS = frozenset(
    {"mean", "sum", "max", "min", "prod", "std", "var", "logsumexp", "any", "all", "amax", "amin",
     "reduce_mean", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "reduce_std", "reduce_variance",
     "reduce_logsumexp", "reduce_any", "reduce_all"}
)


def shape_function(ref: str):
    """The shape function for a canonical name (``keras.ops.reshape``), or None."""
    prefix = next((prefix for prefix in PREFIXES if ref.startswith(prefix)), None)
    if prefix is None:
        return None
    name = ref[len(prefix) :]
    if name in REDUCTIONS:
        return reduced
    if ref == "keras.ops.image.extract_patches":
        return patches
    return {"expand_dims": expanded, "squeeze": squeezed, "reshape": reshaped, "transpose": transposed}.get(name)


MADE_FROM_NUMBERS = frozenset({"keras.ops.arange", "numpy.arange", "tensorflow.range"})


def made_shape(ref: str, args: list, kwargs: dict) -> tuple | None:
    """The shape of the tensor a function of ``MADE_FROM_NUMBERS`` makes (``ops.arange(0, n)``), or
    None when not known."""
    names = ("start", "stop", "step") if ref != "tensorflow.range" else ("start", "limit", "delta")
    given = dict(zip(names, args)) | kwargs
    if names[1] not in given:  # `arange(n)`: the one number is where it stops
        given = {**given, names[0]: 0, names[1]: given.get(names[0])}
    bounds = [as_int(given.get(name, default)) for name, default in zip(names, (0, None, 1))]
    if None in bounds or bounds[2] == 0 or len(args) > 3 or not set(kwargs) <= {*names, "dtype"}:
        return None
    return (len(range(*bounds)),)


def _axis(value, rank: int) -> int | None:
    axis = as_int(value)
    if axis is None or not -rank <= axis < rank:
        return None
    return axis % rank


def reduced(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    """``mean(x, axis=1)``: the axis goes (or stays as 1 with ``keepdims=True``); no axis: a scalar.
    Only the second positional argument is the axis in all three libraries; ``keepdims`` by keyword."""
    axis = kwargs.get("axis", args[0] if args else None)
    keepdims = kwargs.get("keepdims", False)
    if not isinstance(keepdims, bool):
        return None
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    axes = [_axis(item, len(shape)) for item in (axis if isinstance(axis, tuple | list) else [axis])]
    if None in axes or len(set(axes)) != len(axes):
        return None
    return tuple(1 if index in axes else dim for index, dim in enumerate(shape) if keepdims or index not in axes)


def expanded(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    axis = _axis(kwargs.get("axis", args[0] if args else None), len(shape) + 1)
    return None if axis is None else (*shape[:axis], 1, *shape[axis:])


def squeezed(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    axis = kwargs.get("axis", args[0] if args else None)
    if axis is None:  # every axis of length 1: not known while some length is not
        return tuple(dim for dim in shape if dim != 1) if all(isinstance(dim, int) for dim in shape) else None
    axes = [_axis(item, len(shape)) for item in (axis if isinstance(axis, tuple | list) else [axis])]
    if None in axes or any(shape[index] != 1 for index in axes):
        return None
    return tuple(dim for index, dim in enumerate(shape) if index not in axes)


def reshaped(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    """``reshape(x, (-1, 24))``: one -1 takes what is left, which is not known when a length is not.
    A length given as ``None`` (``ops.shape(x)[0]`` of a symbolic batch) is known at run time only,
    and so is the -1 beside it, as Keras' own shape inference has them."""
    target = kwargs.get("newshape", kwargs.get("shape", args[0] if args else None))
    if isinstance(target, int) and not isinstance(target, bool):
        target = (target,)
    if not isinstance(target, tuple | list) or any(dim is not None and (as_int(dim) is None or as_int(dim) < -1) for dim in target):
        return None
    target = [None if dim is None else as_int(dim) for dim in target]
    if target.count(-1) > 1:
        return None
    if None in target:
        return tuple(None if dim == -1 else dim for dim in target)
    if -1 not in target:
        return tuple(target)
    known = all(isinstance(dim, int) and not isinstance(dim, bool) for dim in shape)
    rest = math.prod(dim for dim in target if dim != -1)
    if known and rest and math.prod(shape) % rest == 0:
        return tuple(math.prod(shape) // rest if dim == -1 else dim for dim in target)
    return tuple(None if dim == -1 else dim for dim in target) if not known else None


def patches(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    """``ops.image.extract_patches(images, size)`` on channels-last images or volumes (batched or
    not): each spatial axis is cut like a convolution's (strides default to the size), and the
    last holds every patch's values."""
    names = ("size", "strides", "dilation_rate", "padding", "data_format")
    given = dict(zip(names, args)) | kwargs
    if len(args) > len(names) or not set(given) <= set(names) or given.get("data_format") not in (None, "channels_last"):
        return None
    size = given.get("size")
    size = (size, size) if as_int(size) is not None else size
    if not isinstance(size, tuple | list) or len(size) not in (2, 3) or any(as_int(dim) is None or as_int(dim) < 1 for dim in size):
        return None
    size = [as_int(dim) for dim in size]
    strides = given.get("strides") or size
    strides = [strides] * len(size) if as_int(strides) is not None else strides
    dilation, padding = as_int(given.get("dilation_rate", 1)), given.get("padding", "valid")
    if not isinstance(strides, tuple | list) or len(strides) != len(size) or any(as_int(s) is None or as_int(s) < 1 for s in strides):
        return None
    if dilation != 1 or padding not in ("valid", "same") or len(shape) not in (len(size) + 1, len(size) + 2):
        return None
    spatial, channels = shape[-len(size) - 1 : -1], shape[-1]
    dims = []
    for length, window, stride in zip(spatial, size, map(as_int, strides)):
        if not isinstance(length, int):
            return None
        dims.append(-(-length // stride) if padding == "same" else (length - window) // stride + 1)
    if min(dims) < 1 or not isinstance(channels, int):
        return None
    return (*shape[: -len(size) - 1], *dims, math.prod(size) * channels)


def transposed(shape: tuple, args: list, kwargs: dict) -> tuple | None:
    axes = kwargs.get("axes", kwargs.get("perm", args[0] if args else None))
    if axes is None:
        return tuple(reversed(shape))
    if not isinstance(axes, tuple | list) or len(axes) != len(shape):
        return None
    order = [_axis(item, len(shape)) for item in axes]
    if None in order or sorted(order) != list(range(len(shape))):
        return None
    return tuple(shape[index] for index in order)


def indexed(shape: tuple, index) -> tuple | None:
    """The shape of ``tensor[index]`` (ints, slices, ``...`` and ``None``), or None when not known."""
    items = list(index) if isinstance(index, tuple) else [index]
    if not all(item is None or item is Ellipsis or isinstance(item, slice) or as_int(item) is not None for item in items):
        return None
    consumed = sum(item is not None and item is not Ellipsis for item in items)
    if items.count(Ellipsis) > 1 or consumed > len(shape):
        return None
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at : at + 1] = [slice(None)] * (len(shape) - consumed)
    dims, rest = [], list(shape)
    for item in items:
        if item is None:
            dims.append(1)
            continue
        dim = rest.pop(0)
        if isinstance(item, slice):
            if item == slice(None):
                dims.append(dim)
            elif isinstance(dim, int) and not isinstance(dim, bool):
                dims.append(len(range(*item.indices(dim))))
            elif dim is None:
                dims.append(None)  # the batch (or a free) axis: its length is known only at run time
            else:
                return None
    return (*dims, *rest)


# `build()` parameters of the layers built from several shapes, in the order the counter takes them
BUILD_PARAMETERS = {
    "keras.layers.MultiHeadAttention": ("query_shape", "value_shape", "key_shape"),
    "keras.layers.GroupQueryAttention": ("query_shape", "value_shape", "key_shape"),
}


def build_input(ref: str, args: list | None, kwargs: dict | None, keras3: bool = True):
    """What ``layer.build(...)`` gives the layer: one shape, or a list of shapes for a layer built from
    several (``mha.build(query_shape=..., value_shape=...)``, in its ``build()`` parameter order);
    None when a shape is not known or the arguments are not the ones ``build()`` takes (tf_keras'
    attention layers build on their first call only: their ``build`` is the base layer's)."""
    if args is None or kwargs is None or (ref in BUILD_PARAMETERS and not keras3):
        return None
    names = BUILD_PARAMETERS.get(ref, ("input_shape",))
    if len(args) > len(names) or any(name not in names or name in names[: len(args)] for name in kwargs):
        return None
    given = dict(zip(names, args)) | kwargs
    present = [name for name in names if name in given]
    if present != list(names[: len(present)]) or len(present) < min(len(names), 2):  # `build()` needs them in order
        return None
    shapes = [_shape(given[name]) for name in present]
    if None in shapes:
        return None
    return shapes[0] if len(names) == 1 else shapes


def _shape(value) -> tuple | None:
    if not isinstance(value, tuple | list) or not all(d is None or as_int(d) is not None for d in value):
        return None
    return tuple(None if d is None else as_int(d) for d in value)
