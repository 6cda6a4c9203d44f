"""A layer frozen only on one path of an `if` whose test is not known statically."""

import os
import keras
from keras import layers
inp = keras.Input((8,))
d = layers.Dense(6)
out = layers.Dense(2)(d(inp))
model = keras.Model(inp, out)
if os.environ.get("KERASLENS_TRUTH_HIDDEN"):
    d.trainable = False
