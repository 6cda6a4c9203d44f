"""A layer whose __init__ rebinds a name and changes a list under a condition not known statically."""

import os

import keras
from keras import layers

WIDE = os.environ.get("KERASLENS_WIDE_HEAD")  # not set: the narrow head


class Head(layers.Layer):
    def __init__(self, wide):
        super().__init__()
        units = 4
        if wide:
            units = 8
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x)


class Stack(layers.Layer):
    def __init__(self, wide):
        super().__init__()
        widths = [4]
        if wide:
            widths.append(8)
        self.denses = [layers.Dense(width) for width in widths]

    def call(self, x):
        for dense in self.denses:
            x = dense(x)
        return x


inputs = keras.Input((3,))
model = keras.Model(inputs, Head(WIDE)(inputs))
stacked = keras.Model(inputs, Stack(WIDE)(inputs))
