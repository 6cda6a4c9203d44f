"""A notebook as one program: its code cells in order, with a map back to cells.

The analysis sees one Python text. IPython syntax (``%magic``, ``!shell``, ``x = !cmd``,
``obj?``, non-Python ``%%cell`` magics) is neutralised in place, character for character,
so every other position keeps its line and column. Cells are separated by one comment
line, which makes it unambiguous which cell text inserted by a fix belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .source import Span

SEPARATOR = "# keraslens: cell {index}"
_SEPARATOR = re.compile(r"^# keraslens: cell (\d+)$")
# cell magics whose body is Python (IPython runs it); any other %%magic makes the cell foreign
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "profile", "memit", "tensorflow_version"})
_LINE_MAGIC = re.compile(r"^\s*(?P<at>[!%?])")
_ASSIGNED_MAGIC = re.compile(r"^\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*(?P<at>[!%])")
_HELP_SUFFIX = re.compile(r"^\s*[\w.]+(?P<at>\?{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class Cell:
    kind: str  # "code", "markdown" or "raw", as nbformat names them
    source: str


@dataclass(slots=True)
class _Placed:
    index: int  # among all cells
    first_line: int  # 1-based line of the cell's first line in the program
    line_count: int
    trailing_newline: bool
    restore: dict[str, list[str]] = field(default_factory=dict)  # neutralised line -> original lines, in order


@dataclass(slots=True)
class NotebookProgram:
    cells: tuple[Cell, ...]
    text: str
    _placed: list[_Placed]

    @classmethod
    def of(cls, cells: list[Cell] | tuple[Cell, ...]) -> NotebookProgram:
        lines: list[str] = []
        placed: list[_Placed] = []
        for index, cell in enumerate(cells):
            if cell.kind != "code":
                continue
            if placed:
                lines.append(SEPARATOR.format(index=index))
            cell_lines = cell.source.split("\n")
            trailing = cell.source.endswith("\n")
            if trailing:
                cell_lines.pop()
            neutral, restore = neutralise(cell_lines)
            placed.append(_Placed(index, len(lines) + 1, len(cell_lines), trailing, restore))
            lines += neutral
        return cls(tuple(cells), "\n".join(lines) + "\n", placed)

    # -- positions --------------------------------------------------------------
    def locate(self, line: int) -> tuple[int, int] | None:
        """Program line (1-based) -> (cell index, 1-based line in that cell); None on a separator."""
        for cell in self._placed:
            if cell.first_line <= line < cell.first_line + max(cell.line_count, 1):
                return cell.index, line - cell.first_line + 1
        return None

    def cell_span(self, span: Span) -> tuple[int, Span]:
        """A program span as (cell index, span inside the cell); a span leaving its cell is cut at the cell's end."""
        located = self.locate(span.line)
        if located is None:  # only a separator line: report it on the next cell's first line
            following = next((c for c in self._placed if c.first_line > span.line), self._placed[-1])
            return following.index, Span(1, 0, 1, 0)
        index, line = located
        cell = self._cell(index)
        last = cell.first_line + max(cell.line_count, 1) - 1
        if span.end_line <= last or (span.end_line == last + 1 and span.end_col == 0):  # up to the cell's end
            return index, Span(line, span.col, span.end_line - cell.first_line + 1, span.end_col)
        return index, Span(line, span.col, line, span.col)

    def program_line(self, index: int, line: int) -> int:
        """1-based line in cell ``index`` -> 1-based program line."""
        return self._cell(index).first_line + line - 1

    def cell_range(self, index: int) -> tuple[int, int] | None:
        """(first, last) program lines of code cell ``index``; None for other cells."""
        cell = next((c for c in self._placed if c.index == index), None)
        return None if cell is None else (cell.first_line, cell.first_line + cell.line_count - 1)

    def _cell(self, index: int) -> _Placed:
        return next(c for c in self._placed if c.index == index)

    # -- back to cells ------------------------------------------------------------
    def cell_sources(self, program: str) -> dict[int, str]:
        """Split a (fixed) program text back into cell sources, IPython syntax restored;
        only the cells whose source changed are returned."""
        chunks: dict[int, list[str]] = {}
        current = self._placed[0].index if self._placed else 0
        for line in program.split("\n")[:-1] if program.endswith("\n") else program.split("\n"):
            match = _SEPARATOR.match(line)
            if match and int(match.group(1)) in {c.index for c in self._placed}:
                current = int(match.group(1))
                continue
            chunks.setdefault(current, []).append(line)
        changed = {}
        for cell in self._placed:
            restore = {key: list(values) for key, values in cell.restore.items()}
            lines = [restore[line].pop(0) if restore.get(line) else line for line in chunks.get(cell.index, [])]
            source = "\n".join(lines) + ("\n" if cell.trailing_newline else "")
            if source != self.cells[cell.index].source:
                changed[cell.index] = source
        return changed


def neutralise(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """IPython syntax -> plain Python of the same length per line; and the way back."""
    out = list(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = lines[first].lstrip()[2:].split(maxsplit=1)
        foreign = not name or name[0] not in PYTHON_CELL_MAGICS
        out[first] = _blank_at(lines[first], lines[first].index("%"))
        if foreign:
            out[first + 1:] = [_comment(line) for line in lines[first + 1:]]
    else:
        in_string, depth, continued = False, 0, False
        for i, line in enumerate(lines):
            if not (in_string or depth > 0 or continued):  # `% b` continuing an expression is a modulo
                out[i] = _neutral_line(line)
            if (line.count('"""') + line.count("'''")) % 2:
                in_string = not in_string
            code = line.split("#", 1)[0]
            depth = max(0, depth + sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}"))
            continued = code.rstrip().endswith("\\")
    restore: dict[str, list[str]] = {}
    for original, neutral in zip(lines, out):
        if neutral != original:
            restore.setdefault(neutral, []).append(original)
    return out, restore


def _neutral_line(line: str) -> str:
    for pattern in (_ASSIGNED_MAGIC, _LINE_MAGIC):
        match = pattern.match(line)
        if match:
            return _blank_at(line, match.start("at"))
    match = _HELP_SUFFIX.match(line)
    if match:
        return line[: match.start("at")] + " " * len(match.group("at")) + line[match.end("at"):]
    return line


def _blank_at(line: str, at: int) -> str:
    """``!cmd`` -> ``0#md``: a valid expression statement (also alone in a block), then a comment."""
    return line[:at] + ("0#" if len(line) > at + 1 else "0") + line[at + 2:]


def _comment(line: str) -> str:
    return "#" + line[1:] if line else line


# -- .ipynb files -------------------------------------------------------------------


class NotebookError(ValueError):
    """The text is not a notebook keraslens can read (bad JSON, not nbformat 4)."""


def read_cells(text: str) -> list[Cell]:
    """The cells of an ``.ipynb`` text, validated by nbformat."""
    import nbformat  # on first use: its schema validator costs ~0.1 s to import

    try:
        notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except (ValueError, nbformat.reader.NotJSONError) as exc:
        raise NotebookError(f"not a readable notebook: {exc}") from exc
    if notebook.get("nbformat") != 4:
        raise NotebookError(f"notebook format {notebook.get('nbformat')} is not supported (only 4; `jupyter nbconvert --to notebook` upgrades it)")
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        raise NotebookError(f"not a valid notebook: {exc.message}") from exc
    return [Cell(cell.get("cell_type", "code"), cell.get("source", "")) for cell in notebook.cells]


def with_cell_sources(text: str, changed: dict[int, str]) -> str:
    """The ``.ipynb`` text with only the given cells' sources replaced: key order, indentation,
    outputs and metadata stay as they were (a notebook saved by Jupyter round-trips byte for byte)."""
    import json

    document = json.loads(text)
    for index, source in changed.items():
        cell = document["cells"][index]
        cell["source"] = re.findall(r"[^\n]*\n|[^\n]+$", source) if isinstance(cell.get("source"), list) else source
    second = text.split("\n", 2)[1] if text.count("\n") >= 2 else ""
    indent = len(second) - len(second.lstrip(" ")) if text.startswith("{\n") else None
    ascii_only = text.isascii() and "\\u" in text
    dumped = json.dumps(document, indent=indent, ensure_ascii=ascii_only, separators=(",", ": ") if indent is not None else (", ", ": "))
    return dumped + ("\n" if text.endswith("\n") else "")
