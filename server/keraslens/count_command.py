"""``keraslens count FILE --target NAME``: the static count of one layer or model (DESIGN.md section 7)."""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .analysis.config import Settings
from .analysis.engine import analyze
from .analysis.facts.graph import LayerInstance, Model
from .analysis.interpretation.count_model import Count, LayerRow, Sizes, Status
from .analysis.interpretation.counts import (
    Weight,
    model_report,
    module_counts,
    shape_text,
    symbolic_kwargs,
)
from .analysis.interpretation.summary import FLOAT32, HEADERS, Policy, layer_labels, names_note, shape_label, sizes_of, totals
from .analysis.interpretation.symbolic import Expr
from .analysis.interpretation.values import SymbolicShape
from .analysis.notebook import NotebookError, NotebookProgram, read_cells
from .analysis.source import decode_source


class TargetError(Exception):
    pass


def count_target(text: str, path: str, target: str, args: list | None = None, kwargs: dict | None = None,
                 input_shape: list | None = None, settings: Settings = Settings()) -> dict:
    """The contract's JSON object for ``target`` in a file's text."""
    analysis = analyze(text, path, settings)
    counts = module_counts(analysis)
    value = analysis.graph.lookup(target)
    home = counts.counter.class_counter(analysis.module.imports.names.get(target, target)) if value is None else None
    if home is not None:
        counter, name = home
        if input_shape is None:  # the formula in terms of the input size
            symbols = symbolic_kwargs(counter.module.classes[name])  # unset parameters become symbols too
            counted = counter.custom(name, list(args or []), {**symbols, **(kwargs or {})}, SymbolicShape())
            sizes = [w.size for w in counted.weights]
            formula = str(sum(sizes, Expr.const(0))) if counted.weights and None not in sizes else "?"
            return _result(target, Count(Status.UNKNOWN, reason=f"params = {formula}; give --input-shape for numbers"), [], counted.weights)
        counted = counter.custom(name, list(args or []), dict(kwargs or {}), (None, *input_shape))
        return _result(target, counted.count(), [], counted.weights, counts.policy)
    if isinstance(value, Model):
        report = model_report(analysis.source, counts, value)
        layers = [
            {
                "name": row.name, "keras_name": row.keras_name, "class": row.class_name, "output_shape": _shape_json(row.output_shape), "params": row.count.total,
                "trainable": row.count.trainable, "non_trainable": row.count.non_trainable, "status": row.count.status.value,
            }
            for row in report.rows
        ]
        return {**_result(target, report.count, layers, []), "sizes": asdict(report.sizes)}
    if isinstance(value, LayerInstance):
        layer = counts.value_of(value)
        counted = counts.counter.layer(layer)
        return _result(target, counts.settled(counted.count()), [], counted.weights, counts.policy)
    if value is None and target in analysis.graph.returns:
        return _result(target, Count(Status.UNKNOWN, reason=f"what `{target}()` returns could not be followed statically (a return on one path of several?)"), [], [])
    if value is None and any(isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == target for t in stmt.targets) for stmt in analysis.source.tree.body):
        return _result(target, Count(Status.UNKNOWN, reason=f"what `{target}` is bound to could not be followed statically"), [], [])
    if value is None:
        known = sorted({*analysis.graph.bindings.get("<module>", {}), *analysis.graph.returns, *analysis.module.classes})
        raise TargetError(f"no layer, model or layer class named {target!r} in {path}; known: {', '.join(known) or 'none'}")
    return _result(target, Count(Status.UNKNOWN, reason=f"{target!r} is not a layer or model"), [], [])


def probe_json(text: str, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
               settings: Settings = Settings(), timeout: float = 120.0) -> dict:
    """The contract's object, counted by real Keras in the sandboxed worker (``--probe``), with the
    end of what the slice printed as ``output``."""
    from .probe.target import ProbeRefused, probe_target

    try:
        found = probe_target(text, path, target, args, kwargs, input_shape, settings, timeout)
    except ProbeRefused as exc:
        raise TargetError(str(exc)) from None
    if not found.ok:
        return {**_result(target, Count(Status.UNKNOWN, reason=found.reason), [], []), "source": "probe", "output": found.output}
    count = Count(Status.EXACT, found.trainable, found.non_trainable)
    result = {**_result(target, count, found.layers, []), "source": "probe", "weights": found.weights, "output": found.output}
    result["reason"] = found.reason  # exact, but an isolation layer may have been unavailable
    return result


def _result(target: str, count: Count, layers: list[dict], weights: list[Weight], policy: Policy = FLOAT32) -> dict:
    return {
        "sizes": asdict(sizes_of(count, policy)),
        "target": target,
        "status": count.status.value,
        "source": "static",
        "trainable": count.trainable if count.status is not Status.UNKNOWN else None,
        "non_trainable": count.non_trainable if count.status is not Status.UNKNOWN else None,
        "total": count.total if count.status is not Status.UNKNOWN else None,
        "layers": layers,
        "weights": [
            {"name": w.name, "shape": _shape_json(w.shape), "trainable": w.trainable, "params": _params(w)}
            for w in weights
        ],
        "reason": count.reason,  # on an exact count: a remark (the number comes from a preset's metadata)
    }


def _shape_json(shape: tuple | None) -> list | None:
    """Dims as ints; a symbolic dim as its formula (``"in"``); None when not known."""
    return None if shape is None else [d if isinstance(d, int) else str(d) for d in shape]


def _params(weight: Weight) -> int | None:
    size = weight.size
    return size.value if size is not None and size.is_const else None


def run_count(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = decode_source(path.read_bytes()).text
        if path.suffix == ".ipynb":  # the code cells, as one program
            text = NotebookProgram.of(read_cells(text)).text
    except (OSError, NotebookError) as exc:
        print(f"keraslens: cannot read {path}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    try:
        call_args = json.loads(args.args)
        call_kwargs = json.loads(args.kwargs)
        shape = json.loads(args.input_shape) if args.input_shape else None
    except json.JSONDecodeError as exc:
        print(f"keraslens: bad JSON argument: {exc}", file=sys.stderr)
        return 2
    settings = Settings(keras_version=args.keras_version or "auto", probe_allow_file_access=args.probe_allow_file_access)
    results = []
    if args.probe:  # the first answer waits for the sandbox and a TensorFlow import: say so before the wait
        print("keraslens: starting the sandboxed probe (TensorFlow loads once, this takes a few seconds)...", file=sys.stderr, flush=True)
    try:
        for target in args.target:  # one call, one warm probe worker for every target
            if args.probe:
                results.append(probe_json(text, str(path.resolve()), target, call_args, call_kwargs, shape, settings))
            else:
                results.append(count_target(text, str(path), target, call_args, call_kwargs, shape, settings))
    except TargetError as exc:
        print(f"keraslens: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    else:
        print("\n\n".join(render_summary(result) for result in results))
    return 0


def render_summary(result: dict) -> str:
    """A table like ``model.summary()`` prints (Layer (type), Output Shape, Param #, then the
    totals with their sizes), labelled with where the numbers come from."""
    kind = "Model" if result["layers"] else "Layer"
    probed = result["source"] == "probe"  # the names real Keras gave
    rows = [LayerRow(layer["name"], layer["class"], Count(Status.UNKNOWN), keras_name=layer["name"] if probed else layer.get("keras_name")) for layer in result["layers"]]
    lines = [f'{kind}: "{result["target"]}"  ({result["source"]} count, {result["status"]})']
    if result["layers"]:
        lines += box_table(HEADERS, [(label, _shape_text(layer.get("output_shape")), _row_params(layer)) for label, layer in zip(layer_labels(rows), result["layers"])])
    if result["weights"]:
        lines += box_table(("Weight", "Shape", "Param #"), [(w["name"], shape_text(tuple(w["shape"])) if w["shape"] else "?", "?" if w["params"] is None else f"{w['params']:,}") for w in result["weights"]])
    count = _count_of(result)
    lines += [f" {line}" for line in totals(count, Sizes(**result["sizes"]) if result.get("sizes") else None) + names_note(rows)]
    if result["reason"] and count.status is Status.EXACT:  # exact, with a remark (the probe's isolation)
        lines.append(f" Note: {result['reason']}")
    if result.get("output"):
        lines.append(f"Printed by the probed code (its end):\n{result['output'].rstrip()}")
    return "\n".join(lines)


def _count_of(result: dict) -> Count:
    status = Status(result["status"])
    if status is Status.UNKNOWN:
        return Count(status, reason=result["reason"])
    return Count(status, result["trainable"], result["non_trainable"], result["reason"], result["total"])  # a total beyond the split stays


def _row_params(layer: dict) -> str:
    if layer["params"] is None:
        return "?"
    return ("at least " if layer.get("status") == "partial" else "") + f"{layer['params']:,}"


def _shape_text(shape: list | None) -> str:
    return shape_label(None if shape is None else tuple(shape))


def box_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """The table in the box characters ``model.summary()`` draws; numbers right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) + 2 for i in range(len(headers))]

    def line(cells, left, middle, right, align_last=True) -> str:
        parts = [f" {c} ".ljust(w) if i < len(cells) - 1 or not align_last else f" {c} ".rjust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return left + middle.join(parts) + right

    border = lambda a, b, c, fill: a + b.join(fill * w for w in widths) + c  # noqa: E731
    out = [border("┏", "┳", "┓", "━"), line(headers, "┃", "┃", "┃"), border("┡", "╇", "┩", "━")]
    for index, row in enumerate(rows):
        out.append(line(row, "│", "│", "│"))
        out.append(border("├", "┼", "┤", "─") if index < len(rows) - 1 else border("└", "┴", "┘", "─"))
    return out
