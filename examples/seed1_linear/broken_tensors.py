"""A linear layer whose "weights" are raw tensors made in call() (seed: custom layer with a parameter count of zero).

`tf.random.normal` and `tf.zeros` give tensors, not variables: Keras tracks nothing, the
model reports 0 parameters, nothing trains, and the output changes on every call.
"""
import tensorflow as tf


class NaiveLinear(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, inputs):
        input_dim = inputs.shape[-1]
        self.w = tf.random.normal(shape=(input_dim, self.units))
        self.b = tf.zeros(shape=(self.units,))
        return tf.matmul(inputs, self.w) + self.b


inputs = tf.keras.layers.Input(shape=(10,))
outputs = NaiveLinear(units=5)(inputs)
model = tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    model.summary()
