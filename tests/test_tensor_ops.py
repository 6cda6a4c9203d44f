"""Shapes of tensor functions and of ``tensor[index]`` (``interpretation/shapes.py``), checked against
NumPy, whose rules ``keras.ops`` and ``tf`` follow for these, and against Keras' own shape inference
for symbolic tensors (patches, a batch length given as ``None``, broadcasting a run-time length)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from keraslens.analysis.interpretation.interpreter import _broadcast
from keraslens.analysis.interpretation.shapes import indexed, made_shape, shape_function
from keraslens.analysis.interpretation.values import Tensor

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


ARANGES = [("keras.ops.arange", [5], {}), ("keras.ops.arange", [2, 11, 3], {}), ("numpy.arange", [], {"start": 0, "stop": 7, "step": 2}),
           ("keras.ops.arange", [0, 200], {"step": 1}), ("tensorflow.range", [10, 0, -3], {}), ("numpy.arange", [4], {"dtype": "int32"}),
           ("keras.ops.arange", [6], {"step": 2})]


@pytest.mark.parametrize(("ref", "args", "kwargs"), ARANGES, ids=repr)
def test_arange_shape_matches_numpy(ref, args, kwargs):
    kwargs = {{"limit": "stop", "delta": "step"}.get(key, key): value for key, value in kwargs.items()}
    assert made_shape(ref, args, kwargs) == np.arange(*args, **kwargs).shape


@pytest.mark.parametrize("args", [[], [0, 5, 0], ["n"], [1, 2, 3, 4]], ids=repr)
def test_arange_not_known_gives_no_shape(args):
    assert made_shape("keras.ops.arange", args, {}) is None


# shapes Keras 3 itself infers for symbolic tensors (``None``: the batch), computed by real Keras below
KERAS_CASES = {
    "patches-2d": ("extract_patches", (None, 32, 32, 3), [8], {}),
    "patches-2d-unbatched": ("extract_patches", (20, 20, 3), [(3, 3), (1, 1)], {}),
    "patches-2d-strides-same": ("extract_patches", (2, 21, 17, 4), [(5, 4)], {"strides": (3, 2), "padding": "same"}),
    "patches-2d-strides-valid": ("extract_patches", (2, 21, 17, 4), [(5, 4)], {"strides": (3, 2), "padding": "valid"}),
    "patches-3d": ("extract_patches", (None, 10, 10, 10, 3), [(3, 3, 3)], {}),
    "reshape-batch-given-as-none": ("reshape", (None, 4, 4, 192), [(None, -1, 192)], {}),
    "broadcast-run-time-length": ("add", (None, None, 16), [(1, 16, 16)], {}),
    "broadcast-ones": ("add", (None, 1, 5), [(7, 1)], {}),
}
KERAS_SIDE = """
import json, sys
import keras
cases, shapes = json.load(sys.stdin), {}
for name, (function, shape, args, kwargs) in cases.items():
    tensor = keras.KerasTensor(tuple(shape))
    args = [tuple(a) if isinstance(a, list) else a for a in args]
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    if function == "extract_patches":
        result = keras.ops.image.extract_patches(tensor, *args, **kwargs)
    elif function == "reshape":
        result = keras.ops.reshape(tensor, *args)
    else:
        result = keras.ops.add(tensor, keras.KerasTensor(args[0]))
    shapes[name] = list(result.shape)
json.dump(shapes, sys.stdout)
"""


@pytest.fixture(scope="module")
def keras_shapes() -> dict:
    env = {key: value for key, value in os.environ.items() if key != "TF_USE_LEGACY_KERAS"} | {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", KERAS_SIDE], input=json.dumps(KERAS_CASES), capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.tf
@pytest.mark.parametrize("name", KERAS_CASES)
def test_shape_matches_keras(name, keras_shapes):
    function, shape, args, kwargs = KERAS_CASES[name]
    if function == "add":
        got = _broadcast(Tensor(shape), Tensor(args[0])).shape
    else:
        got = shape_function(f"keras.ops.{'image.' * (function == 'extract_patches')}{function}")(shape, args, kwargs)
    assert got == tuple(keras_shapes[name])


@pytest.mark.parametrize(("size", "kwargs"), [((8, 8), {"data_format": "channels_first"}), ((2, 2), {"dilation_rate": 2}), ((40, 40), {}), ((2,), {})], ids=repr)
def test_patches_not_modelled_give_no_shape(size, kwargs):
    assert shape_function("keras.ops.image.extract_patches")((None, 32, 32, 3), [size], kwargs) is None


def test_lengths_that_cannot_broadcast_give_no_shape():
    assert _broadcast(Tensor((None, 3)), Tensor((4,))).shape is None
