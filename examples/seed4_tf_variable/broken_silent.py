"""A layer that stores a tf.Variable made in build(), used directly (seed: zero total parameters in a nested model subclass).

Here the model builds, but Keras 3 does not track a plain tf.Variable: 0 parameters,
the variable never trains and `save_weights` leaves it out. No error, no warning.
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = tf.Variable(tf.random.normal([input_shape[-1], self.units]))
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


model = keras.Sequential([keras.Input(shape=(5,)), InnerLayer(10)])


if __name__ == "__main__":
    model.summary()
