"""keras.applications sizes (interpretation/applications.py) against real Keras, per flavour.

tests/truth/applications.json (Keras 3), tests/truth/applications_tf_keras.json (tf_keras) and
the table the analysis reads (application_sizes.py) are all written by
tests/truth/gen_applications.py from real Keras; this file checks the formula of
``application_count`` reproduces every measured configuration of each flavour with that flavour's
numbers (no TensorFlow), and, marked ``tf``, that a cheap sample still measures the same with the
installed Keras 3 and tf_keras.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from keraslens.analysis.interpretation.application_sizes import SIZES
from keraslens.analysis.interpretation.applications import ApplicationCount, application_count, application_name
from keraslens.analysis.interpretation.layer_table import Unknown

ROOT = Path(__file__).resolve().parent.parent.parent
# the analysis' flavour (Flavor.value) -> what real Keras measured in it
DATA = {
    "3": json.loads((ROOT / "tests" / "truth" / "applications.json").read_text()),
    "2": json.loads((ROOT / "tests" / "truth" / "applications_tf_keras.json").read_text()),
}
ENTRIES = [{**entry, "flavor": flavor} for flavor, data in DATA.items() for entry in data["entries"]]
SAMPLE = ("MobileNetV3Small", "NASNetMobile", "RegNetX002")  # RegNetX002: tf_keras only


@pytest.mark.parametrize(("flavor", "at_least"), [("3", 40), ("2", 70)])
def test_every_application_of_each_flavour_is_in_its_table(flavor, at_least):
    assert sorted(SIZES[flavor]) == sorted(DATA[flavor]["applications"])
    assert len(SIZES[flavor]) >= at_least


def _kwargs(entry: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in entry["kwargs"].items()}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['flavor']}-{e['application']}{e['kwargs']}")
def test_every_measured_configuration_is_exact(entry):
    """Exact and equal to Keras, except another input size for a model whose weights depend on it: unknown."""
    counted = application_count(entry["application"], [], {"weights": "imagenet", **_kwargs(entry)}, entry["flavor"])
    if "input_shape" in entry["kwargs"] and not SIZES[entry["flavor"]][entry["application"]]["any_input_size"]:
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


@pytest.mark.parametrize("flavor", ["3", "2"])
def test_imagenet_head_with_other_classes_is_an_error_not_a_count(flavor):
    """Keras raises for it (test_imagenet_head_with_other_classes_raises checks real Keras); ``weights`` defaults to imagenet."""
    for kwargs in ({"classes": 10}, {"weights": "imagenet", "classes": 10}):
        counted = application_count("ResNet50", [], kwargs, flavor)
        assert isinstance(counted, Unknown) and "ValueError" in counted.reason
    assert isinstance(application_count("ResNet50", [], {"weights": None, "classes": 10}, flavor), ApplicationCount)
    assert isinstance(application_count("ResNet50", [], {"include_top": False, "classes": 10}, flavor), ApplicationCount)


def test_each_flavour_answers_only_for_its_own_applications():
    assert "RegNetX002" not in SIZES["3"]
    counted = application_count("RegNetX002", [], {}, "3")
    assert isinstance(counted, Unknown) and "Keras 3" in counted.reason
    assert isinstance(application_count("RegNetX002", [], {}, "2"), ApplicationCount)


@pytest.mark.parametrize("name", ["RegNetX002", "ResNetRS50", "ConvNeXtTiny", "MobileNetV3Small"])
def test_tf_keras_preprocessing_switch_is_not_guessed(name):
    """``include_preprocessing=False`` drops layers that may hold weights: not measured, so unknown."""
    counted = application_count(name, [], {"include_preprocessing": False}, "2")
    assert isinstance(counted, Unknown) and "include_preprocessing" in counted.reason


def test_names():
    assert application_name("keras.applications.ResNet50") == "ResNet50"
    assert application_name("keras.applications.resnet50.ResNet50") == "ResNet50"
    assert application_name("keras.applications.resnet50.preprocess_input") is None
    assert application_name("keras.layers.Dense") is None
    assert application_name("keras.applications.regnet.RegNetY008") == "RegNetY008"  # tf_keras's


@pytest.mark.tf
@pytest.mark.timeout(600)
def test_sample_still_measures_the_same():
    """Real Keras 3 and tf_keras still build what their JSON files say for a cheap sample (100 s on a loaded 2-vCPU machine)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "truth" / "gen_applications.py"), "--check", "--only", *SAMPLE],
        capture_output=True, text=True, cwd=ROOT, timeout=580, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


@pytest.mark.tf
@pytest.mark.timeout(300)
@pytest.mark.parametrize("package", ["keras", "tf_keras"])
def test_imagenet_head_with_other_classes_raises(package):
    """Real Keras 3 and tf_keras refuse ``classes`` other than 1000 with the imagenet head (before downloading anything)."""
    code = f"import {package} as keras\ntry:\n    keras.applications.ResNet50(classes=10)\nexcept ValueError:\n    print('ValueError')\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=280, check=False)
    assert proc.stdout.strip() == "ValueError", proc.stdout[-2000:] + proc.stderr[-2000:]


SMALLEST = [("ResNet50", 32), ("InceptionV3", 75), ("Xception", 71), ("MobileNetV2", 32)]


@pytest.mark.parametrize("flavor", ["3", "2"])
@pytest.mark.parametrize(("name", "side"), SMALLEST)
def test_inputs_below_the_smallest_side_are_an_error_not_a_count(flavor, name, side):
    smaller = application_count(name, [], {"include_top": False, "weights": None, "input_shape": (side - 1, side + 8, 3)}, flavor)
    assert isinstance(smaller, Unknown) and "raises" in smaller.reason
    assert isinstance(application_count(name, [], {"include_top": False, "weights": None, "input_shape": (side, side, 3)}, flavor), ApplicationCount)


@pytest.mark.tf
@pytest.mark.timeout(400)
@pytest.mark.parametrize("package", ["keras", "tf_keras"])
def test_keras_refuses_inputs_below_the_smallest_side(package):
    """Real Keras builds each application at its smallest side and raises a ValueError one pixel below."""
    code = [f"import {package} as keras", "results = []"]
    for name, side in SMALLEST:
        code += [
            f"keras.applications.{name}(include_top=False, weights=None, input_shape=({side}, {side}, 3))",
            "try:",
            f"    keras.applications.{name}(include_top=False, weights=None, input_shape=({side - 1}, {side + 8}, 3))",
            "    results.append('built')",
            "except ValueError:",
            "    results.append('ValueError')",
        ]
    code.append("print(' '.join(results))")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    proc = subprocess.run([sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, cwd=ROOT, timeout=380, check=False, env=env)
    assert proc.stdout.split() == ["ValueError"] * len(SMALLEST), proc.stdout[-2000:] + proc.stderr[-3000:]
