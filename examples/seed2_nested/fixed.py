"""A custom layer nested in another, with no bookkeeping at all (seed: 2x nested custom layers with zero trainable parameters).

The article's "problem" version is in fact correct: once called, the outer layer tracks
the inner layer's (5, 3) kernel, so it has 1 trainable weight and 15 parameters.
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.w = None

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units_inner, **kwargs):
        super().__init__(**kwargs)
        self.inner_layer = InnerLayer(units_inner)

    def call(self, inputs):
        return self.inner_layer(inputs)


inputs = keras.Input(shape=(5,))
outer_layer = OuterLayer(units_inner=3)
model = keras.Model(inputs, outer_layer(inputs))


if __name__ == "__main__":
    model.summary()
    print("outer layer trainable weights:", len(outer_layer.trainable_weights))
