"""Probe latency: cold start, warm requests, and the by-hand baseline, in one run.

    uv run python bench/probe_latency.py [--warm 30] [--baseline-runs 3] [--write-readme]

Cold: a new probe to its first answer (the sandbox starts, the worker imports TensorFlow and Keras).
Warm: p50/p95 of requests to the running worker for a custom layer class and a small functional
model, each request an edited file (a new slice: the probe's cache never answers). The baseline is
what a user does by hand: ``python script.py`` printing ``model.summary()``. Worker RSS is read
from ``/proc`` after the warm requests. Writes the "Probe latency" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from readme_section import write_section

INTRO = """`uv run python bench/probe_latency.py --write-readme`: `probe_target` (analysis, slice, the sandboxed
worker) as the CLI and the editor call it. Cold = a new probe to its first answer (bubblewrap starts,
the worker imports TensorFlow); warm = later requests, each on an edited file so no cached answer
is reused; the baseline is `python script.py` printing `model.summary()` for the same model."""

LAYER = '''import keras


class Scaled(keras.layers.Layer):
    VERSION = {version}

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        return x @ self.w + self.b
'''
FUNCTIONAL = '''import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.BatchNormalization()(x)
x = layers.Dropout(0.1)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
model.version = {version}
'''


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def worker_rss_mb(probe) -> float:  # noqa: ANN001
    """RSS of the worker: the deepest process under the sandbox (bwrap -> init -> python)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    (worker,) = probe._workers.values()
    pid = worker.process.pid
    while children.get(pid):
        pid = children[pid][0]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def by_hand(folder: Path, runs: int) -> list[float]:
    script = folder / "by_hand.py"
    script.write_text(FUNCTIONAL.format(version=0) + "model.summary()\n")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    return [timed(lambda: subprocess.run([sys.executable, str(script)], capture_output=True, check=True, env=env)) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--write-readme", action="store_true")
    options = parser.parse_args()
    from keraslens.probe import service
    from keraslens.probe.target import probe_target

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "pyproject.toml").write_text("")
        layer_path, model_path = str(folder / "layer.py"), str(folder / "model.py")

        def layer(version: int) -> None:
            found = probe_target(LAYER.format(version=version), layer_path, "Scaled", [16], {}, [32])
            assert found.ok and found.total == 32 * 16 + 16, found.reason

        def functional(version: int) -> None:  # Keras: 32*64+64 + 4*64 (2 of them non-trainable) + 64*10+10
            found = probe_target(FUNCTIONAL.format(version=version), model_path, "model", [], {}, None)
            assert found.ok and found.total == 2112 + 256 + 650, found.reason

        cold = timed(lambda: layer(0))
        layer_warm = [timed(lambda i=i: layer(i)) for i in range(1, options.warm + 1)]
        model_warm = [timed(lambda i=i: functional(i)) for i in range(1, options.warm + 1)]
        rss = worker_rss_mb(service.shared_probe())
        service.close_shared_probe()
        baseline = by_hand(folder, options.baseline_runs)
    hand = statistics.median(baseline)
    p95 = max(percentile(layer_warm, 0.95), percentile(model_warm, 0.95))
    ms = lambda seconds: f"{seconds * 1000:,.0f}"  # noqa: E731
    lines = [
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {options.warm} warm requests per target, baseline median of "
        f"{options.baseline_runs} runs, load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| measure | ms | vs by-hand baseline | goal |",
        "|---|---|---|---|",
        f"| by hand: `python script.py` printing `model.summary()` (median) | {ms(hand)} | 1.00x | |",
        f"| cold: new probe to first answer | {ms(cold)} | {hand / cold:.1f}x faster | reported |",
        f"| warm custom layer p50 / p95 | {ms(statistics.median(layer_warm))} / {ms(percentile(layer_warm, 0.95))} | "
        f"{hand / percentile(layer_warm, 0.95):.0f}x faster (p95) | p95 < 300 ms |",
        f"| warm functional model p50 / p95 | {ms(statistics.median(model_warm))} / {ms(percentile(model_warm, 0.95))} | "
        f"{hand / percentile(model_warm, 0.95):.0f}x faster (p95) | p95 < 300 ms |",
        f"| worker RSS after the warm requests | {rss:,.0f} MB | | reported |",
        "",
        f"Warm p95 {ms(p95)} ms: goal (< 300 ms) {'met' if p95 < 0.3 else 'NOT met'}; "
        f"{hand / p95:.0f}x faster than by hand: goal (>= 15x) {'met' if hand / p95 >= 15 else 'NOT met'}.",
    ]
    table = "\n".join(lines)
    print(table)
    if options.write_readme:
        write_section("probe-latency", table, f"## Probe latency\n\n{INTRO}")

if __name__ == "__main__":
    main()
