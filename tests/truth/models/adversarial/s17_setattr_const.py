"""A sublayer set with `setattr(self, "d0", ...)`: the same as `self.d0 = ...`."""

import keras
from keras import layers
class S(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        setattr(self, "d0", layers.Dense(3))
    def call(self, x):
        return self.d0(x)
inp = keras.Input((2,))
model = keras.Model(inp, S()(inp))
