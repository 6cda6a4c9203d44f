"""`for first, *rest in ...`: a starred loop target."""

import keras
from keras import layers
def model():
    inp = keras.Input((4,))
    x = inp
    for first, *rest in [(3, 1, 2), (5,)]:
        x = layers.Dense(first + len(rest))(x)
    return keras.Model(inp, x)
