"""Precision on correct real-world code: keras and keras-hub layer sources give no errors.

Test modules (``*_test.py``) are excluded: they hold deliberately broken layers next to
``assertRaises`` (keras's layer_test.py defines ``add_weight("my_weight")`` to check that
Keras 3 raises; KL107 reports it correctly, and tests/rules/test_rules_truth.py shows
the ValueError under real Keras).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

# (package-relative path, code): warnings reviewed and accepted, with the reason (none today)
REVIEWED_WARNINGS: set[tuple[str, str]] = set()


def _source_dirs(below: str = "") -> list[Path]:
    dirs = []
    for package in ("keras", "keras_hub"):
        spec = importlib.util.find_spec(package)  # locates without importing (no TensorFlow)
        if spec is None or not spec.submodule_search_locations:
            pytest.skip(f"{package} is not installed")
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "src" / below)
    return dirs


def _layer_dirs() -> list[Path]:
    return _source_dirs("layers")


def test_keras_and_keras_hub_layers_have_no_errors():
    dirs = _layer_dirs()
    proc = subprocess.run(
        [sys.executable, "-m", "keraslens", "check", *map(str, dirs), "--format", "json", "--exclude", "*_test.py"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)
    site = dirs[0].parents[2]
    errors = [f for f in findings if f["severity"] == "error"]
    assert not errors, "\n".join(f"{f['path']}:{f['line']} {f['code']} {f['message']}" for f in errors)
    warnings = {(Path(f["path"]).relative_to(site).as_posix(), f["code"]) for f in findings if f["severity"] == "warning"}
    assert warnings <= REVIEWED_WARNINGS, f"new warnings to review: {sorted(warnings - REVIEWED_WARNINGS)}"
    files = sum(1 for d in dirs for p in d.rglob("*.py") if not p.name.endswith("_test.py"))
    assert files > 150, "the layer sources were not found"


# whole packages, tests and models included: errors here, each reviewed (see the module docstring)
REVIEWED_ERRORS = {
    # add_weight("my_weight") next to assertRaisesRegex(ValueError, "name.*keyword argument")
    ("keras/src/layers/layer_test.py", "KL107"),
    # a tf.Variable on a Keras 3 model, for tf.saved_model signatures: Keras itself does not track it
    ("keras/src/backend/tensorflow/saved_model_test.py", "KL102"),
}


def test_whole_keras_and_keras_hub_sources_check_without_internal_errors():
    """About 1,600 files, models and tests included: modules that use each other's layers,
    every import style; nothing may stop the analysis of a file (KL903), and every error is
    one reviewed above."""
    dirs = _source_dirs()
    proc = subprocess.run(
        [sys.executable, "-m", "keraslens", "check", *map(str, dirs), "--format", "json"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)
    site = dirs[0].parents[1]
    internal = [f"{f['path']}: {f['message']}" for f in findings if f["code"] == "KL903"]
    assert not internal, "\n".join(internal)
    errors = {(Path(f["path"]).relative_to(site).as_posix(), f["code"]) for f in findings if f["severity"] == "error"}
    assert errors <= REVIEWED_ERRORS, f"new errors to review: {sorted(errors - REVIEWED_ERRORS)}"
    assert len({f["path"] for f in findings}) > 5 and sum(1 for d in dirs for _ in d.rglob("*.py")) > 1000
