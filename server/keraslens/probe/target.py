"""A file's target, counted by the probe: the part both ``count --probe`` and the editor use."""

from __future__ import annotations

import importlib.util
import sys

from ..analysis.config import Settings
from ..analysis.engine import Analysis, analyze
from ..analysis.names.imports import Flavor
from .sandbox import IsolationUnavailable
from .service import ProbeResult, shared_probe
from .slicer import Slice, SliceError, slice_for


class ProbeRefused(Exception):
    """The target cannot be probed: no TensorFlow, no acceptable sandbox, no slice, no input shape."""


def probe_target(text: str, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
                 settings: Settings = Settings(), timeout: float = 120.0) -> ProbeResult:
    """``target`` counted by real Keras in the sandboxed worker; ``path`` should be absolute."""
    if importlib.util.find_spec("tensorflow") is None:
        raise ProbeRefused(f"the probe needs TensorFlow, which is not installed for {sys.executable} "
                           "(install it there, e.g. `pip install tensorflow`, or choose an interpreter that has it)")
    piece, legacy = _prepared(analyze(text, path, settings), target)
    if piece.kind == "class" and input_shape is None:
        raise ProbeRefused("give --input-shape to probe a class")
    try:
        return shared_probe().count(piece, path, target, args or [], kwargs or {}, input_shape, legacy, timeout,
                                    settings.probe_allow_file_access)
    except IsolationUnavailable as exc:
        raise ProbeRefused(str(exc)) from None


def cached_count(analysis: Analysis, path: str, target: str) -> ProbeResult | None:
    """What an earlier probe of the model ``target`` found, if its slice is unchanged since; runs nothing."""
    try:
        piece, legacy = _prepared(analysis, target)
    except ProbeRefused:
        return None
    return shared_probe().cached(piece, path, target, [], {}, None, legacy)


def _prepared(analysis: Analysis, target: str) -> tuple[Slice, bool]:
    try:
        piece = slice_for(analysis.source.tree, target)
    except SliceError as exc:
        raise ProbeRefused(str(exc)) from None
    return piece, analysis.flavor.flavor is Flavor.KERAS2


def instance_totals(found: ProbeResult, layer_class: str) -> list[int]:
    """The totals of a model's layers of class ``layer_class``, in the model's order."""
    return [row["trainable"] + row["non_trainable"] for row in found.layers if row["class"] == layer_class]


def editor_answer(text: str, path: str, model: str, settings: Settings, layer_class: str | None = None) -> dict:
    """What the editor's probe command answers: the counts of ``model`` (or of its ``layer_class``
    layers), and a one-line message to show."""
    try:
        found = probe_target(text, path, model, [], {}, None, settings)
    except ProbeRefused as exc:
        found = ProbeResult(False, reason=str(exc))
    if not found.ok:
        message = f"not counted: {found.reason}"
    elif layer_class:
        totals = instance_totals(found, layer_class)
        message = f"{', '.join(f'{total:,}' for total in totals) or 'no'} params per {layer_class} in {model} (exact, real Keras)"
    else:
        message = f"{found.total:,} params (exact, real Keras)"
    if found.ok and found.reason:
        message += f"; {found.reason}"
    return {"target": layer_class or model, "source": "probe", "status": "exact" if found.ok else "unknown", "total": found.total,
            "trainable": found.trainable, "non_trainable": found.non_trainable, "reason": found.reason,
            "output": found.output, "message": message}
