"""A loop over a list the loop appends to: not unrolled."""

import keras
from keras import layers
def model():
    inp = keras.Input((4,))
    x = inp
    sizes = [8, 4]
    for u in sizes:
        x = layers.Dense(u)(x)
        if len(sizes) < 3:
            sizes.append(2)
    return keras.Model(inp, x)
