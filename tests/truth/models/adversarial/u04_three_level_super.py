"""`super()` through three levels of the user's own classes."""

import keras
from keras import layers
class Base(layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.proj = layers.Dense(units)
    def call(self, x):
        return self.proj(x)
class Mid(Base):
    def __init__(self, units, **kw):
        super().__init__(units * 2, **kw)
        self.extra = layers.Dense(units)
    def call(self, x):
        return self.extra(super().call(x))
class Top(Mid):
    def __init__(self, **kw):
        super().__init__(3, **kw)
def model():
    inp = keras.Input((4,))
    return keras.Model(inp, Top()(inp))
