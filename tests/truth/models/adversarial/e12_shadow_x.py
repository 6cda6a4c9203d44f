"""A helper parameter rebound to something not followed must not fall back to the module's `x`."""

import keras
from keras import layers
def block(x, units):
    x = layers.Dense(units)(x)
    x = keras.ops.relu(x)
    return layers.Dense(units)(x)
inp = keras.Input((8,))
x = layers.Dense(100)(inp)
x = block(x, 4)
model = keras.Model(inp, x)
