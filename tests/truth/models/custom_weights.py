"""Custom layers that create their weights with add_weight (in build and in __init__)."""

import keras
from keras import layers, ops


class Linear(layers.Layer):
    def __init__(self, units=32, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.use_bias = use_bias

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True)
        if self.use_bias:
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        y = ops.matmul(inputs, self.w)
        if self.use_bias:
            y = y + self.b
        return y


class ScaleShift(layers.Layer):
    """Per-feature affine transform: 2 * features."""

    def build(self, input_shape):
        dim = input_shape[-1]
        self.scale = self.add_weight(name="scale", shape=(dim,), initializer="ones")
        self.shift = self.add_weight(name="shift", shape=(dim,), initializer="zeros")

    def call(self, x):
        return x * self.scale + self.shift


class RunningMean(layers.Layer):
    """A trainable projection plus a non-trainable statistic."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        self.mean = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False)
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, x):
        return ops.matmul(x - self.mean, self.kernel)


class FixedInputLinear(layers.Layer):
    """Weights created in __init__ from an explicit input_dim."""

    def __init__(self, input_dim, units, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal")
        self.b = self.add_weight(shape=(units,), initializer="zeros")

    def call(self, x):
        return ops.matmul(x, self.w) + self.b


class PositionalBias(layers.Layer):
    """A weight over the whole per-example shape (input_shape[1:])."""

    def build(self, input_shape):
        self.bias = self.add_weight(shape=input_shape[1:], initializer="zeros")

    def call(self, x):
        return x + self.bias


class Bilinear(layers.Layer):
    """Weights built in a helper method called from build()."""

    def __init__(self, units, rank=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.rank = rank

    def _make(self, name, rows, cols):
        return self.add_weight(name=name, shape=(rows, cols), initializer="glorot_uniform")

    def build(self, input_shape):
        d = input_shape[-1]
        self.u = self._make("u", d, self.rank)
        self.v = self._make("v", self.rank, self.units)
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, x):
        return ops.matmul(ops.matmul(x, self.u), self.v) + self.bias


inputs = keras.Input(shape=(10,))
x = Linear(5)(inputs)
model = keras.Model(inputs, x)

features = keras.Input(shape=(16,))
h = ScaleShift()(features)
h = Linear(8, use_bias=False)(h)
h = RunningMean(4)(h)
h = FixedInputLinear(4, 3)(h)
h = Bilinear(2, rank=3)(h)
stacked = keras.Model(features, h)

grid = keras.Input(shape=(6, 5))
biased = keras.Model(grid, layers.Dense(2)(PositionalBias()(grid)))
