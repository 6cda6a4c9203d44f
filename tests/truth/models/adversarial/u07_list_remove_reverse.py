"""`list.remove` untracks a layer; `reverse` changes the order the layers are called in."""

import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        a, b, c = layers.Dense(4), layers.Dense(5), layers.Dense(6)
        self.ls = [a, b, c]
        self.ls.remove(b)
        self.ls.reverse()
    def call(self, x):
        for l in self.ls:
            x = l(x)
        return x
def model():
    inp = keras.Input((3,))
    return keras.Model(inp, Block()(inp))
