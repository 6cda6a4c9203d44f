"""A layer class holding a functional `keras.Model(...)` built in its constructor."""

import keras
from keras import layers
class Wrapper(layers.Layer):
    def __init__(self):
        super().__init__()
        inner_in = keras.Input((6,))
        self.inner = keras.Model(inner_in, layers.Dense(5)(inner_in))
        self.head = layers.Dense(2)

    def call(self, x):
        features = self.inner(x)
        return self.head(keras.ops.mean(x, axis=-1, keepdims=True)) + 0.0 * keras.ops.sum(features)


inp = keras.Input((6,))
model = keras.Model(inp, Wrapper()(inp))
