"""`keras.ops.concatenate` on symbolic tensors with an axis: no layer, the widths add."""

import keras
from keras import layers, ops
def model():
    a = keras.Input((4,)); b = keras.Input((6,))
    x = ops.concatenate([a, b], axis=-1)
    return keras.Model([a, b], layers.Dense(2)(x))
