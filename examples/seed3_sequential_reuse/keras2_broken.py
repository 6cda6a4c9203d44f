"""The article's Sequential reuse, without an Input, under tf_keras (Keras 2) (seed: reusing TensorFlow 2 layers).

No error: tf_keras builds a Sequential without an Input from its de-duplicated layer list,
so the second `my_layer` is silently skipped (3 layers, 59,850 parameters, output = Dense10(Dense128(my_layer(x)))).
"""
import numpy as np
import tf_keras as keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs)


def build_model():
    my_layer = MyCustomLayer(64)
    model = keras.Sequential([
        my_layer,
        keras.layers.Dense(128, activation="relu"),
        my_layer,  # silently dropped by tf_keras
        keras.layers.Dense(10, activation="softmax"),
    ])
    model(np.zeros((2, 784), dtype="float32"))
    return model


if __name__ == "__main__":
    model = build_model()
    model.summary()
    print("layers in the model:", len(model.layers))
