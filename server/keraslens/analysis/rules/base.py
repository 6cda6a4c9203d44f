"""What a rule is, what it reports, and how its docstring becomes documentation."""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from ..fixes.edit import Fix
from ..names.imports import Flavor
from ..source import SourceFile, Span, walk

if TYPE_CHECKING:
    from ..facts.classes import ClassFacts, ModuleFacts
    from ..facts.graph import ModuleGraph


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    class_name: str | None = None
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    tags: tuple[str, ...] = ()  # "unnecessary" | "deprecated"
    # alternatives to ``fix`` (e.g. KL201's unsafe "also drop the parameter"); each stands alone
    extra_fixes: tuple[Fix, ...] = ()

    @property
    def fixes(self) -> tuple[Fix, ...]:
        return ((self.fix,) if self.fix else ()) + self.extra_fixes


@dataclass(slots=True)
class Context:
    """Everything a rule may look at for one file."""

    source: SourceFile
    module: ModuleFacts
    flavor: Flavor
    graph: ModuleGraph
    settings: object = None
    memo: dict = field(default_factory=dict)  # shared with the Analysis: counts computed once

    def span(self, node: ast.AST) -> Span:
        return self.source.span(node)

    def calls_of(self, name: str) -> list[ast.Call]:
        """The calls of a bare name (``Gate(8)``) in the file, in source order."""
        return self._name_index()[0].get(name, [])

    def reads_attribute(self, owner: str, attr: str) -> bool:
        """Whether the file reads or sets ``owner.attr`` with ``owner`` a bare name."""
        return (owner, attr) in self._name_index()[1]

    def classes_named(self, name: str) -> list[ast.ClassDef]:
        """Every class of that name in the file, nested ones included."""
        return self._name_index()[2].get(name, [])

    def _name_index(self) -> tuple[dict[str, list[ast.Call]], set[tuple[str, str]], dict[str, list[ast.ClassDef]]]:
        # one walk of the file for every rule and finding that asks (a walk per finding was quadratic)
        index = self.memo.get("name_index")
        if index is None:
            calls: defaultdict[str, list[ast.Call]] = defaultdict(list)
            attributes: set[tuple[str, str]] = set()
            classes: defaultdict[str, list[ast.ClassDef]] = defaultdict(list)
            for node in walk(self.source.tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    calls[node.func.id].append(node)
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    attributes.add((node.value.id, node.attr))
                elif isinstance(node, ast.ClassDef):
                    classes[node.name].append(node)
            for found in calls.values():
                found.sort(key=lambda call: (call.lineno, call.col_offset))
            index = self.memo["name_index"] = (dict(calls), attributes, dict(classes))
        return index


SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Keras versions")


class Rule:
    """Base of every rule; subclasses set ``code``/``name`` and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR

    def severity_for(self, flavor: Flavor) -> Severity:
        return self.severity

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self, ctx: Context, where: ast.AST | Span, message: str, facts: ClassFacts | None = None,
        severity: Severity | None = None, **extra,
    ) -> Finding:
        """``severity`` overrides the rule's for a milder case (KL102 on a constant)."""
        span = where if isinstance(where, Span) else ctx.span(where)
        severity = severity or self.severity_for(ctx.flavor)
        return Finding(self.code, self.name, severity, message, span, facts.name if facts else None, **extra)

    @classmethod
    def docs(cls) -> dict[str, str]:
        return parse_sections(inspect.cleandoc(cls.__doc__ or ""))

    @classmethod
    def markdown(cls) -> str:
        parts = [f"# {cls.code} {cls.name}", "", f"Default severity: **{cls.severity.value}**", ""]
        for title, body in cls.docs().items():
            parts += [f"## {title}", "", body, ""]
        return "\n".join(parts).rstrip() + "\n"


class ClassRule(Rule):
    """A rule whose findings in a class (fixes included) come from that class alone: its facts,
    its lines and the lines around it, the file's imports, flavour, settings and layout. They are
    kept with the class's facts, which the next version of the file reuses for a class it did
    not touch (``collect_module``), and rebuilt when anything else of that list changed."""

    def check(self, ctx: Context) -> Iterator[Finding]:
        layout = (ctx.flavor, ctx.settings, ctx.source.newline, ctx.source.indent_unit())
        for facts in ctx.module.classes.values():
            key = (layout, *_surrounding_lines(ctx.source, facts.node))
            kept = facts.derived.get(self.code)
            if kept is None or kept[0] != key:
                kept = facts.derived[self.code] = (key, tuple(self.check_class(ctx, facts)))
            yield from kept[1]

    def check_class(self, ctx: Context, facts: ClassFacts) -> Iterator[Finding]:
        raise NotImplementedError


def _surrounding_lines(source: SourceFile, node: ast.ClassDef) -> tuple[tuple[str, ...], bool]:
    """The class's lines with one more on each side (fixes insert next to them), and whether it ends the file."""
    end = node.end_lineno or node.lineno
    return tuple(source.lines[max(0, node.lineno - 2) : end + 1]), end >= len(source.lines)


_HEADING = re.compile(r"^## (.+)$", re.M)


def parse_sections(doc: str) -> dict[str, str]:
    """``## Title`` sections of a rule docstring, in order; the fixed titles are required."""
    text = doc
    sections: dict[str, str] = {}
    matches = list(_HEADING.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections[match.group(1).strip()] = text[match.end():end].strip()
    return sections

