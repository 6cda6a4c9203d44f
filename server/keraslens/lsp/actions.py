"""Code actions: each keraslens diagnostic's quick fix, "ignore KLxxx for this line", and
``source.fixAll.keraslens`` (the CLI's fix loop, safe fixes only unless ``unsafe_fixes``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types as lsp

from ..analysis.engine import SUPPRESS, Analysis
from ..analysis.fixes.edit import Edit, Fix
from ..analysis.source import Span
from .diagnostics import fix_from_data
from .positions import LineIndex

FIX_ALL = "source.fixAll.keraslens"  # also advertised by server.py


class Target:
    """The document snapshot an action edits."""

    def __init__(self, uri: str, version: int, text: str, index: LineIndex, versioned: bool) -> None:
        self.uri, self.version, self.text, self.index, self.versioned = uri, version, text, index, versioned

    def workspace_edit(self, edits: Sequence[Edit]) -> lsp.WorkspaceEdit:
        text_edits = [lsp.TextEdit(range=self.index.range(e.span), new_text=e.text) for e in edits]
        if self.versioned:  # the client rejects the edit if the document moved on
            document = lsp.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=document, edits=text_edits)])
        return lsp.WorkspaceEdit(changes={self.uri: text_edits})


def wanted(only: Sequence[str] | None, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def quick_fixes(target: Target, analysis: Analysis, diagnostics: Sequence[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    actions: list[lsp.CodeAction] = []
    for diagnostic in diagnostics:
        span = target.index.span(diagnostic.range)
        finding = next((f for f in analysis.findings if f.code == diagnostic.code and f.span == span), None)
        fixes = finding.fixes if finding else tuple(filter(None, [_carried_fix(diagnostic, target.version)]))
        for fix in (fix for fix in fixes if fix.edits):  # the fix, then alternatives (e.g. also drop a parameter)
            suffix = "" if fix.is_safe else " (unsafe)"
            actions.append(lsp.CodeAction(
                title=f"{fix.title}{suffix}", kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                is_preferred=fix.is_safe and fix is fixes[0], edit=target.workspace_edit(fix.edits),
            ))
        ignore = ignore_edit(analysis, span.line, str(diagnostic.code))
        if ignore is not None:
            actions.append(lsp.CodeAction(
                title=f"Ignore {diagnostic.code} for this line", kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic], edit=target.workspace_edit([ignore]),
            ))
    return actions


def _carried_fix(diagnostic: lsp.Diagnostic, version: int) -> Fix | None:
    """The fix in ``data``, only if it was computed for this very version of the text."""
    data = diagnostic.data
    if isinstance(data, dict) and data.get("version") == version:
        return fix_from_data(data)
    return None


def ignore_edit(analysis: Analysis, line: int, rule_code: str) -> Edit | None:
    """Add ``rule_code`` to the line's ``# keraslens: ignore[...]`` comment, or append one."""
    source = analysis.source
    text = source.line_text(line)
    if text.rstrip().endswith("\\") and line < len(source.lines):
        return None  # a comment after a line continuation is a syntax error
    match = SUPPRESS.search(text)
    if match and not match.group("file"):
        codes = match.group("codes")
        if codes is None:
            return None  # already ignores everything on this line
        end = match.end("codes")
        return Edit(Span(line, end, line, end), f", {rule_code}")
    end = len(text.rstrip())
    return Edit(Span(line, end, line, len(text)), f"  # keraslens: ignore[{rule_code}]")


def fix_all(target: Target, fixed_text: str, unsafe: bool = False) -> lsp.CodeAction | None:
    """One action replacing just the changed middle of the document (keeps cursors and folds)."""
    old = target.text
    if fixed_text == old:
        return None
    start = 0
    limit = min(len(old), len(fixed_text))
    while start < limit and old[start] == fixed_text[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == fixed_text[len(fixed_text) - 1 - end]:
        end += 1
    span = Span(*_line_col(old, start), *_line_col(old, len(old) - end))
    edit = Edit(span, fixed_text[start:len(fixed_text) - end])
    title = "keraslens: apply all fixes (unsafe ones included)" if unsafe else "keraslens: apply all safe fixes"
    return lsp.CodeAction(title=title, kind=FIX_ALL, edit=target.workspace_edit([edit]))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and code-point column of an offset, counting \\n, \\r\\n and \\r like LSP."""
    breaks = [m.end() for m in re.finditer(r"\r\n|\r|\n", text[:offset])]
    return len(breaks) + 1, offset - (breaks[-1] if breaks else 0)
