"""One attention layer instance called on its own output (seed: reusing a custom layer and model.summary()).

The first call builds a (64, 32) kernel; the second call feeds it 32 features, so building
the model fails with "Dimensions must be equal, but are 32 and 64" (Keras 3 and tf_keras).
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
    attention_layer = CustomAttention(32)
    inputs = layers.Input(shape=(100, 64))
    x1 = attention_layer(inputs)
    x2 = attention_layer(x1)  # same instance: built for 64 features, now given 32
    outputs = layers.Dense(10)(x2)
    return tf.keras.Model(inputs=inputs, outputs=outputs)


if __name__ == "__main__":
    try:
        build_model().summary()
    except ValueError as err:
        print(f"build_model() failed as expected: {type(err).__name__}: {err}")
