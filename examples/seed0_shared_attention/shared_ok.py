"""A shared attention layer whose input width stays the same (seed: reusing a custom layer and model.summary()).

With units equal to the input width (64) the same instance can be applied twice; its
4,160 weights are shared and counted once: 4,160 + Dense(10) 650 = 4,810 in the summary.
"""
import tensorflow as tf
from tensorflow.keras import layers


class CustomAttention(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return tf.nn.tanh(tf.matmul(inputs, self.w) + self.b)


inputs = layers.Input(shape=(100, 64))
attention_layer = CustomAttention(64)
x1 = attention_layer(inputs)
x2 = attention_layer(x1)  # shared on purpose: 64 features in, 64 out
outputs = layers.Dense(10)(x2)
model = tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    model.summary()
