"""Spans (1-based lines, code-point columns) <-> LSP positions in the negotiated encoding.

Lines are split the way LSP splits them (``\\n``, ``\\r\\n``, ``\\r``), not with
``str.splitlines`` (which also breaks on form feeds and U+2028). The unit conversion
itself is pygls' ``PositionCodec``.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec, ServerTextPosition

from ..analysis.source import Span

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class LineIndex:
    """Position conversion for one immutable text (a document snapshot)."""

    __slots__ = ("codec", "lines", "_content")

    def __init__(self, text: str, encoding: str | None) -> None:
        self.codec = PositionCodec(encoding or lsp.PositionEncodingKind.Utf16)
        self.lines = _LINE.findall(text)  # with line endings, as PositionCodec expects
        if not self.lines or self.lines[-1].endswith(("\n", "\r")):
            self.lines.append("")  # the (empty) line after a final newline is addressable
        self._content = [line.rstrip("\r\n") for line in self.lines]

    def position(self, line: int, col: int) -> lsp.Position:
        """1-based line, code-point column -> client position (clamped into the text)."""
        last = len(self.lines) - 1
        if line < 1:
            index, col = 0, 0
        elif line - 1 > last:
            index, col = last, len(self._content[last])
        else:
            index, col = line - 1, min(max(col, 0), len(self._content[line - 1]))
        if self._content[index].isascii():
            return lsp.Position(line=index, character=col)
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(index, col))

    def range(self, span: Span) -> lsp.Range:
        return lsp.Range(start=self.position(span.line, span.col), end=self.position(span.end_line, span.end_col))

    def point(self, position: lsp.Position) -> tuple[int, int]:
        """Client position -> (1-based line, code-point column), clamped into the text."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        if position.line > index:
            return index + 1, len(self._content[index])
        content = self._content[index]
        if content.isascii():
            return index + 1, min(max(position.character, 0), len(content))
        units = min(max(position.character, 0), self.codec.client_num_units(content))
        # a fresh Position: the codec clamps by mutating its argument
        server = self.codec.position_from_client_units(self.lines, lsp.Position(line=index, character=units))
        return index + 1, min(server.character, len(content))

    def span(self, range_: lsp.Range) -> Span:
        start, end = self.point(range_.start), self.point(range_.end)
        return Span(start[0], start[1], end[0], end[1])

    def text(self, line: int) -> str:
        """A 1-based line without its line ending ("" outside the text)."""
        return self._content[line - 1] if 1 <= line <= len(self._content) else ""

    def end(self) -> lsp.Position:
        return self.position(len(self.lines), len(self._content[-1]))
