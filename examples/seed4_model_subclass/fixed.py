"""The same Model subclass, built by calling it on keras.Input (seed: zero total parameters in a nested model subclass).

The call runs call(), which builds the nested layers: 5*10 = 50 parameters, all trained.
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
model(keras.Input(shape=(5,)))


if __name__ == "__main__":
    model.summary()
