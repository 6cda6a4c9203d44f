"""Cost per line as files grow: ``keraslens check`` and the server's analysis (analyse + every count).

    uv run python bench/scaling.py [--runs 3] [--sizes 5000,10000,20000,50000] [--write-readme]

Each size is the LSP benchmark's generated module (layer classes, each used in a functional model,
then plain helper functions), with one layer class per 50 lines, so every part grows with the file.
For each size: median wall time over ``--runs`` fresh analyses (the engine's cache is defeated by a
unique comment) and the peak of memory allocated during one analysis (``tracemalloc``), both per
line, and their ratio to the smallest size in the same run. Linear cost keeps the ratio near 1.
Time is CPU time of this process (steadier than wall time on a shared machine; the work is
single-threaded with ``--jobs 1``), wall time is shown next to it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from lsp_latency import generate  # noqa: E402  (the LSP benchmark's generated module)

README = HERE / "README.md"
START, END = "<!-- scaling:start -->", "<!-- scaling:end -->"
LINES_PER_CLASS = 50
SERVER_GC_THRESHOLDS = (100_000, 50, 100)  # what `keraslens serve` sets (lsp/server.py)


def module_text(lines: int) -> str:
    return generate(classes=lines // LINES_PER_CLASS, lines=lines)


def run_check(path: Path) -> None:
    from keraslens.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        main(["check", str(path), "--format", "json", "--jobs", "1"])


def run_server_analysis(text: str) -> None:
    """What the server does per version of a document, with the collector set as it sets it."""
    from keraslens.analysis.engine import analyze
    from keraslens.analysis.interpretation.counts import count_report

    previous = gc.get_threshold()
    gc.set_threshold(*SERVER_GC_THRESHOLDS)
    try:
        count_report(analyze(text, "<scaling>"))
    finally:
        gc.set_threshold(*previous)


def measure(function) -> tuple[float, float, int]:
    """CPU and wall seconds of one run, then the peak bytes allocated during a second run."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    function()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return cpu, elapsed, peak


def scaling(sizes: list[int], runs: int, folder: Path) -> list[dict]:
    from keraslens.analysis import engine
    from keraslens.analysis.source import forget_blocks

    rows = []
    for lines in sizes:
        text = module_text(lines)
        path = folder / f"scaling_{lines}.py"
        for name in ("check", "server analysis"):
            times, walls, peaks = [], [], []
            for run in range(runs):
                variant = text + f"# run {run}\n"
                path.write_text(variant)
                task = (lambda: run_check(path)) if name == "check" else (lambda: run_server_analysis(variant))
                cpu, wall, peak = measure(lambda: (engine._CACHE.clear(), forget_blocks(), task()))  # cold, as a file first opened
                times.append(cpu)
                walls.append(wall)
                peaks.append(peak)
            rows.append({"pass": name, "lines": lines, "seconds": statistics.median(times), "wall": statistics.median(walls), "peak": statistics.median(peaks)})
    for row in rows:
        base = next(r for r in rows if r["pass"] == row["pass"] and r["lines"] == sizes[0])
        row["time_ratio"] = (row["seconds"] / row["lines"]) / (base["seconds"] / base["lines"])
        row["memory_ratio"] = (row["peak"] / row["lines"]) / (base["peak"] / base["lines"])
    return rows


def table(rows: list[dict], runs: int) -> str:
    load = os.getloadavg()[0]
    out = [
        f"Generated modules (one layer class and model per {LINES_PER_CLASS} lines). {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, medians of {runs} runs, load average {load:.1f} at the end.",
        "",
        "| pass | lines | median CPU s | median wall s | CPU µs per line | per-line time vs smallest | peak MiB | bytes per line | per-line memory vs smallest |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        out.append(
            f"| {row['pass']} | {row['lines']:,} | {row['seconds']:.2f} | {row['wall']:.2f} | {1e6 * row['seconds'] / row['lines']:.0f} | {row['time_ratio']:.2f}x "
            f"| {row['peak'] / 2**20:.1f} | {row['peak'] / row['lines']:,.0f} | {row['memory_ratio']:.2f}x |"
        )
    return "\n".join(out)


def write_readme(text: str) -> None:
    readme = README.read_text()
    before, rest = readme.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{text}\n{END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="5000,10000,20000,50000")
    parser.add_argument("--write-readme", action="store_true")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rows = scaling(sizes, options.runs, Path(folder))
    text = table(rows, options.runs)
    print(text)
    if options.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
