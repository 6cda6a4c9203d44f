"""Regenerate tests/truth/builtins.json: weights and output shapes of built-in Keras layers, from real Keras.

Run from the repository root:

    uv run python tests/truth/gen_builtins.py            # writes tests/truth/builtins.json
    uv run python tests/truth/gen_builtins.py --check    # recompute and diff against builtins.json, write nothing

Runtime: about 4 minutes of CPU for 460 configurations (one worker subprocess per flavor; each
pays the TensorFlow import once; 14 minutes of wall time on a loaded 2-vCPU machine).

Each configuration is ``{"layer", "args", "kwargs", "input_shape", "flavor"}``:

* ``layer``: the class name under ``keras.layers`` (``tf_keras.layers`` for ``flavor`` ``tf_keras``).
  The analyser looks it up as ``keras.layers.<layer>`` for both flavors.
* ``args`` / ``kwargs``: constructor arguments (JSON values). A nested layer (the argument of
  ``Bidirectional`` / ``TimeDistributed``) is written ``{"layer": ..., "args": [...], "kwargs": {...}}``.
* ``input_shape``: with the batch dimension (``None``), e.g. ``[None, 10]``; for layers called on
  several tensors, a list of shapes. ``MultiHeadAttention`` / ``GroupQueryAttention`` are called as
  ``layer(query, value[, key])``; every other multi-input layer (``Attention``, merge layers) is
  called on the list. ``Embedding`` / ``ReversibleEmbedding`` inputs are ``int32``.
* ``flavor``: ``keras3`` (``import keras``, also what ``tf.keras`` is in TF 2.21) or ``tf_keras``
  (``import tf_keras``, which is ``tf.keras`` under ``TF_USE_LEGACY_KERAS=1``).
* ``mode`` (optional): ``build`` for layers built on ``input_shape`` instead of called (recurrent
  cells, which a call would need states for), ``construct`` for ``InputLayer``; ``dtype``
  (optional): the input dtype (``int32``, ``string``) for lookup and hashing layers.

Besides the entries, ``public_layers`` records every public class name under ``keras.layers`` /
``tf_keras.layers`` per flavor: tests/truth/test_layer_coverage.py asserts each is modelled and
checked here, or listed as unknown with a reason. Every modelled weightless layer and alias gets a
default configuration (``_plain_entries``) so each public name is checked in each flavor.

The layer is constructed and called once on ``keras.Input`` tensors (which builds it), and the
generator records:

* ``weights``: every variable of ``layer.weights`` in Keras' order: ``name`` (its path below the
  layer, e.g. ``kernel``, ``forward_lstm/lstm_cell/kernel``, ``query/bias``), ``shape`` and
  ``trainable`` (membership in ``layer.trainable_weights``);
* ``trainable`` / ``non_trainable`` / ``total``: sizes of ``trainable_weights`` /
  ``non_trainable_weights`` (cross-checked against ``count_params()``);
* ``output_shape``: the symbolic output's shape, batch dimension included; a list of shapes when
  the layer returns several tensors (``return_state=True``).

``keras.backend.clear_session()`` runs before each configuration so sublayer names do not pick up
numeric suffixes. A configuration that fails to build stops the generator with its traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flavor_worker import generate as run_corpus
from flavor_worker import generator_main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "builtins.json"

CORPUS: list[dict] = []

# layers whose call takes several tensors as positional arguments (query, value[, key])
POSITIONAL_MULTI = frozenset({"MultiHeadAttention", "GroupQueryAttention"})
INT_INPUT = frozenset({"Embedding", "ReversibleEmbedding"})


def add(layer: str, shape: list, /, *args, flavor: str = "keras3", mode: str = "call", dtype_in: str | None = None, **kwargs) -> None:
    entry = {"layer": layer, "args": list(args), "kwargs": dict(kwargs), "input_shape": shape, "flavor": flavor}
    entry.update({"mode": mode} if mode != "call" else {})
    entry.update({"dtype": dtype_in} if dtype_in else {})
    CORPUS.append(entry)


def k2(layer: str, shape: list, /, *args, **kwargs) -> None:
    add(layer, shape, *args, flavor="tf_keras", **kwargs)


def nested(layer: str, *args, **kwargs) -> dict:
    return {"layer": layer, "args": list(args), "kwargs": dict(kwargs)}


N = None

# --- Keras 3 ------------------------------------------------------------------------------------
# Dense (+ LoRA)
add("Dense", [N, 10], 5)
add("Dense", [N, 784], 128)
add("Dense", [N, 4, 33], 7, use_bias=False)
add("Dense", [N, 2, 3, 6], units=3, activation="relu")
add("Dense", [N, 10], 5, lora_rank=2)
add("Dense", [N, 32], 64, lora_rank=4)
add("Dense", [N, 8], 8, lora_rank=1, use_bias=False)
add("Dense", [N, 5, 12], 6, lora_rank=3, lora_alpha=8)

# EinsumDense (+ LoRA)
add("EinsumDense", [N, 32], "ab,bc->ac", output_shape=64, bias_axes="c")
add("EinsumDense", [N, 5, 8], "abc,cd->abd", output_shape=(None, 16))
add("EinsumDense", [N, 7, 12], "abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")
add("EinsumDense", [N, 3, 4], "...b,bc->...c", output_shape=6, bias_axes="c")
add("EinsumDense", [N, 6], "ab,bc->ac", output_shape=10, bias_axes="c", lora_rank=2)
add("EinsumDense", [N, 5, 8], "abc,cd->abd", output_shape=(None, 16), lora_rank=4)

# Embedding (+ LoRA), ReversibleEmbedding
add("Embedding", [N, 20], 1000, 64)
add("Embedding", [N, N], 50, 8, mask_zero=True)
add("Embedding", [N, 4, 5], input_dim=300, output_dim=16)
add("Embedding", [N, 10], 100, 8, lora_rank=2)
add("ReversibleEmbedding", [N, 12], 300, 20)
add("ReversibleEmbedding", [N, 12], 300, 20, tie_weights=False)

# Conv1D / Conv2D / Conv3D (+ groups)
add("Conv1D", [N, 10, 1], 16, 3)
add("Conv1D", [N, 20, 8], 32, 5)
add("Conv1D", [N, 50, 3], 64, 7, use_bias=False)
add("Conv1D", [N, 15, 4], 8, 3, strides=2, padding="same")
add("Conv1D", [N, 20, 6], 12, 3, groups=3)
add("Conv1D", [N, 16, 2], 4, 3, dilation_rate=2, padding="causal")
add("Conv2D", [N, 28, 28, 3], 32, (3, 3))
add("Conv2D", [N, 32, 32, 32], 64, (5, 5))
add("Conv2D", [N, 8, 8, 1], 16, (1, 3))
add("Conv2D", [N, 16, 16, 16], 32, (3, 3), groups=4)
add("Conv2D", [N, 15, 15, 3], 8, 3, strides=2, padding="same", use_bias=False)
add("Conv2D", [N, 3, 10, 10], 6, kernel_size=(3, 3), data_format="channels_first")
add("Conv2D", [N, 9, 9, 2], filters=4, kernel_size=2, dilation_rate=2)
add("Conv2D", [N, N, N, 3], 16, 3, strides=(2, 1))
add("Conv3D", [N, 10, 10, 10, 1], 8, (3, 3, 3))
add("Conv3D", [N, 5, 8, 8, 4], 16, (1, 3, 3))
add("Conv3D", [N, 4, 4, 4, 3], 4, 2, use_bias=False, padding="same")
add("Conv3D", [N, 6, 6, 6, 4], 6, 3, groups=2)

# transposed convolutions
add("Conv1DTranspose", [N, 10, 4], 8, 3)
add("Conv1DTranspose", [N, 7, 3], 4, 5, strides=2, padding="same")
add("Conv2DTranspose", [N, 8, 8, 8], 16, (3, 3))
add("Conv2DTranspose", [N, 16, 16, 64], 3, (4, 4), strides=2, padding="same")
add("Conv2DTranspose", [N, 5, 5, 1], 1, (2, 2), use_bias=False)
add("Conv3DTranspose", [N, 4, 4, 4, 2], 4, 3)
add("Conv3DTranspose", [N, 3, 3, 3, 5], 2, (2, 2, 2), strides=2)

# depthwise / separable
add("DepthwiseConv2D", [N, 8, 8, 3], (3, 3))
add("DepthwiseConv2D", [N, 16, 16, 32], (3, 3), depth_multiplier=2)
add("DepthwiseConv2D", [N, 10, 10, 16], 5, use_bias=False, padding="same")
add("DepthwiseConv1D", [N, 10, 4], 3)
add("DepthwiseConv1D", [N, 20, 2], 5, depth_multiplier=3, strides=2)
add("SeparableConv2D", [N, 8, 8, 3], 32, (3, 3))
add("SeparableConv2D", [N, 16, 16, 16], 64, (3, 3), depth_multiplier=2)
add("SeparableConv2D", [N, 10, 10, 8], 8, 5, use_bias=False, padding="same")
add("SeparableConv1D", [N, 10, 4], 16, 3)
add("SeparableConv1D", [N, 12, 2], 8, 5, depth_multiplier=3)

# recurrent
add("SimpleRNN", [N, 10, 8], 32)
add("SimpleRNN", [N, 7, 10], 5, return_sequences=True)
add("SimpleRNN", [N, N, 3], 4, use_bias=False)
add("LSTM", [N, 10, 8], 32)
add("LSTM", [N, 20, 100], 64, return_sequences=True)
add("LSTM", [N, 6, 10], 5, use_bias=False)
add("LSTM", [N, 5, 3], 8, return_state=True)
add("LSTM", [N, N, 4], 16, unit_forget_bias=False, go_backwards=True)
add("GRU", [N, 10, 8], 32)
add("GRU", [N, 20, 100], 64)
add("GRU", [N, 6, 10], 5, reset_after=False)
add("GRU", [N, 10, 8], 32, reset_after=False, return_sequences=True)
add("GRU", [N, 4, 3], 8, use_bias=False)
add("GRU", [N, 4, 3], 6, use_bias=False, reset_after=False)
add("GRU", [N, 9, 4], units=3, reset_after=True, return_sequences=True, return_state=True)

# wrappers
add("Bidirectional", [N, 10, 8], nested("LSTM", 32))
add("Bidirectional", [N, 20, 100], nested("LSTM", 64, return_sequences=True), merge_mode="sum")
add("Bidirectional", [N, 10, 4], nested("GRU", 16))
add("Bidirectional", [N, 6, 10], nested("GRU", 5, reset_after=False), merge_mode="concat")
add("Bidirectional", [N, 7, 3], nested("SimpleRNN", 4, return_sequences=True), merge_mode="ave")
add("Bidirectional", [N, 5, 6], nested("LSTM", 8), merge_mode="mul")
add("TimeDistributed", [N, 7, 10], nested("Dense", 5))
add("TimeDistributed", [N, 4, 2], nested("Dense", 3))
add("TimeDistributed", [N, 5, 8, 8, 2], nested("Conv2D", 4, (3, 3)))
add("TimeDistributed", [N, N, 6], nested("Dense", 8, use_bias=False))

# convolutional recurrent
add("ConvLSTM2D", [N, 5, 10, 10, 1], 8, (3, 3))
add("ConvLSTM2D", [N, 3, 6, 6, 3], 4, (1, 1))
add("ConvLSTM2D", [N, 4, 5, 5, 2], 2, (2, 2), return_sequences=True, padding="same")
add("ConvLSTM1D", [N, 5, 12, 2], 6, 3)
add("ConvLSTM1D", [N, 3, 8, 3], 4, 2, use_bias=False)
add("ConvLSTM3D", [N, 3, 4, 4, 4, 1], 2, (2, 2, 2))

# normalization
add("BatchNormalization", [N, 10])
add("BatchNormalization", [N, 28, 28, 32])
add("BatchNormalization", [N, 64], scale=False)
add("BatchNormalization", [N, 16], center=False)
add("BatchNormalization", [N, 8], center=False, scale=False)
add("BatchNormalization", [N, 3, 8, 8], axis=1)
add("BatchNormalization", [N, 5, 7], momentum=0.9, epsilon=1e-5)
add("LayerNormalization", [N, 10])
add("LayerNormalization", [N, 12, 768])
add("LayerNormalization", [N, 64], center=False)
add("LayerNormalization", [N, 32], scale=False)
add("LayerNormalization", [N, 10], rms_scaling=True)
add("LayerNormalization", [N, 4, 5], axis=[1, 2])
add("LayerNormalization", [N, 6, 3], axis=1)
add("GroupNormalization", [N, 8], groups=2)
add("GroupNormalization", [N, 10, 10, 32], 4)
add("GroupNormalization", [N, 5, 3], groups=1, center=False)
add("GroupNormalization", [N, 6, 4], groups=3, axis=1)
add("UnitNormalization", [N, 10])
add("RMSNormalization", [N, 10])
add("RMSNormalization", [N, 4, 768])
add("RMSNormalization", [N, 6, 3], axis=1)
add("Normalization", [N, 3])
add("Normalization", [N, 4, 5], axis=(1, 2))
add("Normalization", [N, 4], axis=None)
add("Normalization", [N, 2], mean=[1.0, 2.0], variance=[1.0, 4.0])

# attention
add("MultiHeadAttention", [[N, 8, 32], [N, 8, 32]], num_heads=2, key_dim=16)
add("MultiHeadAttention", [[N, 10, 512], [N, 10, 512]], 8, 64)
add("MultiHeadAttention", [[N, 5, 20], [N, 7, 12]], 4, 8)
add("MultiHeadAttention", [[N, 4, 10], [N, 6, 6]], 3, 5, value_dim=7)
add("MultiHeadAttention", [[N, 3, 10], [N, 3, 10]], 2, 4, output_shape=9)
add("MultiHeadAttention", [[N, 3, 6], [N, 5, 5], [N, 5, 3]], 2, 4)
add("MultiHeadAttention", [[N, 4, 16], [N, 4, 16]], 4, 8, use_bias=False)
add("MultiHeadAttention", [[N, 3, 10], [N, 3, 10]], 2, 4, output_shape=(3, 5))
add("GroupQueryAttention", [[N, 5, 32], [N, 5, 32]], head_dim=8, num_query_heads=4, num_key_value_heads=2)
add("GroupQueryAttention", [[N, 4, 64], [N, 6, 64]], 16, 8, 1, use_bias=False)
add("GroupQueryAttention", [[N, 3, 10], [N, 7, 10], [N, 7, 5]], 4, 2, 2)
add("Attention", [[N, 5, 8], [N, 7, 8]])
add("Attention", [[N, 5, 8], [N, 7, 8]], use_scale=True)
add("Attention", [[N, 5, 8], [N, 7, 8]], score_mode="concat")
add("Attention", [[N, 5, 8], [N, 7, 8]], use_scale=True, score_mode="concat")
add("Attention", [[N, 5, 8], [N, 7, 6], [N, 7, 8]])
add("AdditiveAttention", [[N, 5, 8], [N, 7, 8]])
add("AdditiveAttention", [[N, 5, 8], [N, 7, 8]], use_scale=False)

# PReLU
add("PReLU", [N, 10])
add("PReLU", [N, 4, 4, 3])
add("PReLU", [N, 4, 4, 3], shared_axes=[1, 2])
add("PReLU", [N, 5, 6], shared_axes=[1])

# weightless
add("Dropout", [N, 10], 0.5)
add("Flatten", [N, 4, 4, 3])
add("ReLU", [N, 7])
add("LeakyReLU", [N, 7], negative_slope=0.2)
add("Softmax", [N, 3, 5])
add("Activation", [N, 3, 4], "relu")
add("Reshape", [N, 12], (4, 3))
add("Reshape", [N, 3, 4], (-1, 2))
add("Permute", [N, 3, 4], (2, 1))
add("RepeatVector", [N, 5], 3)
add("MaxPooling2D", [N, 28, 28, 3])
add("MaxPooling2D", [N, 15, 15, 8], pool_size=3, strides=2, padding="same")
add("AveragePooling1D", [N, 10, 4], 2)
add("GlobalAveragePooling1D", [N, 10, 4])
add("GlobalMaxPooling2D", [N, 8, 8, 16])
add("ZeroPadding2D", [N, 5, 5, 3], 1)
add("Cropping2D", [N, 8, 8, 3], ((1, 1), (2, 2)))
add("UpSampling2D", [N, 4, 4, 3], 2)
add("SpatialDropout1D", [N, 10, 4], 0.1)
add("GaussianNoise", [N, 6], 0.1)
add("Identity", [N, 6])
add("Masking", [N, 5, 3])
add("Add", [[N, 5], [N, 5]])
add("Subtract", [[N, 4, 2], [N, 4, 2]])
add("Multiply", [[N, 3], [N, 3], [N, 3]])
add("Concatenate", [[N, 3], [N, 4]])
add("Concatenate", [[N, 2, 5], [N, 3, 5]], axis=1)

# edge cases: arguments whose handling is easy to get wrong (data_format, broadcasting, wrappers
# with a different backward layer, LoRA on convolutions, gated attention, renormalisation)
add("Conv2D", [N, 8, 8, 4], 8, 3, lora_rank=2)
add("Conv1D", [N, 10, 6], 4, 3, lora_rank=1, use_bias=False)
add("DepthwiseConv2D", [N, 3, 8, 8], 3, data_format="channels_first")
add("SeparableConv1D", [N, 4, 10], 8, 3, data_format="channels_first")
add("Conv3D", [N, 2, 4, 4, 4], 3, 2, data_format="channels_first")
add("Conv2DTranspose", [N, 5, 5, 2], 4, 3, strides=2, output_padding=1)
add("ConvLSTM2D", [N, 3, 2, 8, 8], 4, 3, data_format="channels_first")
add("ConvLSTM1D", [N, 4, 3, 10], 2, 3, data_format="channels_first", return_sequences=True)
add("Bidirectional", [N, 6, 5], nested("LSTM", 4), backward_layer=nested("GRU", 4, go_backwards=True))
add("Bidirectional", [N, 6, 5], nested("GRU", 3, return_sequences=True), merge_mode=None)
add("TimeDistributed", [N, 3, 5, 4], nested("LSTM", 6))
add("TimeDistributed", [N, 4, 6], nested("BatchNormalization"))
add("TimeDistributed", [N, 2, 3, 4, 5], nested("Dense", 7))
add("MultiHeadAttention", [[N, 2, 3, 8], [N, 2, 3, 8]], 2, 4, attention_axes=(1, 2))
add("MultiHeadAttention", [[N, 4, 16], [N, 4, 16]], 2, 8, use_gate=True)
add("BatchNormalization", [N, 6], renorm=True)
add("BatchNormalization", [N, 4, 6], axis=-2)
add("LayerNormalization", [N, 4, 6], axis=-2)
add("PReLU", [N, 5, 6], shared_axes=1)
add("PReLU", [N, N, 3], shared_axes=[1])
add("MaxPooling2D", [N, 3, 8, 8], data_format="channels_first")
add("AveragePooling2D", [N, 9, 9, 2], pool_size=(2, 3))
add("GlobalAveragePooling2D", [N, 8, 8, 16], keepdims=True)
add("GlobalAveragePooling1D", [N, 4, 10], data_format="channels_first")
add("Flatten", [N, N, 3])
add("Add", [[N, 1, 5], [N, 4, 5]])
add("Maximum", [[N, 6], [N, 6]])
add("Concatenate", [[N, N, 3], [N, N, 4]])
add("Embedding", [N, 7], 20, 4, embeddings_regularizer="l2")
add("Dense", [N, 6], 4, kernel_regularizer="l2", bias_constraint="non_neg")
add("EinsumDense", [N, 5, 8], "abc,cd->abd", output_shape=(5, 16), bias_axes="bd")
add("EinsumDense", [N, 5, 8], "abc,cd->abd", output_shape=(5, 16), bias_axes="b")
add("EinsumDense", [N, 6, 4], "abc,bd->adc", output_shape=(3, 4))
add("TimeDistributed", [N, 3, 5, 4], nested("Bidirectional", nested("LSTM", 2)))
add("GroupNormalization", [N, 4, 6], groups=-1)

# recurrent cells (built on a per-step shape), RNN over a cell or a stack of cells
add("SimpleRNNCell", [N, 6], 4, mode="build")
add("LSTMCell", [N, 6], 4, mode="build")
add("LSTMCell", [N, 3], 5, use_bias=False, mode="build")
add("GRUCell", [N, 6], 4, mode="build")
add("GRUCell", [N, 6], 4, reset_after=False, mode="build")
add("StackedRNNCells", [N, 6], [nested("LSTMCell", 4), nested("GRUCell", 3)], mode="build")
add("RNN", [N, 7, 6], nested("LSTMCell", 4))
add("RNN", [N, 7, 6], nested("SimpleRNNCell", 5), return_sequences=True)
add("RNN", [N, 7, 6], nested("GRUCell", 3, reset_after=False))
add("RNN", [N, 7, 6], [nested("LSTMCell", 4), nested("SimpleRNNCell", 2)])
add("RNN", [N, 7, 6], nested("StackedRNNCells", [nested("GRUCell", 4), nested("LSTMCell", 3)]), return_sequences=True)
add("SpectralNormalization", [N, 6], nested("Dense", 4))
add("SpectralNormalization", [N, 8, 8, 3], nested("Conv2D", 5, 3), power_iterations=2)

# preprocessing and augmentation (inference call); STFTSpectrogram has trainable kernels


def preprocessing(flavor: str) -> None:
    """The preprocessing layers both flavours have, called as in inference."""
    add("Resizing", [N, 16, 16, 3], 8, 6, flavor=flavor)
    add("CenterCrop", [N, 16, 16, 3], 8, 6, flavor=flavor)
    add("RandomCrop", [N, 16, 16, 3], 8, 6, flavor=flavor)
    add("Discretization", [N, 4], flavor=flavor, bin_boundaries=[0.0, 1.0, 2.0])
    add("CategoryEncoding", [N, 3], flavor=flavor, num_tokens=10, output_mode="multi_hot", dtype_in="int32")
    add("Hashing", [N, 3], 5, flavor=flavor, dtype_in="int32")
    add("HashedCrossing", [[N, 1], [N, 1]], 5, flavor=flavor, dtype_in="int32")
    add("IntegerLookup", [N, 3], flavor=flavor, vocabulary=[1, 2, 3], dtype_in="int32")
    add("StringLookup", [N, 3], flavor=flavor, vocabulary=["a", "b"], dtype_in="string")
    add("TextVectorization", [N, 1], flavor=flavor, max_tokens=20, output_sequence_length=5, vocabulary=["a", "b"], dtype_in="string")


preprocessing("keras3")
add("Rescaling", [N, 4, 4, 3], 1.0 / 255, offset=-1.0)
# (window=None: a named window needs scipy to build its initial values; the weights are the same)
add("STFTSpectrogram", [N, 64, 1], frame_length=16, frame_step=8, fft_length=16, window=None)
add("STFTSpectrogram", [N, 64, 2], mode="magnitude", frame_length=16, frame_step=4, fft_length=32, expand_dims=True, window=None)
add("STFTSpectrogram", [N, 64, 1], mode="real", frame_length=8, frame_step=8, fft_length=8, window=None)
add("STFTSpectrogram", [N, 64, 1], mode="imag", frame_length=12, window=None, trainable=False)
add("MelSpectrogram", [N, 256], fft_length=64, sequence_stride=16, sequence_length=32, num_mel_bins=16)
for _name, _args, _kwargs in (
    ("RandomFlip", (), {}), ("RandomRotation", (0.1,), {}), ("RandomZoom", (0.1,), {}), ("RandomTranslation", (0.1, 0.1), {}),
    ("RandomContrast", (0.1,), {}), ("RandomBrightness", (0.1,), {}), ("RandomHue", (0.1,), {}), ("RandomSaturation", (0.1,), {}),
    ("RandomSharpness", (0.1,), {}), ("RandomShear", (), {"x_factor": 0.1}), ("RandomPerspective", (), {}),
    ("RandomPosterization", (), {"factor": (1, 8)}), ("RandomGrayscale", (), {}), ("RandomInvert", (), {}),
    ("RandomGaussianBlur", (), {}), ("RandomErasing", (), {}), ("RandomElasticTransform", (), {}), ("RandomColorJitter", (), {}),
    ("RandomColorDegeneration", (0.1,), {}), ("AugMix", (), {}), ("AutoContrast", (), {}), ("CutMix", (), {}), ("MixUp", (), {}),
    ("Equalization", (), {}), ("RandAugment", (), {}), ("Solarization", (), {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", (), {"value_range": (0, 255)}),
):
    add(_name, [N, 16, 16, 3], *_args, **_kwargs)
add("MaxNumBoundingBoxes", [N, 4], 5, mode="build")
for _rank in (1, 2, 3):
    for _kind in ("Average", "Max"):
        add(f"Adaptive{_kind}Pooling{_rank}D", [N, *[8] * _rank, 3], 4)

# arguments the table does not model make the count not exact
add("GroupQueryAttention", [[N, 5, 32], [N, 5, 32]], 8, 4, 2, use_gate=True)

# --- tf_keras (Keras 2) -------------------------------------------------------------------------
k2("Dense", [N, 10], 5)
k2("Dense", [N, 4, 33], 7, use_bias=False)
k2("Embedding", [N, 20], 1000, 64)
k2("Embedding", [N, N], 50, 8, mask_zero=True)
k2("Conv1D", [N, 20, 8], 32, 5)
k2("Conv2D", [N, 28, 28, 3], 32, (3, 3))
k2("Conv2D", [N, 16, 16, 16], 32, (3, 3), groups=4)
k2("Conv2DTranspose", [N, 8, 8, 8], 16, (3, 3))
k2("DepthwiseConv2D", [N, 16, 16, 32], (3, 3), depth_multiplier=2)
k2("SeparableConv2D", [N, 8, 8, 3], 32, (3, 3))
k2("SimpleRNN", [N, 7, 10], 5)
k2("LSTM", [N, 10, 8], 32)
k2("LSTM", [N, 6, 10], 5, use_bias=False)
k2("GRU", [N, 10, 8], 32)
k2("GRU", [N, 10, 8], 32, reset_after=True)
k2("GRU", [N, 10, 8], 32, reset_after=False)
k2("GRU", [N, 6, 10], 5, reset_after=False, return_sequences=True)
k2("Bidirectional", [N, 10, 8], nested("LSTM", 32))
k2("Bidirectional", [N, 10, 4], nested("GRU", 16, reset_after=False))
k2("TimeDistributed", [N, 7, 10], nested("Dense", 5))
k2("ConvLSTM2D", [N, 5, 10, 10, 1], 8, (3, 3))
k2("BatchNormalization", [N, 10])
k2("BatchNormalization", [N, 28, 28, 32])
k2("BatchNormalization", [N, 64], scale=False)
k2("BatchNormalization", [N, 16], center=False)
k2("BatchNormalization", [N, 3, 8, 8], axis=1)
k2("LayerNormalization", [N, 12, 768])
k2("LayerNormalization", [N, 64], center=False)
k2("GroupNormalization", [N, 10, 10, 32], 4)
k2("UnitNormalization", [N, 10])
k2("Normalization", [N, 3])
k2("MultiHeadAttention", [[N, 8, 32], [N, 8, 32]], num_heads=2, key_dim=16)
k2("MultiHeadAttention", [[N, 4, 10], [N, 6, 6]], 3, 5, value_dim=7)
k2("MultiHeadAttention", [[N, 3, 6], [N, 5, 5], [N, 5, 3]], 2, 4)
k2("MultiHeadAttention", [[N, 4, 16], [N, 4, 16]], 4, 8, use_bias=False, output_shape=12)
k2("Attention", [[N, 5, 8], [N, 7, 8]], use_scale=True)
k2("AdditiveAttention", [[N, 5, 8], [N, 7, 8]])
k2("PReLU", [N, 4, 4, 3], shared_axes=[1, 2])
k2("BatchNormalization", [N, 3, 4, 5], axis=[1, 3])
k2("BatchNormalization", [N, 6], renorm=True)
k2("LayerNormalization", [N, 4, 5], axis=[1, 2])
k2("ConvLSTM2D", [N, 3, 2, 8, 8], 4, 3, data_format="channels_first")
k2("TimeDistributed", [N, 5, 8, 8, 2], nested("Conv2D", 4, (3, 3)))
k2("Bidirectional", [N, 6, 5], nested("LSTM", 4), backward_layer=nested("GRU", 4, go_backwards=True))
k2("SimpleRNN", [N, 7, 10], 5, use_bias=False)
k2("Add", [[N, 1, 5], [N, 4, 5]])
k2("Embedding", [N, 10], 100, 8, input_length=10)
k2("TimeDistributed", [N, 3, 5, 4], nested("Bidirectional", nested("LSTM", 2)))
k2("Dropout", [N, 10], 0.5)
k2("Flatten", [N, 4, 4, 3])
k2("Concatenate", [[N, 3], [N, 4]])


k2("SimpleRNNCell", [N, 6], 4, mode="build")
k2("LSTMCell", [N, 6], 4, mode="build")
k2("GRUCell", [N, 6], 4, mode="build")
k2("GRUCell", [N, 6], 4, reset_after=False, mode="build")
k2("StackedRNNCells", [N, 6], [nested("LSTMCell", 4), nested("GRUCell", 3)], mode="build")
k2("RNN", [N, 7, 6], nested("LSTMCell", 4))
k2("RNN", [N, 7, 6], [nested("LSTMCell", 4), nested("SimpleRNNCell", 2)], return_sequences=True)
k2("SpectralNormalization", [N, 6], nested("Dense", 4))
k2("LocallyConnected1D", [N, 10, 2], 4, 3)
k2("LocallyConnected1D", [N, 10, 2], 4, 3, strides=2, use_bias=False)
k2("LocallyConnected2D", [N, 6, 6, 2], 4, 3)
k2("LocallyConnected2D", [N, 7, 5, 3], 2, (2, 3), strides=(2, 1))
preprocessing("tf_keras")
k2("Rescaling", [N, 4, 4, 3], 1.0 / 255)
for _name, _args in (
    ("RandomFlip", ()), ("RandomRotation", (0.1,)), ("RandomZoom", (0.1,)), ("RandomTranslation", (0.1, 0.1)), ("RandomContrast", (0.1,)),
    ("RandomBrightness", (0.1,)), ("RandomHeight", (0.1,)), ("RandomWidth", (0.1,)),
):
    k2(_name, [N, 16, 16, 3], *_args)
k2("ThresholdedReLU", [N, 6], theta=0.5)
k2("Conv3D", [N, 6, 6, 6, 4], 6, 3)
k2("Conv3DTranspose", [N, 3, 3, 3, 5], 2, (2, 2, 2), strides=2)
k2("ConvLSTM1D", [N, 5, 12, 2], 6, 3)
k2("ConvLSTM3D", [N, 3, 4, 4, 4, 1], 2, (2, 2, 2))
k2("DepthwiseConv1D", [N, 20, 2], 5, depth_multiplier=3, strides=2)
k2("SeparableConv1D", [N, 12, 2], 8, 5, depth_multiplier=3)
k2("EinsumDense", [N, 7, 12], "abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")


def _plain_entries() -> None:
    """One default configuration for every weightless or aliased layer name a flavour has no entry for."""
    shapes = {"1D": [N, 8, 4], "2D": [N, 8, 8, 4], "3D": [N, 4, 4, 4, 2]}
    special = {
        "Reshape": ((8,),), "Permute": ((2, 1),), "RepeatVector": (3,), "Activation": ("relu",), "Dropout": (0.5,),
        "SpatialDropout1D": (0.1,), "SpatialDropout2D": (0.1,), "SpatialDropout3D": (0.1,), "GaussianNoise": (0.1,),
        "GaussianDropout": (0.1,), "AlphaDropout": (0.1,), "Lambda": ("identity",), "Dot": (1,),
    }
    merges = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
    for flavor, names in _PLAIN.items():
        have = {e["layer"] for e in CORPUS if e["flavor"] == flavor}
        for name in names.split():
            if name in have:
                continue
            args = (4, 3) if "Conv" in name else (2,) if "Pool" in name and "Global" not in name else special.get(name, ())
            shape = [[N, 4], [N, 4]] if name in merges else next((s for rank, s in shapes.items() if rank in name), [N, 2, 4])
            shape = [N, 4] if name == "RepeatVector" else shape
            if name == "InputLayer":  # nothing to call it on: constructed only
                add(name, shape, flavor=flavor, mode="construct", **{"shape" if flavor == "keras3" else "input_shape": [4]})
            else:
                add(name, shape, *args, flavor=flavor)


_COMMON = (
    "Activation ActivityRegularization Add AlphaDropout Average AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D "
    "AvgPool3D Concatenate Conv1DTranspose Convolution1D Convolution1DTranspose Convolution2D Convolution2DTranspose Convolution3D "
    "Convolution3DTranspose Cropping1D Cropping2D Cropping3D Dot Dropout ELU Flatten GaussianDropout GaussianNoise GlobalAveragePooling1D "
    "GlobalAveragePooling2D GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D "
    "GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D Identity InputLayer Lambda LeakyReLU Masking MaxPool1D "
    "MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum Minimum Multiply Permute ReLU RepeatVector Reshape "
    "SeparableConvolution1D SeparableConvolution2D Softmax SpatialDropout1D SpatialDropout2D SpatialDropout3D Subtract UpSampling1D "
    "UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D"
)
_PLAIN = {"keras3": _COMMON, "tf_keras": _COMMON}
_plain_entries()


# --- worker ---------------------------------------------------------------------------------------
def _worker() -> None:
    """Read jobs (JSON list) on stdin, print one JSON object with the results on stdout."""
    import warnings

    warnings.simplefilter("ignore")
    jobs = json.load(sys.stdin)
    flavor = jobs[0]["flavor"]
    if flavor == "tf_keras":
        import tf_keras as keras
    else:
        import keras

    measure = _measure(keras, flavor)
    results, failures = [], []
    for job in jobs:
        try:
            results.append(measure(job))
        except Exception as exc:  # noqa: BLE001 -- every failing configuration is listed, then the run fails
            failures.append(f"{job['layer']} {job['args']} {job['kwargs']}: {type(exc).__name__}: {exc}")
    if failures:
        raise SystemExit("configurations Keras rejects:\n" + "\n".join(failures))
    versions = {"keras_flavor": flavor, "keras": keras.__version__}
    import tensorflow as tf

    versions["tensorflow"] = tf.__version__
    json.dump({"versions": versions, "results": results, "public_layers": _public_layers(keras)}, sys.stdout)


def _measure(keras, flavor: str):
    """A function measuring one configuration with this Keras."""
    import numpy as np

    def make(layer: str, args: list, kwargs: dict):
        def value(v):
            if isinstance(v, dict) and "layer" in v:
                return make(v["layer"], v.get("args", []), v.get("kwargs", {}))
            if isinstance(v, list):  # JSON lists stand for the tuples written in the corpus
                return tuple(value(x) for x in v)
            return v

        cls = getattr(keras.layers, layer)
        if layer == "Lambda" and args == ["identity"]:  # JSON has no functions
            return cls(lambda x: x)
        return cls(*[value(a) for a in args], **{k: value(v) for k, v in kwargs.items()})

    def size(variables) -> int:
        seen, n = set(), 0
        for v in variables:
            if id(v) in seen:
                continue
            seen.add(id(v))
            n += int(np.prod(tuple(v.shape), dtype=np.int64))
        return n

    def relative_name(layer, variable, scoped: bool) -> str:
        name = variable.path if flavor == "keras3" else variable.name
        name = name.removesuffix(":0")
        prefix = layer.name + "/"
        if not scoped and not name.startswith(prefix):  # tf_keras: build() outside a call names no layer scope
            return name
        if not name.startswith(prefix):
            raise RuntimeError(f"weight {name!r} is not below layer {layer.name!r}")
        return name[len(prefix) :]

    def shape_of(tensor):
        if tensor is None:
            return None
        if isinstance(tensor, list | tuple):
            return [shape_of(t) for t in tensor]
        shape = tensor.shape
        return list(shape.as_list() if hasattr(shape, "as_list") else shape)

    def measure(job: dict) -> dict:
        keras.backend.clear_session()
        layer_name = job["layer"]
        layer = make(layer_name, job["args"], job["kwargs"])
        shape = job["input_shape"]
        multi = bool(shape) and isinstance(shape[0], list)
        dtype = job.get("dtype") or ("int32" if layer_name in INT_INPUT else "float32")
        shapes = shape if multi else [shape]
        inputs = [keras.Input(shape=tuple(s[1:]), batch_size=s[0], dtype=dtype) for s in shapes]
        mode = job.get("mode", "call")
        if mode == "construct":
            output = None
        elif mode == "build":  # a cell is called with states; building it on one step's shape makes its weights
            layer.build(tuple(shape))
            output = None
        elif not multi:
            output = layer(inputs[0])
        elif layer_name in POSITIONAL_MULTI:
            output = layer(*inputs)
        else:
            output = layer(inputs)
        if not layer.built and mode != "construct":
            raise RuntimeError(f"{job} is not built")
        trainable_ids = {id(v) for v in layer.trainable_weights}
        weights = [
            {"name": relative_name(layer, w, mode == "call"), "shape": [int(d) for d in w.shape], "trainable": id(w) in trainable_ids}
            for w in layer.weights
        ]
        trainable = size(layer.trainable_weights)
        non_trainable = size(layer.non_trainable_weights)
        total = layer.count_params()
        if total != trainable + non_trainable:
            raise RuntimeError(f"{job}: count_params {total} != {trainable} + {non_trainable}")
        if sum(int(np.prod(w["shape"], dtype=np.int64)) for w in weights) != total:
            raise RuntimeError(f"{job}: weights do not add up to {total}")
        return {
            **job,
            "class": f"{type(layer).__module__}.{type(layer).__qualname__}",
            "weights": weights,
            "trainable": trainable,
            "non_trainable": non_trainable,
            "total": total,
            "output_shape": shape_of(output),
        }

    return measure


def _public_layers(keras) -> list[str]:
    """Every public class under ``keras.layers`` (and the ``Input`` function), for the coverage test."""
    import inspect

    names = [name for name, value in vars(keras.layers).items() if not name.startswith("_") and inspect.isclass(value)]
    return sorted({*names, "Input"})


def _key(e: dict) -> str:
    return json.dumps([e["layer"], e["args"], e["kwargs"], e["input_shape"], e["flavor"]], sort_keys=True)


def _normalized(e: dict) -> dict:
    """The corpus entry as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(e))


def generate() -> dict:
    return run_corpus(__file__, [_normalized(e) for e in CORPUS], _key)


def main() -> int:
    return generator_main(__doc__, OUT, generate, _worker, _key, "flavor", lambda e: (e["flavor"], e["layer"], e["args"], e["kwargs"], e["input_shape"], e["total"]))


if __name__ == "__main__":
    sys.exit(main())
