"""Names bound more than once, and `if`s whose way is known from values or tensor shapes."""

import os

import keras
from keras import layers

inputs = keras.Input(shape=(4,))
n = 3
x = layers.Dense(n)(inputs)
n = 5
module_rebound = keras.Model(inputs, layers.Dense(n)(x))


def make_rebound():
    inp = keras.Input(shape=(4,))
    m = 3
    h = layers.Dense(m)(inp)
    m = m + 4
    return keras.Model(inp, layers.Dense(m)(h))


def head(x, classes, use_norm=True):
    if use_norm:
        x = layers.LayerNormalization()(x)
    else:
        x = layers.BatchNormalization()(x)
    if x.shape[-1] > classes:
        x = layers.Dense(classes * 2)(x)
    elif x.shape[-1] == classes:
        x = layers.Dense(classes + 1, use_bias=False)(x)
    return layers.Dense(classes)(x)


def make_branches():
    inp = keras.Input(shape=(10,))
    wide = head(inp, 3)
    narrow = head(inp, 10, use_norm=False)
    return keras.Model(inp, [wide, narrow])


def make_unknown_branch():
    inp = keras.Input(shape=(10,))
    x = inp
    if os.environ.get("KERASLENS_TRUTH_HIDDEN"):
        x = layers.Dense(64)(x)
    return keras.Model(inp, layers.Dense(2)(x))


def make_unknown_loop():
    inp = keras.Input(shape=(10,))
    x = inp
    for _ in range(int(os.environ.get("KERASLENS_TRUTH_HIDDEN", "0"))):
        x = layers.Dense(64)(x)
    return keras.Model(inp, layers.Dense(2)(x))
