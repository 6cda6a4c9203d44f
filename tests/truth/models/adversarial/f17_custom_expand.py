"""A (1, 6) weight times a (None, 1) input broadcasts to (None, 6)."""

import keras
from keras import layers
class Expand(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(1, 6))
    def call(self, x):
        return x * self.w
inp = keras.Input((1,))
x = Expand()(inp)
x = layers.Dense(2)(x)
model = keras.Model(inp, x)
