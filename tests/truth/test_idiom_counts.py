"""Static counts of Keras idioms that build or shape a model outside a functional graph, against real Keras.

Each program binds ``model`` (a model or a layer). Real Keras runs every program in a worker
subprocess per flavour (Keras 3, and tf_keras with ``import tf_keras as keras``), through
tests/truth/gen_real_world.py's ``--worker``, at test time; the static count of ``model``
(``count_target``, as ``keraslens count FILE --target model``) must then:

* never be a wrong exact number, and no partial bound may exceed Keras' numbers;
* be exact where the program is marked ``EXACT`` (the goal of each idiom).
"""

from __future__ import annotations

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
program("subclass-build-without-build-method", EXACT, """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


model = Net()
model.build((None, 8))
model.summary()
""")
program("subclass-build-then-called", EXACT, """
import numpy as np


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16)
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


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
program("subclass-with-own-build", ANY, """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16)
        self.out = layers.Dense(2)

    def build(self, input_shape):
        self.hidden.build(input_shape)
        super().build(input_shape)

    def call(self, x):
        return self.out(self.hidden(x))


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

# --- tf_keras: `build(shape)` on a subclassed model calls it on a placeholder ---------------------
program("tf-keras-subclass-build", EXACT, """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


model = Net()
model.build((None, 8))
""", flavor="tf_keras")
program("tf-keras-sequential-build", EXACT, """
model = keras.Sequential([layers.Dense(64), layers.BatchNormalization(), layers.Dense(10)])
model.build((None, 32))
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
