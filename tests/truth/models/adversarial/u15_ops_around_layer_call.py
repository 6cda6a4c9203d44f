"""`ops.relu(Dense(6)(x))`: the layer inside the function call is applied there."""

import keras
from keras import layers, ops
def model():
    inp = keras.Input((4,))
    x = ops.relu(layers.Dense(6)(inp))
    return keras.Model(inp, layers.Dense(2)(x))
