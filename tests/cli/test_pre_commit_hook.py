"""`.pre-commit-hooks.yaml` declares a hook that runs `keraslens check` on Python files."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def test_hook_definition():
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "keraslens"]
    assert hook["entry"] == "keraslens check"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert {"id", "name", "entry", "language"} <= set(hook)


def test_hook_entry_accepts_file_arguments_like_pre_commit_passes_them(tmp_path):
    # pre-commit appends the staged file names to the entry
    good = tmp_path / "good.py"
    good.write_text("import keras\n\nx = keras.layers.Dense(3)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("import keras\n\n\nclass L(keras.layers.Layer):\n    def __init__(self):\n        self.u = 1\n")
    entry = [sys.executable, "-m", "keraslens", *shlex.split("keraslens check")[1:]]
    assert subprocess.run([*entry, str(good)], capture_output=True, cwd=tmp_path).returncode == 0
    assert subprocess.run([*entry, str(good), str(bad)], capture_output=True, cwd=tmp_path).returncode == 1
