"""Shapes of ``tensor[index]`` as the counter computes them, checked against NumPy's indexing
(which Keras tensors follow)."""

import numpy as np
import pytest

from keraslens.analysis.evaluate import Tensor, subscript

SHAPE = (3, 6, 8)
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
    value = subscript(Tensor(SHAPE), index)
    assert isinstance(value, Tensor)
    assert value.shape == np.zeros(SHAPE)[index].shape


@pytest.mark.parametrize("index", [(slice(None), "a"), (Ellipsis, Ellipsis), (0, 0, 0, 0)], ids=repr)
def test_index_not_modelled_is_unknown(index):
    assert not isinstance(subscript(Tensor(SHAPE), index), Tensor)


def test_batch_axis_stays_unknown_when_sliced():
    assert subscript(Tensor((None, 6)), (slice(1, None), 0)).shape == (None,)
