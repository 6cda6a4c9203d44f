"""Sequential models built step by step with .add()."""

import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(28, 28, 1)))
model.add(layers.Conv2D(32, kernel_size=(3, 3), activation="relu"))
model.add(layers.MaxPooling2D(pool_size=(2, 2)))
model.add(layers.Conv2D(64, kernel_size=(3, 3), activation="relu"))
model.add(layers.MaxPooling2D(pool_size=(2, 2)))
model.add(layers.Flatten())
model.add(layers.Dropout(0.5))
model.add(layers.Dense(10, activation="softmax"))


def build_tabular(width=24, depth=3):
    net = keras.Sequential(name="tabular")
    net.add(layers.Input((14,)))
    for _ in range(depth):
        net.add(layers.Dense(width, activation="relu"))
    net.add(layers.Dense(2))
    return net


tabular = build_tabular()
