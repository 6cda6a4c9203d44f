"""``keraslens check`` end to end: formats, selection, suppression, config, exit codes,
discovery, the multiprocess path, and bad input (DESIGN.md section 7)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keraslens.analysis.rules import BY_CODE
from keraslens.cli import main

BUGGY = '''import keras
import tensorflow as tf


class RandomLinear(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal((3, 3))
        return tf.matmul(x, self.w)


class NoSuper(keras.layers.Layer):
    def __init__(self, units):
        self.units = units
'''
CLEAN = '''import keras


class Linear(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 4))

    def call(self, x):
        return keras.ops.matmul(x, self.w)
'''
HINT_ONLY = '''import keras

shared = keras.layers.Dense(4)
inputs = keras.Input(shape=(4,))
outputs = shared(shared(inputs))
'''
FINDING_KEYS = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "class", "fix"}


@pytest.fixture(autouse=True)
def _environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml of this repository above the files


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, *args: str) -> tuple[int, list[dict]]:
    code, out, _ = check(capsys, *args, "--format", "json")
    return code, json.loads(out)


# ---------------------------------------------------------------- formats


def test_text_format_is_ruff_like_with_a_caret(tmp_path, capsys):
    path = write(tmp_path / "layer.py", BUGGY)
    code, out, err = check(capsys, path)
    assert code == 1
    assert f"{path}:7:18: KL101 [error] " in out
    lines = out.splitlines()
    at = lines.index("7 |         self.w = tf.random.normal((3, 3))")
    caret = lines[at + 1]
    assert caret == "  |" + " " * 18 + "^" * len("tf.random.normal((3, 3))")
    assert f"{path}:12:5: KL106 [error] " in out
    assert "Checked 1 file: 2 findings" in err


def test_json_format_follows_the_contract(tmp_path, capsys):
    # a non-ASCII identifier before the finding: columns count characters, not UTF-8 bytes
    text = BUGGY.replace("        self.w = tf", "        é = 1; self.w = tf")
    path = write(tmp_path / "layer.py", text)
    code, findings = check_json(capsys, path)
    assert code == 1
    assert [f["code"] for f in findings] == ["KL101", "KL106"]
    for finding in findings:
        assert set(finding) == FINDING_KEYS
        assert finding["path"] == str(path)
        assert finding["severity"] in ("error", "warning", "info", "hint")
        assert finding["name"] == BY_CODE[finding["code"]].name
        assert all(isinstance(finding[k], int) and finding[k] >= 1 for k in ("line", "column", "end_line", "end_column"))
        fix = finding["fix"]
        if fix is not None:
            assert set(fix) == {"title", "applicability", "edits"} and fix["applicability"] in ("safe", "unsafe")
            for edit in fix["edits"]:
                assert set(edit) == {"line", "column", "end_line", "end_column", "text"}
    kl101 = findings[0]
    line = text.splitlines()[6]
    assert kl101["line"] == kl101["end_line"] == 7 and kl101["class"] == "RandomLinear"
    assert kl101["column"] == line.index("tf.random") + 1
    assert kl101["end_column"] == line.index("tf.random") + len("tf.random.normal((3, 3))") + 1
    assert findings[1]["class"] == "NoSuper"


def test_json_of_nothing_is_an_empty_array(tmp_path, capsys):
    assert check_json(capsys, write(tmp_path / "ok.py", CLEAN)) == (0, [])


def test_sarif_is_valid_sarif_2_1_0(tmp_path, capsys):
    write(tmp_path / "a.py", BUGGY)
    write(tmp_path / "b.py", HINT_ONLY)
    code, out, _ = check(capsys, tmp_path, "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    assert run["columnKind"] == "unicodeCodePoints", "columns count characters (the default would be UTF-16 units)"
    driver = run["tool"]["driver"]
    assert driver["name"] == "keraslens" and driver["version"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert sorted(ids) == ["KL101", "KL106", "KL301"] and len(set(ids)) == len(ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    assert len(run["results"]) == 3
    for result in run["results"]:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["level"] in ("none", "note", "warning", "error")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith(".py")
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"KL101": "error", "KL106": "error", "KL301": "note"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {(tmp_path / "a.py").as_uri(), (tmp_path / "b.py").as_uri()}


def test_sarif_uris_of_relative_paths_are_percent_encoded(tmp_path, capsys):
    write(tmp_path / "my layers" / "a.py", BUGGY)
    code, out, _ = check(capsys, "my layers", "--format", "sarif")  # relative to the cwd (tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]}
    assert uris == {"my%20layers/a.py"}


def test_github_annotations(tmp_path, capsys):
    path = write(tmp_path / "with, comma" / "layer.py", BUGGY)
    write(tmp_path / "hint.py", HINT_ONLY)
    code, out, _ = check(capsys, tmp_path, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    pattern = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^,:]+)::(.+)$")
    for line in lines:
        assert pattern.match(line), line
    assert any(line.startswith(f"::error file={str(path).replace(',', '%2C')},line=7,col=18,") for line in lines)
    assert any(line.startswith("::notice ") and "title=KL301 shared-layer::" in line for line in lines)


# ---------------------------------------------------------------- selection, suppression, config


def test_select_and_ignore(tmp_path, capsys):
    path = write(tmp_path / "layer.py", BUGGY)
    assert {f["code"] for f in check_json(capsys, path, "--select", "KL106")[1]} == {"KL106"}
    assert {f["code"] for f in check_json(capsys, path, "--ignore", "KL106")[1]} == {"KL101"}
    assert {f["code"] for f in check_json(capsys, path, "--select", "KL1", "--ignore", "KL101,KL106")[1]} == set()
    assert check(capsys, path, "--select", "KL101", "--ignore", "KL101")[0] == 0


def test_suppression_comments(tmp_path, capsys):
    text = BUGGY.replace("tf.random.normal((3, 3))", "tf.random.normal((3, 3))  # keraslens: ignore[KL101]")
    assert {f["code"] for f in check_json(capsys, write(tmp_path / "a.py", text))[1]} == {"KL106"}
    text = BUGGY.replace("tf.random.normal((3, 3))", "tf.random.normal((3, 3))  # keraslens: ignore[KL106]")
    assert {f["code"] for f in check_json(capsys, write(tmp_path / "b.py", text))[1]} == {"KL101", "KL106"}
    text = "# keraslens: ignore-file[KL106]\n" + BUGGY
    assert {f["code"] for f in check_json(capsys, write(tmp_path / "c.py", text))[1]} == {"KL101"}
    text = "# keraslens: ignore-file\n" + BUGGY
    assert check_json(capsys, write(tmp_path / "d.py", text)) == (0, [])


def test_pyproject_table(tmp_path, capsys):
    project = tmp_path / "project"
    write(project / "pyproject.toml", '[tool.keraslens]\nignore = ["KL106"]\nexclude = ["legacy/"]\n')
    write(project / "src" / "layer.py", BUGGY)
    write(project / "legacy" / "old.py", BUGGY)
    code, findings = check_json(capsys, project)
    assert code == 1
    assert {(Path(f["path"]).name, f["code"]) for f in findings} == {("layer.py", "KL101")}
    # a command-line selection narrows further; config problems are reported, never fatal
    write(project / "pyproject.toml", '[tool.keraslens]\nignore = ["KL106"]\nno-such-key = 1\n')
    code, out, err = check(capsys, project / "src", "--select", "KL106")
    assert code == 0 and "no-such-key" in err


def test_gitignore_and_exclude(tmp_path, capsys):
    root = tmp_path / "repo"
    write(root / ".gitignore", "generated/\n*_pb2.py\n")
    write(root / "keep.py", BUGGY)
    write(root / "generated" / "layer.py", BUGGY)
    write(root / "model_pb2.py", BUGGY)
    write(root / "sub" / "deep" / "other.py", BUGGY)
    write(root / ".venv" / "lib" / "site.py", BUGGY)
    paths = {Path(f["path"]).relative_to(root).as_posix() for f in check_json(capsys, root)[1]}
    assert paths == {"keep.py", "sub/deep/other.py"}
    paths = {Path(f["path"]).relative_to(root).as_posix() for f in check_json(capsys, root, "--exclude", "sub/")[1]}
    assert paths == {"keep.py"}
    # a file named explicitly is checked even if a pattern would skip it in a walk
    assert check_json(capsys, root / "model_pb2.py")[1]


# ---------------------------------------------------------------- exit codes


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    return subprocess.run([sys.executable, "-m", "keraslens", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_exit_codes(tmp_path):
    write(tmp_path / "clean" / "ok.py", CLEAN)
    write(tmp_path / "hint" / "shared.py", HINT_ONLY)
    write(tmp_path / "bad" / "layer.py", BUGGY)
    assert run_cli("check", "clean", cwd=tmp_path).returncode == 0
    assert run_cli("check", "hint", cwd=tmp_path).returncode == 0, "a hint is not a failure"
    assert run_cli("check", "bad", cwd=tmp_path).returncode == 1
    assert run_cli("check", "bad", "--format", "json", cwd=tmp_path).returncode == 1
    assert run_cli("check", "no-such-dir", cwd=tmp_path).returncode == 2
    assert run_cli("check", "clean", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run_cli("check", "clean", "--select", "NOT-A-CODE", cwd=tmp_path).returncode == 2
    assert run_cli("frobnicate", cwd=tmp_path).returncode == 2
    assert run_cli("rules", "KL999", cwd=tmp_path).returncode == 2


# ---------------------------------------------------------------- many files


def test_parallel_run_equals_serial_run(tmp_path, capsys):
    for index in range(60):  # above the parallel threshold (48)
        write(tmp_path / f"pkg{index % 4}" / f"m{index:02d}.py", [BUGGY, CLEAN, HINT_ONLY][index % 3])
    write(tmp_path / "pkg0" / "broken.py", "class A(:\n")
    serial = check(capsys, tmp_path, "--format", "json", "--jobs", "1")
    parallel = check(capsys, tmp_path, "--format", "json", "--jobs", "2")
    assert serial[0] == parallel[0] == 1
    assert json.loads(serial[1]) == json.loads(parallel[1])
    assert len(json.loads(serial[1])) == 20 * 2 + 20 + 1


# ---------------------------------------------------------------- bad input


def test_bad_input_is_reported_never_fatal(tmp_path, capsys):
    write(tmp_path / "empty.py", "")
    write(tmp_path / "latin1.py", BUGGY.encode("utf-8").replace(b"import keras", b"import keras  # caf\xe9", 1))
    write(tmp_path / "syntax.py", "class Broken(:\n    pass\n" + BUGGY)
    write(tmp_path / "nul.py", b"\x00\x01\x02 binary \xff\xfe")
    code, findings = check_json(capsys, tmp_path)
    assert code == 1
    by_file: dict[str, set[str]] = {}
    for finding in findings:
        by_file.setdefault(Path(finding["path"]).name, set()).add(finding["code"])
    assert "empty.py" not in by_file
    assert by_file["latin1.py"] == {"KL902", "KL101", "KL106"}, "undecodable bytes are replaced; the rest is checked"
    assert by_file["syntax.py"] == {"KL900", "KL101", "KL106"}
    assert by_file["nul.py"] <= {"KL900", "KL902"} and by_file["nul.py"]


def test_modules_that_use_each_other_s_layers(tmp_path, capsys):
    """a.py makes b's layer and b.py makes a's: each home is read for its classes only, never
    re-entered (this once recursed without end)."""
    write(tmp_path / "a.py", "import keras\nfrom b import B\n\n\nclass A(keras.layers.Layer):\n    pass\n\n\nx = B()\n")
    write(tmp_path / "b.py", "import keras\nimport tensorflow as tf\nfrom a import A\n\n\nclass B(keras.layers.Layer):\n    pass\n\n\ny = A()\n" + BUGGY.split("\n", 2)[2])
    code, findings = check_json(capsys, tmp_path, "--jobs", "1")
    assert code == 1
    assert {(Path(f["path"]).name, f["code"]) for f in findings} == {("b.py", "KL101"), ("b.py", "KL106")}


def test_an_internal_error_is_reported_and_the_other_files_checked(tmp_path, capsys, monkeypatch):
    """A defect of the analysis (simulated for one file) becomes a KL903 warning for that file."""
    import keraslens.checker as checker

    real = checker.analyze

    def failing_for_one(text, path, settings):
        if path.endswith("trigger.py"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, path, settings)

    monkeypatch.setattr(checker, "analyze", failing_for_one)
    write(tmp_path / "trigger.py", CLEAN)
    write(tmp_path / "fine.py", BUGGY)
    code, findings = check_json(capsys, tmp_path, "--jobs", "1")
    assert code == 1
    trigger = [f for f in findings if f["path"].endswith("trigger.py")]
    assert [(f["code"], f["severity"]) for f in trigger] == [("KL903", "warning")]
    assert "RecursionError" in trigger[0]["message"]
    assert {f["code"] for f in findings if f["path"].endswith("fine.py")} == {"KL101", "KL106"}


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file(tmp_path, capsys):
    path = write(tmp_path / "secret.py", BUGGY)
    write(tmp_path / "fine.py", BUGGY)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read mode-000 files (root)")
        code, findings = check_json(capsys, tmp_path)
    finally:
        path.chmod(0o644)
    assert code == 1
    assert [f["code"] for f in findings if f["path"].endswith("secret.py")] == ["KL901"]
    assert {f["code"] for f in findings if f["path"].endswith("fine.py")} == {"KL101", "KL106"}


def test_dangling_symlink_is_reported(tmp_path, capsys):
    # unreadable even for root: the walk lists it, reading it fails
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing-target.py")
    write(tmp_path / "fine.py", BUGGY)
    code, findings = check_json(capsys, tmp_path)
    assert code == 1
    dangling = [f for f in findings if f["path"].endswith("dangling.py")]
    assert [f["code"] for f in dangling] == ["KL901"] and dangling[0]["severity"] == "error"
    assert {f["code"] for f in findings if f["path"].endswith("fine.py")} == {"KL101", "KL106"}


def test_fifty_thousand_line_generated_file(tmp_path, capsys):
    """Checked like any file, in time that grows with its lines: 10x the lines of a 5,000-line
    file checked in the same run take less than 25x its CPU time (a quadratic cost takes ~100x)."""

    def cpu_seconds_of_check(lines: int) -> tuple[float, int, list[dict]]:
        body = "".join(f"WEIGHT_{i} = [{i}, {i + 1}, {i + 2}]\n" for i in range(lines))
        path = write(tmp_path / f"generated_{lines}.py", BUGGY + body)
        start = time.process_time()
        code, findings = check_json(capsys, path)
        return time.process_time() - start, code, findings

    small_time, *_ = cpu_seconds_of_check(5_000)
    large_time, code, findings = cpu_seconds_of_check(50_000)
    assert code == 1 and {f["code"] for f in findings} == {"KL101", "KL106"}
    assert large_time < 25 * small_time, f"10x the lines took {large_time / small_time:.1f}x the CPU time"


# ---------------------------------------------------------------- rules


def test_rules_listing_and_one_rule(capsys):
    assert main(["rules", "--format", "markdown"]) == 0
    listing = capsys.readouterr().out
    for code, rule in BY_CODE.items():
        assert f"[{code}]({code}.md) | {rule.name} | {rule.severity.value}" in listing
    assert main(["rules", "kl101", "--format", "markdown"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# KL101 tensor-as-weight")
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Keras versions"):
        assert f"## {section}" in page
