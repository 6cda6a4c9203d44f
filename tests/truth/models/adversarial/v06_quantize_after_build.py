"""`Dense.quantize("int8")` after the model is built: the kernel is replaced by int8 weights and a scale."""

import keras
from keras import layers
inp = keras.Input((16,))
d = layers.Dense(8)
model = keras.Model(inp, d(inp))
d.quantize("int8")
