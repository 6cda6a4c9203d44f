"""A loop over a parameter whose value comes from the call."""

import keras
from keras import layers
def mlp(widths=(16, 8), n_in=5):
    inp = keras.Input((n_in,))
    x = inp
    for w in widths:
        x = layers.Dense(w)(x)
    return keras.Model(inp, x)
def model():
    return mlp([3, 2, 1], n_in=7)
