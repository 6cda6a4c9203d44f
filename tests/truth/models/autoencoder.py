"""Encoder and decoder models composed into an autoencoder (nested models)."""

import keras
from keras import layers

LATENT = 16

encoder_input = keras.Input(shape=(28, 28, 1))
e = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(encoder_input)
e = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(e)
e = layers.Flatten()(e)
latent = layers.Dense(LATENT)(e)
encoder = keras.Model(encoder_input, latent, name="encoder")

decoder_input = keras.Input(shape=(LATENT,))
d = layers.Dense(7 * 7 * 32, activation="relu")(decoder_input)
d = layers.Reshape((7, 7, 32))(d)
d = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(d)
d = layers.UpSampling2D()(d)
d = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(d)
decoder = keras.Model(decoder_input, d, name="decoder")

ae_input = keras.Input(shape=(28, 28, 1))
autoencoder = keras.Model(ae_input, decoder(encoder(ae_input)), name="autoencoder")
