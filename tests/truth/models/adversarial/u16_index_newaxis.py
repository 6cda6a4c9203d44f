"""`x[:, None, :]` adds an axis of length 1."""

import keras
from keras import layers
def model():
    inp = keras.Input((4,))
    x = inp[:, None, :]
    x = layers.Conv1D(3, 1)(x)
    return keras.Model(inp, x)
