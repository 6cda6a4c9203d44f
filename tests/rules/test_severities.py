"""Advice and harmless cases stay below warning, so `keraslens check` passes on correct code;
real defects next to them keep their error (the TF truth lines of the same fixtures show which is which)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from keraslens.analysis.rules import Severity
from rules_support import FIXTURES, analysis_of

CASES = [
    ("KL102/constant_variables.py", "RelativePositionBias", Severity.HINT),
    ("KL102/constant_variables.py", "MaskedAttention", Severity.HINT),
    ("KL102/constant_variables.py", "RunningCount", Severity.ERROR),
    ("KL102/constant_variables.py", "TrainableScale", Severity.ERROR),
    ("KL201/width_arguments.py", "FeatureScale", Severity.INFO),
    ("KL201/weight_in_init.py", "InitLinear", Severity.INFO),
    ("KL202/used_through_other_paths.py", "ForgottenDropout", Severity.INFO),
    ("KL202/unused_sublayer.py", "Typo", Severity.WARNING),
]


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


@pytest.mark.parametrize(("fixture", "cls", "severity"), CASES, ids=[f"{f}:{c}" for f, c, _ in CASES])
def test_severity(fixture, cls, severity):
    code = fixture.split("/")[0]
    found = {f.severity for f in analysis_of(FIXTURES / fixture).findings if f.class_name == cls and f.code == code}
    assert found == {severity}


@pytest.mark.parametrize("fixture", ["KL201/width_arguments.py", "KL202/used_through_other_paths.py"])
def test_check_passes_on_correct_code(fixture):
    proc = subprocess.run([sys.executable, "-m", "keraslens", "check", str(FIXTURES / fixture)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
