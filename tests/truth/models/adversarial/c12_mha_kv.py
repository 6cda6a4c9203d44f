"""MultiHeadAttention called with `key=` as a keyword: the key projection has the key's width."""

import keras
from keras import layers
q = keras.Input((7, 16))
v = keras.Input((9, 12))
k = keras.Input((9, 20))
mha = layers.MultiHeadAttention(4, 6, use_bias=False)
out = mha(q, v, key=k)
model = keras.Model([q, v, k], out)
