"""A layer called with its input by keyword: `Dense(4)(inputs=x)`."""

import keras
from keras import layers
inp = keras.Input((3,))
x = layers.Dense(4)(inputs=inp)
model = keras.Model(inp, layers.Dense(2)(x))
