"""A frozen sub-model, then one of its layers unfrozen through `.layers[0]`."""

import keras
from keras import layers
inner = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2)])
inner.trainable = False
inp = keras.Input((4,))
model = keras.Model(inp, layers.Dense(1)(inner(inp)))
inner.layers[0].trainable = True
