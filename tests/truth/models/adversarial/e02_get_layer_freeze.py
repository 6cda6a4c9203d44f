"""`model.get_layer(name).trainable = False`."""

import keras
from keras import layers
inp = keras.Input((8,))
x = layers.Dense(6, name="body")(inp)
out = layers.Dense(2, name="head")(x)
model = keras.Model(inp, out)
model.get_layer("body").trainable = False
