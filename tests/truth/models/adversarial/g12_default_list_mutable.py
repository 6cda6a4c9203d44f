"""A mutable default list appended to inside the function."""

import keras
from keras import layers
def build(widths=[4]):
    widths.append(8)
    inp = keras.Input((3,))
    x = inp
    for i in range(len(widths)):
        x = layers.Dense(widths[i])(x)
    return keras.Model(inp, x)
