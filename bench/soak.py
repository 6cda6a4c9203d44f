"""Soak: a long editing session on one big file; does memory stay flat and hover latency steady?

    uv run python bench/soak.py [--ops 20000] [--lines 5000] [--no-write]

Alternates didChange (a comment in the middle of the file is rewritten, so every version is
new text) and hover (class names, layer calls, models), pausing 0.25 s every 50 operations
so the server analyses and counts the latest version (as when a person stops typing). The
server's RSS is sampled every 500 operations. Goals: RSS after all operations within 20% of
RSS after 1,000 and under 300 MB; hover p50 over the last 500 hovers within 20% of hovers
500-1,000 (after warm-up). Writes the "Soak" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from editor_client import close_editor, open_editor
from lsp_latency import generate, hover_positions, percentile
from readme_section import write_section  # noqa: E402

PAUSE_EVERY, PAUSE_S, SAMPLE_EVERY = 50, 0.25, 500
MARKER = "# soak edit"


async def soak(ops: int, lines: int) -> dict:
    text = generate(classes=lines // 50, lines=lines)
    middle = text.index("\nclass ", len(text) // 2) + 1
    text = text[:middle] + f"{MARKER} 000000\n" + text[middle:]
    targets = hover_positions(text, 400)
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        editor = await open_editor(Path(scratch), "soak_model.py", text)
        line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        samples: list[tuple[int, float]] = []
        latencies: list[float] = []
        for op in range(1, ops + 1):
            if op % 2:
                at = editor.text.index(MARKER) + len(MARKER) + 1
                editor.replace(at, at + 6, f"{op:06d}")
            else:
                line, col = targets[(op // 2) % len(targets)]
                got = await editor.hover(line_starts[line] + col, cancel_previous=False)
                latencies.append(got[0] if got else float("nan"))
            if op % PAUSE_EVERY == 0:
                await asyncio.sleep(PAUSE_S)
            if op % SAMPLE_EVERY == 0:
                samples.append((op, editor.rss_mb))
        await close_editor(editor)
    window = min(500, len(latencies) // 4)
    return {"samples": samples, "start_p50": statistics.median(latencies[window: 2 * window]),
            "end_p50": statistics.median(latencies[-window:]), "end_p95": percentile(latencies[-window:], 95),
            "window": window}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    result = asyncio.run(soak(args.ops, args.lines))
    samples = dict(result["samples"])
    base = samples.get(1_000) or result["samples"][0][1]
    end = result["samples"][-1][1]
    growth = end / base - 1
    latency_change = result["end_p50"] / result["start_p50"] - 1
    rows = " | ".join(f"{op:,}: {mb:.0f}" for op, mb in result["samples"])
    table = "\n".join([
        f"`uv run python bench/soak.py --ops {args.ops}` — {args.lines:,}-line generated file, {args.ops:,} operations "
        f"(half didChange, half hover) in {time.perf_counter() - started:.0f} s. Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}.", "",
        "| measure | value | goal |", "|---|---|---|",
        f"| RSS after 1,000 operations (MB) | {base:.0f} | |",
        f"| RSS after {args.ops:,} operations (MB) | {end:.0f} | < 300 |",
        f"| growth from 1,000 to {args.ops:,} | {growth:+.1%} | within ±20% |",
        f"| hover p50, hovers {result['window']}-{2 * result['window']} (ms) | {result['start_p50']:.2f} | |",
        f"| hover p50 / p95, last {result['window']} hovers (ms) | {result['end_p50']:.2f} / {result['end_p95']:.2f} | |",
        f"| hover p50 change, start to end | {latency_change:+.1%} | within ±20% |", "",
        f"RSS (MB) every {SAMPLE_EVERY} operations: {rows}.", "",
    ])
    print(table)
    if not args.no_write:
        write_section("soak", table, "## Soak\n\n" + __doc__.split("\n\n", 2)[2].strip())
    return 0 if abs(growth) <= 0.2 and end < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
