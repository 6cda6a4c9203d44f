"""The server's copy of each open document, kept equal to the editor's.

pygls' ``TextDocument`` re-splits the text with ``str.splitlines`` on every edit, which
also breaks lines at ``\\x0b \\x0c \\x1c-\\x1e \\x85`` and U+2028/9: after one such
character every later edit landed on the wrong line. It also applied an edit whose column
is past the end of the last line one character early. Here an edit is applied to offsets
found with LSP's own line breaks (``\\n``, ``\\r\\n``, ``\\r``), and out-of-range positions
are clamped the way the specification says (a column past the end is the end of the line,
a line past the end is the end of the text).
"""

from __future__ import annotations

import logging
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.workspace import TextDocument, Workspace

from ..analysis.source import line_starts
from .positions import UTF16, code_points

logger = logging.getLogger(__name__)


def offset_at(text: str, starts: list[int], position: lsp.Position, encoding: str) -> int:
    """A client position -> an offset into ``text``, clamped into the text."""
    if position.line < 0:
        return 0
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    content = text[start:end].rstrip("\r\n")  # a line holds no break but its last one
    return start + code_points(content, position.character, encoding)


def offset_in(lines: list[str], position: lsp.Position, encoding: str) -> int:
    """``offset_at`` for a text without ``\r``, given as ``text.split("\n", n)`` with n past
    the position's line: no offsets of the lines after it."""
    if position.line < 0:
        return 0
    if position.line >= len(lines):
        return sum(map(len, lines)) + len(lines) - 1
    before = sum(map(len, lines[:position.line])) + position.line  # summed in C
    return before + code_points(lines[position.line], position.character, encoding)


def apply_change(text: str, change: lsp.TextDocumentContentChangeEvent, encoding: str) -> str:
    if not isinstance(change, lsp.TextDocumentContentChangePartial):
        return change.text
    if "\r" in text:
        starts = line_starts(text)
        start = offset_at(text, starts, change.range.start, encoding)
        end = max(start, offset_at(text, starts, change.range.end, encoding))
    else:  # a keystroke: split up to the edited line (the rest stays one string), 0.2 ms instead of 1.6
        lines = text.split("\n", max(0, change.range.start.line, change.range.end.line) + 1)
        start = offset_in(lines, change.range.start, encoding)
        end = max(start, offset_in(lines, change.range.end, encoding))
    return text[:start] + change.text + text[end:]


class SyncedDocument(TextDocument):
    """pygls' document with LSP line semantics for edits and for ``lines``."""

    def _apply_incremental_change(self, change: lsp.TextDocumentContentChangePartial) -> None:
        self._source = apply_change(self.source, change, self.position_codec.encoding or UTF16)
        self._lines: tuple[str, ...] | None = None

    def _apply_full_change(self, change: lsp.TextDocumentContentChangeEvent) -> None:
        self._source = change.text
        self._lines = None

    @property
    def lines(self) -> tuple[str, ...]:
        cached = getattr(self, "_lines", None)
        if cached is None:
            source = self.source
            starts = line_starts(source)
            cached = tuple(source[a:b] for a, b in zip(starts, [*starts[1:], len(source)]) if a < b)
            self._lines = cached
        return cached


class SyncedWorkspace(Workspace):
    """Creates ``SyncedDocument``s; a change to a document that is not open is ignored (logged)."""

    @classmethod
    def replacing(cls, workspace: Workspace, sync_kind: lsp.TextDocumentSyncKind) -> SyncedWorkspace:
        return cls(workspace.root_uri, sync_kind, list(workspace.folders.values()), workspace.position_encoding)

    def _create_text_document(self, doc_uri: str, source: str | None = None, version: int | None = None, language_id: str | None = None) -> TextDocument:
        return SyncedDocument(doc_uri, source=source, version=version, language_id=language_id, sync_kind=self._sync_kind, position_codec=self.position_codec)

    def update_text_document(self, text_doc: lsp.VersionedTextDocumentIdentifier, change: lsp.TextDocumentContentChangeEvent) -> None:
        if unquote(text_doc.uri) not in self.text_documents:
            logger.info("didChange for %s, which is not open: ignored", text_doc.uri)
            return
        super().update_text_document(text_doc, change)
