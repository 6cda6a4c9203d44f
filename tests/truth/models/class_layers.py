"""Reusable custom layers, counted as classes with constructor arguments and an input shape."""

import keras
from keras import layers, ops


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        out1 = self.layernorm1(inputs + self.dropout1(attn_output, training=training))
        ffn_output = self.ffn(out1)
        return self.layernorm2(out1 + self.dropout2(ffn_output, training=training))


class ScaledDense(layers.Dense):
    """A Dense subclass adding one learned scale; build() calls super().build()."""

    def build(self, input_shape):
        super().build(input_shape)
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones")

    def call(self, x):
        return super().call(x) * self.scale


class SqueezeExcite(layers.Layer):
    def __init__(self, ratio=4, **kwargs):
        super().__init__(**kwargs)
        self.ratio = ratio

    def build(self, input_shape):
        channels = input_shape[-1]
        self.pool = layers.GlobalAveragePooling2D(keepdims=True)
        self.reduce = layers.Conv2D(channels // self.ratio, 1, activation="relu")
        self.expand = layers.Conv2D(channels, 1, activation="sigmoid")

    def call(self, x):
        return x * self.expand(self.reduce(self.pool(x)))


class HeadsDict(layers.Layer):
    """Sublayers held in a dict attribute."""

    def __init__(self, sizes, **kwargs):
        super().__init__(**kwargs)
        self.heads = {name: layers.Dense(size) for name, size in sizes.items()}

    def call(self, x):
        return ops.concatenate([head(x) for head in self.heads.values()], axis=-1)


class LowRankDense(layers.Layer):
    def __init__(self, units, rank, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.rank = rank
        self.use_bias = use_bias

    def build(self, input_shape):
        in_dim = input_shape[-1]
        self.a = self.add_weight(name="a", shape=(in_dim, self.rank))
        self.b = self.add_weight(name="b", shape=(self.rank, self.units))
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros") if self.use_bias else None

    def call(self, x):
        y = ops.matmul(ops.matmul(x, self.a), self.b)
        return y + self.bias if self.bias is not None else y


class ConvBNReLU(layers.Layer):
    def __init__(self, filters, kernel_size=3, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)
        self.bn = layers.BatchNormalization()

    def call(self, x, training=False):
        return ops.relu(self.bn(self.conv(x), training=training))
