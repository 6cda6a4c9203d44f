"""The same Model subclass, summarized before anything gave it an input shape (seed: zero total parameters in a nested model subclass).

Nothing is built yet: Keras 3 prints a "0 (unbuilt)" row and "Total params: 0";
count_params() would raise. Called on keras.Input(shape=(5,)), it has 50 parameters.
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = InnerLayer(units)

    def call(self, inputs):
        return self.inner(inputs)


class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.outer = OuterLayer(10)

    def call(self, inputs):
        return self.outer(inputs)


model = Net()


if __name__ == "__main__":
    model.summary()
