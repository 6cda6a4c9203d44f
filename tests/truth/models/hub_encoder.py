"""keras_hub TransformerEncoder and FNetEncoder in functional models."""

import keras
import keras_hub
from keras_hub.layers import FNetEncoder, TransformerEncoder

# small encoder on a fixed-length sequence
tokens = keras.Input(shape=(16, 32))
small = keras.Model(tokens, TransformerEncoder(intermediate_dim=64, num_heads=2)(tokens))

# pre-norm, variable length, gelu
seq = keras.Input(shape=(None, 64))
encoded = TransformerEncoder(128, 4, activation="gelu", normalize_first=True)(seq)
prenorm = keras.Model(seq, encoded)

# two stacked encoders with dropout, then a classifier head
x_in = keras.Input(shape=(10, 48))
x = keras_hub.layers.TransformerEncoder(intermediate_dim=96, num_heads=3, dropout=0.1)(x_in)
x = keras_hub.layers.TransformerEncoder(intermediate_dim=96, num_heads=3, dropout=0.1)(x)
x = keras.layers.GlobalAveragePooling1D()(x)
stacked = keras.Model(x_in, keras.layers.Dense(2)(x))


def make_wide_encoder():
    inp = keras.Input(shape=(8, 128))
    out = TransformerEncoder(intermediate_dim=512, num_heads=8, layer_norm_epsilon=1e-6)(inp)
    return keras.Model(inp, out)


# one layer instance applied twice (shared weights)
shared_in = keras.Input(shape=(12, 16))
shared_layer = TransformerEncoder(32, 2)
shared_twice = keras.Model(shared_in, shared_layer(shared_layer(shared_in)))

# FNet: no attention weights, Fourier mixing
fnet_in = keras.Input(shape=(16, 32))
fnet_small = keras.Model(fnet_in, FNetEncoder(intermediate_dim=64)(fnet_in))


def make_fnet(dim=64, hidden=256):
    inp = keras.Input(shape=(20, dim))
    h = FNetEncoder(hidden, dropout=0.1)(inp)
    h = FNetEncoder(hidden)(h)
    return keras.Model(inp, h)
