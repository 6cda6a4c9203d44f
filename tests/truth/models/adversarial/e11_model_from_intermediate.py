"""A model whose input is an intermediate tensor: layers before it are not part of it."""

import keras
from keras import layers
inp = keras.Input((8,))
mid = layers.Dense(50)(inp)
out = layers.Dense(3)(mid)
model = keras.Model(mid, out)
