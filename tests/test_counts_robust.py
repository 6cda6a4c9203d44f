"""Counting never raises: half-typed, cut-off and odd code gives unknown, not an exception.

Every Python file of the examples, the rule fixtures and the truth models is cut at many
points (as if typed up to there) and counted in full: the whole report, every class with
arguments of the wrong kind, every model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.count_model import Status
from keraslens.analysis.interpretation.counts import count_report, module_counts
from keraslens.analysis.interpretation.symbolic import Expr

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    path
    for folder in ("examples", "tests/rules/fixtures", "tests/truth/models", "tests/fixes/fixtures")
    for path in (ROOT / folder).rglob("*.py")
)
ODD_ARGUMENTS = [([], {}), ([-1], {}), (["x"], {"units": None}), ([0, 0, 0, 0], {"rank": 10**9}), ([[1, 2]], {"num_heads": 0})]
ODD_SHAPES = [(None,), (None, 0), (None, -3), (None, 10**6, 1), ("a", "b")]


def _count_everything(text: str, path: str) -> None:
    analysis = analyze(text, path)
    report = count_report(analysis)
    for row in report.sites:
        assert row.count.status is not Status.EXACT or row.count.total is not None
    counter = module_counts(analysis).counter
    for name in analysis.module.classes:
        for (args, kwargs), shape in zip(ODD_ARGUMENTS, ODD_SHAPES, strict=True):
            counter.custom(name, args, kwargs, shape).count()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_counting_cut_off_code_never_raises(path: Path):
    text = path.read_text(encoding="utf-8")
    cuts = sorted({len(text) * step // 12 for step in range(1, 12)} | {len(text)})
    for cut in cuts:
        _count_everything(text[:cut], str(path))


def test_there_are_files_to_count():
    assert len(FILES) >= 40


def test_weird_module_code_counts_as_unknown(tmp_path):
    text = """import keras
from keras import layers
width = undefined_name
shape = (width, "3")
inp = keras.Input(shape=shape)
out = layers.Dense(units=width)(inp)
out = layers.Dense(2 ** 100)(out)
m = keras.Model(inp, out)
seq = keras.Sequential([layers.Dense(-4, input_shape=(3,)), None, 5])
while True:
    seq.add(layers.Dense(3))
"""
    report = count_report(analyze(text, str(tmp_path / "weird.py")))
    statuses = {model.name: model.count.status for model in report.models}
    assert statuses["m"] is not Status.EXACT
    assert statuses["seq"] is not Status.EXACT  # layers added in a loop


def test_symbolic_expressions():
    units, features = Expr.sym("units"), Expr.sym("in")
    total = features * units + units
    assert str(total) == "in*units + units"
    assert total.subs({"in": 10, "units": 5}) == Expr.const(55)
    assert (total - units).free_symbols == {"in", "units"}
    assert str(3 * units * units - 2) == "3*units*units - 2"
    assert (units - units).is_const and (units - units).value == 0


def test_set_displays_next_to_model_code(tmp_path):
    """A set display holds its elements like a list does, but has no load/store context (keras's
    own convnext.py has one)."""
    text = """import keras
widths = [4, 8]
names = {"a", "b"}
seen = {tuple(widths)}
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(widths[0]), keras.layers.Dense(widths[1])])
"""
    report = count_report(analyze(text, str(tmp_path / "sets.py")))
    assert {model.name: model.count.total for model in report.models} == {"model": (3 * 4 + 4) + (4 * 8 + 8)}


def _scanned_at(report, line: int, col: int):
    """What a hover is about, by scanning every class, model and site in turn."""
    for class_report in report.classes.values():
        if class_report.span.contains(line, col):
            return class_report
    for model in report.models:
        if any(span.contains(line, col) for span in (model.span, *model.mentions)):
            return model
    hits = [(span, site) for site in report.sites for span in (site.span, *site.mentions) if span and span.contains(line, col)]
    return min(hits, key=lambda hit: (hit[0].end_line - hit[0].line, hit[0].end_col - hit[0].col))[1] if hits else None


@pytest.mark.parametrize("path", [p for p in FILES if "examples" in p.parts], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_hover_index_finds_what_a_scan_finds(path):
    text = path.read_text(encoding="utf-8")
    report = count_report(analyze(text, str(path)))
    found = 0
    for number, line in enumerate(text.splitlines(), 1):
        for col in range(len(line) + 1):
            expected = _scanned_at(report, number, col)
            assert report.at(number, col) is expected, (number, col)
            found += expected is not None
    assert found or not (report.classes or report.models or report.sites)


@pytest.mark.parametrize("first, second", [(1, True), (1, 1.0), (True, 1)])
def test_a_built_in_layer_counts_the_same_after_one_with_equal_looking_arguments(first, second):
    """Built-in counts are kept by their arguments: ``1``, ``True`` and ``1.0`` are equal in Python
    but not to the layer table, so one must never be answered with the other's count."""
    from keraslens.analysis.interpretation.counts import Counter

    analysis = analyze("import keras\n", "<memory>")

    def fresh() -> Counter:
        return Counter(analysis.module, analysis.flavor.flavor)

    alone = [fresh().builtin("keras.layers.Dense", [units], {}, (None, 3)).count() for units in (first, second)]
    counter = fresh()
    both = [counter.builtin("keras.layers.Dense", [units], {}, (None, 3)).count() for units in (first, second)]
    assert both == alone
    assert alone[0] != alone[1] or first == second  # the pair is told apart by the table, so a mix-up would show
