"""Frozen layers: trainable=False moves every weight to non-trainable."""

import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu", trainable=False, name="frozen_dense")(inputs)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(1)(x)
partly_frozen = keras.Model(inputs, outputs)


# a pretrained-style feature extractor, frozen after construction, inside a bigger model
backbone = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 3)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.GlobalAveragePooling2D(),
    ],
    name="backbone",
)
backbone.trainable = False

image = keras.Input(shape=(16, 16, 3))
feat = backbone(image, training=False)
fine_tuned = keras.Model(image, layers.Dense(6)(feat))


def make_frozen_embedding():
    ids = keras.Input(shape=(None,), dtype="int32")
    emb = layers.Embedding(300, 16)
    emb.trainable = False
    x = emb(ids)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(ids, layers.Dense(2)(x))
