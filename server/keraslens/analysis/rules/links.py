"""Where each rule's documentation page is published: the link every view (diagnostics, SARIF,
hover) gives for a rule code."""

from __future__ import annotations

# The one place the project's public address is written; docs links and SARIF helpUri use it.
REPOSITORY_URL = "https://github.com/keraslens/keraslens"
DOCS_URL = REPOSITORY_URL + "/blob/main/docs/rules/{code}.md"


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code)
