"""A helper defined twice: each call runs the definition bound at that time."""

import keras
from keras import layers
def head(x):
    return layers.Dense(4)(x)
inp = keras.Input((10,))
model = keras.Model(inp, head(inp))
def head(x):
    return layers.Dense(40)(x)
other = keras.Model(inp, head(inp))
