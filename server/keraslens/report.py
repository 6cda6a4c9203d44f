"""Views of findings for the command line: text, json, sarif, github annotations."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path, PurePath
from urllib.parse import quote

from . import __version__
from .analysis.fixes.edit import Fix
from .analysis.rules import BY_CODE, Finding, Severity
from .analysis.rules.links import REPOSITORY_URL, rule_url
from .analysis.source import Span
from .checker import FileResult

Locate = Callable[[Span], tuple[int | None, Span]] | None
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def finding_json(path: str, finding: Finding, cell: int | None = None, span: Span | None = None, locate: Locate = None) -> dict:
    """One finding (DESIGN section 7); in a notebook ``cell`` is the 0-based cell index,
    ``span`` the finding's place inside that cell and ``locate`` places the fix's edits."""
    span = span or finding.span
    return {
        "path": path,
        **({"cell": cell} if cell is not None else {}),
        "line": span.line,
        "column": span.col + 1,
        "end_line": span.end_line,
        "end_column": span.end_col + 1,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "class": finding.class_name,
        "fix": fix_json(finding.fix, locate),
    }


def fix_json(fix: Fix | None, locate: Locate = None) -> dict | None:
    if fix is None:
        return None
    return {"title": fix.title, "applicability": fix.applicability.value, "edits": [_edit_json(e.span, e.text, locate) for e in fix.edits]}


def _edit_json(span: Span, text: str, locate: Locate) -> dict:
    cell, span = locate(span) if locate else (None, span)
    place = {"cell": cell} if cell is not None else {}
    return {**place, "line": span.line, "column": span.col + 1, "end_line": span.end_line, "end_column": span.end_col + 1, "text": text}


def render_json(results: list[FileResult]) -> str:
    return json.dumps([finding_json(r.path, f, *r.located(f.span), r.located) for r in results for f in r.findings], indent=2, ensure_ascii=False)


def cell_label(cell: int | None) -> str:
    """How text views name a notebook cell: 1-based, as Jupyter and editors number them."""
    return "" if cell is None else f"cell {cell + 1}"


def render_github(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(f.severity, "notice")
            cell, span = result.located(f.span)
            props = f"file={_escape_property(result.path)},line={span.line},col={span.col + 1},endLine={span.end_line},endColumn={span.end_col + 1}"
            title = " ".join(filter(None, (cell_label(cell), f.code, f.name)))
            lines.append(f"::{level} {props},title={_escape_property(title)}::{_escape_data(f.message)}")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # property values end at "," and the properties at "::" (GitHub workflow-command escaping)
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_sarif(results: list[FileResult]) -> str:
    used = sorted({f.code for r in results for f in r.findings})
    rules = []
    for code in used:
        rule = BY_CODE.get(code)
        docs = rule.docs() if rule else {}
        entry = {"id": code, "name": rule.name if rule else code, "shortDescription": {"text": rule.name if rule else code}}
        if rule:
            entry["fullDescription"] = {"text": docs.get("What it does", rule.name)}
            entry["helpUri"] = rule_url(code)
            entry["defaultConfiguration"] = {"level": SARIF_LEVEL[rule.severity]}
        rules.append(entry)
    index = {code: i for i, code in enumerate(used)}
    sarif_results = [_sarif_result(r, f, index) for r in results for f in r.findings]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "keraslens", "version": __version__, "informationUri": REPOSITORY_URL, "rules": rules}}, "columnKind": "unicodeCodePoints", "results": sarif_results}],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _sarif_result(result: FileResult, f: Finding, index: dict[str, int]) -> dict:
    cell, span = result.located(f.span)
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": _artifact_uri(result.path)},
            "region": {"startLine": span.line, "startColumn": span.col + 1, "endLine": span.end_line, "endColumn": max(span.end_col + 1, 1)},
        }
    }
    entry = {"ruleId": f.code, "ruleIndex": index[f.code], "level": SARIF_LEVEL[f.severity], "message": {"text": f.message}, "locations": [location]}
    if cell is not None:  # the region's lines count inside the cell
        location["logicalLocations"] = [{"name": cell_label(cell), "kind": "module"}]
        entry["properties"] = {"cell": cell}
        entry["message"] = {"text": f"{cell_label(cell)}: {f.message}"}
    return entry


def _artifact_uri(path: str) -> str:
    """A SARIF artifact URI: absolute paths as file: URIs, relative ones percent-encoded."""
    posix = PurePath(path)
    if posix.is_absolute():
        return Path(path).as_uri()
    return quote(posix.as_posix())


def render_text(results: list[FileResult], texts: dict[str, list[str]]) -> str:
    """ruff-like: location, code, message, then the line with a caret under the span."""
    out: list[str] = []
    for result in results:
        lines = texts.get(result.path, [])
        for f in result.findings:
            cell, span = result.located(f.span)
            where = ":".join(filter(None, (result.path, cell_label(cell), str(span.line), str(span.col + 1))))
            out.append(f"{where}: {f.code} [{f.severity.value}] {f.message}")
            if 1 <= f.span.line <= len(lines):  # the texts are the analysed ones: the finding's own span
                source_line = lines[f.span.line - 1]
                width = len(str(span.line))
                end = span.end_col if span.end_line == span.line else len(source_line)
                out.append(f"{' ' * width} |")
                out.append(f"{span.line} | {source_line}")
                out.append(f"{' ' * width} | {' ' * span.col}{'^' * max(1, end - span.col)}")
                for fix in f.fixes:
                    out.append(f"{' ' * width} = fix ({fix.applicability.value}): {fix.title}")
                out.append("")
    return "\n".join(out)


def summary(results: list[FileResult], fixed: int) -> str:
    findings = [f for r in results for f in r.findings]
    fixable = sum(1 for f in findings if any(fix.is_safe for fix in f.fixes))
    unsafe = sum(1 for f in findings if f.fixes and not any(fix.is_safe for fix in f.fixes))
    parts = [f"Checked {len(results)} file{'s' if len(results) != 1 else ''}: {len(findings)} finding{'s' if len(findings) != 1 else ''}"]
    if fixed:
        parts.append(f"{fixed} fixed")
    if fixable:
        parts.append(f"{fixable} fixable with --fix")
    if unsafe:
        parts.append(f"{unsafe} more with --fix --unsafe-fixes")
    return ", ".join(parts) + "."
