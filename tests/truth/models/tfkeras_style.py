"""Keras 3 through tf.keras (TF 2.21 without TF_USE_LEGACY_KERAS): the seed-article style."""

import tensorflow as tf
from tensorflow.keras import layers


class CustomAttention(layers.Layer):
    def __init__(self, units, **kwargs):
        super(CustomAttention, self).__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
        super(CustomAttention, self).build(input_shape)

    def call(self, inputs):
        return tf.nn.tanh(tf.matmul(inputs, self.w) + self.b)


class UntrackedVariable(layers.Layer):
    """tf.Variable in build(): not tracked by Keras 3."""

    def build(self, input_shape):
        self.w = tf.Variable(tf.random.normal((input_shape[-1], 4)))
        self.b = self.add_weight(shape=(4,), initializer="zeros")

    def call(self, x):
        return tf.matmul(x, self.w) + self.b


inputs = layers.Input(shape=(100, 64))
attention_layer1 = CustomAttention(32)
attention_layer2 = CustomAttention(32)
x1 = attention_layer1(inputs)
x2 = attention_layer2(x1)
outputs = layers.Dense(10)(x2)
model_separate = tf.keras.Model(inputs=inputs, outputs=outputs)

shared = CustomAttention(64)
y = shared(shared(inputs))
model_shared = tf.keras.Model(inputs, layers.Dense(10)(y))

vec = tf.keras.Input(shape=(10,))
half_tracked = tf.keras.Model(vec, UntrackedVariable()(vec))

seq = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(32, activation="relu", input_shape=(12,)),
        tf.keras.layers.Dense(1),
    ]
)
