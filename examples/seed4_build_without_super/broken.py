"""A Dense subclass whose build() skips super().build() (seed: zero total parameters in a nested model subclass).

Dense's kernel and bias are never created. Keras 3 still builds the model from
Dense.compute_output_shape (summary: 1 parameter), then the first real call fails.
"""
import keras


class ScaledDense(keras.layers.Dense):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", trainable=True)

    def call(self, inputs):
        return super().call(inputs) * self.scale


model = keras.Sequential([keras.Input(shape=(5,)), ScaledDense(5)])


if __name__ == "__main__":
    model.summary()
    try:
        model(keras.ops.ones((2, 5)))
    except ValueError as err:
        print(f"the first call failed as expected: {type(err).__name__}: {err}")
