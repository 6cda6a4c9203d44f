"""Golden fixtures: expectations written inline as ``# expect: KL101`` comments (see README.md)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from keraslens.analysis.source import SourceFile
from keraslens.checker import check_file

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<items>[^#]+)")
ITEM = re.compile(r"^(?P<code>KL\d{3})(?:\[(?P<cls>[\w.]*)\])?$")
OPTIONS = re.compile(r"^#\s*fixture:\s*(?P<options>.+)$", re.M)


@dataclass(frozen=True, order=True)
class Expected:
    line: int
    code: str
    cls: str | None


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.rglob("*.py"))


def fixture_id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


def settings_of(text: str) -> Settings:
    """``# fixture: keras-version=2`` (any Settings key) at the top of a fixture."""
    overrides = {}
    for match in OPTIONS.finditer(text):
        for option in match.group("options").split():
            key, _, value = option.partition("=")
            overrides[key] = value
    settings, problems = Settings().merged(overrides)
    assert not problems, problems
    return settings


def expected_findings(text: str) -> set[Expected]:
    """Every ``# expect:`` item; the class defaults to the class enclosing that line."""
    classes = _class_lines(text)
    found: set[Expected] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if not match:
            continue
        for item in filter(None, (part.strip() for part in match.group("items").split(","))):
            parsed = ITEM.match(item)
            assert parsed, f"line {number}: bad expectation {item!r}"
            cls = parsed.group("cls")  # "KL301[]": no class
            found.add(Expected(number, parsed.group("code"), classes.get(number) if cls is None else cls or None))
    return found


def actual_findings(path: Path) -> set[Expected]:
    text = path.read_bytes().decode("utf-8")
    result = check_file(path, settings_of(text))
    return {Expected(f.span.line, f.code, f.class_name) for f in result.findings}


def analysis_of(path: Path):
    text = path.read_text(encoding="utf-8")
    return analyze(text, str(path), settings_of(text))


def _class_lines(text: str) -> dict[int, str]:
    """Line -> name of the innermost class around it (classes that do not parse have none)."""
    tree = SourceFile(text).tree
    owners: dict[int, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                if line not in owners or node.lineno >= owners[line].lineno:
                    owners[line] = node
    return {line: node.name for line, node in owners.items()}
