"""The "fix" that copies an inner layer's weights into `_trainable_weights` (seed: 2x nested custom layers with zero trainable parameters).

Keras 3 layers have no `_trainable_weights` list: the first call raises AttributeError.
The copy is not needed anyway: a sublayer stored on `self` is tracked automatically.
"""
import keras
import tensorflow as tf


class InnerLayer(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.w = None

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units_inner, **kwargs):
        super().__init__(**kwargs)
        self.inner_layer = InnerLayer(units_inner)

    def build(self, input_shape):
        self.inner_layer.build(input_shape)
        self._trainable_weights.extend(self.inner_layer.trainable_weights)

    def call(self, inputs):
        return self.inner_layer(inputs)


def build_layer():
    outer_layer = OuterLayer(units_inner=3)
    outer_layer(tf.random.normal((10, 5)))
    return outer_layer


if __name__ == "__main__":
    try:
        print("trainable weights:", len(build_layer().trainable_weights))
    except AttributeError as err:
        print(f"build_layer() failed as expected: {type(err).__name__}: {err}")
