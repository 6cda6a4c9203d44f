"""The same tf.Variable-in-build() layer under tf_keras (Keras 2) (seed: zero total parameters in a nested model subclass).

tf_keras tracks a tf.Variable assigned to a layer attribute: 50 parameters, trained,
saved. The article's "zero parameters" claim only holds for Keras 3.
"""
import tensorflow as tf
import tf_keras as keras


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


model = keras.Sequential([keras.Input(shape=(5,)), OuterLayer(10)])


if __name__ == "__main__":
    model.summary()
