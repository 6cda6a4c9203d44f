"""Custom layers that hold other layers: attributes, lists, nested custom layers."""

import keras
from keras import layers


class FeedForward(layers.Layer):
    def __init__(self, hidden, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.dropout_rate = dropout
        self.norm = layers.LayerNormalization()
        self.dropout = layers.Dropout(dropout)
        self.proj_out = None

    def build(self, input_shape):
        self.up = layers.Dense(self.hidden, activation="gelu")
        self.proj_out = layers.Dense(input_shape[-1])

    def call(self, x):
        h = self.up(self.norm(x))
        return x + self.dropout(self.proj_out(h))


class MLPStack(layers.Layer):
    """A list of Dense sublayers."""

    def __init__(self, widths, **kwargs):
        super().__init__(**kwargs)
        self.hidden_layers = [layers.Dense(w, activation="relu") for w in widths]

    def call(self, x):
        for layer in self.hidden_layers:
            x = layer(x)
        return x


class Encoder(layers.Layer):
    """Nested custom layers: a list of FeedForward blocks and a final norm."""

    def __init__(self, depth, hidden, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []
        for i in range(depth):
            self.blocks.append(FeedForward(hidden, name=f"ff_{i}"))
        self.final_norm = layers.LayerNormalization(epsilon=1e-6)

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x)


class GatedResidual(layers.Layer):
    """Sublayers whose sizes come from the input shape, created in build()."""

    def build(self, input_shape):
        d = input_shape[-1]
        self.gate = layers.Dense(d, activation="sigmoid")
        self.value = layers.Dense(d)
        self.norm = layers.LayerNormalization()

    def call(self, x):
        return self.norm(x + self.gate(x) * self.value(x))


inp = keras.Input(shape=(24,))
h = FeedForward(48)(inp)
h = MLPStack([32, 16])(h)
out = layers.Dense(1)(h)
ff_model = keras.Model(inp, out)


def make_encoder_model():
    tokens = keras.Input(shape=(12, 32))
    x = Encoder(depth=2, hidden=64)(tokens)
    x = GatedResidual()(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, layers.Dense(3)(x))
