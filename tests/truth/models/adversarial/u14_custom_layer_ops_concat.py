"""`ops.concatenate` without an axis inside a layer's `call()`: the sublayer sees the same width."""

import keras
from keras import layers, ops
class Twice(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.d = layers.Dense(3)
    def call(self, x):
        return self.d(ops.concatenate([x, x]))
def model():
    inp = keras.Input((4,))
    return keras.Model(inp, Twice()(inp))
