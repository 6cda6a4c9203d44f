"""`for i, (u, bias) in enumerate(zip(...))`: nested unpacking of the loop variables."""

import keras
from keras import layers
def model():
    inp = keras.Input((4,))
    x = inp
    for i, (u, bias) in enumerate(zip([8, 6], [True, False])):
        x = layers.Dense(u + i, use_bias=bias, name=f"d{i}")(x)
    return keras.Model(inp, x)
