"""Regenerate tests/truth/real_world.json: real-world Keras code counted by real Keras 3 and tf_keras.

Run from the repository root:

    uv run python tests/truth/gen_real_world.py            # writes tests/truth/real_world.json
    uv run python tests/truth/gen_real_world.py --check    # recompute and compare, write nothing

Runtime: about 9 minutes of wall time on a loaded 2-vCPU machine (one worker per flavour, side by side). Nothing is downloaded: applications are built with ``weights=None``.

The code counted is the installed packages' own (used in place, never copied into this
repository), reached through the short programs below, one per entry, written as a user would:

* ``applications``: ``keras.applications`` models in the transfer-learning idiom (feature extractor,
  frozen, called with ``training=False``, a new head); every application's own configurations are
  in tests/truth/applications.json (gen_applications.py), counted the same way by the test;
* ``tf-keras-applications``: the same idiom written for tf_keras (``import tf_keras as keras``, the
  Keras 2 package), with its own applications too (RegNet, ResNetRS); its applications' own
  configurations are in tests/truth/applications_tf_keras.json;
* ``keras-hub``: keras-hub backbones built with small configurations (their ``__init__`` builds a
  functional model from keras-hub's layers), and a task model on one;
* ``functional-init``: Model subclasses of the program built the same way (layers off the path,
  ``keras.Model.__init__(self, inputs, outputs)``);
* ``keras-rs``: models using the layers of keras-rs (recommenders, Keras 3).

Each program binds ``model``; the worker runs it and records ``model``'s trainable and
non-trainable sizes. tests/truth/test_real_world_counts.py counts the same programs statically.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flavor_worker import generate as run_corpus
from flavor_worker import generator_main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "real_world.json"

CORPUS: list[dict] = []


def program(group: str, name: str, source: str, flavor: str = "keras3") -> None:
    CORPUS.append({"group": group, "name": name, "flavor": flavor, "source": source.strip() + "\n"})


# --- keras.applications: transfer learning (every application's own constructor calls are in
# tests/truth/applications.json, checked by test_real_world_counts too) ----------------------------
_TRANSFER = {
    "MobileNetV3Small": ((224, 224, 3), "avg"),
    "MobileNetV2": ((160, 160, 3), "avg"),
    "EfficientNetB0": ((224, 224, 3), "max"),
    "ResNet50": ((224, 224, 3), "avg"),
    "DenseNet121": ((128, 128, 3), "avg"),
    "NASNetMobile": ((224, 224, 3), "max"),
    "VGG16": ((224, 224, 3), None),
}


def transfer_programs(group: str, package: str, transfers: dict, flavor: str = "keras3") -> None:
    """The transfer-learning idiom: a frozen feature extractor called with ``training=False``, a new head."""
    for name, (shape, pooling) in transfers.items():
        head = "x = keras.layers.GlobalAveragePooling2D()(x)\n" if pooling is None else ""
        program(
            group,
            name,
            f"""
{package}

base = keras.applications.{name}(include_top=False, weights=None, input_shape={shape!r}, pooling={pooling!r})
base.trainable = False
inputs = keras.Input(shape={shape!r})
x = base(inputs, training=False)
{head}x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
            flavor=flavor,
        )


transfer_programs("applications", "import keras", _TRANSFER)
program("applications", "ResNet50-classifier", "import keras\n\nmodel = keras.applications.ResNet50(weights=None, classes=10)")
program("applications", "MobileNetV2-features", "import keras\n\nmodel = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(160, 160, 3))")

# --- tf_keras.applications: the same idiom in code written for tf_keras (Keras 2) ---------------------
_TF_KERAS_TRANSFER = {
    "MobileNetV3Small": ((224, 224, 3), "avg"),
    "EfficientNetB0": ((224, 224, 3), "max"),
    "ResNet50": ((224, 224, 3), "avg"),
    "InceptionV3": ((299, 299, 3), "avg"),
    "RegNetX002": ((224, 224, 3), "avg"),
    "ResNetRS50": ((160, 160, 3), "avg"),
    "VGG16": ((224, 224, 3), None),
}
transfer_programs("tf-keras-applications", "import tf_keras as keras", _TF_KERAS_TRANSFER, flavor="tf_keras")
for _name, _classes in {"ResNet50": 10, "MobileNetV3Small": 7, "RegNetX002": 10, "ResNetRS50": 3}.items():  # the head's size per class
    program(
        "tf-keras-applications",
        f"{_name}-classifier",
        f"import tf_keras as keras\n\nmodel = keras.applications.{_name}(weights=None, classes={_classes})",
        flavor="tf_keras",
    )
program(
    "tf-keras-applications",
    "RegNetY004-features",
    "from tf_keras.applications import RegNetY004\n\nmodel = RegNetY004(include_top=False, weights=None, input_shape=(128, 128, 3))",
    flavor="tf_keras",
)

# --- keras-hub backbones with small configurations ------------------------------------------------
_TEXT = "vocabulary_size=100, num_layers=2, hidden_dim=16, intermediate_dim=32"
_HUB = {
    "BertBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "DistilBertBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "RobertaBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "XLMRobertaBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",  # RobertaBackbone's constructor, inherited
    "AlbertBackbone": f"{_TEXT}, num_heads=2, embedding_dim=8, max_sequence_length=16",
    "GPT2Backbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "OPTBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "GPTNeoXBackbone": f"{_TEXT}, num_heads=2, max_sequence_length=16",
    "BloomBackbone": f"{_TEXT}, num_heads=2",
    "FNetBackbone": f"{_TEXT}, max_sequence_length=16",
    "ElectraBackbone": "vocab_size=100, num_layers=2, num_heads=2, hidden_dim=16, embedding_dim=8, intermediate_dim=32, max_sequence_length=16",
    "LlamaBackbone": f"{_TEXT}, num_query_heads=4, num_key_value_heads=2",
    "MistralBackbone": f"{_TEXT}, num_query_heads=4, num_key_value_heads=2",
    "QwenBackbone": f"{_TEXT}, num_query_heads=4, num_key_value_heads=2",
    "Phi3Backbone": f"{_TEXT}, num_query_heads=4, num_key_value_heads=2, max_sequence_length=32",
    "GemmaBackbone": f"{_TEXT}, num_query_heads=2, num_key_value_heads=1, head_dim=8",
    "ViTBackbone": "image_shape=(32, 32, 3), patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32",
}
for _name, _arguments in _HUB.items():
    program("keras-hub", _name, f"import keras_hub\n\nmodel = keras_hub.models.{_name}({_arguments})")
program(  # an encoder-decoder: its decoder layers are built with the encoder's output shape too
    "keras-hub",
    "BartBackbone",
    f"import keras_hub\n\nmodel = keras_hub.models.BartBackbone({_TEXT}, num_heads=2, max_sequence_length=16)",
)
program(  # a task model: the backbone and a head, built in the task's constructor
    "keras-hub",
    "BertTextClassifier",
    f"""
import keras_hub

backbone = keras_hub.models.BertBackbone({_TEXT}, num_heads=2, max_sequence_length=16)
model = keras_hub.models.BertTextClassifier(backbone=backbone, num_classes=3, preprocessor=None)
""",
)

# --- Model subclasses of the program that build a functional model in their constructor, as
# keras-hub does: Keras counts the layers on the path from the inputs to the outputs, and those
# kept on the model once built --------------------------------------------------------------------
program(
    "functional-init",
    "off-path-layers",
    """
import keras


class Tower(keras.Model):
    def __init__(self, units=8, **kwargs):
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.unused = keras.layers.Dense(3)
        inputs = keras.Input(shape=(4,))
        x = self.hidden(inputs)
        side = keras.layers.Dense(5)(x)  # called, but not on the path to the outputs
        outputs = keras.layers.Dense(2)(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)


model = Tower(units=6)
""",
)
program(
    "functional-init",
    "helper-and-held-layer",
    """
import keras


def block(x, units):
    return keras.layers.Dense(units)(x)


class Model(keras.Model):
    def __init__(self, head):
        self.head = head  # built already: the model keeps its weights too
        inputs = keras.Input(shape=(4,))
        x = block(inputs, 8)
        outputs = keras.layers.Dense(2)(x)
        super().__init__(inputs, outputs)


extra = keras.layers.Dense(3)
extra.build((None, 2))
model = Model(extra)
""",
)
program(
    "functional-init",
    "model-init-positional",
    """
import keras


class Scorer(keras.Model):
    def __init__(self):
        self.encoder = keras.layers.Dense(8)
        self.norm = keras.layers.LayerNormalization()
        inputs = keras.Input(shape=(5,))
        x = self.norm(self.encoder(inputs))
        gate = keras.layers.Dense(8, activation="sigmoid")
        outputs = keras.layers.Dense(1)(keras.ops.multiply(x, gate(x)))
        keras.Model.__init__(self, inputs, outputs)


model = Scorer()
""",
)

# --- keras-rs ----------------------------------------------------------------------------------------
program(
    "keras-rs",
    "deep-cross",
    """
import keras
import keras_rs

inputs = keras.Input(shape=(8,))
x = keras_rs.layers.FeatureCross()(inputs, inputs)
x = keras_rs.layers.FeatureCross(projection_dim=4)(inputs, x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
""",
)
program(
    "keras-rs",
    "dot-interaction",
    """
import keras
import keras_rs

a = keras.Input(shape=(6,))
b = keras.Input(shape=(6,))
c = keras.Input(shape=(6,))
x = keras_rs.layers.DotInteraction()([a, b, c])
x = keras.layers.Dense(8, activation="relu")(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model([a, b, c], outputs)
""",
)
program(
    "keras-rs",
    "two-tower",
    """
import keras
import keras_rs

user = keras.Input(shape=(12,))
item = keras.Input(shape=(12,))
u = keras.layers.Dense(16, activation="relu")(user)
u = keras_rs.layers.FeatureCross(use_bias=False)(u, u)
v = keras.layers.Dense(16, activation="relu")(item)
score = keras.layers.Dot(axes=1)([u, v])
model = keras.Model([user, item], score)
""",
)


# --- worker -------------------------------------------------------------------------------------------
def _worker() -> None:
    """Run each program; print the sizes of the ``model`` it binds as JSON."""
    import contextlib
    import gc
    import warnings

    import numpy as np

    warnings.simplefilter("ignore")
    jobs = json.load(sys.stdin)
    if jobs[0]["flavor"] == "tf_keras":  # one worker per flavour (flavor_worker.py)
        import tf_keras as keras
    else:
        import keras

    def size(variables) -> int:
        return sum(int(np.prod(tuple(v.shape), dtype=np.int64)) for v in {id(v): v for v in variables}.values())

    results = []
    for job in jobs:
        keras.backend.clear_session()
        scope: dict = {}
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the answer; a program may print a summary
            exec(compile(job["source"], f"<{job['name']}>", "exec"), scope)  # noqa: S102 -- the corpus programs above
        model = scope["model"]
        trainable, non_trainable = size(model.trainable_weights), size(model.non_trainable_weights)
        if model.built and trainable + non_trainable != model.count_params():  # an unbuilt layer cannot count
            raise RuntimeError(f"{job['name']}: count_params {model.count_params()} != {trainable} + {non_trainable}")
        results.append({**job, "trainable": trainable, "non_trainable": non_trainable, "total": trainable + non_trainable})
        del model, scope
        gc.collect()
    json.dump({"versions": {"keras": keras.__version__}, "results": results}, sys.stdout)


def _key(e: dict) -> str:
    return json.dumps([e["group"], e["name"]])


def generate() -> dict:
    return run_corpus(__file__, CORPUS, _key)


def main() -> int:
    return generator_main(__doc__, OUT, generate, _worker, _key, "group", lambda e: (e["group"], e["name"], e["total"]))


if __name__ == "__main__":
    sys.exit(main())
