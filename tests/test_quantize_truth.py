"""Summaries after ``quantize``, under dtype policies, and with Keras's automatic layer names, against
real ``model.summary()`` (Keras 3): where keraslens says exact, every totals line (counts and byte
sizes) and every row (name, output shape, params) is Keras's, character for character. Where it
does not model something, it must not say exact, nor print a size it does not know."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_summary_parity import KERAS_SIDE, table_rows, totals_lines

from keraslens.analysis.config import Settings
from keraslens.count_command import count_target, render_summary

pytestmark = pytest.mark.tf

HEAD = "import keras\nfrom keras import layers\n"
DENSE_EINSUM = 'model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(6), layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")])\n'
EMBEDDING = 'model = keras.Sequential([keras.Input(shape=(7,), dtype="int32"), layers.Embedding(300, 9), layers.Dense(3)])\n'

EXACT = {
    **{f"dense_einsum_{mode}": DENSE_EINSUM + f'model.quantize("{mode}")\n' for mode in ("int8", "int4", "float8")},
    **{f"embedding_{mode}": EMBEDDING + f'model.quantize("{mode}")\n' for mode in ("int8", "int4", "float8")},
    "layer_int4_groups": """
inputs = keras.Input(shape=(300,))
wide = layers.Dense(7)
frozen = layers.Dense(5, trainable=False)
model = keras.Model(inputs, frozen(wide(inputs)))
wide.quantize("int4")
frozen.quantize(mode="int4")
""",
    "einsum_heads_int8": """
inputs = keras.Input(shape=(4, 16))
model = keras.Model(inputs, layers.EinsumDense("abc,cde->abde", output_shape=(None, 3, 5), bias_axes="de")(inputs))
model.quantize("int8")
""",
    "einsum_heads_int4": """
inputs = keras.Input(shape=(4, 200))
model = keras.Model(inputs, layers.EinsumDense("abc,cde->abde", output_shape=(None, 3, 5), bias_axes="de")(inputs))
model.quantize("int4")
""",
    "conv_batchnorm_left_as_they_are": """
model = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Conv2D(4, 3), layers.BatchNormalization(), layers.Flatten(), layers.Dense(5)])
model.quantize("int8")
""",
    "bfloat16_policy_int8": """
keras.config.set_dtype_policy("bfloat16")
model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(6), layers.Dense(3)])
model.quantize("int8")
""",
    "dtype_per_layer": """
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(6, dtype="bfloat16"),
    layers.Dense(3, dtype="mixed_float16"),
    layers.Dense(2, dtype=keras.DTypePolicy("float16")),
    layers.Dense(2, dtype="float64"),
])
""",
    "dtype_per_layer_quantized": """
model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(6, dtype="bfloat16"), layers.Dense(4)])
model.quantize("int4")
""",
    "names_second_model": """
first = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(2)])
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(2, name="out"), layers.Dropout(0.1), layers.Dense(1)])
""",
    "names_functional_after_sequential": """
first = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4)])
spare = layers.Concatenate()
inputs = keras.Input(shape=(3,))
hidden = layers.Dense(4)(inputs)
model = keras.Model(inputs, layers.Dense(1)(layers.concatenate([inputs, hidden])))
""",
    "names_with_a_layer_class": """
class Scale(keras.layers.Layer):
    def build(self, shape):
        self.w = self.add_weight(shape=(shape[-1],))

    def call(self, x):
        return x * self.w


spare = layers.Dense(2)
model = keras.Sequential([keras.Input(shape=(3,)), Scale(), layers.Dense(4), Scale()])
""",
}

# not modelled: never exact; sizes never printed when a dtype is not known
NOT_EXACT = {
    "filters": DENSE_EINSUM + 'model.quantize("int8", filters="dense")\n',
    "in_a_function": DENSE_EINSUM + 'def shrink():\n    model.quantize("int8")\nshrink()\n',
    "before_built": 'model = keras.Sequential([layers.Dense(6)])\nmodel.quantize("int8")\nmodel.build((None, 10))\n',
    "twice": DENSE_EINSUM + 'model.quantize("int8")\nmodel.quantize("int4")\n',
    "mixed_float16_int8": 'keras.config.set_dtype_policy("mixed_float16")\n' + DENSE_EINSUM + 'model.quantize("int8")\n',
    "attention": """
inputs = keras.Input(shape=(4, 8))
model = keras.Model(inputs, layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs))
model.quantize("int8")
""",
    "ellipsis_einsum": """
inputs = keras.Input(shape=(4, 16))
model = keras.Model(inputs, layers.EinsumDense("...b,bc->...c", output_shape=9)(inputs))
model.quantize("int8")
""",
    "embedding_float8_on_the_layer": """
inputs = keras.Input(shape=(7,), dtype="int32")
table = layers.Embedding(300, 9)
model = keras.Model(inputs, table(inputs))
table.quantize("float8")
""",
}

# exact counts, sizes not claimed
SIZES_UNKNOWN = {
    "policy_in_a_function": "def half():\n    keras.config.set_dtype_policy('float16')\nhalf()\n" + DENSE_EINSUM,
    "policy_from_a_variable": "POLICY = 'float16'\nkeras.config.set_dtype_policy(POLICY)\n" + DENSE_EINSUM,
    "policy_after_layers": DENSE_EINSUM + "keras.config.set_dtype_policy('float16')\nother = layers.Dense(3)\n",
    "layer_dtype_not_known": "import os\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, dtype=os.environ['DTYPE'])])\n",
}


@pytest.fixture(scope="module")
def keras_summaries() -> dict[str, str]:
    sources = {name: HEAD + source for name, source in EXACT.items()}
    done = subprocess.run([sys.executable, "-c", KERAS_SIDE], input=json.dumps(sources), capture_output=True, text=True, timeout=300,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def counted(source: str, tmp_path: Path) -> dict:
    path = tmp_path / "model.py"
    path.write_text(HEAD + source)
    return count_target(HEAD + source, str(path), "model", settings=Settings())


@pytest.mark.parametrize("name", sorted(EXACT))
def test_summary_matches_keras(name, keras_summaries, tmp_path):
    result = counted(EXACT[name], tmp_path)
    assert result["status"] == "exact", result["reason"]
    ours, truth = render_summary(result), keras_summaries[name]
    assert totals_lines(ours) == totals_lines(truth) and len(totals_lines(truth)) == 3
    assert table_rows(ours) == table_rows(truth)
    assert "Layer names:" not in ours  # every automatic name was claimed, and matched


@pytest.mark.parametrize("name", sorted(NOT_EXACT))
def test_what_is_not_modelled_is_not_exact(name, tmp_path):
    result = counted(NOT_EXACT[name], tmp_path)
    assert result["status"] != "exact"
    assert "quantiz" in result["reason"] or "changes weights" in result["reason"], result["reason"]


@pytest.mark.parametrize("name", sorted(SIZES_UNKNOWN))
def test_sizes_not_known_are_not_printed(name, tmp_path):
    result = counted(SIZES_UNKNOWN[name], tmp_path)
    assert result["status"] == "exact", result["reason"]
    assert result["sizes"]["total"] is None and result["sizes"]["reason"]
    text = render_summary(result)
    assert " B)" not in text and "(size not known)" in text and "Sizes not known:" in text


NAMES_NOT_FOLLOWED = {
    "made_in_a_function": "def block(width):\n    return layers.Dense(width)\nhidden = block(8)\n",
    "a_class_making_layers": "class Block(keras.layers.Layer):\n    def __init__(self):\n        super().__init__()\n        self.inner = layers.Dense(3)\n"
                             "    def call(self, x):\n        return self.inner(x)\nblock = Block()\n",
}


@pytest.mark.parametrize("name", sorted(NAMES_NOT_FOLLOWED))
def test_automatic_names_not_followed_are_not_claimed(name, tmp_path):
    result = counted(NAMES_NOT_FOLLOWED[name] + DENSE_EINSUM, tmp_path)
    assert [layer["keras_name"] for layer in result["layers"]] == [None, None]
    assert "Layer names: Keras numbers automatic names per session" in render_summary(result)
