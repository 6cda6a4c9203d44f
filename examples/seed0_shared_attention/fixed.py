"""Two separate attention layers, one per use (seed: reusing a custom layer and model.summary()).

Each instance has its own weights: 64*32+32 = 2,080 and 32*32+32 = 1,056, plus Dense(10)
on 32 features = 330, so model.summary() shows 3,466 parameters.
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
attention_layer1 = CustomAttention(32)
attention_layer2 = CustomAttention(32)
x1 = attention_layer1(inputs)
x2 = attention_layer2(x1)
outputs = layers.Dense(10)(x2)
model = tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    model.summary()
