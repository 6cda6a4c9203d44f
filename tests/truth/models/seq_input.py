"""Sequential models with an Input, and with input_shape= on the first layer."""

import keras
from keras import layers

regressor = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(1),
    ],
    name="regressor",
)

legacy_style = keras.Sequential(
    [
        layers.Dense(16, activation="relu", input_shape=(8,)),
        layers.Dense(8, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)


def make_classifier(num_features=30, num_classes=5):
    return keras.Sequential(
        [
            keras.layers.InputLayer(shape=(num_features,)),
            keras.layers.Dense(48, activation="tanh"),
            keras.layers.LayerNormalization(),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )


classifier = make_classifier()
