"""Views of findings for the command line: text, json, sarif, github annotations."""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from urllib.parse import quote

from . import __version__
from .analysis.fixes.edit import Fix
from .analysis.rules import BY_CODE, Finding, Severity
from .analysis.rules.links import REPOSITORY_URL, rule_url
from .checker import FileResult

SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def finding_json(path: str, finding: Finding) -> dict:
    span = finding.span
    return {
        "path": path,
        "line": span.line,
        "column": span.col + 1,
        "end_line": span.end_line,
        "end_column": span.end_col + 1,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "class": finding.class_name,
        "fix": fix_json(finding.fix),
    }


def fix_json(fix: Fix | None) -> dict | None:
    if fix is None:
        return None
    return {
        "title": fix.title,
        "applicability": fix.applicability.value,
        "edits": [
            {"line": e.span.line, "column": e.span.col + 1, "end_line": e.span.end_line, "end_column": e.span.end_col + 1, "text": e.text}
            for e in fix.edits
        ],
    }


def render_json(results: list[FileResult]) -> str:
    return json.dumps([finding_json(r.path, f) for r in results for f in r.findings], indent=2, ensure_ascii=False)


def render_github(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(f.severity, "notice")
            span = f.span
            props = f"file={_escape_property(result.path)},line={span.line},col={span.col + 1},endLine={span.end_line},endColumn={span.end_col + 1}"
            lines.append(f"::{level} {props},title={_escape_property(f'{f.code} {f.name}')}::{_escape_data(f.message)}")
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
    sarif_results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _artifact_uri(r.path)},
                        "region": {"startLine": f.span.line, "startColumn": f.span.col + 1, "endLine": f.span.end_line, "endColumn": max(f.span.end_col + 1, 1)},
                    }
                }
            ],
        }
        for r in results
        for f in r.findings
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "keraslens", "version": __version__, "informationUri": REPOSITORY_URL, "rules": rules}}, "columnKind": "unicodeCodePoints", "results": sarif_results}],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


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
            span = f.span
            out.append(f"{result.path}:{span.line}:{span.col + 1}: {f.code} [{f.severity.value}] {f.message}")
            if 1 <= span.line <= len(lines):
                source_line = lines[span.line - 1]
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
