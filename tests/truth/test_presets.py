"""keras-hub ``from_preset`` counts (interpretation/presets.py): the parameter count keras-hub ships
in each preset's metadata, read statically from the installed keras-hub.

The ``tf`` test asks keras-hub itself (imported in a subprocess) for every registered preset and
the class it belongs to, and checks each one resolves to the same class and count, and that
``<Class>.from_preset("<name>")`` in code shows that count, labelled as the metadata's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.counts import module_counts
from keraslens.analysis.interpretation.layer_table import Unknown
from keraslens.analysis.interpretation.presets import SOURCE, PresetCount, preset_count, presets
from keraslens.count_command import count_target

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
    assert _from_preset_counts(registered) == {name: params for name, (_, params) in registered.items()}


def _from_preset_counts(registered: dict) -> dict[str, int | None]:
    """Every ``<Owner>.from_preset("<name>")`` counted in one program: the total shown, where it is
    labelled as coming from the preset metadata."""
    names = list(registered)
    lines = ["import keras_hub", ""] + [f"p{i} = keras_hub.models.{registered[name][0]}.from_preset({name!r})" for i, name in enumerate(names)]
    analysis = analyze("\n".join(lines) + "\n", "presets.py")
    counts = module_counts(analysis)
    found = {}
    for i, name in enumerate(names):
        count = counts.instance_count(analysis.graph.lookup(f"p{i}"))
        found[name] = count.total if SOURCE in (count.reason or "") else None
    return found


def test_from_preset_is_counted_from_the_metadata_and_says_so(tmp_path):
    source = "import keras_hub\n\nmodel = keras_hub.models.BertBackbone.from_preset('bert_tiny_en_uncased')\nmodel.trainable = False\n"
    got = count_target(source, str(tmp_path / "program.py"), "model")
    assert (got["status"], got["total"], got["trainable"], got["non_trainable"]) == ("partial", 4385920, 0, 4385920)
    assert "from the keras-hub preset metadata" in got["reason"]


def test_a_task_from_preset_is_a_lower_bound_naming_its_head(tmp_path):
    source = "import keras_hub\n\nmodel = keras_hub.models.BertTextClassifier.from_preset(preset='bert_tiny_en_uncased', num_classes=2)\n"
    got = count_target(source, str(tmp_path / "program.py"), "model")
    assert (got["status"], got["total"]) == ("partial", 4385920)
    assert "the task's layers on top of its `BertBackbone` are not counted" in got["reason"]


@pytest.mark.parametrize("call", ["GPT2Backbone.from_preset('bert_tiny_en_uncased')", "BertBackbone.from_preset('no_such_preset')", "BertBackbone.from_preset(name)"])
def test_a_preset_not_known_is_unknown(call, tmp_path):
    source = f"import keras_hub\nimport sys\n\nname = sys.argv[1]\nmodel = keras_hub.models.{call}\n"
    assert count_target(source, str(tmp_path / "program.py"), "model")["status"] == "unknown"
