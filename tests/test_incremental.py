"""A keystroke inside one class re-analyses that class, not the whole file, and the result is
the one a cold analysis of the same text gives.

Reuse is counted, not timed: ``_ClassCollector.collect`` is wrapped to record which classes
are walked. The equivalence runs random edits on Keras' own layer sources, read in place.
"""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keraslens.analysis import engine
from keraslens.analysis.config import DEFAULT
from keraslens.analysis.facts import classes
from keraslens.analysis.interpretation.counts import count_report

HEADER = "import keras\nfrom keras import layers\n\n"
CLASS = '''
class Block{i}(layers.Layer):
    def __init__(self, units={units}, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.proj = layers.Dense(units)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return self.proj(keras.ops.matmul(inputs, self.w))

'''


def many_classes(count: int = 12) -> str:
    return HEADER + "".join(CLASS.format(i=i, units=4 + i) for i in range(count))


def edited(text: str, class_name: str, line: str) -> str:
    """``line`` in place of the last line of ``class_name``'s ``call`` (no other block moves)."""
    start = text.index(f"class {class_name}(")
    last = text.index("        return self.proj(", start)
    return text[:last] + line + text[text.index("\n", last) :]


@pytest.fixture
def collected(monkeypatch) -> list[str]:
    """Names of the classes whose facts are collected (walked), in order."""
    names: list[str] = []
    collect = classes._ClassCollector.collect

    def counting(self) -> None:
        names.append(self.facts.name)
        collect(self)

    monkeypatch.setattr(classes._ClassCollector, "collect", counting)
    return names


def test_an_edit_inside_one_class_recollects_that_class_only(collected, tmp_path):
    path = str(tmp_path / "blocks.py")
    text = many_classes()
    engine.analyze(text, path)
    assert len(collected) == 12  # the first version walks every class
    for version in range(3):
        collected.clear()
        text = edited(text, "Block5", f"        return self.proj(inputs) + {version}")
        analysis = engine.analyze(text, path)
        assert collected == ["Block5"]
        assert set(analysis.module.classes) == {f"Block{i}" for i in range(12)}


def test_what_a_class_reads_from_the_rest_of_the_file_invalidates_it(collected, tmp_path):
    path = str(tmp_path / "blocks.py")
    text = many_classes(4)
    engine.analyze(text, path)
    collected.clear()
    # a new import changes what every name may mean: all classes are walked again
    text = "import numpy as np\n" + text
    engine.analyze(text, path)
    assert sorted(collected) == [f"Block{i}" for i in range(4)]
    # a class added at the end: the others did not move, but `Extra()` in them now names a layer of the file
    text += "\nclass Extra(layers.Layer):\n    pass\n"
    collected.clear()
    engine.analyze(text, path)
    assert sorted(collected) == [*(f"Block{i}" for i in range(4)), "Extra"]


def test_a_class_whose_base_changes_kind_is_classified_again(collected, tmp_path):
    path = str(tmp_path / "bases.py")
    text = HEADER + "class Base(layers.Layer):\n    pass\n\n\nclass Child(Base):\n    def call(self, x):\n        return x\n"
    assert engine.analyze(text, path).module.classes["Child"].kind == "layer"
    collected.clear()
    text = text.replace("class Base(layers.Layer):", "class Base(keras.Model):")
    analysis = engine.analyze(text, path)
    assert analysis.module.classes["Child"].kind == "model"  # the same tree, but now a model
    assert sorted(collected) == ["Base", "Child"]


def test_a_numpy_generator_elsewhere_in_the_file_invalidates_the_classes_that_draw_from_it(collected, tmp_path):
    path = str(tmp_path / "draws.py")
    text = "import numpy as np\n" + edited(many_classes(3), "Block1", "        self.noise = rng.normal(size=3)")
    first = engine.analyze(text, path)
    assert [site.creator for site in first.module.classes["Block1"].weights] == ["add_weight"]
    collected.clear()
    text = text.replace("from keras import layers\n\n", "from keras import layers\nrng = np.random.default_rng(0)\n", 1)
    analysis = engine.analyze(text, path)
    assert collected == ["Block1"]  # the only class that asked whether `rng` is a generator
    assert [site.creator for site in analysis.module.classes["Block1"].weights] == ["add_weight", "numpy.random.Generator.normal"]
    assert analysis.module.classes == _cold(text, path).module.classes


NOISY = """

class Noisy{i}(layers.Layer):
    def build(self, input_shape):
        pass

    def call(self, x):
        self.w = keras.random.normal((3,))
        return x * self.w
"""


def test_findings_and_fixes_of_an_untouched_class_are_reused(monkeypatch, tmp_path):
    from keraslens.analysis.rules.kl101_tensor_as_weight import TensorAsWeight

    checked: list[str] = []
    check_class = TensorAsWeight.check_class

    def counting(self, ctx, facts):
        checked.append(facts.name)
        return check_class(self, ctx, facts)

    monkeypatch.setattr(TensorAsWeight, "check_class", counting)
    path = str(tmp_path / "noisy.py")
    text = HEADER + "".join(NOISY.format(i=i) for i in range(4))
    engine.analyze(text, path)
    assert sorted(checked) == [f"Noisy{i}" for i in range(4)]
    for before, after in (("(3,)", "(4,)"), ("(4,)", "(5,)")):
        checked.clear()
        text = text.replace(f"keras.random.normal({before})", f"keras.random.normal({after})", 1)
        warm = engine.analyze(text, path)
        assert checked == ["Noisy0"]
        assert [f.code for f in warm.findings] == ["KL101"] * 4
        assert warm.findings == _cold(text, path).findings  # the fixes too


def test_the_reuse_is_bounded_by_documents(tmp_path):
    engine.limit_cache(2)
    try:
        for number in range(5):
            engine.analyze(many_classes(2), str(tmp_path / f"doc{number}.py"))
        assert len(classes._previous) == 2
        assert all(len(kept) == 2 for kept in classes._previous.values())  # the latest version's classes only
    finally:
        engine.limit_cache(64)


# -- equivalence with a cold analysis on Keras' own layers ----------------------------------

KERAS = Path(importlib.util.find_spec("keras").origin).parent / "src" / "layers"
SOURCES = [
    KERAS / "regularization" / "spatial_dropout.py",
    KERAS / "pooling" / "base_adaptive_pooling.py",
    KERAS / "core" / "dense.py",
    KERAS / "rnn" / "gru.py",
]


@contextlib.contextmanager
def _no_previous_versions():
    kept = classes._previous
    classes._previous = {}
    try:
        yield
    finally:
        classes._previous = kept


def _cold(text: str, path: str) -> engine.Analysis:
    with _no_previous_versions():
        return engine._analyze(text, path, DEFAULT)


STATEMENTS = ("self.extra = layers.Dense(3)", "self.noise = rng.normal(size=3)", "x = Extra()(x)", "pass")
TOP_LEVEL = ("import numpy as np", "rng = np.random.default_rng(0)", "from keras import layers", "class Extra(layers.Layer): pass")


def _edit(lines: list[str], operation: str, where: int, word: int) -> list[str]:
    """One edit; all but "insert" and "delete" keep every line in place, as typing inside a line does."""
    at = where % (len(lines) + 1)
    line = lines[at] if at < len(lines) else ""
    following = next((text for text in lines[at:] if text.strip()), "")
    indent = following[: len(following) - len(following.lstrip())]
    if operation == "comment":
        return [*lines[:at], line + "  # edited", *lines[at + 1 :]]
    if operation == "delete":
        return [*lines[:at], *lines[at + 1 :]]
    if operation == "insert":
        return [*lines[:at], indent + STATEMENTS[word % len(STATEMENTS)], *lines[at:]]
    if operation in ("statement", "top"):
        # written over a blank line: inside a class (at the next line's indentation) or between blocks
        blanks = [i for i, text in enumerate(lines) if not text.strip() and (operation == "statement") == bool(_indent_after(lines, i))]
        if not blanks:
            return lines
        blank = blanks[where % len(blanks)]
        written = _indent_after(lines, blank) + STATEMENTS[word % len(STATEMENTS)] if operation == "statement" else TOP_LEVEL[word % len(TOP_LEVEL)]
        return [*lines[:blank], written, *lines[blank + 1 :]]
    words = line.replace("(", " ").replace(")", " ").replace(".", " ").split()
    if not words:
        return lines
    return [*lines[:at], line.replace(words[word % len(words)], words[word % len(words)] + "_2", 1), *lines[at + 1 :]]


def _indent_after(lines: list[str], index: int) -> str:
    following = next((text for text in lines[index + 1 :] if text.strip()), "")
    return following[: len(following) - len(following.lstrip())]


EDITS = st.lists(
    st.tuples(st.sampled_from(["comment", "rename", "statement", "top", "insert", "delete"]), st.integers(0, 10_000), st.integers(0, 100)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), edits=EDITS)
def test_edited_keras_layers_analyse_as_from_cold(source, edits):
    path = str(source)
    lines = source.read_text().splitlines()
    engine.analyze("\n".join(lines) + "\n", path)
    for operation, where, word in edits:
        lines = _edit(lines, operation, where, word)
        text = "\n".join(lines) + "\n"
        warm, cold = engine.analyze(text, path), _cold(text, path)
        assert warm.module.classes == cold.module.classes
        assert warm.findings == cold.findings
        assert count_report(warm) == count_report(cold)


def test_memos_by_node_keep_no_old_tree_alive():
    """What is remembered per syntax node lives only as long as the node: an edited block's old tree is freed."""
    import ast
    import gc
    import weakref

    from keraslens.analysis.facts import lifecycle

    tree = ast.parse("model = keras.Sequential([layers.Dense(2)])\n")
    statement = tree.body[0]
    first = lifecycle._nodes_in_order(statement)
    assert first[0] is statement and lifecycle._nodes_in_order(statement) == first
    assert [type(node).__name__ for node in first[:2]] == ["Assign", "Name"]
    alive = weakref.ref(statement)
    del tree, statement, first
    gc.collect()
    assert alive() is None
