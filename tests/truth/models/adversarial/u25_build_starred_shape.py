"""`*_, d = input_shape` in `build()`."""

import keras
from keras import layers
class Proj(layers.Layer):
    def __init__(self, factor=2, **kw):
        super().__init__(**kw)
        self.factor = factor
    def build(self, input_shape):
        *_, d = input_shape
        self.k = self.add_weight(shape=(d, d * self.factor))
        self.s = self.add_weight(shape=(), initializer="ones", trainable=False)
    def call(self, x):
        return (x @ self.k) * self.s
def model():
    inp = keras.Input((2, 5))
    return keras.Model(inp, Proj(3)(inp))
