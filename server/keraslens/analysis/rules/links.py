"""Where each rule's documentation page is published: the link every view (diagnostics, SARIF,
hover) gives for a rule code."""

from __future__ import annotations

from importlib import metadata


def _repository_url() -> str:
    """``Repository`` of ``[project.urls]`` in pyproject.toml, as the installed package's metadata carries it."""
    for entry in metadata.metadata("keraslens").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository":
            return url.strip()
    raise LookupError("the keraslens metadata declares no Repository URL ([project.urls] in pyproject.toml)")


# docs links, SARIF helpUri/informationUri and LSP codeDescription all derive from this
REPOSITORY_URL = _repository_url()
DOCS_URL = REPOSITORY_URL + "/blob/main/docs/rules/{code}.md"


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code)
