"""Found by the differential test: sublayers in a dict whose keys are computed by a call keraslens does not follow: not exact."""

import keras
from keras import layers
class Holder(layers.Layer):
    def __init__(self, sizes):
        super().__init__()
        self.parts = {str(i) + "": layers.Dense(size) for i, size in enumerate(sizes)}

    def call(self, x):
        for part in self.parts.values():
            x = part(x)
        return x


def model():
    inp = keras.Input(shape=(2,))
    return keras.Model(inp, Holder([1, 3])(inp))
