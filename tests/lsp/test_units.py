"""The LSP layer's pure helpers: position conversion, the ignore comment, fix-all's edit, settings
layers, count labels."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.counts import count_report
from keraslens.lsp.actions import Target, fix_all, ignore_edit
from keraslens.lsp.documents import LineMap
from keraslens.lsp.positions import LineIndex
from keraslens.lsp.render import count_lines
from keraslens.lsp.settings import SettingsStore
from lsprotocol import types as lsp

TEXT = 'a = "😋é"; b = 1\r\nsecond\rthird\x0cstill third\nlast'


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", 14), ("utf-16", 11), ("utf-32", 10)])
def test_positions_round_trip_in_every_encoding(encoding, column):
    index = LineIndex(TEXT, encoding)
    assert index.position(1, 10) == lsp.Position(line=0, character=column)  # "b" after the emoji
    assert index.point(lsp.Position(line=0, character=column)) == (1, 10)


def test_lines_split_like_lsp_not_like_splitlines():
    index = LineIndex(TEXT, "utf-16")
    assert [index.text(n) for n in range(1, 5)] == ['a = "😋é"; b = 1', "second", "third\x0cstill third", "last"]


def test_out_of_range_positions_are_clamped():
    index = LineIndex("ab\ncd\n", "utf-16")
    assert index.point(lsp.Position(line=9, character=9)) == (3, 0)
    assert index.point(lsp.Position(line=0, character=99)) == (1, 2)
    assert index.position(99, 5) == lsp.Position(line=2, character=0)


SOURCE = "import tensorflow as tf\nx = tf.Variable(1)  # keraslens: ignore[KL101]\ny = 2\n"


def test_ignore_extends_an_existing_comment_or_appends_one():
    analysis = analyze(SOURCE, "ignore.py")
    extend = ignore_edit(analysis, 2, "KL102")
    assert extend is not None and extend.text == ", KL102" and extend.span.col == SOURCE.splitlines()[1].index("]")
    append = ignore_edit(analysis, 3, "KL102")
    assert append is not None and append.text == "  # keraslens: ignore[KL102]" and append.span.col == len("y = 2")


def test_fix_all_replaces_only_the_changed_middle():
    old = "line one\nline two\nline three\n"
    target = Target("file:///x.py", 3, old, LineIndex(old, "utf-16"), versioned=True)
    action = fix_all(target, old.replace("two", "2"))
    (change,) = action.edit.document_changes
    assert change.text_document.version == 3
    (edit,) = change.edits
    assert edit.range == lsp.Range(start=lsp.Position(line=1, character=5), end=lsp.Position(line=1, character=8))
    assert edit.new_text == "2"
    assert fix_all(target, old) is None


def test_settings_layers_project_file_wins_and_problems_are_logged_once(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.keraslens]\nignore = ["KL301"]\ntrusted = true\n')
    logged: list[str] = []
    store = SettingsStore(logged.append)
    store.set_init_options({"ignore": ["KL202"], "inlayHints": False, "trusted": False})
    store.set_editor("", {"keraslens": {"select": ["KL1", "KL3"], "bogus": 1}})
    settings = store.for_document(str(tmp_path / "m.py"), None)
    assert settings.ignore == ("KL301",) and settings.select == ("KL1", "KL3") and settings.inlay_hints is False
    assert settings.trusted is False  # trust only ever comes from the editor
    store.for_document(str(tmp_path / "other.py"), None)
    assert len([line for line in logged if "bogus" in line]) == 1


def test_a_freeze_not_followed_keeps_the_total_and_says_the_split_is_not_known():
    source = """import keras
from keras import layers
base = keras.Sequential([keras.Input((8,)), layers.Dense(6), layers.Dense(4)])
head = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
for layer in base.layers + head.layers:
    layer.trainable = False
    layer.trainable = True
inp = keras.Input((8,))
model = keras.Model(inp, head(base(inp)))
"""
    report = count_report(analyze(source, "program.py"))
    model = next(m for m in report.models if m.name == "model")
    lines = count_lines(model.count, markdown=False)
    assert lines[:2] == ["Total: ≥ 92 params (static, partial)", "Trainable: ? · non-trainable: ?"]
    assert "line 6, 7" in lines[2] and "which weights train is not known" in lines[2]


def test_a_loop_freezing_every_layer_of_a_sub_model_is_followed():
    path = Path(__file__).resolve().parents[1] / "truth" / "models" / "adversarial" / "e01_for_layers_freeze.py"
    report = count_report(analyze(path.read_text(encoding="utf-8"), str(path)))
    model = next(m for m in report.models if m.name == "model")
    assert count_lines(model.count, markdown=False)[:2] == ["Total: 92 params (static, exact)", "Trainable: 10 · non-trainable: 82"]


def lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)  # LSP's line breaks, written out independently of LineIndex


@pytest.mark.parametrize("breaks", ["\n", "\r\n"])
def test_line_maps_pair_only_equal_lines_and_all_of_them_around_an_edit(breaks):
    rng = random.Random(7)
    words = ["x", "", "layer", "self.units = units", "  ", "\t#"]
    for case in range(1_000):
        old = breaks.join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        starts = [0] + [m.end() for m in re.finditer(re.escape(breaks), old)]
        whole_lines = case % 2
        if whole_lines:  # lines typed or pasted (Enter at a line's start), or deleted
            start, end = sorted(rng.sample(starts, 2)) if len(starts) > 1 and rng.random() < 0.5 else [rng.choice(starts)] * 2
            inserted = "".join(rng.choice(words) + breaks for _ in range(rng.randint(0, 3))) if start == end else ""
        else:
            start = rng.randint(0, len(old))
            end = min(len(old), start + rng.randint(0, 8))
            inserted = "".join(rng.choice("ab\n \r") for _ in range(rng.randint(0, 4)))
        new = old[:start] + inserted + old[end:]
        line_map, a, b = LineMap(old, new), lines_of(old), lines_of(new)
        assert line_map.prefix + line_map.suffix <= min(len(a), len(b)), (old, new)
        for line in range(1, len(b) + 1):
            mapped = line_map.to_old(line)
            assert mapped is None or a[mapped - 1] == b[line - 1], (old, new, line)
            assert mapped is None or line_map.to_new(mapped) == line
        if whole_lines:  # every line that was neither deleted nor inserted keeps its counterpart
            assert line_map.prefix + line_map.suffix == min(len(a), len(b)), (old, new)
        elif not re.search(r"[\r\n]", old[start:end] + inserted) and old[start - 1:start] != "\r":
            # an edit inside one line (not between the two characters of a \r\n): every other line keeps its counterpart
            edited = old.count("\n", 0, start) + 1
            assert [line_map.to_new(n) for n in range(1, len(a) + 1) if n != edited] == [n for n in range(1, len(b) + 1) if n != edited], (old, new)
