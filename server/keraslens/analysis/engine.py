"""text -> findings: the one path every view (CLI, language server) goes through.

``analyze`` is pure and cached by content, path and settings, so the server can call it
on every keystroke of an unchanged document for free.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from .config import DEFAULT, Settings
from .facts.classes import ModuleFacts, collect_module, keep_documents
from .facts.graph import ModuleGraph
from .facts.library import layer_class_home
from .interpretation.counts import branch_decider
from .interpretation.graph_reader import build_graph
from .interpretation.interpreter import Interpreter
from .interpretation.scopes import ScopeValues
from .names.imports import FlavorChoice, ImportMap, choose_flavor
from .rules import RULES, Context, Finding, Severity
from .source import SourceFile, content_hash, partially_parsed_classes, without_classes
from .source import keep_documents as keep_block_trees

SUPPRESS = re.compile(r"#\s*keraslens:\s*ignore(?P<file>-file)?(?:\[(?P<codes>[A-Z0-9,\s]+)\])?", re.I)
SYNTAX_ERROR = ("KL900", "syntax-error")
# Rules that report something *missing* elsewhere in the class (a build() caller, a use in
# call()): in a class with a member that does not parse, the missing part may be that member.
ABSENCE_BASED = frozenset({"KL103", "KL108", "KL202"})
COUNT_BASED = frozenset({"KL109"})  # rules that read parameter counts or shapes


@dataclass(slots=True)
class Analysis:
    source: SourceFile
    flavor: FlavorChoice
    module: ModuleFacts
    graph: ModuleGraph
    findings: list[Finding]
    memo: dict = field(default_factory=dict)  # derived results (counts) computed on first use


_CACHE: OrderedDict[tuple, Analysis] = OrderedDict()
_CACHE_SIZE = 64


def limit_cache(size: int) -> None:
    """Keep at most ``size`` analyses. The language server needs about one per open document
    (each costs ~8 MB for a 5,000-line file); the CLI keeps the default."""
    global _CACHE_SIZE
    _CACHE_SIZE = max(1, size)
    keep_documents(_CACHE_SIZE)
    keep_block_trees(_CACHE_SIZE)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def analyze(text: str, path: str = "<memory>", settings: Settings = DEFAULT) -> Analysis:
    key = (content_hash(text), path, settings)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        cached.source.is_latest()
        return cached
    analysis = _analyze(text, path, settings)
    _CACHE[key] = analysis
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return analysis


def _analyze(text: str, path: str, settings: Settings) -> Analysis:
    source = SourceFile(text, path)
    partial = partially_parsed_classes(source)
    full, flavor = _context(source, settings)
    # Counts must never be computed from a class that lost a member to a syntax error (a
    # wrong "exact" number): counts, hovers and count-based rules see the file without
    # such classes; the other rules still check what parsed of them.
    view = full if not partial else _context(without_classes(source, partial), settings)[0]
    findings = [_syntax_finding(problem) for problem in source.syntax_problems]
    for rule in RULES:
        if settings.enabled(rule.code):
            findings.extend(rule.check(view if rule.code in COUNT_BASED else full))
    # file-wide `# keraslens: ignore-file[...]` comments, found once (case-insensitive, like SUPPRESS)
    file_wide = _file_suppressions(source) if findings and "keraslens" in source.text.lower() else []
    findings = [
        finding
        for finding in findings
        if settings.enabled(finding.code)
        and not _suppressed(source, finding, file_wide)
        and not (finding.class_name in partial and finding.code in ABSENCE_BASED)
    ]
    findings.sort(key=lambda f: (f.span.line, f.span.col, f.code))
    return Analysis(view.source, flavor, view.module, view.graph, findings, view.memo)


def _context(source: SourceFile, settings: Settings) -> tuple[Context, FlavorChoice]:
    imports = ImportMap.from_module(source.tree)
    flavor = choose_flavor(imports, settings.keras_version)
    module = collect_module(source, flavor.flavor, imports)
    kinds = {name: facts.kind for name, facts in module.classes.items()}
    scopes = ScopeValues(source.tree, Interpreter(module, None, flavor.flavor))
    decide = branch_decider(source, module, flavor.flavor, scopes)
    graph = build_graph(source.tree, imports, kinds, lambda ref: layer_class_home(ref, module) is not None, scopes, decide)
    return Context(source, module, flavor.flavor, graph, settings, memo={"scopes": scopes}), flavor


def _syntax_finding(problem) -> Finding:
    code, name = SYNTAX_ERROR
    return Finding(code, name, Severity.ERROR, f"{problem.message}; the rest of the file is still checked", problem.span)


def _suppressed(source: SourceFile, finding: Finding, file_wide: list[re.Match]) -> bool:
    for line_number in {finding.span.line, finding.span.end_line}:
        match = SUPPRESS.search(source.line_text(line_number))
        if match and not match.group("file") and _matches(match, finding.code):
            return True
    return any(_matches(match, finding.code) for match in file_wide)


def _file_suppressions(source: SourceFile) -> list[re.Match]:
    return [m for line in source.lines if (m := SUPPRESS.search(line)) and m.group("file") and line.lstrip().startswith("#")]


def _matches(match: re.Match, code: str) -> bool:
    codes = match.group("codes")
    return codes is None or any(code.startswith(c.strip().upper()) for c in codes.split(",") if c.strip())
