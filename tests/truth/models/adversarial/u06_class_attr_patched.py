"""A class attribute changed from outside the class: its body's value is not trusted."""

import keras
from keras import layers
class Head(layers.Layer):
    units = 5
    def __init__(self, **kw):
        super().__init__(**kw)
        self.d = layers.Dense(self.units)
    def call(self, x):
        return self.d(x)
Head.units = 7
def model():
    inp = keras.Input((4,))
    return keras.Model(inp, Head()(inp))
