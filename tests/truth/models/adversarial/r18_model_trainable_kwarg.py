"""A model made with `trainable=False` inside another: Keras 3 does not pass the argument on to its layers."""

import keras
from keras import layers
inp = keras.Input((4,))
inner = keras.Model(inp, layers.Dense(3)(inp), trainable=False)
x = keras.Input((4,))
model = keras.Model(x, layers.Dense(1)(inner(x)))
model.trainable = True
