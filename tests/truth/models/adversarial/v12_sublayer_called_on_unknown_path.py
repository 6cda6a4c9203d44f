"""A sublayer called only on a path not known statically: it may stay unbuilt, without weights."""

import os

import keras
from keras import layers

FLAG = os.environ.get("KERASLENS_FLAG")  # not set: `proj` is never called


class Maybe(layers.Layer):
    def __init__(self, flag):
        super().__init__()
        self.flag = flag
        self.proj = layers.Dense(8)

    def call(self, x):
        if self.flag:
            return self.proj(x)
        return x


inp = keras.Input((3,))
out = layers.Dense(2)(Maybe(FLAG)(inp))
model = keras.Model(inp, out)
