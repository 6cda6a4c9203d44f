"""Shapes of tensor functions and of ``tensor[index]`` (``analysis/tensor_ops.py``), checked against
NumPy, whose rules ``keras.ops`` and ``tf`` follow for these."""

import numpy as np
import pytest
from keraslens.analysis.interpretation.shapes import indexed, shape_function

SHAPE = (3, 1, 6, 8)
CALLS = [
    ("keras.ops.mean", [], {}),
    ("keras.ops.mean", [1], {}),
    ("keras.ops.sum", [], {"axis": -1}),
    ("keras.ops.max", [], {"axis": (1, 2), "keepdims": True}),
    ("tensorflow.reduce_mean", [], {"axis": 2, "keepdims": False}),
    ("tensorflow.math.reduce_sum", [-2], {}),
    ("numpy.mean", [], {"keepdims": True}),
    ("keras.ops.expand_dims", [0], {}),
    ("keras.ops.expand_dims", [-1], {}),
    ("tensorflow.expand_dims", [2], {}),
    ("keras.ops.squeeze", [], {}),
    ("keras.ops.squeeze", [1], {}),
    ("keras.ops.reshape", [(-1, 48)], {}),
    ("keras.ops.reshape", [(3, 2, -1)], {}),
    ("tensorflow.reshape", [(144,)], {}),
    ("keras.ops.transpose", [], {}),
    ("keras.ops.transpose", [(0, 2, 1, 3)], {}),
    ("tensorflow.transpose", [], {"perm": (3, 0, 1, 2)}),
]
NUMPY = {"reduce_mean": "mean", "reduce_sum": "sum", "max": "max"}


def numpy_shape(ref: str, args: list, kwargs: dict) -> tuple:
    name = ref.rsplit(".", 1)[-1]
    kwargs = {"axes" if key == "perm" else key: value for key, value in kwargs.items()}
    return getattr(np, NUMPY.get(name, name))(np.zeros(SHAPE), *args, **kwargs).shape


@pytest.mark.parametrize(("ref", "args", "kwargs"), CALLS, ids=lambda item: repr(item))
def test_shape_matches_numpy(ref, args, kwargs):
    assert shape_function(ref)(SHAPE, args, kwargs) == numpy_shape(ref, args, kwargs)


@pytest.mark.parametrize(
    ("ref", "args", "kwargs"),
    [
        ("keras.ops.mean", [4], {}),  # no such axis
        ("keras.ops.squeeze", [2], {}),  # length 6: not squeezable
        ("keras.ops.reshape", [(-1, -1)], {}),
        ("keras.ops.reshape", [(5, -1)], {}),  # 144 is not a multiple of 5
        ("keras.ops.transpose", [(0, 0, 1, 2)], {}),
        ("keras.ops.mean", [], {"keepdims": "yes"}),
    ],
    ids=repr,
)
def test_invalid_calls_give_no_shape(ref, args, kwargs):
    assert shape_function(ref)(SHAPE, args, kwargs) is None


def test_lengths_known_only_at_run_time_stay_unknown():
    batch = (None, 4, 6)
    assert shape_function("keras.ops.reshape")(batch, [(-1, 24)], {}) == (None, 24)
    assert shape_function("keras.ops.squeeze")(batch, [], {}) is None
    assert shape_function("keras.ops.mean")(batch, [1], {}) == (None, 6)


def test_unknown_functions_have_no_shape_function():
    assert shape_function("keras.ops.split") is None
    assert shape_function("mylib.reshape") is None


SLICE_SHAPE = (3, 6, 8)
INDICES = [
    (slice(None), 0),
    (slice(None), -1, slice(None)),
    (Ellipsis, slice(None, 2)),
    (slice(None), slice(None, None, 2)),
    (slice(None), slice(1, -1)),
    (slice(None), None, slice(None)),
    (Ellipsis, None),
    (slice(None), slice(None, None, -3), 4),
    (0,),
    1,
    slice(2, 100),
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_indexed_shape_matches_numpy(index):
    assert indexed(SLICE_SHAPE, index) == np.zeros(SLICE_SHAPE)[index].shape


@pytest.mark.parametrize("index", [(slice(None), "a"), (Ellipsis, Ellipsis), (0, 0, 0, 0)], ids=repr)
def test_index_not_modelled_is_unknown(index):
    assert indexed(SLICE_SHAPE, index) is None


def test_batch_axis_stays_unknown_when_sliced():
    assert indexed((None, 6), (slice(1, None), 0)) == (None,)
