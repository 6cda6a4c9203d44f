"""`keras.ops.concatenate` without an axis joins along axis 0 (the batch), unlike `layers.concatenate`."""

import keras
from keras import layers, ops
def model():
    a = keras.Input((4,)); b = keras.Input((4,))
    x = ops.concatenate([a, b])
    return keras.Model([a, b], layers.Dense(3)(x))
