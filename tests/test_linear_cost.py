"""The analysis costs time in proportion to the file: 4x the lines must take less than 8x the time.

A generous bound measured in the same run (CPU time, best of three): a linear analysis passes it
with room to spare on a busy machine, a quadratic one (4x lines -> ~16x time) cannot. The numbers
themselves live in ``bench/scaling.py``.
"""

from __future__ import annotations

import gc
import keyword
import re
import time
from pathlib import Path

import pytest

from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.counts import count_report
from keraslens.analysis.source import forget_blocks

GROWTH = 4
KEYWORDS = set(keyword.kwlist) | {"import", "from"}
BOUND = 8.0


def layer_module(classes: int) -> str:
    """Layer classes, each used in a functional model, and a model-building function per class."""
    out = ["import keras", "from keras import layers", ""]
    for i in range(classes):
        out += [
            f"class Block{i}(layers.Layer):",
            f"    def __init__(self, units={8 + i % 16}):",
            "        super().__init__()",
            "        self.proj = layers.Dense(units)",
            "    def build(self, input_shape):",
            "        self.w = self.add_weight(shape=(input_shape[-1], 4))",
            "    def call(self, x):",
            "        return self.proj(x) + 0.0 * keras.ops.sum(x @ self.w)",
            "",
            f"WIDTH_{i} = {4 + i % 8}",
            f"inputs_{i} = keras.Input(shape=(WIDTH_{i},))",
            f"model_{i} = keras.Model(inputs_{i}, layers.Dense(2)(Block{i}()(inputs_{i})))",
            "",
            f"def make_{i}(depth=2):",
            f"    x = inp = keras.Input(shape=({i % 5 + 3},))",
            "    for width in [8, 4]:",
            "        x = layers.Dense(width)(x)",
            "    for width in range(depth):",
            "        x = layers.Dense(width + 2)(x)",
            "    return keras.Model(inp, x)",
            "",
        ]
    return "\n".join(out) + "\n"


def findings_module(classes: int) -> str:
    """Classes with findings whose fixes look across the file: a weight sized by a constructor
    argument (KL201, whose fix edits every construction) and a layer on the class (KL104)."""
    out = ["import keras", ""]
    for i in range(classes):
        out += [
            f"class Init{i}(keras.layers.Layer):",
            "    def __init__(self, input_dim, units, **kwargs):",
            "        super().__init__(**kwargs)",
            "        self.w = self.add_weight(shape=(input_dim, units))",
            "    def call(self, x):",
            "        return keras.ops.matmul(x, self.w)",
            "",
            f"class Holder{i}(keras.layers.Layer):",
            "    proj = keras.layers.Dense(4)",
            "    def call(self, x):",
            "        return self.proj(x)",
            "",
            f"layer_{i} = Init{i}({i % 7 + 2}, 3)",
            f"other_{i} = Holder{i}()",
            "",
        ]
    return "\n".join(out) + "\n"


FIXTURES = sorted(path for path in (Path(__file__).parent / "rules" / "fixtures").rglob("*.py") if path.parent.name != "recovery")


def fixtures_module(copies: int) -> str:
    """Every rule's golden fixture, its top-level names suffixed per copy: a finding of any rule whose
    check or fix looks across the whole file shows up as a cost per finding times the file."""
    parts = []
    for path in FIXTURES:
        text = path.read_text(encoding="utf-8")
        names = sorted(set(re.findall(r"^(?:class |def )?(\w+)", text, re.MULTILINE)) - KEYWORDS, key=len, reverse=True)
        for copy in range(copies):
            parts.append(re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: f"{m.group(1)}_{copy}", text) if names else text)
    return "\n".join(parts)


def constants_module(lines: int) -> str:
    """Module-level assignments only (each name bound once): the values every layer argument may read."""
    return "import keras\n" + "".join(f"WEIGHT_{i} = [{i}, {i + 1}, {i + 2}]\n" for i in range(lines))


def cpu_seconds(text: str) -> float:
    best = float("inf")
    for run in range(3):
        gc.collect()
        forget_blocks()  # every run parses cold: the smaller file's blocks would all stay cached
        start = time.process_time()
        count_report(analyze(text + f"# run {run}\n", "<linear-cost>"))
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    ("make", "size"),
    [(layer_module, 40), (constants_module, 4000), (findings_module, 40), (fixtures_module, 1)],
    ids=["layer-classes", "module-constants", "findings", "rule-fixtures"],
)
def test_four_times_the_lines_takes_less_than_eight_times_the_time(make, size):
    small, large = make(size), make(size * GROWTH)
    assert len(large.splitlines()) >= GROWTH * len(small.splitlines()) * 0.95
    small_time, large_time = cpu_seconds(small), cpu_seconds(large)
    assert large_time < BOUND * small_time, f"{GROWTH}x the lines took {large_time / small_time:.1f}x the time ({small_time:.3f} s -> {large_time:.3f} s)"
