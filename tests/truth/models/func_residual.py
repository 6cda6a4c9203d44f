"""Residual connections with Add, LayerNormalization and BatchNormalization."""

import keras
from keras import layers


def residual_dense_block(x, units):
    h = layers.Dense(units, activation="relu")(x)
    h = layers.Dense(units)(h)
    h = layers.Add()([x, h])
    return layers.LayerNormalization()(h)


inputs = keras.Input(shape=(64,))
x = residual_dense_block(inputs, 64)
x = residual_dense_block(x, 64)
outputs = layers.Dense(1)(x)
dense_resnet = keras.Model(inputs, outputs)


def conv_block(x, filters):
    shortcut = x
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.add([shortcut, y])
    return layers.ReLU()(y)


def make_small_resnet():
    img = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same")(img)
    x = conv_block(x, 16)
    x = conv_block(x, 32)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(img, layers.Dense(10)(x))
