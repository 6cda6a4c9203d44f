"""`self.w.trainable = False` after `add_weight`."""

import keras
from keras import layers
class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.w.trainable = False
    def call(self, x):
        return x * self.w
inp = keras.Input((5,))
model = keras.Model(inp, Scale()(inp))
