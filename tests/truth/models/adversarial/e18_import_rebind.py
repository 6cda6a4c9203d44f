"""A module constant rebound by an import."""

import keras
from keras import layers
HIDDEN = 8
from errno import EEXIST as HIDDEN
def build():
    inp = keras.Input((3,))
    return keras.Model(inp, layers.Dense(HIDDEN)(inp))
