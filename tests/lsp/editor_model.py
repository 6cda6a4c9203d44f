"""What an editor holds: its text, and edits applied the way LSP defines positions.

Written independently of the server's own code (``keraslens.lsp.textsync``): lines end only
at ``\\n``, ``\\r\\n`` and ``\\r``; a column counts the negotiated code units; a column past
the end of its line is the end of the line, a line past the end is the end of the text.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

BREAKS = ("\r\n", "\r", "\n")


def split(text: str) -> list[str]:
    """Lines with their breaks; the last (maybe empty) line has none."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    return [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)] + [parts[-1]]


def content(line: str) -> str:
    for brk in BREAKS:
        if line.endswith(brk):
            return line[: -len(brk)]
    return line


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text)


def to_position(text: str, offset: int, encoding: str) -> lsp.Position:
    """An offset (code points) -> the client position of it."""
    before = split(text[:offset])
    return lsp.Position(line=len(before) - 1, character=units(before[-1], encoding))


def to_offset(text: str, position: lsp.Position, encoding: str) -> int:
    lines = split(text)
    if position.line >= len(lines):
        return len(text)
    line = content(lines[position.line])
    start = sum(len(x) for x in lines[: position.line])
    for col, column in enumerate(columns(line, encoding)):
        if column >= position.character:
            return start + col
    return start + len(line)


def columns(line: str, encoding: str) -> list[int]:
    """The column (in code units) before each character of ``line`` and after its last one;
    linear, so a 100,000-character line costs no more than its length."""
    found = [0]
    for char in line:
        found.append(found[-1] + units(char, encoding))
    return found


def line_length(text: str, line: int, encoding: str) -> int:
    """Length of a line's content in code units."""
    return units(content(split(text)[line]), encoding)


def apply(text: str, edits: list[lsp.TextEdit], encoding: str) -> str:
    """Apply edits as one operation (positions refer to the text before any of them)."""
    located = sorted(((to_offset(text, e.range.start, encoding), to_offset(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in located:
        text = text[:start] + new + text[end:]
    return text


def inside(text: str, position: lsp.Position, encoding: str) -> bool:
    """Whether ``position`` addresses a place in ``text`` (not past a line's end, not inside a character)."""
    lines = split(text)
    if not 0 <= position.line < len(lines) or position.character < 0:
        return False
    line = content(lines[position.line])
    return position.character in set(columns(line, encoding))


def full_range(text: str, encoding: str) -> lsp.Range:
    return lsp.Range(start=lsp.Position(line=0, character=0), end=to_position(text, len(text), encoding))
