"""Rule documentation: generated from the rule docstrings (``keraslens rules``, docs/rules)."""

from __future__ import annotations

from .analysis.rules import BY_CODE, RULES

DOCS_URL = "https://github.com/keraslens/keraslens/blob/main/docs/rules/{code}.md"


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code)


def rule_markdown(code: str) -> str | None:
    rule = BY_CODE.get(code.upper())
    return rule.markdown() if rule else None


def rules_index() -> str:
    rows = ["| code | name | default severity |", "|---|---|---|"]
    rows += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} |" for r in RULES]
    return "# keraslens rules\n\n" + "\n".join(rows) + "\n"
