"""Checking files on disk: discovery, reading, fixing. Shared by ``keraslens check`` and tests."""

from __future__ import annotations

import codecs
import gc
import io
import os
import tokenize
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .analysis.config import Settings, pyproject_settings
from .analysis.engine import analyze
from .analysis.fix_all import fix_text
from .analysis.notebook import NotebookError, NotebookProgram, read_cells, with_cell_sources
from .analysis.rules import Finding, Severity
from .analysis.source import Span, decode_source

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules", ".tox", ".mypy_cache", ".ruff_cache", "build", "dist", ".cache"})
PARALLEL_THRESHOLD = 48


@dataclass(slots=True)
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed_text: str | None = None  # set when fixing changed the file
    original_text: str | None = None
    applied: int = 0
    notebook: NotebookProgram | None = None  # for an .ipynb: the program analysed (spans are in it)

    def located(self, span: Span) -> tuple[int | None, Span]:
        """(cell index or None, the span inside that cell or the file)."""
        if self.notebook is None:
            return None, span
        return self.notebook.cell_span(span)


def discover(paths: Iterable[str], settings: Settings) -> Iterator[Path]:
    """Python files under ``paths``; directories walked honouring .gitignore and ``exclude``."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, settings)
        else:
            yield path


def _walk(root: Path, settings: Settings) -> Iterator[Path]:
    patterns = list(settings.exclude)
    ignore_file = root / ".gitignore"
    if ignore_file.is_file():
        patterns += ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    for directory, subdirs, files in os.walk(root):
        relative_dir = Path(directory).relative_to(root)
        subdirs[:] = sorted(
            d for d in subdirs if d not in SKIP_DIRS and not d.startswith(".") and not spec.match_file(f"{relative_dir / d}/")
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi", ".ipynb")) and not spec.match_file(str(relative_dir / name)):
                yield Path(directory) / name


def settings_for(path: Path, overrides: dict) -> tuple[Settings, list[str]]:
    table, _ = pyproject_settings(path.resolve())
    settings, problems = Settings().merged(table, project=True)
    settings, more = settings.merged(overrides)
    return settings, problems + more


def check_file(path: Path, settings: Settings, fix: bool = False) -> FileResult:
    result = FileResult(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.findings.append(_file_problem("KL901", "unreadable-file", f"cannot read file: {exc.strerror or exc}"))
        return result
    decoded = decode_source(data)
    if path.suffix == ".ipynb":
        return _check_notebook(result, decoded.text, settings, fix)
    text = decoded.text
    if fix and not decoded.problem:  # never write back text that was not decoded faithfully
        fixed, applied = fix_text(text, str(path), settings)
        if applied:
            result.original_text, result.fixed_text, result.applied, text = text, fixed, applied, fixed
    _analyse_into(result, text, settings)
    if decoded.problem:
        result.findings.insert(0, _file_problem("KL902", "decode-problem", decoded.problem, Severity.WARNING))
    return result


def _analyse_into(result: FileResult, text: str, settings: Settings) -> None:
    try:
        result.findings.extend(analyze(text, result.path, settings).findings)
    except Exception as exc:  # a defect of ours must not stop the run: the other files are still checked
        result.findings.append(_file_problem("KL903", "internal-error", f"keraslens could not analyse this file ({type(exc).__name__}: {exc}); please report it", Severity.WARNING))


def _check_notebook(result: FileResult, text: str, settings: Settings, fix: bool) -> FileResult:
    """Code cells analysed as one program; fixes written back into the cells they touch only."""
    try:
        cells = read_cells(text)
    except NotebookError as exc:
        result.findings.append(_file_problem("KL901", "unreadable-file", str(exc)))
        return result
    program = NotebookProgram.of(cells)
    if not program.text.strip():
        return result
    if fix:
        fixed, applied = fix_text(program.text, result.path, settings)
        changed = program.cell_sources(fixed) if applied else {}
        if changed:
            notebook = with_cell_sources(text, changed)
            result.original_text, result.fixed_text, result.applied = text, notebook, applied
            program = NotebookProgram.of(read_cells(notebook))
    result.notebook = program
    _analyse_into(result, program.text, settings)
    return result


def _file_problem(code: str, name: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code, name, severity, message, Span(1, 0, 1, 0))


def check_paths(files: list[Path], settings: Settings, fix: bool = False, jobs: int | None = None) -> list[FileResult]:
    jobs = jobs or os.cpu_count() or 1
    with _batch_gc():
        if jobs > 1 and len(files) >= PARALLEL_THRESHOLD:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_relax_gc) as pool:
                chunk = max(1, len(files) // (jobs * 8))
                return list(pool.map(check_file, files, [settings] * len(files), [fix] * len(files), chunksize=chunk))
        return [check_file(path, settings, fix) for path in files]


def _relax_gc() -> None:
    # A batch keeps many syntax trees alive (analysis and block caches): with the default
    # thresholds the cyclic collector rescans them constantly (~3x slower parsing).
    # Trees are freed by reference counting; the collector still runs, just less often.
    gc.set_threshold(100_000, 50, 100)


@contextmanager
def _batch_gc():
    previous = gc.get_threshold()
    _relax_gc()
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def write_fixed(result: FileResult) -> None:
    """Write a fixed file back in the encoding it was read with (line endings are in the text)."""
    path = Path(result.path)
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    path.write_bytes(bom + (result.fixed_text or "").encode(encoding, errors="surrogateescape"))


def is_failure(finding: Finding) -> bool:
    return finding.severity in (Severity.ERROR, Severity.WARNING)
