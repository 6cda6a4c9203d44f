"""BatchNormalization: gamma/beta trainable, moving mean/variance non-trainable."""

import keras
from keras import layers

mlp_bn = keras.Sequential(
    [
        keras.Input(shape=(40,)),
        layers.Dense(64, use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dense(32, use_bias=False),
        layers.BatchNormalization(scale=False),
        layers.Activation("relu"),
        layers.Dense(1),
    ]
)

img = keras.Input(shape=(28, 28, 1))
y = layers.Conv2D(12, 3, padding="same")(img)
y = layers.BatchNormalization(momentum=0.9)(y)
y = layers.ReLU()(y)
y = layers.Conv2D(24, 3, strides=2, padding="same")(y)
y = layers.BatchNormalization(center=False)(y)
y = layers.GlobalMaxPooling2D()(y)
conv_bn = keras.Model(img, layers.Dense(10)(y))

# channels-first style normalisation over axis 1
chan = keras.Input(shape=(6, 9))
chan_bn = keras.Model(chan, layers.BatchNormalization(axis=1)(chan))
