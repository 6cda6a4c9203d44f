"""Hover text: counts for a layer class, a layer site or a model, and rule docs for a code.

Views are lists of blocks (paragraphs, tables) joined by blank lines, so the markdown
renders in VS Code and the raw text still reads well in a terminal editor.
"""

from __future__ import annotations

import re

from ..analysis.interpretation.count_model import (
    ClassReport,
    CountReport,
    LayerRow,
    ModelReport,
    Status,
)
from ..analysis.rules import BY_CODE, Finding
from ..analysis.rules.links import rule_url
from ..analysis.interpretation.summary import HEADERS, names_note, summary_rows, totals
from .render import BOUND, code, count_label, count_lines, number, table

RULE_CODE = re.compile(r"\bKL\d{3}\b")


def code_at(line_text: str, col: int) -> str | None:
    """A rule code under the cursor (in an ignore comment, a docstring, anywhere)."""
    for match in RULE_CODE.finditer(line_text):
        if match.start() <= col <= match.end() and match.group() in BY_CODE:
            return match.group()
    return None


def rule_docs(rule_code: str, markdown: bool) -> str:
    rule = BY_CODE[rule_code]
    if markdown:
        body = rule.markdown().replace(f"# {rule.code} {rule.name}", f"### {rule.code} {rule.name}", 1)
        return body.rstrip() + f"\n\n[Rule documentation]({rule_url(rule.code)})"
    sections = rule.docs()
    parts = [f"{rule.code} {rule.name} (default severity: {rule.severity.value})"]
    for title in ("What it does", "Why is this bad?", "Fix safety", "Keras versions"):
        if title in sections:
            parts.append(f"{title}\n{sections[title]}")
    return "\n\n".join(parts + [rule_url(rule.code)])


def finding_note(finding: Finding, markdown: bool) -> str:
    rule = BY_CODE.get(finding.code)
    if markdown:
        head = f"**{finding.code}** {finding.name}: {finding.message}" + (f" ([docs]({rule_url(finding.code)}))" if rule else "")
    else:
        head = f"{finding.code} {finding.name}: {finding.message}" + (f" ({rule_url(finding.code)})" if rule else "")
    what = rule.docs().get("What it does", "") if rule else ""
    return "\n\n".join(filter(None, [head, what]))


def count_hover(report: CountReport, target: ClassReport | ModelReport | LayerRow, markdown: bool) -> str:
    if isinstance(target, ClassReport):
        blocks = _class(target, markdown)
    elif isinstance(target, ModelReport):
        blocks = _model(target, markdown)
    else:
        blocks = _site(report, target, markdown)
    return "\n\n".join(blocks)


def _title(text: str, markdown: bool) -> str:
    return f"### {text}" if markdown else text


def _paragraph(lines: list[str], markdown: bool) -> str:
    return ("  \n" if markdown else "\n").join(lines)  # markdown: hard line breaks


def _class(report: ClassReport, markdown: bool) -> list[str]:
    symbolic = report.count.status is Status.UNKNOWN and report.formula
    headline = f"{report.formula} params (static, symbolic)" if symbolic else count_label(report.count)
    blocks = [_title(f"{report.name}: {headline}", markdown)]
    if report.weights:
        blocks.append(_weight_table(report, markdown))
    else:
        blocks.append("No weights found statically.")
    facts = [f"Formula: {code(report.formula, markdown)}"] if report.formula else []
    if symbolic:
        facts.append("The total depends on the input shape and constructor arguments.")
    else:
        facts += count_lines(report.count, markdown)
    blocks.append(_paragraph(facts, markdown))
    if report.instantiations:
        rows = [[row.name, f"line {row.span.line}" if row.span else "", count_label(row.count)] for row in report.instantiations]
        blocks += ["Instances in this file:", "\n".join(table(["instance", "where", "params"], rows, markdown))]
    return blocks


def _weight_table(report: ClassReport, markdown: bool) -> str:
    rows = [[w.name, w.shape, "yes" if w.trainable else "no", number(w.params) if w.params is not None else (w.formula or "?")] for w in report.weights]
    return "\n".join(table(["weight", "shape", "trainable", "params"], rows, markdown))


def _model(model: ModelReport, markdown: bool) -> list[str]:
    """The static ``model.summary()``: its columns and its totals with sizes."""
    blocks = [_title(f"{model.name} ({model.kind} model): {count_label(model.count)}", markdown)]
    rows = [list(row) for row in summary_rows(model.rows, bound=BOUND)]
    named = any(row.name != row.class_name for row in model.rows)  # the code's own names, beside Keras's
    if named:
        rows = [[*cells, row.name if row.name != row.class_name else ""] for cells, row in zip(rows, model.rows)]
    if rows:
        blocks.append("\n".join(table([*HEADERS, *(["Variable"] if named else [])], rows, markdown)))
    facts = totals(model.count, model.sizes, bound=BOUND) + names_note(model.rows)
    if markdown:
        facts = [f"**{line}**" if line.startswith("Total params") else line for line in facts]
    if any(row.shared for row in model.rows):
        facts.append("Shared layers are called more than once; their weights are counted once.")
    blocks.append(_paragraph(facts, markdown))
    return blocks


def _site(report: CountReport, row: LayerRow, markdown: bool) -> list[str]:
    """A layer where it is made, named or called: its count; while its input is unknown, what
    its class holds and the params it will have; then its place in the model."""
    shared = " (shared: called more than once, counted once)" if row.shared else ""
    details = count_lines(row.count, markdown)[1:]  # the total is in the title
    blocks = [_title(f"{row.name}: {row.class_name}, {count_label(row.count)}{shared}", markdown), *([_paragraph(details, markdown)] if details else [])]
    if row.formula:
        blocks.append(f"Once its input is known: {code(row.formula, markdown)} params ({code('in', markdown)}: the size of the input's last axis)")
    cls = report.classes.get(row.class_name)
    if cls is not None and row.count.status is not Status.EXACT:
        blocks += [f"{cls.name} weights:", _weight_table(cls, markdown)]
    for model in report.models_of(row):
        place = next(i for i, r in enumerate(model.rows) if r.span == row.span)
        blocks.append(f"Layer {place + 1} of {len(model.rows)} in {code(model.name, markdown)}:")
        blocks += _model(model, markdown)
    return blocks
