"""KL112 names the count a model or layer will have once built: real Keras must agree.

For every KL112 finding of the rule's fixtures that hints a count, the enclosing function
runs under real TensorFlow without the premature ``summary()`` / ``count_params()`` and
returns what it built; ``count_params()`` must equal the hint ("it has N params"), or be
at least N where the hint says "at least".
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from needed import need_module

from rules_support import FIXTURES, analysis_of

RUNNER = Path(__file__).with_name("hint_runner.py")
HINT = re.compile(r"it has (?P<bound>at least )?(?P<count>[\d,]+) params")


def hints(path: Path) -> list[tuple[str, int, int, bool]]:
    """(function, line, hinted count, is a lower bound) for each hinted KL112 finding."""
    functions = [node for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.FunctionDef)]
    found = []
    for finding in analysis_of(path).findings:
        match = HINT.search(finding.message) if finding.code == "KL112" else None
        if match:
            function = next(f.name for f in functions if f.lineno <= finding.span.line <= f.end_lineno)
            found.append((function, finding.span.line, int(match["count"].replace(",", "")), bool(match["bound"])))
    return found


FIXTURE_FILES = sorted((FIXTURES / "KL112").glob("*.py"))
CASES = [(path, *hint) for path in FIXTURE_FILES for hint in hints(path)]


def test_hints_cover_exact_and_lower_bound_counts():
    assert len(CASES) >= 5, CASES
    assert any(bound for *_, bound in CASES) and sum(not bound for *_, bound in CASES) >= 4


def test_no_hint_without_a_known_input():
    """`Sequential([Dense, Dense]).summary()` with no input anywhere: nothing to hint."""
    path = FIXTURES / "KL112" / "summary_before_build.py"
    assert not [case for case in hints(path) if case[0] == "unbuilt_sequential"]


@pytest.mark.tf
@pytest.mark.parametrize("path", sorted({case[0] for case in CASES}), ids=lambda p: p.name)
def test_hinted_count_is_what_keras_counts(path):
    need_module("tensorflow")
    cases = [case[1:] for case in CASES if case[0] == path]
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", KERAS_BACKEND="tensorflow", PYTHONWARNINGS="ignore")
    if analysis_of(path).flavor.flavor.value == "2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    targets = [f"{function}:{line}" for function, line, _, _ in cases]
    proc = subprocess.run([sys.executable, str(RUNNER), str(path), *targets], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = {r["line"]: r for r in (json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT "))}
    for function, line, hinted, bound in cases:
        result = results[line]
        assert result["error"] is None, f"{function}: {result['error']}"
        if bound:
            assert result["count"] >= hinted, f"{function}: Keras counts {result['count']}, the hint says at least {hinted}"
        else:
            assert result["count"] == hinted, f"{function}: Keras counts {result['count']}, the hint says {hinted}"
