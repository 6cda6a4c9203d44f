"""`layer.enable_lora(4)` after the model is built: the kernel freezes, LoRA weights train."""

import keras
from keras import layers
inp = keras.Input((16,))
d = layers.Dense(8)
x = d(inp)
model = keras.Model(inp, x)
d.enable_lora(4)
