"""Transformer-style blocks built from MultiHeadAttention in the functional API."""

import keras
from keras import layers


def transformer_block(x, num_heads, key_dim, ff_dim):
    attn = layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attn]))
    ff = layers.Dense(ff_dim, activation="relu")(x)
    ff = layers.Dense(x.shape[-1])(ff)
    return layers.LayerNormalization(epsilon=1e-6)(x + ff)


seq = keras.Input(shape=(40, 32))
h = transformer_block(seq, num_heads=4, key_dim=8, ff_dim=64)
h = layers.GlobalAveragePooling1D()(h)
encoder = keras.Model(seq, layers.Dense(2)(h))


# cross-attention: query and value with different feature sizes
query = keras.Input(shape=(10, 20))
memory = keras.Input(shape=(30, 12))
cross = layers.MultiHeadAttention(num_heads=2, key_dim=6, value_dim=5)(query, memory)
cross_model = keras.Model([query, memory], cross)


# two separate (not shared) attention layers on (100, 64), then Dense(10)
tokens = keras.Input(shape=(100, 64))
a1 = layers.MultiHeadAttention(num_heads=2, key_dim=8)(tokens, tokens)
a2 = layers.MultiHeadAttention(num_heads=1, key_dim=8)(a1, a1)
pair_model = keras.Model(tokens, layers.Dense(10)(a2))
