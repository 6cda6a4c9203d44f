"""The same TimeDistributed(custom layer) under tf_keras (Keras 2) (seed: reusing a custom layer and model.summary()).

tf_keras infers the per-timestep output shape by itself, so no `compute_output_shape`
is needed: 352 + Dense(10) 330 = 682 parameters, nothing to report.
"""
import tensorflow as tf
import tf_keras as keras


class CustomAttention(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return tf.nn.tanh(tf.matmul(inputs, self.w) + self.b)


input_sequence = keras.Input(shape=(5, 10))
time_distributed_attention = keras.layers.TimeDistributed(CustomAttention(32))
outputs = time_distributed_attention(input_sequence)
outputs = keras.layers.Dense(10)(outputs)
model = keras.Model(inputs=input_sequence, outputs=outputs)


if __name__ == "__main__":
    model.summary()
