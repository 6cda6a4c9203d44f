"""The article's nested layer that stores a tf.Variable made in build() (seed: zero total parameters in a nested model subclass).

Keras 3 builds the outer layer by tracing its call(), so the inner build() runs inside a
graph and `tf.Variable(tf.random.normal(...))` fails: "could not be lifted out of a `tf.function`".
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = tf.Variable(tf.random.normal([input_shape[-1], self.units]))
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = InnerLayer(units)

    def call(self, inputs):
        return self.inner(inputs)


def build_model():
    model = keras.Sequential([OuterLayer(10)])
    model.build((None, 5))
    return model


if __name__ == "__main__":
    try:
        build_model().summary()
    except ValueError as err:
        print(f"build_model() failed as expected: {type(err).__name__}: {err}")
