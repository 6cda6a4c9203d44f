"""Spans (1-based lines, code-point columns) <-> LSP positions in the negotiated encoding.

Lines are split the way LSP splits them (``\\n``, ``\\r\\n``, ``\\r``), not with
``str.splitlines`` (which also breaks on ``\\x0b \\x0c \\x1c-\\x1e \\x85`` and U+2028/9).
Columns in client units (UTF-8 bytes, UTF-16 units or code points) are converted here, in
one place, for incoming edits and requests and for every outgoing range: a column past the
end of its line means the end of the line (LSP), a column inside a character (half a
surrogate pair) means the end of that character.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from ..analysis.source import Span

_BREAK = re.compile(r"\r\n|\r|\n")
UTF8, UTF16, UTF32 = lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf16, lsp.PositionEncodingKind.Utf32


def _utf8_width(char: str) -> int:
    point = ord(char)
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


def _utf16_width(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def client_units(text: str, encoding: str) -> int:
    """Length of ``text`` in the client's code units (lone surrogates count as one character)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    width = _utf8_width if encoding == UTF8 else _utf16_width
    return sum(map(width, text))


def code_points(line: str, units: int, encoding: str) -> int:
    """A column in client units -> code points into ``line`` (a line's content), clamped to it."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    width = _utf8_width if encoding == UTF8 else _utf16_width
    used = 0
    for index, char in enumerate(line):
        if used >= units:
            return index
        used += width(char)
    return len(line)


class LineIndex:
    """Position conversion for one immutable text (a document snapshot)."""

    __slots__ = ("encoding", "lines")

    def __init__(self, text: str, encoding: str | None) -> None:
        self.encoding = encoding or UTF16
        # each line without its break; after a final break, an (empty) addressable last line
        self.lines = text.split("\n") if "\r" not in text else _BREAK.split(text)

    def position(self, line: int, col: int) -> lsp.Position:
        """1-based line, code-point column -> client position (clamped into the text)."""
        last = len(self.lines) - 1
        if line < 1:
            index, col = 0, 0
        elif line - 1 > last:
            index, col = last, len(self.lines[last])
        else:
            index, col = line - 1, min(max(col, 0), len(self.lines[line - 1]))
        return lsp.Position(line=index, character=client_units(self.lines[index][:col], self.encoding))

    def range(self, span: Span) -> lsp.Range:
        return lsp.Range(start=self.position(span.line, span.col), end=self.position(span.end_line, span.end_col))

    def point(self, position: lsp.Position) -> tuple[int, int]:
        """Client position -> (1-based line, code-point column), clamped into the text."""
        if position.line < 0:
            return 1, 0
        if position.line >= len(self.lines):
            return len(self.lines), len(self.lines[-1])
        return position.line + 1, code_points(self.lines[position.line], position.character, self.encoding)

    def span(self, range_: lsp.Range) -> Span:
        start, end = self.point(range_.start), self.point(range_.end)
        return Span(start[0], start[1], end[0], end[1])

    def text(self, line: int) -> str:
        """A 1-based line without its line ending ("" outside the text)."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def end(self) -> lsp.Position:
        return self.position(len(self.lines), len(self.lines[-1]))
