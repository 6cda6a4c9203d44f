"""One custom layer listed twice in a Sequential model, with matching widths (seed: reusing TensorFlow 2 layers).

Sharing works when both uses see the same width (64): the shared layer's 4,160 weights are
counted once: 4,160 + Dense(64) 4,160 + Dense(10) 650 = 8,970.
"""
import keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs)


my_layer = MyCustomLayer(64)
model = keras.Sequential([
    keras.Input(shape=(64,)),
    my_layer,
    keras.layers.Dense(64, activation="relu"),
    my_layer,  # shares the weights of the first use
    keras.layers.Dense(10, activation="softmax"),
])


if __name__ == "__main__":
    model.summary()
