"""One custom layer listed twice in a Sequential model, between layers of other widths (seed: reusing TensorFlow 2 layers).

The layer is built for 784 input features, then given Dense(128)'s output: building the
model fails with a shape error in Keras 3 and tf_keras alike.
"""
import keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs)


def build_model():
    my_layer = MyCustomLayer(64)
    return keras.Sequential([
        keras.Input(shape=(784,)),
        my_layer,
        keras.layers.Dense(128, activation="relu"),
        my_layer,  # second use: 128 features in, but its kernel is (784, 64)
        keras.layers.Dense(10, activation="softmax"),
    ])


if __name__ == "__main__":
    try:
        build_model().summary()
    except ValueError as err:
        print(f"build_model() failed as expected: {type(err).__name__}: {err}")
