"""Keras 2 (tf_keras): tf.Variable attributes are tracked, Sequential with input_shape."""

import tensorflow as tf
import tf_keras as keras
from tf_keras import layers


class VariableLinear(layers.Layer):
    """tf.Variable in build(): tracked and counted by Keras 2."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = tf.Variable(tf.random.normal((input_shape[-1], self.units)), trainable=True)
        self.b = tf.Variable(tf.zeros((self.units,)), trainable=True)
        self.step = tf.Variable(0.0, trainable=False)
        super().build(input_shape)

    def call(self, x):
        return tf.matmul(x, self.w) + self.b


class AddWeightLinear(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=(input_shape[-1], self.units))
        self.bias = self.add_weight("bias", shape=(self.units,), initializer="zeros")
        super().build(input_shape)

    def call(self, x):
        return tf.matmul(x, self.kernel) + self.bias


inputs = keras.Input(shape=(10,))
h = VariableLinear(5)(inputs)
h = AddWeightLinear(3)(h)
k2_custom = keras.Model(inputs, h)

k2_seq = keras.Sequential(
    [
        layers.Dense(64, activation="relu", input_shape=(20,)),
        layers.BatchNormalization(),
        layers.Dense(10, activation="softmax"),
    ]
)

text = keras.Sequential(
    [
        layers.Embedding(1000, 16, input_length=50),
        layers.Bidirectional(layers.LSTM(8)),
        layers.Dense(1),
    ]
)
