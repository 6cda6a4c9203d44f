"""Text models: Embedding + LSTM / GRU / Bidirectional / Conv1D."""

import keras
from keras import layers

VOCAB = 10000
MAXLEN = 200

sentiment = keras.Sequential(
    [
        keras.Input(shape=(MAXLEN,), dtype="int32"),
        layers.Embedding(VOCAB, 64, mask_zero=True),
        layers.LSTM(32),
        layers.Dense(1, activation="sigmoid"),
    ]
)

tokens = keras.Input(shape=(None,), dtype="int32")
h = layers.Embedding(input_dim=VOCAB, output_dim=128)(tokens)
h = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(h)
h = layers.Bidirectional(layers.GRU(32), merge_mode="sum")(h)
tag_logits = layers.Dense(7)(h)
bi_model = keras.Model(tokens, tag_logits)


def make_conv_text(vocab_size=5000, dim=50):
    inp = keras.Input(shape=(100,), dtype="int32")
    e = layers.Embedding(vocab_size, dim)(inp)
    c = layers.Conv1D(64, 5, activation="relu")(e)
    c = layers.MaxPooling1D(2)(c)
    c = layers.Conv1D(32, 3, activation="relu")(c)
    c = layers.GlobalMaxPooling1D()(c)
    return keras.Model(inp, layers.Dense(1)(c))


stacked = keras.Sequential(
    [
        keras.Input(shape=(50, 8)),
        layers.SimpleRNN(16, return_sequences=True),
        layers.GRU(12, return_sequences=True, reset_after=False),
        layers.LSTM(6),
        layers.Dense(1),
    ]
)
