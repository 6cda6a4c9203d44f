"""A built-in Dense (subclassed) nested in a custom layer (seed: 2x nested custom layers with zero trainable parameters).

The inner Dense builds itself on the first call and the outer layer tracks it:
2 trainable weights, 5*3 + 3 = 18 parameters.
"""
import keras


class InnerLayer(keras.layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)


class OuterLayer(keras.layers.Layer):
    def __init__(self, units_inner, **kwargs):
        super().__init__(**kwargs)
        self.inner_layer = InnerLayer(units_inner)

    def call(self, inputs):
        return self.inner_layer(inputs)


inputs = keras.Input(shape=(5,))
outer_layer = OuterLayer(units_inner=3)
model = keras.Model(inputs, outer_layer(inputs))


if __name__ == "__main__":
    model.summary()
    print("outer layer trainable weights:", len(outer_layer.trainable_weights))
