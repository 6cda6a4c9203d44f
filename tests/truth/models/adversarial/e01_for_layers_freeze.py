"""A loop freezes every layer of a sub-model."""

import keras
from keras import layers
base = keras.Sequential([keras.Input((8,)), layers.Dense(6), layers.Dense(4)])
for layer in base.layers:
    layer.trainable = False
inp = keras.Input((8,))
out = layers.Dense(2)(base(inp))
model = keras.Model(inp, out)
