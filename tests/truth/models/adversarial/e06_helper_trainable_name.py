"""A helper sets `trainable` from its parameter, which shadows a module name."""

import keras
from keras import layers
trainable = True
def set_trainable(layer, trainable):
    layer.trainable = trainable
inp = keras.Input((8,))
d = layers.Dense(6)
out = layers.Dense(2)(d(inp))
model = keras.Model(inp, out)
set_trainable(d, False)
