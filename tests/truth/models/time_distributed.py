"""TimeDistributed wrappers over Dense and Conv2D (video-style input)."""

import keras
from keras import layers

frames = keras.Input(shape=(8, 32, 32, 3))
x = layers.TimeDistributed(layers.Conv2D(8, 3, activation="relu"))(frames)
x = layers.TimeDistributed(layers.MaxPooling2D(2))(x)
x = layers.TimeDistributed(layers.Flatten())(x)
x = layers.TimeDistributed(layers.Dense(32))(x)
x = layers.LSTM(16)(x)
video_model = keras.Model(frames, layers.Dense(4)(x))

per_step = keras.Sequential(
    [
        keras.Input(shape=(10, 6)),
        layers.TimeDistributed(layers.Dense(12, activation="relu")),
        layers.TimeDistributed(layers.Dense(3)),
    ]
)
