"""`model.pop()` removes the last layer of a Sequential."""

import keras
from keras import layers
model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(50)])
model.pop()
model.add(layers.Dense(2))
