"""TimeDistributed around a custom layer in the functional API (seed: reusing a custom layer and model.summary()).

Keras 3 needs `compute_output_shape` on the wrapped layer to call it on a symbolic tensor:
without it, building the model raises NotImplementedError.
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


def build_model():
    input_sequence = layers.Input(shape=(5, 10))  # 5 timesteps of 10 features
    time_distributed_attention = layers.TimeDistributed(CustomAttention(32))
    outputs = time_distributed_attention(input_sequence)
    outputs = layers.Dense(10)(outputs)
    return tf.keras.Model(inputs=input_sequence, outputs=outputs)


if __name__ == "__main__":
    try:
        build_model().summary()
    except NotImplementedError as err:
        print(f"build_model() failed as expected: {type(err).__name__}: {err}")
