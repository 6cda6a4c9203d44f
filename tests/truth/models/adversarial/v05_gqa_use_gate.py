"""`GroupQueryAttention(use_gate=True)`: an argument that adds a gate projection."""

import keras
from keras import layers
q = keras.Input((7, 16))
out = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, use_gate=True)(q, q)
model = keras.Model(q, out)
