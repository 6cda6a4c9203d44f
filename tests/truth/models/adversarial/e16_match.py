"""A name rebound in a `match` statement."""

import keras
from keras import layers
UNITS = 8
def build(size="big"):
    units = UNITS
    match size:
        case "big":
            units = 64
        case _:
            pass
    inp = keras.Input((4,))
    return keras.Model(inp, layers.Dense(units)(inp))
