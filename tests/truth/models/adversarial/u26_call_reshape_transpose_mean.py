"""`reshape`, `transpose` and `mean` in a layer's `call()` give the output the next layer is built on."""

import keras
from keras import layers, ops
class Heads(layers.Layer):
    def __init__(self, heads=2, **kw):
        super().__init__(**kw)
        self.heads = heads
        self.qkv = layers.Dense(12)
    def call(self, x):
        t = self.qkv(x)
        t = ops.reshape(t, (-1, x.shape[1], self.heads, 6))
        t = ops.transpose(t, (0, 2, 1, 3))
        t = ops.mean(t, axis=1)
        return t
def model():
    inp = keras.Input((5, 4))
    x = Heads()(inp)
    x = layers.Dense(3)(x)
    return keras.Model(inp, x)
