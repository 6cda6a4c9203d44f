"""A model factory without arguments called twice makes two models."""

import keras
from keras import layers
def tower():
    i = keras.Input((4,))
    return keras.Model(i, layers.Dense(3)(i))
inp = keras.Input((4,))
t1 = tower()
t2 = tower()
out = layers.Add()([t1(inp), t2(inp)])
model = keras.Model(inp, out)
