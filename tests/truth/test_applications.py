"""keras.applications sizes (interpretation/applications.py) against real Keras (tests/truth/applications.json).

applications.json and the table the analysis reads (application_sizes.py) are both written by
tests/truth/gen_applications.py from real Keras; this file checks the formula of
``application_count`` reproduces every measured configuration (no TensorFlow), and, marked ``tf``,
that a cheap sample still measures the same with the installed Keras.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from keraslens.analysis.interpretation.application_sizes import SIZES
from keraslens.analysis.interpretation.applications import ApplicationCount, application_count, application_name
from keraslens.analysis.interpretation.layer_table import Unknown

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = json.loads((ROOT / "tests" / "truth" / "applications.json").read_text())
SAMPLE = ("MobileNetV3Small", "NASNetMobile")


def test_every_application_of_keras_is_in_the_table():
    assert sorted(SIZES) == sorted(DATA["applications"])
    assert len(SIZES) >= 40


def _kwargs(entry: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in entry["kwargs"].items()}


@pytest.mark.parametrize("entry", DATA["entries"], ids=lambda e: f"{e['application']}{e['kwargs']}")
def test_every_measured_configuration_is_exact(entry):
    """Exact and equal to Keras, except another input size for a model whose weights depend on it: unknown."""
    counted = application_count(entry["application"], [], {"weights": "imagenet", **_kwargs(entry)})
    if "input_shape" in entry["kwargs"] and not SIZES[entry["application"]]["any_input_size"]:
        assert isinstance(counted, Unknown), counted
        return
    assert isinstance(counted, ApplicationCount), counted
    assert (counted.trainable, counted.non_trainable) == (entry["trainable"], entry["non_trainable"])
    if counted.output_shape is not None:
        assert list(counted.output_shape) == entry["output_shape"]


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"input_shape": (224, 224, 1)}, "3-channel"),
        ({"include_top": True, "input_shape": (96, 96, 3)}, "not measured"),
        ({"alpha": 0.5}, "alpha"),
        ({"input_tensor": None}, "input_tensor"),
    ],
)
def test_what_was_not_measured_is_unknown(kwargs, why):
    counted = application_count("MobileNetV2", [], kwargs)
    assert isinstance(counted, Unknown) and why in counted.reason


def test_tf_keras_is_not_answered_with_keras_3_sizes():
    assert isinstance(application_count("ResNet50", [], {}, "2"), Unknown)


def test_names():
    assert application_name("keras.applications.ResNet50") == "ResNet50"
    assert application_name("keras.applications.resnet50.ResNet50") == "ResNet50"
    assert application_name("keras.applications.resnet50.preprocess_input") is None
    assert application_name("keras.layers.Dense") is None


@pytest.mark.tf
@pytest.mark.timeout(600)
def test_sample_still_measures_the_same():
    """Real Keras still builds what applications.json says for a cheap sample (about 30 s)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "truth" / "gen_applications.py"), "--check", "--only", *SAMPLE],
        capture_output=True, text=True, cwd=ROOT, timeout=580, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
