"""A file's target, counted by the probe: the part both ``count --probe`` and the editor use."""

from __future__ import annotations

import importlib.util

from ..analysis.config import Settings
from ..analysis.engine import analyze
from ..analysis.resolve import Flavor
from .sandbox import IsolationUnavailable
from .service import ProbeResult, shared_probe
from .slicer import SliceError, slice_for


class ProbeRefused(Exception):
    """The target cannot be probed: no TensorFlow, no acceptable sandbox, no slice, no input shape."""


def probe_target(text: str, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
                 settings: Settings = Settings(), timeout: float = 120.0) -> ProbeResult:
    """``target`` counted by real Keras in the sandboxed worker; ``path`` should be absolute."""
    if importlib.util.find_spec("tensorflow") is None:
        raise ProbeRefused("the probe needs TensorFlow: install the `probe` extra (pip install 'keraslens[probe]')")
    analysis = analyze(text, path, settings)
    try:
        piece = slice_for(analysis.source.tree, target)
    except SliceError as exc:
        raise ProbeRefused(str(exc)) from None
    if piece.kind == "class" and input_shape is None:
        raise ProbeRefused("give --input-shape to probe a class")
    legacy = analysis.flavor.flavor is Flavor.KERAS2
    try:
        return shared_probe().count(piece, path, target, args or [], kwargs or {}, input_shape, legacy, timeout,
                                    settings.probe_allow_file_access)
    except IsolationUnavailable as exc:
        raise ProbeRefused(str(exc)) from None


def editor_answer(text: str, path: str, target: str, settings: Settings) -> dict:
    """What the editor's probe command answers: the counts, and a one-line message to show."""
    try:
        found = probe_target(text, path, target, [], {}, None, settings)
    except ProbeRefused as exc:
        found = ProbeResult(False, reason=str(exc))
    if found.ok:
        message = f"{found.total:,} params (exact, real Keras)" + (f"; {found.reason}" if found.reason else "")
    else:
        message = f"not counted: {found.reason}"
    return {"target": target, "source": "probe", "status": "exact" if found.ok else "unknown", "total": found.total,
            "trainable": found.trainable, "non_trainable": found.non_trainable, "reason": found.reason,
            "output": found.output, "message": message}
