"""`out[0]` of a layer that returns several tensors picks one of them; it is not a slice of a tensor."""

import keras
from keras import layers
def model():
    q = keras.Input((5, 8))
    out = layers.MultiHeadAttention(2, 4)(q, q, return_attention_scores=True)
    x = out[0]
    return keras.Model(q, layers.Dense(3)(x))
