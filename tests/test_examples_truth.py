"""examples/ against real Keras: the counts and symptoms in examples/expected.json are true.

The fast tests check that expected.json and the example files agree with each other
(every file listed, every finding line holds its snippet, no machine paths). The ``tf``
tests run ``tests/truth/verify_examples.py`` in a subprocess, once per Keras flavor
(Keras 3 for flavor "3", tf_keras for flavor "2"), and compare what Keras reports with
the expectations: exact parameter counts, the exact exception text of broken examples,
untracked / untrained weights, and that fixed examples train.
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

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())
FILES = EXPECTED["files"]
BY_PATH = {spec["path"]: spec for spec in FILES}
CODES = {"KL101", "KL102", "KL103", "KL104", "KL105", "KL106", "KL107", "KL108", "KL109", "KL110", "KL111", "KL112", "KL113", "KL201", "KL202", "KL301"}
ROLES = {"broken", "fixed", "ok", "warning"}
VERIFY = ROOT / "tests" / "truth" / "verify_examples.py"


def ids(spec: dict) -> str:
    return spec["path"].removeprefix("examples/")


# ---------------------------------------------------------------- consistency (no TensorFlow)


def test_every_example_file_is_listed():
    on_disk = {p.relative_to(ROOT).as_posix() for p in EXAMPLES.rglob("*.py")}
    assert on_disk == set(BY_PATH), "examples/*.py and expected.json disagree"
    assert len(BY_PATH) == len(FILES), "a path is listed twice"


@pytest.mark.parametrize("spec", FILES, ids=ids)
def test_expectations_match_the_file(spec):
    path = ROOT / spec["path"]
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    assert spec["flavor"] in ("2", "3") and spec["role"] in ROLES
    assert ("import tf_keras" in text) == (spec["flavor"] == "2"), "flavor must follow the imports"

    doc = ast.get_docstring(tree)
    assert doc and 2 <= len(doc.splitlines()) <= 4, "a 2-3 line docstring saying the scenario and the seed"
    assert "seed:" in doc
    for marker in ("/tmp/", "/work/", "/home/"):
        assert marker not in text, f"machine path {marker!r} in {spec['path']}"
    assert 'if __name__ == "__main__":' in text, "runnable standalone"

    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    top_level = classes | {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            top_level |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for finding in spec["findings"]:
        assert set(finding) >= {"code", "line", "class"}
        assert finding["code"] in CODES
        assert finding["snippet"] in lines[finding["line"] - 1], f"line {finding['line']} moved: {finding}"
        assert finding["class"] is None or finding["class"] in classes
    for entry in spec["counts"]:
        assert entry["target"] in top_level, f"count target {entry['target']} is not a module-level name"
        assert entry["total"] == entry["trainable"] + entry["non_trainable"]
    for check in spec["truth"]:
        assert check["target"] in top_level


@pytest.mark.parametrize("spec", FILES, ids=ids)
def test_each_example_states_its_truth(spec):
    """Broken files carry a symptom, fixed/ok files a training step that changes every weight."""
    steps = [c for c in spec["truth"] if c["kind"] == "step"]
    if spec["role"] == "broken":
        symptoms = [c for c in spec["truth"] if c["kind"] in ("raises", "attr")]
        symptoms += [c for c in spec["counts"] if c["total"] == 0 or c.get("static") is False]
        symptoms += [c for c in steps if c["no_gradient"] or False in c.get("watch_changed", [])]
        assert symptoms, "a broken example must show its symptom"
    else:
        assert any(0 < c["changed"] == c["trainable_weights"] and not c["no_gradient"] for c in steps), (
            "a working example must show that it trains"
        )


# ---------------------------------------------------------------- real Keras

_RESULTS: dict[str, dict[str, dict]] = {}


def _observe(flavor: str) -> dict[str, dict]:
    """Run verify_examples.py for one flavor in a fresh interpreter (cached per session)."""
    if flavor not in _RESULTS:
        env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
        env.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", KERAS_BACKEND="tensorflow", PYTHONWARNINGS="ignore")
        proc = subprocess.run(
            [sys.executable, str(VERIFY), "--flavor", flavor],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
        results = {}
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
                results[result["path"]] = result
        if proc.returncode != 0 or not results:
            pytest.fail(f"verify_examples.py --flavor {flavor} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        _RESULTS[flavor] = results
    return _RESULTS[flavor]


@pytest.fixture
def observed(request):
    need_module("tensorflow")
    spec = request.param
    if spec["flavor"] == "2":
        need_module("tf_keras")
    result = _observe(spec["flavor"]).get(spec["path"])
    assert result is not None, f"no result for {spec['path']}"
    return spec, result


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.tf
@pytest.mark.parametrize("observed", FILES, ids=ids, indirect=True)
def test_example_under_real_keras(observed):
    spec, result = observed
    assert "import_error" not in result, f"the example must import cleanly: {result.get('import_error')}"

    for entry in spec["counts"]:
        got = result["counts"][entry["target"]]
        assert "error" not in got, f"{entry['target']}: {got.get('error')}\n{got.get('traceback', '')}"
        want = {k: entry[k] for k in ("total", "trainable", "non_trainable")}
        assert {k: got[k] for k in want} == want, f"{entry['target']}: Keras reports {got}"

    assert len(result["checks"]) == len(spec["truth"])
    for check, got in zip(spec["truth"], result["checks"]):
        where = f"{check['kind']} {check['target']}"
        if check["kind"] == "raises":
            assert got.get("raised"), f"{where}: expected {check['exception']}, nothing was raised"
            assert got["exception"] == check["exception"], f"{where}: {got}"
            assert _squash(check["message"]) in _squash(got["message"]), f"{where}: message was {got['message']!r}"
            continue
        assert "error" not in got, f"{where}: {got.get('error')}\n{got.get('traceback', '')}"
        if check["kind"] == "step":
            for key in ("trainable_weights", "changed", "no_gradient", "watch_changed", "watch_tracked"):
                if key in check:
                    assert got[key] == check[key], f"{where}: {key} = {got[key]}, expected {check[key]} ({got})"
        elif check["kind"] == "output_varies":
            assert got["varies"] == check["varies"], f"{where}: {got}"
        elif check["kind"] == "attr":
            assert got["value"] == check["value"], f"{where}: {check['expr']} = {got['value']!r}"
        else:
            pytest.fail(f"unknown truth check {check['kind']}")

    main = result["main"]
    assert main["ok"], f"`python {spec['path']}` fails: {main.get('error')}\n{main['stdout']}"
    assert main["stdout"].strip(), "running the example prints its summary / outcome"
    if any(c["kind"] == "raises" and not c.get("call") for c in spec["truth"]):
        assert "failed as expected" in main["stdout"]
    elif spec["counts"]:
        assert "Total params" in main["stdout"]
