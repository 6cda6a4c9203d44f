"""Tolerance: a syntax error inside one class never costs the findings of the others.

For every class of a few multi-class fixtures and for several ways of being half-typed,
a broken line is inserted into that class; every other class must keep exactly its
findings (shifted by the inserted line), and the break itself is reported as KL900.
"""

from __future__ import annotations

import ast

import pytest

from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from rules_support import FIXTURES

BASES = ["KL101/tensors_in_build_and_init.py", "KL102/tf_variable_keras3.py", "KL103/keras3_state_in_call.py"]
BREAKS = {
    "open-paren": "self.w = self.add_weight(shape=(3,",
    "dangling-attribute": "return self.",
    "half-def": "def helper(self, :",
    "open-string": 'name = "never closed',
    "stray-bracket": "x = ]",
    "bad-indent": "  y = 1",
}


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


def _by_class(findings, skip: str | None, inserted_at: int) -> set[tuple]:
    """Findings outside class ``skip`` as (code, class, line in the unbroken file)."""
    return {
        (f.code, f.class_name, f.span.line - (1 if f.span.line > inserted_at else 0), f.span.col)
        for f in findings
        if f.class_name != skip and f.code != "KL900"
    }


def _cases():
    for base in BASES:
        tree = ast.parse((FIXTURES / base).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                for kind in BREAKS:
                    yield pytest.param(base, node.name, kind, id=f"{base}:{node.name}:{kind}")


@pytest.mark.parametrize(("base", "cls", "kind"), list(_cases()))
def test_broken_class_costs_only_its_own_findings(base, cls, kind):
    text = (FIXTURES / base).read_text(encoding="utf-8")
    tree = ast.parse(text)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    last = node.body[-1]
    # into the body of the class's last method, else right after the class's last statement
    if isinstance(last, ast.FunctionDef):
        line, indent = last.body[0].lineno, " " * last.body[0].col_offset
    else:
        line, indent = last.end_lineno + 1, " " * last.col_offset
    lines = text.splitlines(keepends=True)
    broken = "".join(lines[: line - 1] + [indent + BREAKS[kind] + "\n"] + lines[line - 1 :])

    before = analyze(text, base, Settings())
    after = analyze(broken, base, Settings())
    assert _by_class(after.findings, cls, line) == _by_class(before.findings, cls, 10**9)
    assert any(f.code == "KL900" for f in after.findings), "the break is reported"


def test_whole_file_garbage_never_crashes():
    for text in ["", "\n", "(((((", "class", "class A(keras.layers.Layer):\n", "\x00\x01", "def f(:\n" * 500, "'''" * 3]:
        analyze(text, "garbage.py", Settings())


PARTIAL = '''import keras


class Linear(keras.layers.Layer):
    def __init__(self, units=4):  # missing super().__init__: still reported while build() is broken
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,)

    def call(self, x):
        return keras.ops.matmul(x, self.w)


inputs = keras.Input(shape=(10,))
model = keras.Model(inputs, Linear(4)(inputs))
'''


def test_a_partially_parsed_class_is_checked_but_never_counted(tmp_path, capsys):
    import json

    from keraslens.cli import main

    analysis = analyze(PARTIAL, "partial.py", Settings())
    assert {f.code for f in analysis.findings} == {"KL900", "KL106"}
    assert "Linear" not in analysis.module.classes, "counts and hovers must not see a class that lost its build()"
    path = tmp_path / "partial.py"
    path.write_text(PARTIAL, encoding="utf-8")
    main(["count", str(path), "--target", "model", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["status"] != "exact", report
