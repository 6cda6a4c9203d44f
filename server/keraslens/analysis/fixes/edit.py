"""The edit model: text edits with an applicability, and applying them to text.

Spans use 1-based lines and 0-based character columns (``source.Span``); an edit's
span is replaced by its text. Fixes never overlap within one application pass:
``apply_fixes`` skips a fix that would touch text another fix already changed, so
a second pass (``fix_until_stable``) picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..source import Span, line_starts


class Applicability(str, Enum):
    SAFE = "safe"  # keeps behaviour that was intended; applied by fix-all
    UNSAFE = "unsafe"  # changes public API or numerics; only on request


@dataclass(frozen=True, slots=True)
class Edit:
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...] = field(default_factory=tuple)

    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE


def offset_of(offsets: list[int], text: str, line: int, col: int) -> int:
    if line - 1 >= len(offsets):
        return len(text)
    return min(offsets[line - 1] + col, len(text))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; raise ValueError when two of them overlap."""
    offsets = line_starts(text)
    located = sorted(
        ((offset_of(offsets, text, e.span.line, e.span.col), offset_of(offsets, text, e.span.end_line, e.span.end_col), e.text) for e in edits),
        key=lambda item: (item[0], item[1]),
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, new_text in located:
        if start < cursor:
            raise ValueError("overlapping edits")
        pieces.append(text[cursor:start])
        pieces.append(new_text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """Apply as many fixes as do not overlap each other; return the text and those applied."""
    offsets = line_starts(text)
    taken: list[tuple[int, int]] = []
    chosen: list[Fix] = []
    for fix in fixes:
        ranges = [
            (offset_of(offsets, text, e.span.line, e.span.col), offset_of(offsets, text, e.span.end_line, e.span.end_col))
            for e in fix.edits
        ]
        if any(_overlaps(r, t) for r in ranges for t in taken):
            continue
        if fix in chosen:
            continue
        taken.extend(ranges)
        chosen.append(fix)
    edits = [edit for fix in chosen for edit in fix.edits]
    return apply_edits(text, edits), chosen


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # two insertions at the same point conflict too: their order would be arbitrary
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1]
