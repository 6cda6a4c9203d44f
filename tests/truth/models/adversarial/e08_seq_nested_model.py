"""A Sequential without an input of its own, nested in a Sequential that has one."""

import keras
from keras import layers
inner = keras.Sequential([layers.Dense(16), layers.Dense(8)])
model = keras.Sequential([keras.Input((4,)), inner, layers.Dense(2)])
