"""The names KL104's fix refuses on a plain class are every member a real ``Layer`` has,
in Keras 3 and tf_keras: otherwise the fix could make a class whose ``self.name = ...`` or
``self._layers = ...`` breaks once it is a Layer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from needed import need_module

from keraslens.analysis.fixes.layer_members import LAYER_MEMBERS

MEMBERS = """
import json, os
if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    import tf_keras as keras
else:
    import keras
names = set(dir(keras.layers.Layer)) | set(vars(keras.layers.Layer()))
print("MEMBERS " + json.dumps(sorted(n for n in names if not (n.startswith("__") and n.endswith("__")))))
"""


@pytest.mark.tf
@pytest.mark.parametrize("legacy", ["0", "1"], ids=["keras3", "tf_keras"])
def test_every_layer_member_is_known(legacy):
    need_module("tensorflow")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": legacy, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}
    proc = subprocess.run([sys.executable, "-c", MEMBERS], env=env, capture_output=True, text=True, timeout=300)
    line = next((line for line in proc.stdout.splitlines() if line.startswith("MEMBERS ")), None)
    assert line is not None, proc.stderr[-3000:]
    members = set(json.loads(line[len("MEMBERS "):]))
    assert len(members) > 150
    assert not members - LAYER_MEMBERS, sorted(members - LAYER_MEMBERS)
