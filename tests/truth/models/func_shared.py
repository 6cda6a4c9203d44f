"""Shared layers: a layer instance called several times is counted once."""

import keras
from keras import layers

left = keras.Input(shape=(28,))
right = keras.Input(shape=(28,))

shared_hidden = layers.Dense(64, activation="relu")
shared_embed = layers.Dense(16)

left_vec = shared_embed(shared_hidden(left))
right_vec = shared_embed(shared_hidden(right))
distance = layers.Subtract()([left_vec, right_vec])
similarity = layers.Dense(1, activation="sigmoid")(distance)
siamese = keras.Model([left, right], similarity)


# one embedding table shared by question and answer
question = keras.Input(shape=(None,), dtype="int64")
answer = keras.Input(shape=(None,), dtype="int64")
embedding = layers.Embedding(input_dim=2000, output_dim=24)
encoder = layers.LSTM(24)
q = encoder(embedding(question))
a = encoder(embedding(answer))
merged = layers.Concatenate()([q, a])
qa_model = keras.Model(inputs=[question, answer], outputs=layers.Dense(2)(merged))


# the same Dense applied twice in a chain (dims match)
chain_in = keras.Input(shape=(10,))
square = layers.Dense(10)
chain_out = square(square(chain_in))
repeated = keras.Model(chain_in, chain_out)
