"""Typing bursts: is keraslens still answering promptly after a person types fast?

    uv run python bench/typing_burst.py [--runs 3] [--no-write] [--lines 5000]

Scenarios, on generated 500- and 5,000-line files (bench/lsp_latency.py's generator):
60 keystrokes 30 ms apart at the top of the file with a hover after each (the previous hover
cancelled, as VS Code does); the same typing inside a layer class; pasting a 500-line block;
deleting everything, then undoing. Measured after the last keystroke: when the diagnostics of
the final version arrive, and how long a hover then takes; during the burst, the latency of
the hovers that were answered. Each is compared with the file's own analysis time (analysis
plus counting, in-process, measured in the same run). Goal: last keystroke -> final
diagnostics and hover within 2x that time plus the debounce; hover p95 while typing <= 10 ms.
Writes the "Typing bursts" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from editor_client import Editor, close_editor, open_editor
from lsp_latency import generate, percentile
from readme_section import write_section  # noqa: E402

KEYSTROKES, GAP_S = 60, 0.030
DEBOUNCE_MS = 50  # keraslens.lsp.documents.DEBOUNCE_S
TYPED = "scale_factor = 0.5  # tuned by hand after the second sweep!\n"  # 60 keystrokes


def analysis_ms(text: str, runs: int = 3) -> float:
    """Analysis plus counting of ``text`` in this process (fresh each time: no cache hit)."""
    from keraslens.analysis.interpretation.counts import count_report
    from keraslens.analysis.engine import analyze

    times = []
    for run in range(runs):
        gc.collect()
        start = time.perf_counter()
        count_report(analyze(text + f"# run {run} {time.time()}\n", "burst_model.py"))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def type_at(editor: Editor, offset: int, hover_offset: int) -> list[float]:
    """Type TYPED at ``offset`` one character per 30 ms, hovering after each keystroke."""
    latencies: list[float] = []
    waiting: list[asyncio.Task] = []
    for index, char in enumerate(TYPED[:KEYSTROKES]):
        editor.replace(offset + index, offset + index, char)
        task = asyncio.ensure_future(editor.hover(hover_offset + index + 1))
        task.add_done_callback(lambda t: t.result() and latencies.append(t.result()[0]))
        waiting.append(task)
        await asyncio.sleep(GAP_S)
    await asyncio.gather(*waiting)
    return latencies


async def scenario(name: str, text: str, root: Path) -> dict:
    editor = await open_editor(root, f"burst_{len(text)}.py", text)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    hover_offset = text.rindex("\nmodel_") + 3  # the last model; every edit happens above it
    await editor.hover(hover_offset)  # counts warm, as after opening the file
    latencies: list[float] = []
    if name == "type at the top":
        latencies = await type_at(editor, line_starts[1], hover_offset)
    elif name == "type inside a class":
        inside = text.index("        self.units = units\n", len(text) // 2)
        latencies = await type_at(editor, inside, hover_offset)
    elif name == "paste 500 lines":
        block = "".join(text.splitlines(keepends=True)[5:505])
        at = line_starts[len(line_starts) // 2]
        editor.replace(at, at, block)
    elif name == "delete all, then undo":
        everything = editor.text
        editor.replace(0, len(everything), "")
        await asyncio.sleep(GAP_S)
        editor.replace(0, 0, everything)
    last = time.perf_counter()
    diagnostics_at = await editor.diagnostics_of(editor.version)
    got = await editor.hover(hover_offset + len(editor.text) - len(text))
    hover_done = time.perf_counter()
    rss = editor.rss_mb
    await close_editor(editor)
    return {"diagnostics_ms": (diagnostics_at - last) * 1000, "hover_after_ms": (hover_done - last) * 1000,
            "hover_found": bool(got and got[1]), "latencies": latencies, "rss": rss}


SCENARIOS = ["type at the top", "type inside a class", "paste 500 lines", "delete all, then undo"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--lines", type=int, choices=[500, 5_000], help="one file size only (for alternated runs; never written)")
    args = parser.parse_args()
    rows, failures = [], []
    for lines in [args.lines] if args.lines else [500, 5_000]:
        text = generate(classes=max(10, lines // 50), lines=lines)
        base = analysis_ms(text)
        for name in SCENARIOS:
            runs = []
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="burst-") as scratch:
                    runs.append(asyncio.run(scenario(name, text, Path(scratch))))
            diag = statistics.median(r["diagnostics_ms"] for r in runs)
            after = statistics.median(r["hover_after_ms"] for r in runs)
            latencies = [x for r in runs for x in r["latencies"]]
            p95 = percentile(latencies, 95) if latencies else None
            goal = 2 * base + DEBOUNCE_MS
            rows.append(f"| {lines:,} | {name} | {base:.0f} | {diag:.0f} ({diag / base:.1f}x) | {after:.0f} | "
                        f"{'–' if p95 is None else f'{statistics.median(latencies):.1f} / {p95:.1f}'} | "
                        f"{'yes' if diag <= goal and after <= goal else 'no'} |")
            if diag > goal or after > goal or (lines == 5_000 and p95 is not None and p95 > 10):
                failures.append(f"{lines} {name}")
    table = "\n".join([
        f"`uv run python bench/typing_burst.py --runs {args.runs}` — medians of {args.runs} fresh servers per scenario; "
        f"{KEYSTROKES} keystrokes {GAP_S * 1000:.0f} ms apart with a hover after each (the previous one cancelled). "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}.", "",
        "| lines | scenario | analysis + count of the file (ms) | last keystroke → final diagnostics (ms, x analysis) | last keystroke → hover answered (ms) | hover p50 / p95 while typing (ms) | within 2x analysis + debounce |",
        "|---|---|---|---|---|---|---|", *rows, "",
        f"Goals missed: {', '.join(failures) if failures else 'none'}.", "",
    ])
    print(table)
    if not args.no_write and not args.lines:
        write_section("typing-burst", table, "## Typing bursts\n\n" + __doc__.split("\n\n", 2)[2].strip())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
