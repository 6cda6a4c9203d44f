"""Lines end only at \\n, \\r\\n and \\r: form feeds and U+2028 inside a line keep positions right."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from keraslens.analysis.fix_all import fix_text
from keraslens.analysis.source import SourceFile, function_nodes, line_starts, names_under, split_lines, walk

ODD = "\x0c", "\u2028", "\u2029", "\x1c", "\x85"


@pytest.mark.parametrize("char", ODD, ids=repr)
def test_odd_line_separators_do_not_split_lines(char):
    text = f"a = '{char}'\r\nb = 2\rc = 3\n"
    assert split_lines(text) == [f"a = '{char}'", "b = 2", "c = 3"]
    assert "".join(split_lines(text, keepends=True)) == text


@pytest.mark.parametrize("char", ODD, ids=repr)
def test_findings_and_fixes_after_odd_separators(char, tmp_path):
    text = (
        "import keras\n"
        f"NOTE = 'a{char}b'\n"
        "class Scale(keras.layers.Layer):\n"
        "    def __init__(self, **kwargs):\n"
        "        self.k = 2\n"
    )
    path = tmp_path / "odd.py"
    finding = next(f for f in analyze(text, str(path)).findings if f.code == "KL106")
    assert finding.span.line == 4  # the line `def __init__` is on, as Python counts it
    fixed, _ = fix_text(text, str(path), Settings())
    assert f"NOTE = 'a{char}b'\n" in fixed  # the untouched line keeps its character
    assert "        super().__init__(**kwargs)\n" in fixed


@pytest.mark.parametrize("blank", ["\x0c", "\xa0", "\u2028", "\u3000", "\x0b\x0c \t"], ids=repr)
def test_a_line_of_unusual_whitespace_in_a_broken_file_is_a_blank_line(blank):
    text = f"import keras\n{blank}\nclass Scale(keras.layers.Layer):\n    def __init__(self, **kwargs):\n        self.k = (\n"
    found = {f.code for f in analyze(text, "blank.py").findings}
    assert "KL900" in found and "KL903" not in found  # the syntax error, not an analysis crash


def _starts_by_hand(text: str) -> list[int]:
    """The LSP's rule, one character at a time: a line starts after \r\n, \r or \n."""
    starts, index = [0], 0
    while index < len(text):
        index += 2 if text.startswith("\r\n", index) else 1
        if text[index - 1] in "\r\n":
            starts.append(index)
    return starts


@given(st.text(alphabet="ab \r\n\x0c\u2028\x85", max_size=40))
def test_line_starts_follow_the_lsp_line_ends(text):
    assert line_starts(text) == _starts_by_hand(text)


def _real_files() -> list[Path]:
    import importlib.util

    keras_root = Path(next(iter(importlib.util.find_spec("keras").submodule_search_locations)))
    files = sorted((Path(__file__).parent / "rules" / "fixtures").rglob("*.py")) + sorted((keras_root / "src" / "layers" / "attention").glob("*.py"))
    return [path for path in files if path.stat().st_size]


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name)
def test_segments_are_the_standard_librarys(path):
    text = path.read_text(encoding="utf-8")
    source = SourceFile(text, str(path))
    nodes = [node for node in ast.walk(source.tree) if hasattr(node, "end_col_offset")]
    assert nodes
    lines = text.count("\n") + 1
    for node in nodes[:: max(1, len(nodes) * lines // 200_000)]:  # the standard library's answer costs the whole text each
        assert source.segment(node) == (ast.get_source_segment(text, node) or ""), ast.dump(node)[:200]


@given(st.text(alphabet="aé😀 =\r\n\x0c", max_size=30))
def test_segments_of_odd_text_are_the_standard_librarys(text):
    source = SourceFile(f"x = 1\n{text}\ny = 'é😀'\n")
    for node in ast.walk(source.tree):
        if hasattr(node, "end_col_offset"):
            assert source.segment(node) == (ast.get_source_segment(source.text, node) or "")


NAME_EDGES = "global g\nd = {**g, None: x}\nmatch p:\n    case Point(x=a) | [b, *rest]:\n        del b\nlambda y=z: y\n"


@pytest.mark.parametrize("path", [*_real_files(), None], ids=lambda p: p.name if p else "edges")
def test_names_under_are_the_standard_librarys_in_walk_order(path):
    tree = SourceFile(path.read_text(encoding="utf-8") if path else NAME_EDGES).tree
    index = names_under(tree.body)
    found = [node for nodes in index.values() for node in nodes]
    assert sorted(map(id, found)) == sorted(id(node) for node in ast.walk(tree) if isinstance(node, ast.Name))
    for name, nodes in index.items():  # the order mentions are listed in
        assert nodes == [node for statement in tree.body for node in walk(statement) if isinstance(node, ast.Name) and node.id == name]


def test_a_functions_listed_nodes_do_not_keep_it_alive():
    import gc
    import weakref

    tree = ast.parse("def f(x):\n    return x + 1\n")
    function = tree.body[0]
    assert [type(node) for node in function_nodes(function)] == [type(node) for node in walk(function)][1:]
    kept = weakref.ref(function)
    del tree, function
    gc.collect()
    assert kept() is None  # the memo is keyed weakly by the function: its list must not hold it
