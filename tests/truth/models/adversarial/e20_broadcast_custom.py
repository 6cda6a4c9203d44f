"""A custom layer whose weight broadcasts the input to a larger shape."""

import keras
from keras import layers
class PosEmb(layers.Layer):
    def build(self, input_shape):
        self.pos = self.add_weight(shape=(16, input_shape[-1]))
    def call(self, x):
        return x + self.pos
inp = keras.Input((1, 8))
x = PosEmb()(inp)
x = layers.Flatten()(x)
x = layers.Dense(2)(x)
model = keras.Model(inp, x)
