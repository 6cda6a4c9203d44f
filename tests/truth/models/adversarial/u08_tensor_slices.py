"""Slicing a symbolic tensor (`inp[:, 0]`, `inp[..., :2]`) keeps the graph and gives the slice's shape."""

import keras
from keras import layers
def model():
    inp = keras.Input((6, 8))
    a = layers.Dense(4)(inp[:, 0])
    b = layers.Dense(3)(inp[..., :2])
    return keras.Model(inp, [a, b])
