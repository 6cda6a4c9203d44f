"""TimeDistributed around a custom layer that declares its output shape (seed: reusing a custom layer and model.summary()).

With `compute_output_shape` the model builds in Keras 3. The wrapped layer is counted once
for all timesteps: 10*32+32 = 352, plus Dense(10) on 32 features = 330, total 682.
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

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


input_sequence = layers.Input(shape=(5, 10))
attention_layer = CustomAttention(32)
time_distributed_attention = layers.TimeDistributed(attention_layer)
outputs = time_distributed_attention(input_sequence)
outputs = layers.Dense(10)(outputs)
model = tf.keras.Model(inputs=input_sequence, outputs=outputs)


if __name__ == "__main__":
    model.summary()
