"""Conv2D image models: pooling, strides, Flatten and global pooling."""

import keras
from keras import layers

image = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(16, 5, strides=2, padding="same", activation="relu")(image)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(32, (3, 3), activation="relu")(x)
x = layers.AveragePooling2D(pool_size=2)(x)
x = layers.Flatten()(x)
x = layers.Dense(64, activation="relu")(x)
label = layers.Dense(5, activation="softmax")(x)
flat_cnn = keras.Model(image, label)


gap_cnn = keras.Sequential(
    [
        keras.Input(shape=(96, 96, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.SeparableConv2D(16, 3, padding="same", activation="relu"),
        layers.DepthwiseConv2D(3, depth_multiplier=2),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3),
    ]
)


def make_valid_padding_cnn():
    inp = keras.Input(shape=(30, 30, 3))
    y = layers.Conv2D(6, 3, strides=1, padding="valid")(inp)
    y = layers.Conv2D(12, 4, strides=2, padding="valid")(y)
    y = layers.MaxPooling2D(pool_size=3, strides=2)(y)
    y = layers.Flatten()(y)
    return keras.Model(inp, layers.Dense(2)(y))
