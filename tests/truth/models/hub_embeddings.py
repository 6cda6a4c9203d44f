"""keras_hub embedding layers: PositionEmbedding, TokenAndPositionEmbedding, ReversibleEmbedding,
SinePositionEncoding, RotaryEmbedding."""

import keras
from keras_hub.layers import (
    PositionEmbedding,
    ReversibleEmbedding,
    RotaryEmbedding,
    SinePositionEncoding,
    TokenAndPositionEmbedding,
)

# PositionEmbedding: (sequence_length, input_shape[-1])
seq = keras.Input(shape=(32, 16))
position_model = keras.Model(seq, seq + PositionEmbedding(sequence_length=32)(seq))

long_seq = keras.Input(shape=(None, 64))
position_long = keras.Model(long_seq, PositionEmbedding(sequence_length=128)(long_seq))

# token + position, tied (default) and untied
ids = keras.Input(shape=(64,), dtype="int32")
tok_pos = keras.Model(ids, TokenAndPositionEmbedding(vocabulary_size=1000, sequence_length=64, embedding_dim=32)(ids))

ids2 = keras.Input(shape=(None,), dtype="int32")
untied_tp = TokenAndPositionEmbedding(500, 128, 24, tie_weights=False, mask_zero=True)
tok_pos_untied = keras.Model(ids2, untied_tp(ids2))

# ReversibleEmbedding used both ways: embed, then project back to logits with the same table
rev_ids = keras.Input(shape=(None,), dtype="int32")
rev = ReversibleEmbedding(input_dim=300, output_dim=20)
rev_h = keras.layers.Dense(20)(rev(rev_ids))
tied_lm = keras.Model(rev_ids, rev(rev_h, reverse=True))

untied_ids = keras.Input(shape=(None,), dtype="int32")
untied_rev = ReversibleEmbedding(300, 20, tie_weights=False)
untied_lm = keras.Model(untied_ids, untied_rev(untied_rev(untied_ids), reverse=True))

# weightless position encodings combined with a Dense
sine_in = keras.Input(shape=(10, 24))
sine_out = keras.layers.Dense(8)(sine_in + SinePositionEncoding()(sine_in))
sine_model = keras.Model(sine_in, sine_out)

rope_in = keras.Input(shape=(12, 4, 16))
rope_out = RotaryEmbedding(max_wavelength=10000)(rope_in)
rope_model = keras.Model(rope_in, keras.layers.Dense(16)(rope_out))
