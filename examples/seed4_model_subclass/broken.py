"""A Model subclass holding nested layers, built with model.build(shape) (seed: zero total parameters in a nested model subclass).

The subclass defines no build(): Keras 3 marks it built without creating a single weight
(with a UserWarning), so summary() shows 0 parameters until the model is first called.
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
model.build((None, 5))


if __name__ == "__main__":
    model.summary()
