"""One layer shared by two sub-models: the outer model holds its weights once."""

import keras
from keras import layers
shared = layers.Dense(4)
a_in = keras.Input((3,))
A = keras.Model(a_in, shared(a_in))
b_in = keras.Input((3,))
B = keras.Model(b_in, layers.Dense(2)(shared(b_in)))
inp = keras.Input((3,))
model = keras.Model(inp, [A(inp), B(inp)])
