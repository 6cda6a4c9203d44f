"""`Dense(input_shape=...)` first, then `add` in a loop over a tuple."""

import keras
from keras import layers
def model():
    m = keras.Sequential()
    m.add(layers.Dense(8, input_shape=(4,)))
    for u in (6, 2):
        m.add(layers.Dense(u))
    return m
