"""keras_hub TransformerDecoder: decoder-only and encoder-decoder use."""

import keras
from keras_hub.layers import TransformerDecoder, TransformerEncoder

# decoder-only (GPT-style block): no cross-attention weights
dec_in = keras.Input(shape=(16, 32))
decoder_only = keras.Model(dec_in, TransformerDecoder(intermediate_dim=64, num_heads=2)(dec_in))

# with an encoder sequence of a different width: cross-attention value projections differ
decoder_tokens = keras.Input(shape=(10, 64))
encoder_tokens = keras.Input(shape=(20, 48))
cross = TransformerDecoder(128, 4)(decoder_tokens, encoder_tokens)
with_cross = keras.Model([decoder_tokens, encoder_tokens], cross)


def make_seq2seq(dim=32, heads=4, ff=64):
    src = keras.Input(shape=(None, dim))
    tgt = keras.Input(shape=(None, dim))
    memory = TransformerEncoder(ff, heads)(src)
    out = TransformerDecoder(ff, heads, normalize_first=True)(tgt, memory)
    logits = keras.layers.Dense(100)(out)
    return keras.Model([src, tgt], logits)


prenorm_in = keras.Input(shape=(8, 24))
prenorm_dec = keras.Model(
    prenorm_in,
    TransformerDecoder(intermediate_dim=48, num_heads=3, normalize_first=True, dropout=0.2)(prenorm_in),
)
