"""A derived layer whose build() skips super().build() (seed: zero total parameters in a nested model subclass).

Harmless for a custom base: the base build() never runs, only the derived (5, 5) kernel
exists and is used, and the count is right: 25 parameters, trained.
"""
import keras
import tensorflow as tf


class BaseLayer(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 10), initializer="random_normal", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class DerivedLayer(BaseLayer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 5), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


model = keras.Sequential([keras.Input(shape=(5,)), DerivedLayer()])


if __name__ == "__main__":
    model.summary()
