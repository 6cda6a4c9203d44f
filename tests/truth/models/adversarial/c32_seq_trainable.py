"""`model.layers[1].trainable = False`: a layer reached by index, not by name."""

import keras
from keras import layers
model = keras.Sequential()
model.add(keras.Input((5,)))
model.add(layers.Dense(4, trainable=False))
model.add(layers.Dense(3))
model.layers[1].trainable = False
