"""Functional MLP classifiers (MNIST-style)."""

import keras
from keras import layers

inputs = keras.Input(shape=(784,), name="pixels")
x = layers.Dense(128, activation="relu")(inputs)
x = layers.Dropout(0.2)(x)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mlp")


def make_mlp(hidden=32, classes=3):
    inp = keras.Input(shape=(20,))
    h = layers.Dense(hidden, activation="relu", use_bias=False)(inp)
    h = layers.Dense(hidden // 2, activation="relu")(h)
    out = layers.Dense(classes)(h)
    return keras.Model(inputs=inp, outputs=out)


# a 3-D input: Dense acts on the last axis only
seq_in = keras.Input(shape=(12, 7))
seq_out = layers.Dense(4)(layers.Dense(16, activation="gelu")(seq_in))
per_step = keras.Model(seq_in, seq_out)
