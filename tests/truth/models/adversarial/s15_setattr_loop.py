"""Sublayers set with `setattr(self, f"d{i}", ...)` in a loop: names not known statically."""

import keras
from keras import layers
class S(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        for i in range(2):
            setattr(self, f"d{i}", layers.Dense(3))
    def call(self, x):
        return self.d1(self.d0(x))
inp = keras.Input((2,))
model = keras.Model(inp, S()(inp))
