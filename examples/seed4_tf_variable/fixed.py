"""A nested layer that creates its kernel with add_weight in build() (seed: zero total parameters in a nested model subclass).

add_weight registers the variable with the inner layer, and the outer layer tracks the
inner one: 5*10 = 50 parameters, all trained.
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = InnerLayer(units)

    def call(self, inputs):
        return self.inner(inputs)


model = keras.Sequential([keras.Input(shape=(5,)), OuterLayer(10)])


if __name__ == "__main__":
    model.summary()
