"""A Dense subclass whose build() calls super().build() first (seed: zero total parameters in a nested model subclass).

Dense creates its kernel and bias, the subclass adds a scalar: 5*5 + 5 + 1 = 31 parameters.
"""
import keras


class ScaledDense(keras.layers.Dense):
    def build(self, input_shape):
        super().build(input_shape)
        self.scale = self.add_weight(shape=(), initializer="ones", trainable=True)

    def call(self, inputs):
        return super().call(inputs) * self.scale


model = keras.Sequential([keras.Input(shape=(5,)), ScaledDense(5)])


if __name__ == "__main__":
    model.summary()
