"""Findings -> LSP diagnostics, and the fix each one carries in ``data``."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from ..analysis.fixes.edit import Applicability, Edit, Fix
from ..analysis.rules import Finding, Severity
from ..analysis.rules.links import rule_url
from ..analysis.source import Span
from .client import DiagnosticSupport
from .positions import LineIndex

SOURCE = "keraslens"
SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}
TAGS = {"unnecessary": lsp.DiagnosticTag.Unnecessary, "deprecated": lsp.DiagnosticTag.Deprecated}



def to_diagnostic(finding: Finding, index: LineIndex, uri: str, version: int, support: DiagnosticSupport) -> lsp.Diagnostic:
    documented = finding.code < "KL900"  # KL9xx are file problems (syntax, decoding): no rule page
    return lsp.Diagnostic(
        range=index.range(finding.span),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
        code=finding.code,
        source=SOURCE,
        code_description=lsp.CodeDescription(href=rule_url(finding.code)) if documented and support.code_description else None,
        related_information=[
            lsp.DiagnosticRelatedInformation(location=lsp.Location(uri=uri, range=index.range(r.span)), message=r.message)
            for r in finding.related
        ] if support.related and finding.related else None,
        tags=[TAGS[t] for t in finding.tags if t in TAGS and TAGS[t] in support.tags] or None,
        data={"version": version, "fix": fix_to_data(finding.fix)} if support.data else None,
    )


def fix_to_data(fix: Fix | None) -> dict | None:
    if fix is None:
        return None
    return {
        "title": fix.title,
        "applicability": fix.applicability.value,
        "edits": [[e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.text] for e in fix.edits],
    }


def fix_from_data(data: object) -> Fix | None:
    """The fix a diagnostic carried; None when absent or not ours (malformed data is ignored)."""
    try:
        raw = data["fix"]  # type: ignore[index]
        if raw is None:
            return None
        edits = tuple(Edit(Span(int(a), int(b), int(c), int(d)), str(t)) for a, b, c, d, t in raw["edits"])
        return Fix(str(raw["title"]), Applicability(raw["applicability"]), edits)
    except (KeyError, TypeError, ValueError):
        return None


def is_ours(diagnostic: lsp.Diagnostic) -> bool:
    """Ours, or a client's copy without ``source`` (ALE drops it) that still carries a KL code."""
    if not isinstance(diagnostic.code, str):
        return False
    return diagnostic.source == SOURCE or (diagnostic.source is None and re.fullmatch(r"KL\d{3}", diagnostic.code) is not None)
