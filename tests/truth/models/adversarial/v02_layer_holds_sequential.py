"""A layer class holding a `keras.Sequential([...])`: its layers' weights are the layer's."""

import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.body = keras.Sequential([layers.Dense(8), layers.Dense(4)])
        self.head = layers.Dense(2)

    def call(self, x):
        return self.head(self.body(x))


inp = keras.Input((6,))
model = keras.Model(inp, Block()(inp))
