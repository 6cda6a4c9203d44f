"""A name rebound by a walrus inside an expression statement."""

import keras
from keras import layers
N = 4
len(str(N := 12))
inp = keras.Input((3,))
model = keras.Model(inp, layers.Dense(N)(inp))
