"""A layer popped off a tracked list is no longer tracked."""

import keras
from keras import layers
class Stack(layers.Layer):
    def __init__(self, sizes, **kw):
        super().__init__(**kw)
        self.blocks = []
        for s in sizes:
            self.blocks.append(layers.Dense(s))
        self.blocks.pop()
    def call(self, x):
        for b in self.blocks:
            x = b(x)
        return x
def model():
    inp = keras.Input((3,))
    return keras.Model(inp, Stack([4, 5, 6])(inp))
