"""Inlay hints (after layer constructors/calls and class names) and code lenses (above layer classes)."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..analysis.interpretation.count_model import (
    ClassReport,
    Count,
    CountReport,
    Status,
)
from ..analysis.source import Span
from .positions import LineIndex
from .probe_views import probe_lenses
from .render import count_label, number


def _short(count: Count) -> str | None:
    if count.status is Status.UNKNOWN or count.total is None:
        return None
    return f"{'≥' if count.status is Status.PARTIAL else ''}{number(count.total)} params"


def _class_short(report: ClassReport) -> str | None:
    return _short(report.count) or (f"{report.formula} params" if report.formula else None)


def inlay_hints(report: CountReport, index: LineIndex, visible: Span, classes: bool = False) -> list[lsp.InlayHint]:
    """Counts after layer constructors and calls; after class names only when ``classes`` (the
    code lens, which shows them above the class, is switched off): one place per number."""
    hints: list[lsp.InlayHint] = []
    for cls in report.classes.values() if classes else ():
        label = _class_short(cls)
        if label and visible.line <= cls.span.line <= visible.end_line:
            hints.append(_hint(index, cls.span, label, count_label(cls.count)))
    for site in report.sites:
        label = _short(site.count)
        if label and site.span and visible.line <= site.span.end_line <= visible.end_line:
            hints.append(_hint(index, site.span, label + (" (shared)" if site.shared else ""), count_label(site.count)))
    return hints


def _hint(index: LineIndex, span: Span, label: str, tooltip: str) -> lsp.InlayHint:
    return lsp.InlayHint(position=index.position(span.end_line, span.end_col), label=label, padding_left=True, tooltip=tooltip)


def code_lenses(report: CountReport, index: LineIndex, uri: str, probe: bool) -> list[lsp.CodeLens]:
    """A count above each layer class and each model; with the probe enabled, a "run exact probe"
    button above each model and each layer class a model is built with."""
    lenses = probe_lenses(report, index, uri) if probe else []
    for model in report.models:
        label = _short(model.count)
        if label:
            title = f"{model.name}: {label} ({model.count.status.value}, static)"
            lenses.append(lsp.CodeLens(range=index.range(model.span), command=lsp.Command(title=title, command="")))
    for cls in report.classes.values():
        label = _class_short(cls)
        if label:
            title = f"{label} ({cls.count.status.value}, static)" if cls.count.status is not Status.UNKNOWN else f"{label} (symbolic)"
            # an empty command id: a label, not a button (there is nothing to run)
            lenses.append(lsp.CodeLens(range=index.range(cls.span), command=lsp.Command(title=title, command="")))
    return lenses
