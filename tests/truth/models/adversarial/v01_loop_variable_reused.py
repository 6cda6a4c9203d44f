"""Two loops reuse one loop variable (the U-Net shape): each loop reads its own values."""

import keras
from keras import layers
def model():
    inp = keras.Input((10,))
    x = inp
    for u in [4, 16]:
        x = layers.Dense(u)(x)
    for u in [3, 5]:
        x = layers.Dense(u)(x)
    return keras.Model(inp, x)
