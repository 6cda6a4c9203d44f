"""Hover latency in a notebook of 100 cells, against the same code as one file, same run.

    uv run python bench/notebook_latency.py [--runs 3] [--hovers 200] [--no-write]

The generated 5,000-line module of ``bench/lsp_latency.py`` is cut into 100 code cells (one per
layer class and its model, the imports and helpers in cells of their own) and opened with
``notebookDocument/didOpen``; hovers on class names, layer calls and model variables are sent
to the cells holding them. The baseline is the same text opened as one ``.py`` file and hovered
at the same places by the same server build. Writes the "Notebook hover latency" section of
bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_latency import fmt, generate, hover_positions, percentile, quiet_client  # noqa: E402
from readme_section import write_section  # noqa: E402

SECTION = "## Notebook hover latency"
INTRO = ("Hovers in a notebook go through the same snapshot, analysis and count report as a file; "
         "the cell's position is shifted into the notebook's program and back (`keraslens/lsp/notebooks.py`).")
CELLS = 100


def cells_of(text: str, count: int = CELLS) -> list[str]:
    """Cut at class headers (and once more before the helpers) into ``count`` cells."""
    lines = text.split("\n")[:-1]
    starts = [0] + [i for i, line in enumerate(lines) if line.startswith("class Block")]
    helpers = next((i for i, line in enumerate(lines) if line.startswith("def helper_")), len(lines))
    starts = sorted(set(starts + [helpers]))[:count]
    bounds = starts + [len(lines)]
    return ["\n".join(lines[a:b]) + "\n" for a, b in zip(bounds, bounds[1:])]


def place(cells: list[str], line: int) -> tuple[int, int]:
    """A line of the whole text -> (cell, line in the cell)."""
    for index, cell in enumerate(cells):
        size = cell.count("\n")
        if line < size:
            return index, line
        line -= size
    raise ValueError(line)


async def session(text: str, root: Path, positions, notebook: bool) -> dict:
    from lsprotocol import types as lsp

    arrived = asyncio.Event()
    client = quiet_client("notebook-latency", lambda params: arrived.set())

    caps = lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown])),
        notebook_document=lsp.NotebookDocumentClientCapabilities(synchronization=lsp.NotebookDocumentSyncClientCapabilities()),
        workspace=lsp.WorkspaceClientCapabilities(configuration=True))
    await client.start_io(sys.executable, "-m", "keraslens", "serve")
    await client.initialize_async(lsp.InitializeParams(capabilities=caps, root_uri=root.as_uri(), process_id=os.getpid()))
    client.initialized(lsp.InitializedParams())
    cells = cells_of(text)
    if notebook:
        uri = (root / "bench.ipynb").as_uri()
        uris = [f"vscode-notebook-cell:{root}/bench.ipynb#C{i}" for i in range(len(cells))]
        client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(uri=uri, notebook_type="jupyter-notebook", version=1,
                                                   cells=[lsp.NotebookCell(kind=lsp.NotebookCellKind.Code, document=u) for u in uris]),
            cell_text_documents=[lsp.TextDocumentItem(uri=u, language_id="python", version=1, text=t) for u, t in zip(uris, cells)]))
        targets = [(uris[cell], line, col) for (cell, line), (_, col) in ((place(cells, ln), (ln, c)) for ln, c in positions)]
    else:
        uri = (root / "bench.py").as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        targets = [(uri, line, col) for line, col in positions]
    await asyncio.wait_for(arrived.wait(), 60)
    first_uri, first_line, first_col = targets[0]
    start = time.perf_counter()
    await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=first_uri), position=lsp.Position(line=first_line, character=first_col)))
    result = {"hover1_ms": (time.perf_counter() - start) * 1000, "cells": len(cells)}
    times, nulls = [], 0
    for target, line, col in targets:
        sent = time.perf_counter()
        hover = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=target), position=lsp.Position(line=line, character=col)))
        times.append((time.perf_counter() - sent) * 1000)
        nulls += hover is None
    result.update(p50=percentile(times, 50), p95=percentile(times, 95), nulls=nulls)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return result


def median(runs: list[dict], key: str) -> float:
    values = sorted(r[key] for r in runs)
    return values[len(values) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    text = generate()
    positions = hover_positions(text, args.hovers)
    notebook_runs, file_runs = [], []
    with tempfile.TemporaryDirectory(prefix="notebook-latency-") as scratch:
        for _ in range(args.runs):  # interleaved so machine noise hits both alike
            notebook_runs.append(asyncio.run(session(text, Path(scratch), positions, notebook=True)))
            file_runs.append(asyncio.run(session(text, Path(scratch), positions, notebook=False)))
    nb_p95, file_p95 = median(notebook_runs, "p95"), median(file_runs, "p95")
    rows = [
        ("first hover after open, counts cold (ms)", median(notebook_runs, "hover1_ms"), median(file_runs, "hover1_ms"), ""),
        (f"hover p50 over {args.hovers} (ms)", median(notebook_runs, "p50"), median(file_runs, "p50"), ""),
        (f"hover p95 over {args.hovers} (ms)", nb_p95, file_p95, "≤ 10"),
        ("null hovers", median(notebook_runs, "nulls"), median(file_runs, "nulls"), "0"),
    ]
    table = "\n".join([
        f"`uv run python bench/notebook_latency.py --runs {args.runs}` — the {len(text.splitlines()):,}-line module of "
        f"lsp_latency.py as a notebook of {notebook_runs[0]['cells']} code cells, and as one file (baseline, same run); "
        f"medians of {args.runs} runs. Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end, {time.strftime('%Y-%m-%d')}.", "",
        "| measure | notebook (100 cells) | same code as one file | goal |", "|---|---|---|---|",
        *(f"| {name} | {fmt(a)} | {fmt(b)} | {goal} |" for name, a, b, goal in rows), "",
        f"Ratio: notebook hover p95 / file hover p95 = {fmt(nb_p95 / file_p95 if file_p95 else None, 2)}.", "",
    ])
    print(table)
    if not args.no_write:
        write_section("notebook-latency", table, f"{SECTION}\n\n{INTRO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
