"""A dict of layer arguments changed in place after the function that uses it."""

import keras
from keras import layers
cfg = {"units": 4}
def build():
    inp = keras.Input((3,))
    return keras.Model(inp, layers.Dense(**cfg)(inp))
cfg["units"] = 10
