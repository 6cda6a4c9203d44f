"""`reshape(x, (-1, 3, 8))` with the batch unknown: -1 takes the batch, the rest is known."""

import keras
from keras import layers, ops
def model():
    inp = keras.Input((4, 6))
    x = ops.reshape(inp, (-1, 3, 8))
    return keras.Model(inp, layers.Dense(2)(x))
