"""Layers listed twice, helper functions building blocks, loops, tensor operators, nested models."""

import keras
from keras import layers


class Projection(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs)


shared = Projection(32)
seq_shared = keras.Sequential([keras.Input(shape=(32,)), shared, layers.Dense(32), shared, layers.Dense(3)])

square = layers.Dense(16)
seq_builtin_twice = keras.Sequential([keras.Input(shape=(16,)), square, square, layers.Dense(2)])


def dense_block(x, units, depth=2):
    for _ in range(depth):
        x = layers.Dense(units, activation="relu")(x)
    return layers.LayerNormalization()(x + layers.Dense(x.shape[-1])(x))


def make_blocks(width=24, blocks=3):
    inp = keras.Input(shape=(12,))
    x = layers.Dense(width)(inp)
    for index in range(blocks):
        x = dense_block(x, width, depth=index + 1)
    return keras.Model(inp, layers.Dense(1)(x))


blocks = make_blocks()
wide_blocks = make_blocks(width=40, blocks=2)

features = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(20), layers.Dense(5)], name="features")
left, right = keras.Input(shape=(10,)), keras.Input(shape=(10,))
merged = layers.concatenate([features(left), features(right)])
siamese_seq = keras.Model([left, right], layers.Dense(1)(merged))

vocab = 500
tokens = keras.Input(shape=(None,), dtype="int32")
embedded = layers.Embedding(input_dim=vocab, output_dim=8)(tokens)
pooled = layers.GlobalAveragePooling1D()(embedded)
scaled = pooled * 2.0
kwargs_embedding = keras.Model(tokens, layers.Dense(4)(scaled - pooled))
