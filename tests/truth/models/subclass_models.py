"""Subclassed keras.Model: layers created in __init__ and called in call()."""

import keras
from keras import layers


class TwoLayerNet(keras.Model):
    def __init__(self, hidden=32, classes=4):
        super().__init__()
        self.hidden = layers.Dense(hidden, activation="relu")
        self.out = layers.Dense(classes)

    def call(self, x):
        return self.out(self.hidden(x))


# built by calling it on a symbolic input
net = TwoLayerNet()
net(keras.Input(shape=(10,)))


class ExplicitBuild(keras.Model):
    """Implements build(), so model.build(shape) creates every weight."""

    def __init__(self, units=16):
        super().__init__()
        self.units = units
        self.body = layers.Dense(units, activation="relu")
        self.norm = layers.BatchNormalization()
        self.head = layers.Dense(1)

    def build(self, input_shape):
        self.body.build(input_shape)
        self.norm.build((input_shape[0], self.units))
        self.head.build((input_shape[0], self.units))

    def call(self, x, training=False):
        return self.head(self.norm(self.body(x), training=training))


built = ExplicitBuild(units=8)
built.build((None, 5))


class ConvClassifier(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(16, 3, activation="relu")
        self.pool = layers.MaxPooling2D()
        self.conv2 = layers.Conv2D(32, 3, activation="relu")
        self.gap = layers.GlobalAveragePooling2D()
        self.classifier = layers.Dense(num_classes)

    def call(self, images):
        x = self.pool(self.conv1(images))
        return self.classifier(self.gap(self.conv2(x)))


# used from a functional call site
pixels = keras.Input(shape=(28, 28, 1))
logits = ConvClassifier(num_classes=5)(pixels)
wrapped = keras.Model(pixels, logits)


class ResidualTower(keras.Model):
    """Blocks kept in a list attribute."""

    def __init__(self, width, depth):
        super().__init__()
        self.stem = layers.Dense(width)
        self.blocks = [layers.Dense(width, activation="relu") for _ in range(depth)]
        self.head = layers.Dense(1)

    def call(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = x + block(x)
        return self.head(x)


def make_tower():
    tower = ResidualTower(width=12, depth=3)
    tower(keras.Input(shape=(7,)))
    return tower
