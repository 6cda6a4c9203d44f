"""A loop over a global another function rebinds: not unrolled."""

import keras
from keras import layers
WIDTHS = [4, 4]
def widen():
    global WIDTHS
    WIDTHS = [16, 16, 16]
def model():
    widen()
    inp = keras.Input((4,))
    x = inp
    for u in WIDTHS:
        x = layers.Dense(u)(x)
    return keras.Model(inp, x)
