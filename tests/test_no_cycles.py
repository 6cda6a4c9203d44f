"""An analysis is freed by reference counting the moment it is dropped.

The language server raises the collector's thresholds (a full collection rescans every open
document's trees), so garbage in reference cycles lingers for thousands of keystrokes: the
soak's memory grew by a quarter before the graph's back-links were made weak. This test fails
when an analysis, its graph or its counts leave any object of keraslens in a cycle.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from keraslens.analysis import engine
from keraslens.analysis.config import DEFAULT
from keraslens.analysis.interpretation.counts import count_report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from lsp_latency import generate  # noqa: E402  (the benchmarks' generated file)

SOURCES = {
    "generated": lambda: generate(classes=10, lines=500),
    **{path.parent.name + "/" + path.name: path.read_text for path in sorted((ROOT / "examples").glob("*/*.py"))},
    **{path.parent.name + "/" + path.name: path.read_text for path in sorted((ROOT / "tests/rules/fixtures").glob("*/*.py"))},
}


def _analyse_and_count(text: str) -> None:
    count_report(engine._analyze(text, "<cycles>", DEFAULT))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_an_analysis_leaves_no_cycles(name):
    text = SOURCES[name]()
    _analyse_and_count(text)  # first use: caches and imports settle
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _analyse_and_count(text)
        gc.collect()
        cyclic = sorted({type(item).__module__ + "." + type(item).__qualname__ for item in gc.garbage if type(item).__module__.startswith("keraslens")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert cyclic == []
