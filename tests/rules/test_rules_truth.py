"""Every rule's symptom, shown by real TensorFlow on the rule's own golden fixtures.

A fixture states what Keras does with a ``# truth:`` line: one Python line using the
helpers of ``truth_runner.py`` (e.g. ``raises(ValueError, "cannot add new elements of
state", called, SublayerInCall(), (4,))``). The ``tf`` test runs all truth lines in one
subprocess per flavor: Keras 3, and tf_keras (``TF_USE_LEGACY_KERAS=1``) for fixtures the
analysis treats as Keras 2. If TensorFlow disagrees with a truth line, the rule is wrong.

The fast test checks coverage: every class with an error-severity finding in a fixture is
exercised by a truth line of that fixture.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from needed import need_module

from keraslens.analysis.rules import BY_CODE, Severity
from rules_support import analysis_of, expected_findings, fixture_files, fixture_id

RUNNER = Path(__file__).with_name("truth_runner.py")
TRUTH = re.compile(r"^\s*#\s*truth:\s*(?P<code>.+)$")


def truth_lines(path: Path) -> list[tuple[int, str]]:
    return [(n, m.group("code")) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if (m := TRUTH.match(line))]


def flavor_of(path: Path) -> str:
    return analysis_of(path).flavor.flavor.value


CASES = [(path, line) for path in fixture_files() for line, _ in truth_lines(path)]


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


@pytest.mark.parametrize("path", [p for p in fixture_files() if p.parent.name.startswith("KL")], ids=fixture_id)
def test_buggy_classes_have_a_truth_line(path):
    text = path.read_text(encoding="utf-8")
    analysis = analysis_of(path)
    severities = {f.code: f.severity for f in analysis.findings}
    errors = {e.cls for e in expected_findings(text) if e.code in BY_CODE and e.cls and severities.get(e.code) == Severity.ERROR}
    code = "\n".join(line for _, line in truth_lines(path))
    uncovered = sorted(cls for cls in errors if not re.search(rf"\b{re.escape(cls)}\b", code))
    assert not uncovered, f"no `# truth:` line exercises {uncovered}"


def test_every_rule_has_truth_lines():
    covered = {path.parent.name for path, _ in CASES}
    assert set(BY_CODE) <= covered, f"rules without a truth line: {sorted(set(BY_CODE) - covered)}"


_OBSERVED: dict[str, dict[tuple[str, int], dict]] = {}


def _run(flavor: str, paths: list[Path]) -> tuple[str, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", KERAS_BACKEND="tensorflow", PYTHONWARNINGS="ignore")
    if flavor == "2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), *map(str, paths)], env=env, capture_output=True, text=True, timeout=600
    )
    return flavor, proc


def _observed() -> dict[tuple[str, int], dict]:
    if not _OBSERVED:
        by_flavor: dict[str, list[Path]] = {}
        for path in sorted({p for p, _ in CASES}):
            by_flavor.setdefault(flavor_of(path), []).append(path)
        with ThreadPoolExecutor(max_workers=len(by_flavor)) as pool:  # the two TF imports overlap
            runs = list(pool.map(lambda item: _run(*item), by_flavor.items()))
        for flavor, proc in runs:
            results = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
            if proc.returncode != 0:
                pytest.fail(f"truth_runner (Keras {flavor}) failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
            _OBSERVED[flavor] = {(r["path"], r["line"]): r for r in results}
    return {key: value for results in _OBSERVED.values() for key, value in results.items()}


@pytest.mark.tf
@pytest.mark.parametrize(("path", "line"), CASES, ids=[f"{fixture_id(p)}:{n}" for p, n in CASES])
def test_truth_line_holds_under_tensorflow(path, line):
    need_module("tensorflow")
    result = _observed().get((str(path), line))
    assert result is not None, "no result from the runner"
    code = dict(truth_lines(path))[line]
    assert result["ok"], f"Keras {flavor_of(path)} disagrees with `{code}`:\n{result['error']}"
