"""keras_hub CachedMultiHeadAttention, MaskedLMHead, AlibiBias, and a small BERT/GPT built from hub layers."""

import keras
from keras_hub.layers import (
    AlibiBias,
    CachedMultiHeadAttention,
    MaskedLMHead,
    ReversibleEmbedding,
    TokenAndPositionEmbedding,
    TransformerDecoder,
    TransformerEncoder,
)

# self-attention
q = keras.Input(shape=(10, 32))
self_attn = keras.Model(q, CachedMultiHeadAttention(num_heads=4, key_dim=8)(q, q))

# cross-attention with a value width different from the query width, and value_dim
cq = keras.Input(shape=(6, 20))
cv = keras.Input(shape=(9, 12))
cross_attn = keras.Model([cq, cv], CachedMultiHeadAttention(num_heads=2, key_dim=5, value_dim=7)(cq, cv))

# no bias, explicit output_shape
nb = keras.Input(shape=(5, 16))
no_bias_attn = keras.Model(nb, CachedMultiHeadAttention(num_heads=2, key_dim=4, use_bias=False, output_shape=10)(nb, nb))

# MaskedLMHead with its own output kernel
enc = keras.Input(shape=(16, 32))
positions = keras.Input(shape=(4,), dtype="int32")
mlm_untied = keras.Model([enc, positions], MaskedLMHead(vocabulary_size=500, activation="softmax")(enc, mask_positions=positions))


def make_tied_mlm():
    token_ids = keras.Input(shape=(16,), dtype="int32")
    mask_positions = keras.Input(shape=(4,), dtype="int32")
    embedding = ReversibleEmbedding(400, 24)
    x = embedding(token_ids)
    x = TransformerEncoder(48, 2)(x)
    head = MaskedLMHead(token_embedding=embedding, activation="softmax")
    return keras.Model([token_ids, mask_positions], head(x, mask_positions=mask_positions))


# ALiBi adds a fixed bias to attention scores (batch, heads, query, key)
scores = keras.Input(shape=(4, 8, 8))
alibi_model = keras.Model(scores, AlibiBias()(scores))


def make_mini_bert(vocab=2000, seq_len=32, dim=64, layers=2):
    ids = keras.Input(shape=(seq_len,), dtype="int32")
    x = TokenAndPositionEmbedding(vocab, seq_len, dim)(ids)
    for _ in range(layers):
        x = TransformerEncoder(intermediate_dim=dim * 4, num_heads=4)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(ids, keras.layers.Dense(2)(x))


def make_mini_gpt(vocab=1000, seq_len=16, dim=32):
    ids = keras.Input(shape=(seq_len,), dtype="int32")
    x = TokenAndPositionEmbedding(vocab, seq_len, dim)(ids)
    x = TransformerDecoder(intermediate_dim=64, num_heads=2)(x)
    return keras.Model(ids, keras.layers.Dense(vocab)(x))
