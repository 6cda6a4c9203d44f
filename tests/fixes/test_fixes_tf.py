"""Fixed code, proven by TensorFlow: the intended parameter count, and every trainable
weight moves in one training step. Golden fixtures and the seed examples.

All jobs run in one subprocess per Keras flavour (Keras 3; tf_keras through
``TF_USE_LEGACY_KERAS=1`` for files the analysis treats as Keras 2), started together.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fixes_support import fixed, fixtures
from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from keraslens.analysis.names.imports import ImportMap

ROOT = Path(__file__).parents[2]
RUNNER = Path(__file__).with_name("fix_runner.py")
EXPECTED = json.loads((ROOT / "examples" / "expected.json").read_text(encoding="utf-8"))

# broken seed example -> (what to build in the fixed file, input shape or None when it is a model,
#                         the article's correct version and the name whose count it must match)
SEEDS = {
    "examples/seed1_linear/broken_tensors.py": ("model", None, "examples/seed1_linear/fixed.py", "model"),
    "examples/seed1_linear/warn_init_weights.py": ("model", None, "examples/seed1_linear/fixed.py", "model"),
    "examples/seed2_nested/broken.py": ("build_layer()", [5], "examples/seed2_nested/fixed.py", "outer_layer"),
    "examples/seed2_nested/keras2_broken.py": ("model", None, "examples/seed2_nested/fixed.py", "outer_layer"),
    "examples/seed4_tf_variable/broken.py": ("build_model()", None, "examples/seed4_tf_variable/fixed.py", "model"),
    "examples/seed4_tf_variable/broken_silent.py": ("model", None, "examples/seed4_tf_variable/fixed.py", "model"),
    "examples/seed4_build_without_super/broken.py": ("model", None, "examples/seed4_build_without_super/fixed.py", "model"),
    "examples/seed0_timedistributed/broken.py": ("build_model()", None, "examples/seed0_timedistributed/fixed.py", "model"),
    "examples/seed4_model_subclass/broken.py": ("model", [5], "examples/seed4_model_subclass/fixed.py", "model"),
}
# broken examples whose findings have no fix by design (KL109/KL301: which instance to split is a design choice)
UNFIXABLE = {"examples/seed0_shared_attention/broken.py", "examples/seed3_sequential_reuse/broken.py", "examples/seed3_sequential_reuse/keras2_broken.py",
             "examples/seed4_model_subclass/summary_first.py"}  # KL112: the input shape is the author's to give
# (broken class, the article's correct class) per seed file
SAME_AS = {
    "examples/seed1_linear/broken_tensors.py": ("NaiveLinear", "CorrectLinear"),
    "examples/seed1_linear/warn_init_weights.py": ("IncorrectEarlyLinear", "CorrectLinear"),
    "examples/seed2_nested/broken.py": ("OuterLayer", "OuterLayer"),
    "examples/seed2_nested/keras2_broken.py": ("OuterLayer", "OuterLayer"),
    "examples/seed4_tf_variable/broken.py": ("InnerLayer", "InnerLayer"),
    "examples/seed4_tf_variable/broken_silent.py": ("InnerLayer", "InnerLayer"),
    "examples/seed4_build_without_super/broken.py": ("ScaledDense", "ScaledDense"),
    "examples/seed0_timedistributed/broken.py": ("CustomAttention", "CustomAttention"),
    "examples/seed4_model_subclass/broken.py": ("Net", "Net"),
}
UNSAFE = Settings(unsafe_fixes=True)


def _expected_count(path: str, target: str) -> int:
    entry = next(f for f in EXPECTED["files"] if f["path"] == path)
    return next(c["total"] for c in entry["counts"] if c["target"] == target)


def _fixed_seed(relative: str) -> str:
    path = ROOT / relative
    return fixed(path.read_text(encoding="utf-8"), UNSAFE, str(path))


def test_every_broken_seed_is_covered():
    broken = {p["path"] for p in EXPECTED["files"] if p["role"] in ("broken", "warning")}
    assert broken == set(SEEDS) | UNFIXABLE
    for relative in UNFIXABLE:
        findings = analyze((ROOT / relative).read_text(encoding="utf-8"), relative).findings
        assert not any(f.fixes for f in findings)


@pytest.mark.parametrize("relative", sorted(SEEDS))
def test_fixed_seed_has_the_correct_layers_structure(relative):
    """Up to formatting and naming, the fixed class creates the same weights and sublayers,
    in the same methods, as the article's correct version, and nothing is reported."""
    text = _fixed_seed(relative)
    assert text != (ROOT / relative).read_text(encoding="utf-8")
    analysis = analyze(text, relative, UNSAFE)
    assert [f.code for f in analysis.findings if f.severity.value in ("error", "warning")] == []
    correct_path = SEEDS[relative][2]
    correct = analyze((ROOT / correct_path).read_text(encoding="utf-8"), correct_path)
    mine, theirs = SAME_AS[relative]
    assert _structure(analysis.module.classes[mine]) == _structure(correct.module.classes[theirs])


def _structure(facts) -> tuple:
    weights = sorted((w.target.attr, w.method, w.kind.value) for w in facts.weights)
    sublayers = sorted((s.target.attr, s.method, s.class_ref) for s in facts.sublayers)
    return weights, sublayers, "compute_output_shape" in facts.methods


# -- TensorFlow ----------------------------------------------------------------------


def _flavors(path: Path, settings: Settings = Settings()) -> list[str]:
    """Where the fixed file must work: its Keras; both when it only says ``tf.keras``
    (that is tf_keras under ``TF_USE_LEGACY_KERAS=1``)."""
    analysis = analyze(path.read_text(encoding="utf-8"), str(path), settings)
    roots = ImportMap.from_module(analysis.source.tree).keras_roots_used
    return ["3", "2"] if roots == {"tensorflow"} and settings.keras_version == "auto" else [analysis.flavor.flavor.value]


def _jobs(tmp: Path) -> dict[str, list[dict]]:
    jobs: dict[str, list[dict]] = {"3": [], "2": []}
    for fixture in fixtures():
        for flavor in _flavors(fixture.fixed_path, fixture.settings()):
            for index, line in enumerate(fixture.params()):
                jobs[flavor].append({"id": f"{fixture.id}#{index}@k{flavor}", "path": str(fixture.fixed_path), "expr": line.expr,
                                     "shape": list(ast.literal_eval(line.shape)) if line.wrap else None,
                                     "feed": list(ast.literal_eval(line.shape)), "count": line.count})
    for relative, (expr, shape, correct, target) in SEEDS.items():
        path = tmp / relative.replace("/", "__")
        path.write_text(_fixed_seed(relative), encoding="utf-8")
        for flavor in _flavors(path):
            jobs[flavor].append({"id": f"{relative}@k{flavor}", "path": str(path), "expr": expr, "shape": shape,
                                 "count": _expected_count(correct, target)})
    return jobs


def _run(flavor: str, jobs: list[dict], tmp: Path) -> dict[str, dict]:
    if not jobs:
        return {}
    job_file = tmp / f"jobs{flavor}.json"
    job_file.write_text(json.dumps(jobs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    if flavor == "2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    done = subprocess.run([sys.executable, str(RUNNER), str(job_file)], capture_output=True, text=True, env=env, timeout=240)
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            results[result["id"]] = result
    assert results, f"runner produced nothing:\n{done.stderr[-3000:]}"
    return results


@pytest.fixture(scope="module")
def tf_results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixed")
    jobs = _jobs(tmp)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {flavor: pool.submit(_run, flavor, items, tmp) for flavor, items in jobs.items()}
        results = {k: v for future in futures.values() for k, v in future.result().items()}
    return {job["id"]: (job, results.get(job["id"])) for items in jobs.values() for job in items}


def _job_ids() -> list[str]:
    # computed without running anything; each id names the Keras flavour (@k3 / @k2)
    ids = [f"{f.id}#{i}@k{flavor}" for f in fixtures() for flavor in _flavors(f.fixed_path, f.settings()) for i, _ in enumerate(f.params())]
    return ids + sorted(f"{relative}@k{flavor}" for relative in SEEDS for flavor in _flavors_of_seed(relative))


def _flavors_of_seed(relative: str) -> list[str]:
    imports = ImportMap.from_module(ast.parse((ROOT / relative).read_text(encoding="utf-8")))
    if imports.keras_roots_used == {"tensorflow"}:
        return ["3", "2"]
    return ["2"] if "tf_keras" in imports.keras_roots_used else ["3"]


@pytest.mark.tf
@pytest.mark.parametrize("job_id", _job_ids())
def test_fixed_code_counts_and_trains(tf_results, job_id):
    job, result = tf_results[job_id]
    assert result is not None, f"{job_id}: no result"
    assert result["ok"], result["error"]
    assert result["params"] == job["count"]
    assert result["trainable"] > 0
    assert result["changed"] == result["trainable"], f"only {result['changed']} of {result['trainable']} weights trained"


def test_every_golden_fixture_states_its_parameter_count():
    for fixture in fixtures():
        assert fixture.params(), f"{fixture.id}: no `# params:` line"
