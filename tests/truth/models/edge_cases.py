"""Code whose sizes are computed: loops, comprehensions, dict kwargs, constants, env vars, getattr."""

import os

import keras
from keras import layers

WIDTHS = [2**i for i in range(3, 6)]  # 8, 16, 32
USE_BN = False
DENSE_CFG = {"units": 12, "activation": "relu", "use_bias": False}
HIDDEN = int(os.environ.get("KERASLENS_TRUTH_HIDDEN", "24"))

comprehension = keras.Sequential([keras.Input(shape=(5,))] + [layers.Dense(w) for w in WIDTHS])

looped = keras.Sequential()
looped.add(keras.Input(shape=(6,)))
for width in reversed(WIDTHS):
    looped.add(layers.Dense(width, activation="relu"))
    if USE_BN:
        looped.add(layers.BatchNormalization())
looped.add(layers.Dense(1))

cfg_in = keras.Input(shape=(9,))
from_config = keras.Model(cfg_in, layers.Dense(**DENSE_CFG)(cfg_in))

env_in = keras.Input(shape=(4,))
from_env = keras.Model(env_in, layers.Dense(1)(layers.Dense(HIDDEN)(env_in)))

dyn_in = keras.Input(shape=(3,))
dynamic_class = keras.Model(dyn_in, getattr(layers, "Dense")(7)(dyn_in))


class Polynomial(layers.Layer):
    """One weight per degree, created in a loop."""

    def __init__(self, degree, **kwargs):
        super().__init__(**kwargs)
        self.degree = degree

    def build(self, input_shape):
        self.coefs = [self.add_weight(name=f"c{i}", shape=(input_shape[-1],)) for i in range(self.degree + 1)]

    def call(self, x):
        return sum(c * x**i for i, c in enumerate(self.coefs))


poly_in = keras.Input(shape=(11,))
polynomial = keras.Model(poly_in, Polynomial(3)(poly_in))


def make_unknown_width(width):
    """The width is a parameter without a default: only a call site gives it."""
    inp = keras.Input(shape=(10,))
    return keras.Model(inp, layers.Dense(width)(inp))


fixed_width = make_unknown_width(6)
