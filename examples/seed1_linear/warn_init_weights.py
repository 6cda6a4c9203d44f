"""A linear layer that creates its weights in __init__ from an input_dim argument (seed: custom layer with a parameter count of zero).

It works (55 parameters, trains), but only for inputs of exactly `input_dim` features,
and every caller must repeat that size; build(input_shape) reads it from the data instead.
"""
import tensorflow as tf


class IncorrectEarlyLinear(tf.keras.layers.Layer):
    def __init__(self, units, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.w = self.add_weight(shape=(input_dim, self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


inputs = tf.keras.layers.Input(shape=(10,))
outputs = IncorrectEarlyLinear(units=5, input_dim=10)(inputs)
model = tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    model.summary()
