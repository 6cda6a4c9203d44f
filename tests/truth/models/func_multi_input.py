"""Multi-input functional models joined with Concatenate."""

import keras
from keras import layers

title = keras.Input(shape=(None,), dtype="int32", name="title")
body = keras.Input(shape=(None,), dtype="int32", name="body")
tags = keras.Input(shape=(12,), name="tags")

title_features = layers.Embedding(5000, 32)(title)
body_features = layers.Embedding(5000, 32)(body)
title_features = layers.LSTM(64)(title_features)
body_features = layers.LSTM(16)(body_features)

x = layers.Concatenate()([title_features, body_features, tags])
priority = layers.Dense(1, name="priority")(x)
department = layers.Dense(4, name="department")(x)

model = keras.Model(inputs=[title, body, tags], outputs={"priority": priority, "department": department})


def two_towers():
    user = keras.Input(shape=(16,))
    item = keras.Input(shape=(24,))
    u = layers.Dense(32, activation="relu")(user)
    i = layers.Dense(32, activation="relu")(item)
    both = layers.concatenate([u, i, user], axis=-1)
    score = layers.Dense(1, activation="sigmoid")(both)
    return keras.Model([user, item], score)


towers = two_towers()
