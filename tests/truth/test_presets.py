"""keras-hub ``from_preset`` counts (interpretation/presets.py): the parameter count keras-hub ships
in each preset's metadata, read statically from the installed keras-hub.

The ``tf`` test asks keras-hub itself (imported in a subprocess) for every registered preset and
the class it belongs to, and checks each one resolves to the same class and count.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from keraslens.analysis.interpretation.layer_table import Unknown
from keraslens.analysis.interpretation.presets import SOURCE, PresetCount, preset_count, presets

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras_hub") is None and not os.environ.get("CI"), reason="keras-hub is not installed")

_REGISTERED = """
import json
from keras_hub.src.utils.preset_utils import BUILTIN_PRESETS_FOR_BACKBONE
import keras_hub  # registers every preset
print(json.dumps({name: [cls.__name__, entry.get("metadata", {}).get("params")]
                  for cls, table in BUILTIN_PRESETS_FOR_BACKBONE.items() for name, entry in table.items()}))
"""


def test_every_preset_has_a_count():
    found = presets()
    assert len(found) >= 400
    assert [name for name, preset in found.items() if preset.params is None] == []


def test_a_backbone_preset_is_whole_and_labelled():
    counted = preset_count("keras_hub.models.BertBackbone", "bert_tiny_en_uncased")
    assert counted == PresetCount(4385920, "BertBackbone", whole=True)
    assert counted.source == SOURCE == "keras-hub preset metadata"
    assert preset_count("keras_hub.models.Backbone", "bert_tiny_en_uncased").whole


def test_a_task_preset_counts_the_backbone_only():
    counted = preset_count("keras_hub.models.BertTextClassifier", "bert_tiny_en_uncased")
    assert isinstance(counted, PresetCount) and not counted.whole and counted.params == 4385920


def test_unknown_or_mismatched_presets_are_unknown():
    assert isinstance(preset_count("keras_hub.models.BertBackbone", "no_such_preset"), Unknown)
    assert isinstance(preset_count("keras_hub.models.GPT2Backbone", "bert_tiny_en_uncased"), Unknown)


@pytest.mark.tf
@pytest.mark.timeout(300)
def test_every_registered_preset_resolves():
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", _REGISTERED], capture_output=True, text=True, env=env, timeout=280, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    registered = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(registered) >= 400
    wrong = {}
    for name, (owner, params) in registered.items():
        counted = preset_count(f"keras_hub.models.{owner}", name)
        if not (isinstance(counted, PresetCount) and counted.whole and counted.params == params):
            wrong[name] = (owner, params, counted)
    assert wrong == {}
    assert sorted(presets()) == sorted(registered)
