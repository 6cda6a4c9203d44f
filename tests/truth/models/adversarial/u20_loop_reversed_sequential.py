"""`Sequential.add` in a loop over `reversed([...])`."""

import keras
from keras import layers
def model():
    m = keras.Sequential([keras.Input((3,))])
    for u in reversed([2, 4, 8]):
        m.add(layers.Dense(u))
        m.add(layers.BatchNormalization())
    return m
