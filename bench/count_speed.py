"""Static counting cost against a bare ``ast.parse`` of the same file, in the same run.

    uv run python bench/count_speed.py [--runs 7] [--write-readme]

1. The generated 5,000-line file with 100 layer classes (the LSP benchmark's file):
   ``ast.parse`` alone, then analysis + every class and model count (``count_report``).
2. A layer class from an installed library (``keras_hub.layers.TransformerEncoder``):
   the first count (locate, read, analyse the library file) and the cached count.
Each timing is the median of ``--runs``; the engine's cache is defeated by a unique comment.
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from lsp_latency import generate  # noqa: E402  (the same generated file as the LSP benchmark)

README = HERE / "README.md"
START, END = "<!-- count-speed:start -->", "<!-- count-speed:end -->"
LIBRARY_FILE = """import keras
import keras_hub

tokens = keras.Input(shape=(16, 32))
encoded = keras_hub.layers.TransformerEncoder(intermediate_dim=64, num_heads=2)(tokens)
model = keras.Model(tokens, encoded)
"""


def timed(function) -> float:
    gc.collect()  # each pass starts without the garbage of the one before
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def count_all(text: str, path: str = "<bench>"):
    from keraslens.analysis.engine import analyze
    from keraslens.analysis.interpretation.counts import count_report

    return count_report(analyze(text, path))


def count_report(analysis):
    from keraslens.analysis.interpretation.counts import count_report as report

    return report(analysis)


def analyze_only(text: str, path: str = "<bench>"):
    from keraslens.analysis.engine import analyze

    return analyze(text, path)


def library_first_and_cached(runs: int, folder: Path) -> tuple[list[float], list[float]]:
    from keraslens.analysis.names import locate

    path = folder / "uses_hub.py"
    path.write_text(LIBRARY_FILE)
    first, cached = [], []
    for run in range(runs):
        locate._found.clear()
        from keraslens.analysis import engine

        engine._CACHE.clear()
        text = LIBRARY_FILE + f"# run {run}\n"
        first.append(timed(lambda: count_all(text, str(path))))
        cached.append(timed(lambda: count_all(text + "# again\n", str(path))))
    return first, cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write-readme", action="store_true")
    options = parser.parse_args()
    text = generate()
    report = count_all(text)  # warm imports; also a sanity check of what is counted
    exact = sum(1 for c in report.classes.values() if c.count.status.value == "exact") + sum(1 for m in report.models if m.count.status.value == "exact")
    parse = [timed(lambda: ast.parse(text)) for _ in range(options.runs)]
    analysed, counting = [], []
    from keraslens.analysis.source import forget_blocks

    for run in range(options.runs):  # both halves of one run, on the same analysis
        done = {}
        forget_blocks()  # cold: with the previous run's block trees, their facts would be reused
        analysed.append(timed(lambda run=run: done.setdefault("analysis", analyze_only(text + f"# run {run}\n"))))
        counting.append(timed(lambda: count_report(done["analysis"])))
    counted = [a + c for a, c in zip(analysed, counting)]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        first, cached = library_first_and_cached(options.runs, Path(folder))
    median = statistics.median
    lines = [
        f"File: generated, {len(text.splitlines()):,} lines, {len(report.classes)} layer classes, {len(report.models)} models "
        f"({exact} of them counted exactly). {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, medians of {options.runs} runs, "
        f"load average {os.getloadavg()[0]:.1f}.",
        "",
        "| pass | median ms | vs bare parse | goal |",
        "|---|---|---|---|",
        f"| `ast.parse` | {median(parse) * 1000:.1f} | 1.00x | |",
        f"| analyse (parse, facts, graph, every rule with its fixes) | {median(analysed) * 1000:.1f} | {median(analysed) / median(parse):.2f}x | |",
        f"| counting alone (every class and model, on the analysis) | {median(counting) * 1000:.1f} | {median(counting) / median(parse):.2f}x | at most 1.5x |",
        f"| analyse + count every class and model | {median(counted) * 1000:.1f} | {median(counted) / median(parse):.2f}x | reported |",
        f"| library class, first count (`keras_hub.layers.TransformerEncoder`) | {median(first) * 1000:.1f} | | reported |",
        f"| library class, cached | {median(cached) * 1000:.1f} | | reported |",
    ]
    table = "\n".join(lines)
    print(table)
    if options.write_readme:
        readme = README.read_text()
        section = f"{START}\n{table}\n{END}"
        if START in readme:
            readme = readme[: readme.index(START)] + section + readme[readme.index(END) + len(END):]
        else:
            readme += f"\n## Static counts\n\n`uv run python bench/count_speed.py --runs 7 --write-readme`: analysis plus every class and model\ncount of the generated file against a bare `ast.parse` of it, and the cost of a class defined in an\ninstalled library, first and cached.\n\n{section}\n"
        README.write_text(readme)


if __name__ == "__main__":
    main()
