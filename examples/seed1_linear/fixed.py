"""A linear layer that creates its weights with add_weight in build() (seed: custom layer with a parameter count of zero).

Keras tracks and trains both weights: 10*5 kernel + 5 bias = 55 parameters.
"""
import tensorflow as tf


class CorrectLinear(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.w = self.add_weight(shape=(input_dim, self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


inputs = tf.keras.layers.Input(shape=(10,))
outputs = CorrectLinear(units=5)(inputs)
model = tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    model.summary()
