"""Keras 2 (tf_keras): subclassed model built with model.build(shape), nested layers."""

import tf_keras as keras
from tf_keras import layers


class Block(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="relu")
        self.norm = layers.LayerNormalization()

    def call(self, x):
        return self.norm(self.dense(x))


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [Block(32), Block(32)]
        self.head = layers.Dense(3)

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x)


net = Net()
net.build((None, 16))

frozen_inputs = keras.Input(shape=(8,))
frozen_block = Block(4)
frozen_block.trainable = False
frozen = keras.Model(frozen_inputs, layers.Dense(2)(frozen_block(frozen_inputs)))
