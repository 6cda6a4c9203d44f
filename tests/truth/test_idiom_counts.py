"""Static counts of Keras idioms that build or shape a model outside a functional graph, against real Keras.

Each program binds ``model`` (a model or a layer). Real Keras runs every program in a worker
subprocess per flavour (Keras 3, and tf_keras with ``import tf_keras as keras``), through
tests/truth/gen_real_world.py's ``--worker``, at test time; the static count of ``model``
(``count_target``, as ``keraslens count FILE --target model``) must then:

* never be a wrong exact number, and no partial bound may exceed Keras' numbers;
* be exact where the program is marked ``EXACT`` (the goal of each idiom).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from keraslens.count_command import count_target

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    from flavor_worker import run_worker
finally:
    sys.path.pop(0)

pytestmark = [pytest.mark.tf, pytest.mark.timeout(600)]

EXACT, ANY = "exact", "any"  # ANY: unknown or partial is fine, a wrong number is not
PROGRAMS: list[dict] = []


def program(name: str, goal: str, source: str, flavor: str = "keras3") -> None:
    header = "import tf_keras as keras\nfrom tf_keras import layers\n" if flavor == "tf_keras" else "import keras\nfrom keras import layers\n"
    PROGRAMS.append({"name": name, "goal": goal, "flavor": flavor, "source": header + source.strip() + "\n"})


# --- explicit builds -------------------------------------------------------------------------------
_TWO_DENSE = """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


"""
program("sequential-build", EXACT, """
model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])
model.build((None, 32))
""")
program("sequential-build-cnn", EXACT, """
model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.BatchNormalization(),
    layers.Flatten(),
    layers.Dense(10),
])
model.build((None, 28, 28, 1))
""")
program("sequential-build-keyword", EXACT, """
model = keras.Sequential([layers.Dense(8), layers.LayerNormalization(), layers.Dense(1)])
model.build(input_shape=(None, 16))
""")
program("sequential-add-then-build", EXACT, """
model = keras.Sequential()
model.add(layers.Dense(8))
model.add(layers.Dense(1))
model.build((None, 4))
""")
program("sequential-build-in-function", EXACT, """
def make(width):
    m = keras.Sequential([layers.Dense(width), layers.Dense(2)])
    m.build((None, 12))
    return m


model = make(24)
""")
program("sequential-build-in-branch", ANY, """
import os

model = keras.Sequential([layers.Dense(5)])
if os.environ.get("NEVER_SET_HERE") is None:
    model.build((None, 7))
""")
program("functional-build", EXACT, """
inputs = keras.Input((4,))
outputs = layers.Dense(3)(inputs)
model = keras.Model(inputs, outputs)
model.build((None, 4))
""")
program("layer-build", EXACT, """
model = layers.Dense(5)
model.build((None, 10))
""")
program("layer-build-keyword", EXACT, """
model = layers.Conv1D(4, 3)
model.build(input_shape=(None, 20, 6))
""")
program("mha-build-keywords", EXACT, """
model = layers.MultiHeadAttention(num_heads=2, key_dim=4)
model.build(query_shape=(None, 6, 8), value_shape=(None, 5, 12))
""")
program("mha-build-keywords-reordered", EXACT, """
model = layers.MultiHeadAttention(num_heads=3, key_dim=5, value_dim=2)
model.build(value_shape=(None, 5, 7), key_shape=(None, 5, 3), query_shape=(None, 6, 10))
""")
program("gqa-build-positional", EXACT, """
model = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
model.build((None, 6, 8), (None, 6, 8))
""")
program("subclass-build-without-build-method", EXACT, _TWO_DENSE + """
model = Net()
model.build((None, 8))
model.summary()
""")
def _own_build(done: str) -> str:
    """A model whose build() builds its first layer only, then marks itself built with ``done``."""
    return f"""
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16)
        self.out = layers.Dense(2)

    def build(self, input_shape):
        self.hidden.build(input_shape)
        {done}

    def call(self, x):
        return self.out(self.hidden(x))


"""


program("subclass-build-then-called", EXACT, "import numpy as np\n" + _TWO_DENSE + """
model = Net()
model.build((None, 8))
model(np.zeros((1, 8)))
""")
program("subclass-build-then-fit", ANY, """
import numpy as np


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(x)


model = Net()
model.build((None, 8))
model.compile(loss="mse")
model.fit(np.zeros((4, 8)), np.zeros((4, 2)), verbose=0)
""")
program("subclass-with-own-build", EXACT, _own_build("super().build(input_shape)") + """
model = Net()
model.build((None, 8))
""")
program("subclass-weight-in-constructor", ANY, """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.scale = self.add_weight(shape=(3,), initializer="ones")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(x) * self.scale[0]


model = Net()
model.build((None, 8))
""")

# --- subclassed models called on arrays whose shape is known ---------------------------------------
_NET = """
class Net(keras.Model):
    def __init__(self, units):
        super().__init__()
        self.hidden = layers.Dense(units, activation="relu")
        self.norm = layers.BatchNormalization()
        self.out = layers.Dense(3)

    def call(self, x, training=False):
        return self.out(self.norm(self.hidden(x), training=training))


"""
for _name, _array in {"numpy": "np.zeros((1, 32))", "tf": "tf.zeros((4, 32))", "keras-random": "keras.random.normal((2, 32))",
                      "ops": "keras.ops.ones((1, 32))", "a-named-array": "batch"}.items():
    program(f"subclass-called-on-{_name}", EXACT, "import numpy as np\nimport tensorflow as tf\n" + _NET + f"""
batch = np.ones((8, 32), dtype="float32")
model = Net(16)
_ = model({_array})
""")
program("layers-called-on-arrays", EXACT, """
import numpy as np
import tensorflow as tf

dense = layers.Dense(4)
y = dense(np.zeros((2, 6)))
batch = tf.random.normal((3, 4))
z = layers.Dense(2)(batch)
model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
model(np.ones((1, 7)))
""")
program("layer-called-on-an-array", EXACT, """
import numpy as np

model = layers.Conv2D(4, 3)
model(keras.ops.zeros((1, 9, 9, 2)))
""")
program("subclass-called-on-an-unknown-array", ANY, "import numpy as np\n" + _NET + """
model = Net(16)
model(np.random.rand(3, 32))
""")
# --- a Sequential's layers as Python builds them: an element not followed leaves the count partial ---
program("sequential-from-a-named-list", EXACT, """
stack = [layers.Dense(8), layers.Dense(2)]
model = keras.Sequential(stack)
model.build((None, 5))
""")
program("sequential-with-a-conditional-element", EXACT, """
use_bn = True
model = keras.Sequential([
    keras.Input(shape=(5,)), layers.Dense(8), layers.BatchNormalization() if use_bn else layers.Identity(), layers.Dense(1),
])
""")
program("sequential-with-a-starred-list", ANY, """
blocks = [layers.Dense(8), layers.Dense(4)]
model = keras.Sequential([keras.Input(shape=(5,)), *blocks, layers.Dense(1)])
""")
program("sequential-with-a-layer-from-getattr", ANY, """
kind = "Dense"
model = keras.Sequential([keras.Input(shape=(5,)), getattr(layers, kind)(7), layers.Dense(1)])
""")
program("sequential-add-of-a-layer-from-getattr", ANY, """
model = keras.Sequential([keras.Input(shape=(5,))])
model.add(getattr(layers, "Dense")(7))
model.add(layers.Dense(1))
""")

# --- tensors given to a layer call by keyword are on the model's paths (an encoder's states) ---
program("encoder-states-as-the-decoders-initial-state", EXACT, """
enc_in = keras.Input(shape=(None, 8))
dec_in = keras.Input(shape=(None, 6))
_, h, c = layers.LSTM(16, return_state=True)(enc_in)
x = layers.LSTM(16, return_sequences=True)(dec_in, initial_state=[h, c])
model = keras.Model([enc_in, dec_in], layers.Dense(12)(x))
""")
program("initial-state-from-a-dense", EXACT, """
ctx = keras.Input(shape=(7,))
inputs = keras.Input(shape=(None, 3))
h0 = layers.Dense(5)(ctx)
x = layers.GRU(5)(inputs, initial_state=h0, training=False)
model = keras.Model([inputs, ctx], x)
""")
program("initial-state-from-a-helper-not-followed", ANY, """
def make_state(t):
    import random
    return layers.Dense(random.choice([5]))(t)


ctx = keras.Input(shape=(7,))
inputs = keras.Input(shape=(None, 3))
x = layers.GRU(5)(inputs, initial_state=make_state(ctx))
model = keras.Model([inputs, ctx], x)
""")

# --- `trainable=False` given to a layer class of the program, or set once it is made ---
_BLOCK = """
class Block(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x)


"""
program("custom-layer-made-with-trainable-false-in-a-model", ANY, _BLOCK + """
inputs = keras.Input(shape=(3,))
x = Block(4, trainable=False)(inputs)
model = keras.Model(inputs, layers.Dense(1)(x))
""")
program("custom-layer-frozen-once-made-in-a-model", EXACT, _BLOCK + """
inputs = keras.Input(shape=(3,))
block = Block(4)
x = block(inputs)
block.trainable = False
model = keras.Model(inputs, layers.Dense(1)(x))
""")

# a library function that changes a list in place: the widths below run in another order than written
program("widths-shuffled-by-random", ANY, """
import random

random.seed(4)
widths = [64, 32, 16]
random.shuffle(widths)
inputs = keras.Input(shape=(10,))
x = inputs
for width in widths:
    x = layers.Dense(width)(x)
model = keras.Model(inputs, x)
""")
program("widths-shuffled-by-numpy", ANY, """
import numpy as np

np.random.seed(0)
widths = [64, 32, 16]
np.random.shuffle(widths)
model = keras.Sequential([keras.Input(shape=(10,))] + [layers.Dense(width) for width in widths])
""")
program("subclass-called-in-a-function", EXACT, "import numpy as np\n" + _NET + """
def make():
    net = Net(8)
    net(np.zeros((1, 5)))
    return net


model = make()
""")

# --- Model subclasses without call() that hold built models (VAE, GAN, WGAN style) -----------------
_ENCODER_DECODER = """
latent_dim = 2
encoder_inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
x = layers.Flatten()(x)
x = layers.Dense(16, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(7 * 7 * 8, activation="relu")(latent_inputs)
x = layers.Reshape((7, 7, 8))(x)
decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
"""
program("vae", EXACT, "import tensorflow as tf\n" + _ENCODER_DECODER + """

class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var = self.encoder(data)
            reconstruction = self.decoder(z_mean)
            total_loss = keras.ops.mean(keras.ops.square(data - reconstruction))
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        return {"loss": self.total_loss_tracker.result()}


model = VAE(encoder, decoder)
model.compile(optimizer=keras.optimizers.Adam())
""")
_GAN = """
discriminator = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ],
    name="discriminator",
)
generator = keras.Sequential(
    [
        keras.Input(shape=(8,)),
        layers.Dense(7 * 7 * 4),
        layers.Reshape((7, 7, 4)),
        layers.Conv2DTranspose(8, 4, strides=2, padding="same"),
        layers.BatchNormalization(),
        layers.Conv2D(1, 7, padding="same", activation="sigmoid"),
    ],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
"""
program("gan-keywords", EXACT, _GAN + """

model = GAN(discriminator=discriminator, generator=generator, latent_dim=8)
""")
program("gan-frozen-discriminator", EXACT, _GAN + """

discriminator.trainable = False
model = GAN(discriminator, generator, 8)
""")
program("wgan-frozen-whole", EXACT, _GAN + """

model = GAN(discriminator, generator, latent_dim=8)
model.trainable = False
""")
program("composed-with-a-model-made-inside", EXACT, _ENCODER_DECODER + """

class Wrapper(keras.Model):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.head = layers.Dense(4)


model = Wrapper(encoder)
""")
program("composed-rebinding-its-argument", ANY, _ENCODER_DECODER + """

class Wrapper(keras.Model):
    def __init__(self, part):
        super().__init__()
        self.part = part


model = Wrapper(encoder)
encoder = decoder
""")

# --- weights changed after construction, through `model.layers[i]` and `get_layer(name)` -----------
_TRANSFER = """
base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3), pooling="avg")
base.trainable = False
inputs = keras.Input(shape=(96, 96, 3))
outputs = layers.Dense(5)(base(inputs, training=False))
transfer = keras.Model(inputs, outputs)
"""
program("unrelated-sequential-next-to-a-frozen-base", EXACT, _TRANSFER + """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
""")
program("frozen-base-itself", EXACT, _TRANSFER + """
model = transfer
""")
program("layers-index-frozen", EXACT, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(1)])
model.layers[0].trainable = False
""")
program("layers-negative-index-frozen", EXACT, """
model = keras.Sequential([layers.Input((8,)), layers.Dense(4), layers.Dense(1)])
model.layers[-1].trainable = False
""")
program("get-layer-frozen", EXACT, """
inputs = keras.Input((8,))
x = layers.Dense(4, name="a")(inputs)
outputs = layers.Dense(1, name="b")(x)
model = keras.Model(inputs, outputs)
model.get_layer("b").trainable = False
""")
program("get-layer-enable-lora", EXACT, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4, name="a"), layers.Dense(3, name="b")])
model.get_layer(name="a").enable_lora(2)
""")
program("layers-index-enable-lora", EXACT, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(3)])
model.layers[1].enable_lora(2)
""")
program("layers-index-quantize", ANY, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(3)])
model.layers[0].quantize("int8")
other = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
""")
program("quantize-elsewhere-leaves-this-model", EXACT, """
q = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(3)])
q.layers[0].quantize("int8")
model = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
""")
program("functional-layers-index-is-not-followed", ANY, """
inputs = keras.Input((8,))
x = layers.Dense(4)(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.layers[1].trainable = False
""")
program("base-layer-reached-by-name", ANY, _TRANSFER + """
base.get_layer("Conv_1").trainable = True
model = transfer
""")
program("base-layer-reached-elsewhere-leaves-this-model", EXACT, _TRANSFER + """
base.get_layer("Conv_1").trainable = True
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
""")
program("nested-model-reached-by-index", EXACT, """
inner = keras.Sequential([keras.Input((8,)), layers.Dense(4)], name="inner")
model = keras.Sequential([keras.Input((8,)), inner, layers.Dense(1)])
model.layers[0].trainable = False
""")
program("tf-keras-layers-index-frozen", EXACT, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(1)])
model.layers[1].trainable = False
""", flavor="tf_keras")

# --- fine-tuning loops over a model's layers: only that model (and those holding it) may change -----
program("loop-freezes-sequential-head-slice", EXACT, """
base = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(3)])
for layer in base.layers[:2]:
    layer.trainable = False
model = base
""")
program("loop-unfreezes-sequential-tail-slice", EXACT, """
base = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(3)])
for layer in base.layers[1:]:
    layer.trainable = False
model = keras.Sequential([keras.Input((8,)), base, layers.Dense(2)])
""")
program("loop-over-all-layers-of-a-functional-model", EXACT, """
inputs = keras.Input((8,))
x = layers.Dense(4)(inputs)
outputs = layers.Dense(1)(layers.BatchNormalization()(x))
model = keras.Model(inputs, outputs)
for layer in model.layers:
    layer.trainable = False
""")
program("loop-over-a-functional-slice-is-not-followed", ANY, """
inputs = keras.Input((8,))
x = layers.Dense(4)(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
for layer in model.layers[:2]:
    layer.trainable = False
""")
program("loop-over-application-layers", ANY, _TRANSFER + """
base.trainable = True
for layer in base.layers[:-20]:
    layer.trainable = False
model = transfer
""")
program("loop-over-application-layers-leaves-other-models", EXACT, _TRANSFER + """
base.trainable = True
for layer in base.layers[:-20]:
    layer.trainable = False
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
""")
program("loop-over-another-model-leaves-this", EXACT, """
other = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(3)])
for layer in other.layers:
    layer.trainable = False
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
""")
program("loop-in-a-branch-over-sequential-layers", ANY, """
import os

model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(3)])
if os.environ.get("NEVER_SET_HERE"):
    for layer in model.layers:
        layer.trainable = False
""")

# --- `trainable` set on a model and on layers in it: a frozen model trains nothing itself; the rest
# depends on the order (Keras 3 sets the layers' flags only when the model's changes) and the version
_FROZEN_BASE = """
base = keras.Sequential([keras.Input((8,)), layers.Dense(4, name="a"), layers.BatchNormalization(), layers.Dense(3, name="c")])
base.trainable = False
"""
_HOLDING_BASE = """
model = keras.Sequential([keras.Input((8,)), base, layers.Dense(2)])
"""
for _flavor in ("keras3", "tf_keras"):
    _tag = "" if _flavor == "keras3" else "tf-keras-"
    program(f"{_tag}frozen-model-last-layer-unfrozen", EXACT, _FROZEN_BASE + """
base.layers[-1].trainable = True
model = base
""", flavor=_flavor)
    program(f"{_tag}frozen-model-layer-unfrozen-by-name-inside-another", ANY, _FROZEN_BASE + """
base.get_layer("c").trainable = True
""" + _HOLDING_BASE, flavor=_flavor)
    program(f"{_tag}frozen-model-loop-unfreezes-inside-another", ANY, _FROZEN_BASE + """
for layer in base.layers[1:]:
    layer.trainable = True
""" + _HOLDING_BASE, flavor=_flavor)
    program(f"{_tag}layer-unfrozen-then-model-frozen-again-inside-another", ANY, _FROZEN_BASE + """
base.layers[-1].trainable = True
base.trainable = False
""" + _HOLDING_BASE, flavor=_flavor)
    program(f"{_tag}layer-unfrozen-then-model-frozen", EXACT, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(3)])
model.layers[0].trainable = True
model.trainable = False
""", flavor=_flavor)
    program(f"{_tag}layer-frozen-then-model-unfrozen", ANY, """
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(3)])
model.layers[0].trainable = False
model.trainable = True
""", flavor=_flavor)
    program(f"{_tag}nested-model-frozen-then-outer-unfrozen", ANY, _FROZEN_BASE + _HOLDING_BASE + """
model.trainable = True
""", flavor=_flavor)
program("frozen-model-layer-unfrozen-through-a-variable", ANY, _FROZEN_BASE + """
head = base.layers[-1]
head.trainable = True
""" + _HOLDING_BASE)
program("frozen-model-layer-unfrozen-through-a-variable-leaves-other-models", EXACT, _FROZEN_BASE + """
head = base.get_layer("c")
head.trainable = True
model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
""")
program("frozen-model-itself-after-its-layer-is-unfrozen-through-a-variable", EXACT, _FROZEN_BASE + """
head = base.layers[-1]
head.trainable = True
model = base
""")
program("frozen-model-layer-unfrozen-through-its-own-name", ANY, """
head = layers.Dense(3)
base = keras.Sequential([keras.Input((8,)), layers.Dense(4), head])
base.trainable = False
head.trainable = True
""" + _HOLDING_BASE)

# --- `build(...)` called in a layer's own build(), keywords in any order -----------------------------
program("mha-built-by-keywords-in-a-custom-layer", EXACT, """
class Cross(layers.Layer):
    def __init__(self):
        super().__init__()
        self.mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)

    def build(self, input_shape):
        self.mha.build(value_shape=(None, 4, 7), query_shape=(None, 6, 10))

    def call(self, x):
        return x


model = Cross()
model.build((None, 6, 10))
""")

# --- tf_keras: `build(shape)` on a subclassed model calls it on a placeholder ---------------------
program("tf-keras-subclass-build", EXACT, _TWO_DENSE + """
model = Net()
model.build((None, 8))
""", flavor="tf_keras")
program("tf-keras-subclass-with-own-build", EXACT, _own_build("self.built = True") + """
model = Net()
model.build((None, 8))
""", flavor="tf_keras")
program("tf-keras-sequential-build", EXACT, """
model = keras.Sequential([layers.Dense(64), layers.BatchNormalization(), layers.Dense(10)])
model.build((None, 32))
""", flavor="tf_keras")
program("tf-keras-sequential-repeated-layer-called-on-an-array", EXACT, """
import numpy as np

shared = layers.Dense(8)
model = keras.Sequential([shared, layers.Dense(8), shared, layers.Dense(3)])  # tf_keras keeps `shared` once
model(np.zeros((2, 5), dtype="float32"))
""", flavor="tf_keras")
program("tf-keras-sequential-repeated-layer-after-an-input", ANY, """
shared = layers.Dense(8)
model = keras.Sequential([keras.Input((8,)), shared, layers.Dense(8), shared, layers.Dense(3)])
""", flavor="tf_keras")
program("tf-keras-layer-build", EXACT, """
model = layers.Dense(5)
model.build((None, 10))
""", flavor="tf_keras")
program("tf-keras-mha-build-is-not-a-build", ANY, """
model = layers.MultiHeadAttention(num_heads=2, key_dim=4)
try:
    model.build(query_shape=(None, 6, 8), value_shape=(None, 5, 12))
except TypeError:
    pass
""", flavor="tf_keras")


# --- layer methods read the module's names ---------------------------------------------------------
_BLOCK_OF = """
class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.inner = layers.Dense({units})

    def call(self, x):
        return self.inner(x)


"""
program("method-reads-module-constant", EXACT, "UNITS = 12\n" + _BLOCK_OF.format(units="UNITS") + """
model = keras.Sequential([keras.Input((4,)), Block(), layers.Dense(2)])
""")
program("method-calls-module-function", EXACT, "def width(depth):\n    return 4 * depth\n" + _BLOCK_OF.format(units="width(3)") + """
model = keras.Sequential([keras.Input((4,)), Block(), layers.Dense(2)])
""")
program("method-reads-module-name-bound-twice", ANY, "UNITS = 12\n" + _BLOCK_OF.format(units="UNITS") + """
UNITS = 6
model = keras.Sequential([keras.Input((4,)), Block(), layers.Dense(2)])
""")
program("method-changes-module-list", ANY, """
WIDTHS = [8]


class Grow(layers.Layer):
    def __init__(self):
        super().__init__()
        WIDTHS.append(WIDTHS[-1] * 2)
        self.inner = layers.Dense(WIDTHS[-1])

    def call(self, x):
        return self.inner(x)


first = Grow()
model = keras.Sequential([keras.Input((4,)), Grow(), layers.Dense(2)])
""")


# --- a return on a path that may not run, in a layer's call() ---------------------------------------
_RETURNS_EARLY = """
import os


class Block(layers.Layer):
    def __init__(self, flag):
        super().__init__()
        self.flag = flag
        self.a = layers.Dense(8)
        self.b = layers.Dense(5)

    def call(self, x):
        {body}


model = keras.Sequential([keras.Input((4,)), Block(os.environ.get("FLAG", "1") == "1"), layers.Dense(2)])
"""
program("call-returns-early-with-the-same-shape", EXACT, _RETURNS_EARLY.format(body="""y = self.b(self.a(x))
        if self.flag:
            return y * 2.0
        return y"""))
program("call-returns-early-with-another-shape", ANY, _RETURNS_EARLY.format(body="""if self.flag:
            return self.b(x)
        return self.a(x)"""))


# --- module functions read when module code first calls one --------------------------------------
program("function-reads-module-name-rebound-after-an-earlier-call", ANY, """
UNITS = 4


def block(x, n):
    return layers.Dense(n)(x)


def build():
    width = UNITS * 2
    return keras.Sequential([keras.Input((3,)), layers.Dense(width)])


first = block(keras.Input((3,)), 2)
UNITS = 16
model = build()
""")
program("function-reads-module-constant-bound-before-the-call", EXACT, """
UNITS = 4


def build():
    width = UNITS * 2
    return keras.Sequential([keras.Input((3,)), layers.Dense(width)])


model = build()
""")

# --- lists and tuples of layers and tensors, picked by a plain index ------------------------------
program("list-of-layers-picked-in-an-unrolled-loop", EXACT, """
inputs = keras.Input((8,))
blocks = [layers.Dense(4), layers.Dense(3)]
x = inputs
for i in range(2):
    x = blocks[i](x)
model = keras.Model(inputs, x)
""")
program("tuple-of-layers-returned-by-a-function", EXACT, """
def make():
    return layers.Dense(4), layers.Dense(3)


pair = make()
inputs = keras.Input((8,))
model = keras.Model(inputs, pair[-1](pair[0](inputs)))
""")
program("list-of-tensors-picked-by-index", EXACT, """
inputs = keras.Input((8,))
branches = [layers.Dense(4)(inputs), layers.Dense(6)(inputs)]
model = keras.Model(inputs, layers.Dense(2)(branches[1]))
""")
program("list-of-layers-item-replaced", ANY, """
inputs = keras.Input((8,))
blocks = [layers.Dense(4), layers.Dense(3)]
blocks[0] = layers.Dense(5)
model = keras.Model(inputs, blocks[1](blocks[0](inputs)))
""")
program("list-of-layers-item-replaced-by-a-function", ANY, """
def swap(bs):
    bs[0] = layers.Dense(5)
    return bs


inputs = keras.Input((8,))
blocks = swap([layers.Dense(4), layers.Dense(3)])
model = keras.Model(inputs, blocks[1](blocks[0](inputs)))
""")
program("nested-list-of-layers-item-replaced", ANY, """
inputs = keras.Input((8,))
stages = [[layers.Dense(4)], [layers.Dense(3)]]
stages[0][0] = layers.Dense(5)
first = stages[0]
model = keras.Model(inputs, stages[1][0](first[0](inputs)))
""")
program("dict-of-layers-is-not-picked-by-position", ANY, """
inputs = keras.Input((8,))
heads = {1: layers.Dense(4), 0: layers.Dense(3)}
model = keras.Model(inputs, heads[0](inputs))
""")
program("loop-over-a-list-of-layers", EXACT, """
inputs = keras.Input((8,))
blocks = [layers.Dense(4), layers.Dense(3)]
x = inputs
for block in blocks:
    x = block(x)
model = keras.Model(inputs, x)
""")
program("loop-over-a-list-of-layers-changed-in-place", ANY, """
inputs = keras.Input((8,))
blocks = [layers.Dense(4), layers.Dense(3)]
blocks.insert(0, layers.Dense(5))
x = inputs
for block in blocks:
    x = block(x)
model = keras.Model(inputs, x)
""")
program("list-of-tensors-appended-in-a-loop", ANY, """
inputs = keras.Input((8,))
branches = [layers.Dense(4)(inputs), layers.Dense(6)(inputs)]
outs = []
for branch in branches:
    outs.append(layers.Dense(2)(branch))
model = keras.Model(inputs, layers.Concatenate()(outs))
""")
program("list-of-outputs-appended-after-the-first", ANY, """
inputs = keras.Input((8,))
outs = [layers.Dense(4)(inputs)]
outs.append(layers.Dense(6)(inputs))
model = keras.Model(inputs, outs)
""")

program("tuple-assignment-reads-the-old-value-on-its-right", EXACT, """
units = 4
units, head = units * 2, layers.Dense(units)
inputs = keras.Input((3,))
model = keras.Model(inputs, head(inputs))
""")
program("loop-pass-reads-what-the-pass-before-bound", EXACT, """
units = 2
inputs = keras.Input((3,))
x = inputs
for i in range(3):
    units = units * 2
    x = layers.Dense(units)(x)
model = keras.Model(inputs, layers.Dense(units + i)(x))
""")
program("nested-loop-passes-carry-a-plain-value", EXACT, """
units = 1
for i in range(2):
    for j in range(3):
        units = units + i + j
inputs = keras.Input((2,))
model = keras.Model(inputs, layers.Dense(units)(inputs))
""")
program("function-loop-passes-carry-parameters-and-tensors", EXACT, """
def make(depth=3, units=2):
    inputs = keras.Input((5,))
    x = inputs
    for i in range(depth):
        units = units + 1
        x = layers.Dense(units)(x)
    x = layers.Dense(units * i)(x)
    return keras.Model(inputs, x)


model = make()
""")
program("loop-under-an-unknown-branch-leaves-its-values-unknown", ANY, """
import os
n = 4
if os.environ.get("KERASLENS_NEVER_SET"):
    for i in range(2):
        n = n * 2
model = keras.Sequential([layers.Dense(n)])
model.build((None, 3))
""")
program("loop-appending-to-a-plain-list", ANY, """
widths = [4]
for i in range(2):
    widths.append(8)
    w = len(widths)
inputs = keras.Input((2,))
model = keras.Model(inputs, layers.Dense(w)(inputs))
""")
program("augmented-assignment-of-a-tensor", EXACT, """
inputs = keras.Input((5,))
x = layers.Dense(4)(inputs)
x += layers.Dense(4)(x)
model = keras.Model(inputs, layers.Dense(2)(x))
""")
program("augmented-assignment-of-a-list-of-tensors", ANY, """
inputs = keras.Input((5,))
outs = [layers.Dense(4)(inputs)]
outs += [layers.Dense(6)(inputs)]
model = keras.Model(inputs, layers.Concatenate()(outs))
""")

program("helper-called-with-a-tensor-and-unpacked-plain-arguments", EXACT, """
def block(x, units, rate):
    x = layers.Dense(units)(x)
    return layers.Dropout(rate)(x)


settings = (16, 0.1)
inputs = keras.Input((8,))
model = keras.Model(inputs, block(inputs, *settings))
""")


# --- `trainable` set on a Model subclass after it is made; Sequential subclasses ------------------
_NET_DENSE_BN = """
import numpy as np
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(4)
        self.bn = layers.BatchNormalization()

    def call(self, x):
        return self.bn(self.a(x))


model = Net()
"""
program("subclass-called-then-frozen", EXACT, _NET_DENSE_BN + """
model(np.zeros((1, 3)))
model.trainable = False
""")
program("subclass-frozen-then-called", EXACT, _NET_DENSE_BN + """
model.trainable = False
model(np.zeros((1, 3)))
""")
program("subclass-called-then-attribute-frozen", ANY, _NET_DENSE_BN + """
model(np.zeros((1, 3)))
model.bn.trainable = False
""")
program("subclass-called-then-layer-frozen-by-index", ANY, _NET_DENSE_BN + """
model(np.zeros((1, 3)))
model.layers[1].trainable = False
""")
program("tf-keras-subclass-built-then-frozen", EXACT, _NET_DENSE_BN + """
model.build((None, 3))
model.trainable = False
""", flavor="tf_keras")
_NET_WITH_FROZEN_LAYER = """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = layers.Dense(4)
        self.a.trainable = False
        self.b = layers.Dense(2)

    def call(self, x):
        return self.b(self.a(x))


model = Net()
"""
program("subclass-layer-frozen-inside-then-model-trainable", ANY, _NET_WITH_FROZEN_LAYER + """
model(keras.ops.zeros((1, 3)))
model.trainable = True
""")
program("tf-keras-subclass-layer-frozen-inside-then-model-trainable", ANY, _NET_WITH_FROZEN_LAYER + """
model.build((None, 3))
model.trainable = True
""", flavor="tf_keras")
program("sequential-subclass-built", ANY, """
class Stack(keras.Sequential):
    def __init__(self):
        super().__init__([layers.Dense(4), layers.Dense(2)])


model = Stack()
model.build((None, 3))
""")
program("sequential-subclass-with-input", ANY, """
class Stack(keras.Sequential):
    def __init__(self):
        super().__init__([keras.Input((3,)), layers.Dense(4), layers.Dense(2)])


model = Stack()
""")
program("sequential-subclass-adding-in-init-called", ANY, """
import numpy as np
class Stack(keras.Sequential):
    def __init__(self, units):
        super().__init__()
        self.add(layers.Dense(units))
        self.add(layers.Dense(1))


model = Stack(5)
model(np.zeros((2, 3)))
""")
program("sequential-subclass-in-a-functional-model", ANY, """
class Stack(keras.Sequential):
    def __init__(self):
        super().__init__([layers.Dense(4), layers.Dense(2)])


inputs = keras.Input((3,))
model = keras.Model(inputs, Stack()(inputs))
""")
program("tf-keras-sequential-subclass-built", ANY, """
class Stack(keras.Sequential):
    def __init__(self):
        super().__init__([layers.Dense(4), layers.Dense(2)])


model = Stack()
model.build((None, 3))
""", flavor="tf_keras")


# --- `trainable=False` handed to Keras' own `__init__` by a class's constructor --------------------
_BLOCK_FROZEN_IN_INIT = """
class Block(layers.Layer):
    def __init__(self, units):
        super().__init__(trainable=False)
        self.d = layers.Dense(units)

    def call(self, x):
        return self.d(x)


inputs = keras.Input((3,))
model = keras.Model(inputs, layers.Dense(1)(Block(4)(inputs)))
"""
program("layer-given-trainable-false-by-its-constructor", ANY, _BLOCK_FROZEN_IN_INIT)
program("tf-keras-layer-given-trainable-false-by-its-constructor", EXACT, _BLOCK_FROZEN_IN_INIT, flavor="tf_keras")
_NET_FROZEN_IN_INIT = """
import numpy as np
class Net(keras.Model):
    def __init__(self):
        super().__init__(trainable=False)
        self.a = layers.Dense(4)

    def call(self, x):
        return self.a(x)


model = Net()
model(np.zeros((1, 3)))
"""
program("model-given-trainable-false-by-its-constructor", ANY, _NET_FROZEN_IN_INIT)
program("tf-keras-model-given-trainable-false-by-its-constructor", EXACT, _NET_FROZEN_IN_INIT, flavor="tf_keras")
program("model-made-with-trainable-false-forwarded", ANY, """
import numpy as np
class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a = layers.Dense(4)

    def call(self, x):
        return self.a(x)


model = Net(trainable=False)
model(np.zeros((1, 3)))
""")


# --- several normalised axes: tf_keras' BatchNormalization takes them -----------------------------
program("tf-keras-batch-normalization-over-two-axes", EXACT, """
inputs = keras.Input((6, 6, 4))
model = keras.Model(inputs, layers.BatchNormalization(axis=[1, 3])(inputs))
""", flavor="tf_keras")


# --- the tensors of a layer returning several (`return_state=True`), unpacked and passed on -----------
program("encoder-states-named-then-passed-by-keyword", EXACT, """
encoder_inputs = keras.Input(shape=(None, 31))
encoder = layers.LSTM(64, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, 27))
decoder_lstm = layers.LSTM(64, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = layers.Dense(27, activation="softmax")
model = keras.Model([encoder_inputs, decoder_inputs], decoder_dense(decoder_outputs))
""")
program("gru-state-feeds-a-dense", EXACT, """
inputs = keras.Input((12, 5))
sequence, state = layers.GRU(16, return_sequences=True, return_state=True)(inputs)
model = keras.Model(inputs, [layers.Dense(3)(sequence), layers.Dense(2)(state)])
""")
program("tf-keras-simple-rnn-state-feeds-a-dense", EXACT, """
inputs = keras.Input((12, 5))
last, state = layers.SimpleRNN(8, return_state=True)(inputs)
model = keras.Model(inputs, layers.Dense(4)(layers.concatenate([last, state])))
""", flavor="tf_keras")


# --- a subclassed model built by `build(shape)` whose own blocks are custom layers -----------------------
program("subclass-build-without-build-method-holding-custom-blocks", EXACT, """
from keras import ops


class Residual(layers.Layer):
    def __init__(self, filters):
        super().__init__()
        self.first = layers.Conv2D(filters, 3, padding="same")
        self.second = layers.Conv2D(filters, 3, padding="same")

    def call(self, x):
        return ops.relu(x + self.second(ops.relu(self.first(x))))


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.stem = layers.Conv2D(8, 3, padding="same")
        self.block = Residual(8)
        self.head = layers.Dense(10)

    def call(self, x):
        return self.head(layers.GlobalAveragePooling2D()(self.block(self.stem(x))))


model = Net()
model.build((None, 16, 16, 3))
""")
program("subclass-build-without-build-method-holding-a-block-with-weights", ANY, """
class Scale(layers.Layer):
    def __init__(self, size):
        super().__init__()
        self.scale = self.add_weight(shape=(size,), initializer="ones")

    def call(self, x):
        return x * self.scale


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.scale = Scale(6)
        self.head = layers.Dense(2)

    def call(self, x):
        return self.head(self.scale(x))


model = Net()
model.build((None, 6))
""")
program("units-from-the-product-of-a-shape", EXACT, """
import numpy as np


class Autoencoder(keras.Model):
    def __init__(self, latent, shape):
        super().__init__()
        self.encoder = keras.Sequential([layers.Flatten(), layers.Dense(latent, activation="relu")])
        self.decoder = keras.Sequential([layers.Dense(int(np.prod(shape))), layers.Reshape(shape)])

    def call(self, x):
        return self.decoder(self.encoder(x))


model = Autoencoder(16, (12, 12))
model(np.zeros((1, 12, 12)))
""")
program("category-encoding-feeds-a-dense", EXACT, """
inputs = keras.Input((3,), dtype="int32")
hot = layers.CategoryEncoding(num_tokens=10, output_mode="multi_hot")(inputs)
one = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(inputs)
model = keras.Model(inputs, layers.Dense(4)(layers.concatenate([hot, layers.Flatten()(one)])))
""")


program("normalization-adapted-then-used", EXACT, """
import numpy as np

norm = layers.Normalization()
norm.adapt(np.random.rand(50, 5).astype("float32"))
model = keras.Sequential([keras.Input((5,)), norm, layers.Dense(3)])
""")
program("tf-keras-normalization-adapted-then-used", EXACT, """
import numpy as np

norm = layers.Normalization(axis=(1, 2))
norm.adapt(np.random.rand(20, 4, 3, 2).astype("float32"))
inputs = keras.Input((4, 3, 2))
model = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(norm(inputs))))
""", flavor="tf_keras")


# --- shapes made inside a layer's call from the input's own lengths ----------------------------------
program("positions-from-the-input-length", EXACT, """
from keras import ops


class TokenAndPosition(layers.Layer):
    def __init__(self, length, vocabulary, width):
        super().__init__()
        self.tokens = layers.Embedding(vocabulary, width)
        self.positions = layers.Embedding(length, width)

    def call(self, x):
        steps = ops.arange(0, ops.shape(x)[-1])
        return self.tokens(x) + self.positions(steps)


inputs = keras.Input((40,))
x = TokenAndPosition(40, 500, 16)(inputs)
x = layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
x = layers.LayerNormalization()(x)
model = keras.Model(inputs, layers.Dense(3)(layers.GlobalAveragePooling1D()(x)))
""")
program("image-patches-with-a-run-time-batch", EXACT, """
from keras import ops


class Patches(layers.Layer):
    def __init__(self, size):
        super().__init__()
        self.size = size

    def call(self, images):
        batch = ops.shape(images)[0]
        cut = ops.image.extract_patches(images, size=self.size)
        return ops.reshape(cut, (batch, -1, self.size * self.size * 3))


class Encoder(layers.Layer):
    def __init__(self, count, width):
        super().__init__()
        self.count = count
        self.project = layers.Dense(width)
        self.position = layers.Embedding(count, width)

    def call(self, patches):
        where = ops.expand_dims(ops.arange(start=0, stop=self.count, step=1), axis=0)
        return self.project(patches) + self.position(where)


inputs = keras.Input((24, 24, 3))
x = Encoder((24 // 6) ** 2, 12)(Patches(6)(inputs))
x = layers.LayerNormalization()(x)
model = keras.Model(inputs, layers.Dense(5)(layers.Flatten()(x)))
""")


@pytest.fixture(scope="module")
def truth() -> dict[str, dict]:
    """What real Keras counts for every program, by name."""
    by_flavor: dict[str, list[dict]] = {}
    for entry in PROGRAMS:
        by_flavor.setdefault(entry["flavor"], []).append({**entry, "group": "idioms"})
    found = {}
    for flavor, jobs in by_flavor.items():
        found.update((r["name"], r) for r in run_worker(str(HERE / "gen_real_world.py"), flavor, jobs)["results"])
    return found


@pytest.mark.parametrize("entry", PROGRAMS, ids=lambda e: e["name"])
def test_static_count_against_keras(entry, truth, tmp_path):
    path = tmp_path / "program.py"
    path.write_text(entry["source"])
    got = count_target(entry["source"], str(path), "model")
    real = truth[entry["name"]]
    numbers = ("trainable", "non_trainable", "total")
    if got["status"] == "exact":
        assert [got[n] for n in numbers] == [real[n] for n in numbers], got
    elif got["status"] == "partial":
        assert all(got[n] is None or got[n] <= real[n] for n in numbers), got
    if entry["goal"] == EXACT:
        assert got["status"] == "exact", (got["reason"], [real[n] for n in numbers])


def test_a_keras3_subclass_built_without_build_says_why_it_has_no_weights(tmp_path):
    source = next(e["source"] for e in PROGRAMS if e["name"] == "subclass-build-without-build-method")
    got = count_target(source, str(tmp_path / "program.py"), "model")
    assert (got["status"], got["total"]) == ("exact", 0)
    assert "without a `build()` method builds none of its layers" in got["reason"]


def test_keras3_batch_normalization_given_a_list_of_axes_is_not_counted(tmp_path):
    """Keras 3 refuses it when the layer is built (tf_keras takes it: the program above)."""
    source = "import keras\nfrom keras import layers\ninputs = keras.Input((6, 6, 4))\n"
    source += "model = keras.Model(inputs, layers.BatchNormalization(axis=[1, 3])(inputs))\n"
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"} | {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    real = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, env=env, check=False)
    assert real.returncode != 0 and "TypeError" in real.stderr, real.stderr[-2000:]
    got = count_target(source, str(tmp_path / "program.py"), "model")
    assert got["status"] == "unknown" and "a list of axes raises an error" in got["reason"], got
