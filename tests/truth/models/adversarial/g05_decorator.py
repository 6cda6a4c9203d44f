"""A decorator changes the helper's arguments."""

import keras
from keras import layers
def widened(fn):
    def wrapper(x, units):
        return fn(x, units * 4)
    return wrapper
@widened
def block(x, units):
    return layers.Dense(units)(x)
inp = keras.Input((3,))
model = keras.Model(inp, block(inp, 2))
