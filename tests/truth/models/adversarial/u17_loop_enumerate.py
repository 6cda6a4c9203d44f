"""A model-building loop over `enumerate` of a list: unrolled, one set of layers per pass."""

import keras
from keras import layers
def model():
    inp = keras.Input((10,))
    x = inp
    for i, u in enumerate([8, 6, 4]):
        x = layers.Dense(u, use_bias=i % 2 == 0)(x)
    return keras.Model(inp, x)
