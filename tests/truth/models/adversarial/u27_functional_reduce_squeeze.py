"""`mean(keepdims=True)`, `squeeze` and `expand_dims` between layers of a functional model."""

import keras
from keras import layers, ops
def model():
    inp = keras.Input((5, 4))
    x = layers.Dense(6)(inp)
    pooled = ops.mean(x, axis=1, keepdims=True)
    flat = ops.squeeze(pooled, axis=1)
    y = ops.expand_dims(flat, -1)
    y = layers.Conv1D(2, 3)(y)
    return keras.Model(inp, [layers.Dense(2)(flat), y])
