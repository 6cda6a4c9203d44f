"""The block-wise parse gives exactly the tree of one whole-file ``ast.parse``.

Truth: CPython's own parser, over the real source files of the installed Keras package
(read in place) and over edits of them, positions included.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from keraslens.analysis.source import SourceFile, _parse_by_blocks

KERAS_LAYERS = sorted((Path(importlib.util.find_spec("keras").origin).parent / "src" / "layers").rglob("*.py"))


def same_tree(text: str) -> None:
    tree, problems = _parsed(text)
    assert problems == []
    assert ast.dump(tree, include_attributes=True) == ast.dump(ast.parse(text), include_attributes=True)


def test_keras_layer_sources_parse_the_same_block_by_block():
    assert len(KERAS_LAYERS) > 150  # keras 3 ships ~200 layer modules; fewer means the package was not found
    checked = 0
    for path in KERAS_LAYERS:
        text = path.read_text(encoding="utf-8")
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        same_tree(text)
        checked += 1
    assert checked > 150


def test_edits_reuse_unchanged_blocks_at_their_new_lines():
    path = next(p for p in KERAS_LAYERS if p.name == "dense.py" and "layers" in p.parts)
    text = path.read_text(encoding="utf-8")
    same_tree(text)
    middle = text.index("\n@keras_export") + 1  # before the class and its decorator
    for edited in (text[:middle] + "x = 1\n" + text[middle:],  # every later block moves down a line
                   text[:middle] + "x = (1 +\n    2)\n" + text[middle:],
                   text.replace("\n", "\n\n", 3)):
        same_tree(edited)
        same_tree(text)


@pytest.mark.parametrize("text", [
    "  x = 1\ny = 2\n",  # an indented first line is an error even though no block starts there
    "x = '''\ny = 2\n'''\nz = (\n1)\n",  # lines at column 0 inside a string and brackets
    "if a:\n    b = 1\nelse:\n    b = 2\n@dec\n# note\ndef f():\n    pass\n",
    "x = 1 + \\\n2\n\x0cy = 3\n",
    "# only a comment\n\n",
    "",
    "x = 1\r\ny = 2\rz = 3\n",
])
def test_tricky_layouts(text):
    try:
        expected = ast.dump(ast.parse(text), include_attributes=True)
    except SyntaxError:
        assert _parse_by_blocks(text)[0] is None  # left to the whole-file parse and its recovery
        return
    tree, problems = _parsed(text)
    assert problems == [] and ast.dump(tree, include_attributes=True) == expected


@pytest.mark.parametrize("broken", ["scale_factor =\n", "def f(:\n", "x = 'abc\n", "  y = 2\n"])
def test_a_genuine_error_in_a_block_skips_the_whole_file_parse_and_is_one_of_the_file(broken):
    path = next(p for p in KERAS_LAYERS if p.name == "dense.py" and "layers" in p.parts)
    text = path.read_text(encoding="utf-8")
    at = text.index("\n@keras_export") + 1
    edited = text[:at] + broken + text[at:]
    with pytest.raises(SyntaxError):
        ast.parse(edited)
    assert _parse_by_blocks(edited) == (None, False)
    tree, problems = _parsed(edited)
    assert [problem.span.line for problem in problems] == [text[:at].count("\n") + 1]
    assert any(isinstance(node, ast.ClassDef) and node.name == "Dense" for node in tree.body)  # the rest still parsed


def _parsed(text: str):
    source = SourceFile(text)
    return source.tree, source.syntax_problems
