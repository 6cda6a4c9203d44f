"""`del self.b` and `dict.pop` take layers out of what Keras tracks."""

import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.a = layers.Dense(4)
        self.b = layers.Dense(5)
        self.heads = {"x": layers.Dense(2), "y": layers.Dense(3)}
        del self.b
        self.heads.pop("y")
    def call(self, x):
        return self.heads["x"](self.a(x))
def model():
    inp = keras.Input((3,))
    return keras.Model(inp, Block()(inp))
