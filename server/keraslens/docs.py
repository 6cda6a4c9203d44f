"""Rule documentation: generated from the rule docstrings (``keraslens rules``, docs/rules).

``python -m keraslens.docs [DIR]`` writes ``DIR/KLxxx.md`` and ``DIR/README.md``
(default ``docs/rules``); ``--check`` exits 1 when the files on disk are stale.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from .analysis.rules import BY_CODE, RULES


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


def rule_markdown(code: str) -> str | None:
    rule = BY_CODE.get(code.upper())
    return rule.markdown() if rule else None


def rules_index() -> str:
    rows = ["| code | name | default severity |", "|---|---|---|"]
    rows += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} |" for r in RULES]
    intro = "Generated from the rule docstrings by `python -m keraslens.docs`; do not edit by hand."
    return "# keraslens rules\n\n" + intro + "\n\n" + "\n".join(rows) + "\n"


def generated_docs() -> dict[str, str]:
    """File name -> content of every generated page."""
    pages = {f"{rule.code}.md": rule.markdown() for rule in RULES}
    pages["README.md"] = rules_index()
    return pages


def stale_docs(directory: Path) -> list[str]:
    """Names of pages that are missing, different, or no longer generated."""
    pages = generated_docs()
    stale = [name for name, text in pages.items() if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text]
    extra = [p.name for p in directory.glob("KL*.md") if p.name not in pages] if directory.is_dir() else []
    return sorted(stale + extra)


def write_docs(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    changed = stale_docs(directory)
    pages = generated_docs()
    for name in changed:
        if name in pages:
            (directory / name).write_text(pages[name], encoding="utf-8", newline="\n")
        else:
            (directory / name).unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keraslens.docs", description="generate docs/rules from the rule docstrings")
    parser.add_argument("directory", nargs="?", default="docs/rules")
    parser.add_argument("--check", action="store_true", help="only report stale pages; exit 1 if any")
    args = parser.parse_args(argv)
    directory = Path(args.directory)
    if args.check:
        stale = stale_docs(directory)
        for name in stale:
            print(f"stale: {directory / name}")
        return 1 if stale else 0
    for name in write_docs(directory):
        print(f"wrote {directory / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
