"""The static summary against real ``model.summary()`` (Keras 3): the same rows (Layer (type),
Output Shape, Param #) and the same totals lines with their sizes, character for character.

Real Keras runs once, in a subprocess, on every model below; ``keraslens count`` text output is
parsed the same way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from keraslens.analysis.config import Settings
from keraslens.count_command import count_target, render_summary

pytestmark = pytest.mark.tf

MODELS = {
    "dense": """
import keras
model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(5)])
""",
    "batchnorm": """
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(32, activation="relu"), layers.BatchNormalization(), layers.Dense(3, name="head")])
""",
    "convnet": """
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"),
    layers.Flatten(),
    layers.Dense(10),
])
""",
    "text": """
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layers.Embedding(20000, 128), layers.LSTM(64), layers.Dense(1)])
""",
    "functional_frozen": """
import keras
from keras import layers
inputs = keras.Input(shape=(8,))
encoder = layers.Dense(64, trainable=False)
hidden = encoder(inputs)
outputs = layers.Dense(4)(hidden)
model = keras.Model(inputs, outputs)
""",
    "loop_built": """
import keras
from keras import layers
inputs = keras.Input(shape=(10,))
x = inputs
for width in [64, 32, 16]:
    x = layers.Dense(width, activation="relu")(x)
model = keras.Model(inputs, layers.Dense(2)(x))
""",
    "operator_on_a_layer_call": """
import keras
from keras import layers
inputs = keras.Input(shape=(8,))
x = layers.Dense(8)(inputs)
x = x + layers.Dense(8)(inputs)
model = keras.Model(inputs, layers.Dense(2)(x))
""",
    "half_precision": """
import keras
from keras import layers
keras.config.set_dtype_policy("float16")
model = keras.Sequential([keras.Input(shape=(100,)), layers.Dense(300), layers.Dense(10)])
""",
    "mixed_precision": """
import keras
from keras import layers
keras.mixed_precision.set_global_policy("mixed_float16")
model = keras.Sequential([keras.Input(shape=(100,)), layers.Dense(300), layers.Dense(10)])
""",
}

KERAS_SIDE = r"""
import json, sys
import keras

out = {}
for name, source in json.loads(sys.stdin.read()).items():
    keras.utils.clear_session()
    keras.config.set_dtype_policy("float32")
    namespace = {}
    exec(source, namespace)
    lines = []
    namespace["model"].summary(print_fn=lambda text, **_: lines.append(text), line_length=200)
    out[name] = "\n".join(lines)
print(json.dumps(out))
"""


def summaries_by_keras(models: dict[str, str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", KERAS_SIDE], input=json.dumps(models), capture_output=True, text=True, timeout=300,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def keras_summaries(tmp_path_factory) -> dict[str, str]:
    return summaries_by_keras(MODELS)


def totals_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(("Total params", "Trainable params", "Non-trainable params"))]


def table_rows(text: str) -> list[tuple[str, ...]]:
    """(Layer (type), Output Shape, Param #) of each row of a box table; input layers left out
    (a Sequential hides its own; keraslens lists the layers that hold weights or shape data)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("│"):
            cells = tuple(cell.strip() for cell in line.strip("│").split("│"))[:3]
            if cells[0] and "(InputLayer)" not in cells[0]:
                rows.append(cells)
    return rows


def ours(name: str, tmp_path: Path) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(MODELS[name])
    result = count_target(MODELS[name], str(path), "model", settings=Settings())
    assert result["status"] == "exact", result["reason"]
    return render_summary(result)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_totals_lines_match_model_summary(name, keras_summaries, tmp_path):
    truth = totals_lines(keras_summaries[name])
    assert len(truth) == 3
    assert totals_lines(ours(name, tmp_path)) == truth


@pytest.mark.parametrize("name", sorted(MODELS))
def test_rows_match_model_summary(name, keras_summaries, tmp_path):
    truth = table_rows(keras_summaries[name])
    assert truth, keras_summaries[name]
    assert table_rows(ours(name, tmp_path)) == truth


def test_a_layer_made_in_a_models_call_is_made_once(tmp_path):
    """``inner(layers.Dense(4)(inputs))``: one Dense is made, so its automatic name is Keras' (a second
    one made by reading the argument twice numbered it ``dense_2``); the nested model's row is
    ``sequential (Sequential)``, as Keras names it."""
    source = """
import keras
from keras import layers
inner = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
inputs = keras.Input(shape=(8,))
model = keras.Model(inputs, inner(layers.Dense(4)(inputs)))
"""
    truth = table_rows(summaries_by_keras({"nested": source})["nested"])
    result = count_target(source, str(tmp_path / "nested.py"), "model", settings=Settings())
    assert result["status"] == "exact", result["reason"]
    assert truth and table_rows(render_summary(result)) == truth


def test_a_partial_count_never_reads_as_final(tmp_path):
    source = """
import keras
from keras import layers
inputs = keras.Input(shape=(8,))
hidden = layers.Dense(16)(inputs)
for _ in range(unknown_depth()):
    hidden = layers.Dense(16)(hidden)
model = keras.Model(inputs, layers.Dense(1)(hidden))
"""
    result = count_target(source, str(tmp_path / "m.py"), "model", settings=Settings())
    assert result["status"] == "partial" and result["total"] >= 144  # the first Dense at least
    text = render_summary(result)
    total_line = next(line for line in text.splitlines() if "Total params" in line)
    assert total_line.strip().startswith(f"Total params: at least {result['total']:,} (at least ")
    assert "Not counted:" in text and "To make it exact" in text and "--probe" in text
