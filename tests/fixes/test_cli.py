"""``keraslens check --fix / --unsafe-fixes / --diff``: what is written, printed and returned (DESIGN section 7)."""

from __future__ import annotations

import json

import pytest

from keraslens.cli import main

SAFE_ONLY = '''import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor):
        self.factor = factor

    def call(self, x):
        return x * self.factor
'''
SAFE_FIXED = SAFE_ONLY.replace("def __init__(self, factor):\n", "def __init__(self, factor, **kwargs):\n        super().__init__(**kwargs)\n")
NEEDS_UNSAFE = '''import keras
import tensorflow as tf


class Linear(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal((x.shape[-1], 5))
        return tf.matmul(x, self.w)
'''
UNSAFE_FIXED = '''import keras
import tensorflow as tf


class Linear(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 5), initializer=keras.initializers.RandomNormal(stddev=1.0))

    def call(self, x):
        return tf.matmul(x, self.w)
'''
CLEAN = "import keras\n\nlayer = keras.layers.Dense(3)\n"


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


def write(tmp_path, name: str, text: str, newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_fix_writes_safe_fixes_and_exits_0_when_nothing_is_left(tmp_path, capsys):
    path = write(tmp_path, "scale.py", SAFE_ONLY)
    assert main(["check", "--fix", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == SAFE_FIXED
    assert "1 fixed" in capsys.readouterr().err


def test_fix_leaves_unsafe_fixes_and_exits_1(tmp_path, capsys):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE)
    assert main(["check", "--fix", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == NEEDS_UNSAFE
    captured = capsys.readouterr()
    assert "KL101" in captured.out and "fix (unsafe)" in captured.out
    assert "1 more with --fix --unsafe-fixes" in captured.err


def test_unsafe_fixes_apply_unsafe_ones(tmp_path):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE)
    assert main(["check", "--fix", "--unsafe-fixes", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == UNSAFE_FIXED


def test_unsafe_fixes_without_fix_write_nothing(tmp_path):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE)
    assert main(["check", "--unsafe-fixes", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == NEEDS_UNSAFE


def test_diff_prints_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "scale.py", SAFE_ONLY)
    assert main(["check", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n@@ ")
    assert "+        super().__init__(**kwargs)\n" in out and "-    def __init__(self, factor):\n" in out
    assert path.read_text(encoding="utf-8") == SAFE_ONLY


def test_diff_with_unsafe_fixes_shows_them(tmp_path, capsys):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE)
    assert main(["check", "--diff", str(path)]) == 1  # the error stays: still "found"
    assert capsys.readouterr().out == ""
    assert main(["check", "--diff", "--unsafe-fixes", str(path)]) == 1
    assert "+        self.w = self.add_weight(" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == NEEDS_UNSAFE


def test_diff_on_clean_code_is_empty_and_exits_0(tmp_path, capsys):
    path = write(tmp_path, "clean.py", CLEAN)
    assert main(["check", "--diff", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_crlf_file_stays_crlf(tmp_path):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE, "\r\n")
    assert main(["check", "--fix", "--unsafe-fixes", str(path)]) == 0
    data = path.read_bytes()
    assert data == UNSAFE_FIXED.replace("\n", "\r\n").encode("utf-8")


def test_json_reports_the_fix_and_its_applicability(tmp_path, capsys):
    path = write(tmp_path, "linear.py", NEEDS_UNSAFE)
    assert main(["check", "--format", "json", str(path)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)
    fix = finding["fix"]
    assert fix["applicability"] == "unsafe" and fix["edits"]
    assert all(edit["line"] >= 1 and edit["column"] >= 1 for edit in fix["edits"])


def test_usage_error_exits_2(tmp_path, capsys):
    assert main(["check", "--fix", str(tmp_path / "missing.py")]) == 2


def test_fix_leaves_a_file_with_syntax_errors_alone(tmp_path):
    broken = tmp_path / "broken.py"
    text = (
        "import keras\n\n\n"
        "class Scale(keras.layers.Layer):\n"
        "    def __init__(self, **kwargs):\n"
        "        self.k = 2\n\n\n"
        "def half_typed(:\n"
    )
    broken.write_text(text)
    code = main(["check", str(broken), "--fix"])
    assert broken.read_text() == text  # KL106 is reported but not fixed while the file does not parse
    assert code == 1
