"""Questions about a layer class that rules ask, answered from the built-in table or the file."""

from __future__ import annotations

from collections.abc import Iterator

from .facts import ClassFacts, ModuleFacts

# TODO(builtins): answer from builtins.lookup once the table lands
_WEIGHTLESS = frozenset(
    "Activation Dropout ReLU LeakyReLU ELU Softmax Flatten Reshape Permute RepeatVector Lambda Add Subtract Multiply "
    "Average Maximum Minimum Concatenate Dot MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D "
    "AveragePooling3D GlobalAveragePooling1D GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D ZeroPadding2D "
    "Cropping2D UpSampling2D SpatialDropout1D SpatialDropout2D GaussianNoise GaussianDropout Identity Masking".split()
)


# built-ins whose build() always creates weights: a subclass must let it run
_ALWAYS_WEIGHTED = frozenset(
    "Dense EinsumDense Embedding Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose DepthwiseConv1D "
    "DepthwiseConv2D SeparableConv1D SeparableConv2D SimpleRNN LSTM GRU SimpleRNNCell LSTMCell GRUCell ConvLSTM1D ConvLSTM2D "
    "BatchNormalization LayerNormalization GroupNormalization RMSNormalization MultiHeadAttention GroupedQueryAttention PReLU".split()
)


def is_weightless(ref: str, module: ModuleFacts) -> bool:
    if ref in module.classes:
        return False
    return ref.rsplit(".", 1)[-1] in _WEIGHTLESS and ref.startswith("keras.layers.")


def _chain(facts: ClassFacts, module: ModuleFacts) -> Iterator[ClassFacts]:
    """The class and its bases of this file, nearest first."""
    seen: set[str] = set()
    stack = [facts]
    while stack:
        current = stack.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        yield current
        stack.extend(module.classes[name] for name in current.local_bases if name in module.classes)


def has_compute_output_shape(facts: ClassFacts, module: ModuleFacts) -> bool | None:
    """True/False when known; None when a base from elsewhere might define it."""
    for current in _chain(facts, module):
        if "compute_output_shape" in current.methods:
            return True
        if current.external_bases or any(base not in ("keras.layers.Layer", "keras.Layer") for base in current.keras_bases):
            return None  # a built-in or imported base may provide it
    return False


def weighted_builtin_base(facts: ClassFacts, module: ModuleFacts) -> str | None:
    """The built-in weighted layer this class derives from, if any (through local bases too)."""
    for current in _chain(facts, module):
        for base in current.keras_bases:
            if base.startswith("keras.layers.") and base.rsplit(".", 1)[-1] in _ALWAYS_WEIGHTED:
                return base
    return None
