"""The `_trainable_weights.extend` "fix" under tf_keras (Keras 2) (seed: 2x nested custom layers with zero trainable parameters).

No error here, but the inner build() skips super().build(), so the inner layer is built
twice: the outer list keeps a stale copy, the count doubles (30, not 15) and one weight never trains.
"""
import tensorflow as tf
import tf_keras as keras


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


inputs = keras.Input(shape=(5,))
outer_layer = OuterLayer(units_inner=3)
model = keras.Model(inputs, outer_layer(inputs))


if __name__ == "__main__":
    model.summary()
    print("outer layer trainable weights:", len(outer_layer.trainable_weights))
