"""Notebooks on the command line: ``keraslens check`` reads ``.ipynb`` (findings name the cell and
the line inside it, in every format) and ``--fix`` rewrites only the fixed cells' source.

The notebooks are written here with nbformat, as Jupyter writes them."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from keraslens.analysis.notebook import Cell, NotebookProgram
from keraslens.cli import main

SETUP = "%matplotlib inline\n!pip install -q keras\nimport keras\nimport tensorflow as tf\n"
RANDOM_LINEAR = '''class RandomLinear(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal((3, 3))
        return tf.matmul(x, self.w)
'''
NO_SUPER = '''class NoSuper(keras.layers.Layer):
    def __init__(self, units):
        self.units = units

files = !ls
NoSuper?'''


@pytest.fixture(autouse=True)
def _environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    monkeypatch.chdir(tmp_path)


def notebook(path: Path) -> Path:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    setup = new_code_cell(SETUP, execution_count=1, outputs=[new_output("stream", name="stdout", text="installed\n")])
    nb.cells = [new_markdown_cell("# Layers\nSome *prose*."), setup, new_code_cell(RANDOM_LINEAR, metadata={"tags": ["model"]}), new_markdown_cell("More"), new_code_cell(NO_SUPER)]
    nbformat.write(nb, path)
    return path


def place(source: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in a cell's source: the truth the reports must name."""
    for number, line in enumerate(source.split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_names_the_cell_and_the_line_inside_it(tmp_path, capsys):
    path = notebook(tmp_path / "model.ipynb")
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    findings = {f["code"]: f for f in json.loads(out)}
    assert code == 1
    assert set(findings) == {"KL101", "KL106"}
    assert (findings["KL101"]["cell"], findings["KL101"]["line"], findings["KL101"]["column"]) == (2, *place(RANDOM_LINEAR, "tf.random.normal"))
    assert (findings["KL106"]["cell"], findings["KL106"]["line"], findings["KL106"]["column"]) == (4, *place(NO_SUPER, "def __init__"))
    edits = findings["KL106"]["fix"]["edits"]
    assert {e["cell"] for e in edits} == {4} and all(1 <= e["line"] <= 3 for e in edits)


def test_text_github_and_sarif_name_the_cell(tmp_path, capsys):
    path = notebook(tmp_path / "model.ipynb")
    line, column = place(RANDOM_LINEAR, "tf.random.normal")
    _, text, _ = run(capsys, "check", str(path))
    assert f"{path}:cell 3:{line}:{column}: KL101" in text
    assert "self.w = tf.random.normal((3, 3))" in text  # the source line under the location
    _, github, _ = run(capsys, "check", str(path), "--format", "github")
    assert f"line={line},col={column}," in github and "title=cell 3 KL101" in github
    _, sarif, _ = run(capsys, "check", str(path), "--format", "sarif")
    result = next(r for r in json.loads(sarif)["runs"][0]["results"] if r["ruleId"] == "KL101")
    assert result["properties"]["cell"] == 2
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line


def test_fix_changes_only_the_fixed_cells_source(tmp_path, capsys):
    path = notebook(tmp_path / "model.ipynb")
    before = json.loads(path.read_text(encoding="utf-8"))
    code, _, err = run(capsys, "check", str(path), "--fix", "--unsafe-fixes")
    after_text = path.read_text(encoding="utf-8")
    after = json.loads(after_text)
    nbformat.validate(nbformat.reads(after_text, as_version=4))
    assert code == 0 and "2 fixed" in err
    assert after["metadata"] == before["metadata"]
    changed = [i for i, (old, new) in enumerate(zip(before["cells"], after["cells"])) if old != new]
    assert changed == [2, 4]
    for old, new in zip(before["cells"], after["cells"]):  # outputs, ids, metadata, counts kept
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert "".join(after["cells"][1]["source"]) == SETUP  # magics and shell lines come back as written
    assert "files = !ls" in "".join(after["cells"][4]["source"]) and "NoSuper?" in "".join(after["cells"][4]["source"])
    assert "super().__init__(**kwargs)" in "".join(after["cells"][4]["source"])
    assert "self.add_weight(" in "".join(after["cells"][2]["source"])


def test_fix_keeps_formatting_byte_for_byte_outside_the_fixed_source(tmp_path, capsys):
    path = notebook(tmp_path / "model.ipynb")
    before = path.read_text(encoding="utf-8").splitlines()
    run(capsys, "check", str(path), "--fix")  # safe fixes only: the super().__init__ in cell 4
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        '-    "    def __init__(self, units):\\n",',
        '+    "    def __init__(self, units, **kwargs):\\n",',
        '+    "        super().__init__(**kwargs)\\n",',
    ]


def test_diff_does_not_write(tmp_path, capsys):
    path = notebook(tmp_path / "model.ipynb")
    before = path.read_bytes()
    code, out, _ = run(capsys, "check", str(path), "--diff")
    assert code == 1 and "super().__init__(**kwargs)" in out
    assert path.read_bytes() == before


def test_a_broken_notebook_is_reported_not_fatal(tmp_path, capsys):
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "v3.ipynb").write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}), encoding="utf-8")
    notebook(tmp_path / "model.ipynb")
    code, out, _ = run(capsys, "check", str(tmp_path), "--format", "json")
    findings = json.loads(out)
    by_file = {Path(f["path"]).name: f for f in findings if f["code"] == "KL901"}
    assert set(by_file) == {"broken.ipynb", "v3.ipynb"}
    assert "format 3" in by_file["v3.ipynb"]["message"]
    assert any(f["code"] == "KL101" for f in findings)  # directories are walked for notebooks too
    assert code == 1


def test_magics_are_neutralised_without_moving_anything():
    cells = [
        Cell("markdown", "# title"),
        Cell("code", "%%time\nx = 1\n"),
        Cell("code", "%%bash\necho hi\nls -l"),
        Cell("code", "if True:\n    !ls\ny = (1\n     % 2)\nfiles = %sx ls\nmodel??\n"),
    ]
    program = NotebookProgram.of(cells)
    compile(program.text, "<notebook>", "exec")  # one valid Python program
    lines = program.text.split("\n")
    for index in (1, 2, 3):
        source = cells[index].source.rstrip("\n").split("\n")
        first = program.program_line(index, 1)
        analysed = lines[first - 1 : first - 1 + len(source)]
        assert [len(a) for a in analysed] == [len(s) for s in source]  # no column moves
        assert program.locate(first + len(source) - 1) == (index, len(source))
    assert "     % 2)" in program.text  # a modulo continuing an expression is Python, not a magic
    assert "x = 1" in program.text and "echo" not in program.text.replace("#cho", "")
    assert program.cell_sources(program.text) == {}  # and back, unchanged


def test_count_reads_a_notebook(tmp_path, capsys):
    path = tmp_path / "model.ipynb"
    nb = new_notebook()
    nb.cells = [new_code_cell("import keras"), new_markdown_cell("A model:"), new_code_cell("model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(5)])")]
    nbformat.write(nb, path)
    code, out, _ = run(capsys, "count", str(path), "--target", "model")
    assert code == 0
    assert "Total params: 55 (220.00 B)" in out  # Dense(5) on 10 features: 10*5 + 5, float32
