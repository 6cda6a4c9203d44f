"""keras_hub layer classes imported by name, counted as classes with arguments and an input shape."""

from keras_hub.layers import (
    FNetEncoder,
    PositionEmbedding,
    RMSNormalization,
    TransformerDecoder,
    TransformerEncoder,
)

__all__ = ["FNetEncoder", "PositionEmbedding", "RMSNormalization", "TransformerDecoder", "TransformerEncoder"]
