"""A factory without arguments called twice makes two layers."""

import keras
from keras import layers
def make_head():
    return layers.Dense(10)
inp = keras.Input((4,))
a = make_head()(inp)
b = make_head()(inp)
model = keras.Model(inp, [a, b])
