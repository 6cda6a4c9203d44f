"""Throughput of ``keraslens check`` against a bare ``ast.parse`` of the same files.

Corpus: the installed sources of keras/src/layers and keras_hub/src/layers (located with
importlib, nothing imported). Every measurement runs in a fresh interpreter, so no cache
of a previous run helps, and times only the work (not interpreter start or imports):

  parse   read + decode + ast.parse of every file, one process
  check   what `keraslens check --format json` does: discover, analyse, render JSON,
          with --jobs 1 and --jobs 2

Usage: uv run python bench/check_throughput.py [--runs 5] [--write-readme]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- check-throughput:start -->", "<!-- check-throughput:end -->"


def corpus_dirs() -> list[Path]:
    dirs = []
    for package in ("keras", "keras_hub"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{package} is not installed (uv sync installs it with the dev group)")
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "src" / "layers")
    return dirs


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # pool workers, once joined
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def worker(mode: str, jobs: int, dirs: list[str]) -> tuple[float, float]:
    """One timed pass in this (fresh) process; returns (wall, cpu) seconds."""
    import ast

    from keraslens.analysis.config import Settings
    from keraslens.analysis.source import decode_source
    from keraslens.checker import check_paths, discover
    from keraslens.report import render_json

    settings = Settings()
    if mode == "parse":
        start, cpu = time.perf_counter(), _cpu()
        for path in discover(dirs, settings):
            try:
                ast.parse(decode_source(path.read_bytes()).text)
            except SyntaxError:
                pass
        return time.perf_counter() - start, _cpu() - cpu
    start, cpu = time.perf_counter(), _cpu()
    files = list(discover(dirs, settings))
    render_json(check_paths(files, settings, jobs=jobs))
    return time.perf_counter() - start, _cpu() - cpu


def measure(mode: str, jobs: int, dirs: list[Path], runs: int) -> list[tuple[float, float]]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", mode, str(jobs), *map(str, dirs)],
            capture_output=True, text=True, check=True,
        ).stdout
        times.append(tuple(json.loads(out.strip().splitlines()[-1])))
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, jobs, *dirs = args.worker
        print(json.dumps(worker(mode, int(jobs), dirs)))
        return 0

    dirs = corpus_dirs()
    files = [p for d in dirs for p in d.rglob("*.py")]
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    results = {
        "parse (1 core)": measure("parse", 1, dirs, args.runs),
        "check --jobs 1": measure("check", 1, dirs, args.runs),
        "check --jobs 2": measure("check", 2, dirs, args.runs),
    }
    wall = {name: statistics.median(w for w, _ in times) for name, times in results.items()}
    cpu = {name: statistics.median(c for _, c in times) for name, times in results.items()}
    parse = wall["parse (1 core)"]
    rows = [
        "| pass | median wall s | lines/s (wall) | wall vs bare parse | median CPU s | CPU vs bare parse | wall of each run (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in results:
        runs = ", ".join(f"{w:.2f}" for w, _ in results[name])
        rows.append(
            f"| {name} | {wall[name]:.2f} | {lines / wall[name]:,.0f} | {wall[name] / parse:.2f}x "
            f"| {cpu[name]:.2f} | {cpu[name] / cpu['parse (1 core)']:.2f}x | {runs} |"
        )
    speedup = wall["check --jobs 1"] / wall["check --jobs 2"]
    table = "\n".join(rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    summary = (
        f"Corpus: {len(files)} files, {lines:,} lines (keras {_version('keras')} and keras-hub "
        f"{_version('keras-hub')} `src/layers`). {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"medians of {args.runs} fresh-process runs, load average {load:.1f} at the end.\n\n{table}\n\n"
        f"check on 1 core: **{wall['check --jobs 1'] / parse:.2f}x** bare parse by wall time, "
        f"**{cpu['check --jobs 1'] / cpu['parse (1 core)']:.2f}x** by CPU time (goal <= 1.5x); "
        f"speed-up from 1 to 2 cores: **{speedup:.2f}x** (goal ~2x).\n"
    )
    print(summary)
    print(json.dumps({"lines": lines, "files": len(files), "wall": wall, "cpu": cpu}), file=sys.stderr)
    if args.write_readme:
        write_section(summary)
    return 0


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def write_section(body: str) -> None:
    """Replace only this benchmark's section of bench/README.md; other sections stay."""
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    section = f"{START}\n{body.rstrip()}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## check throughput\n\n" + section + "\n"
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
