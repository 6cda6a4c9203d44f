"""A module constant changed through `global` in a function called before the model is built."""

import keras
from keras import layers
N = 2
def bump():
    global N
    N = 9
def build():
    bump()
    inp = keras.Input((3,))
    return keras.Model(inp, layers.Dense(N)(inp))
