"""Keras 3: `build(shape)` on a Model subclass without `build()` creates no sublayer weights."""

import keras
from keras import layers
class Net(keras.Model):
    def __init__(self, width=4):
        super().__init__()
        self.a = layers.Dense(width)
        self.b = layers.Dense(1)
    def call(self, x):
        return self.b(self.a(x))
model = Net(width=6)
model.build((None, 3))
