"""Rule documentation: generated from the rule docstrings (``keraslens rules``, docs/rules).

``python -m keraslens.docs [DIR]`` writes ``DIR/KLxxx.md`` and ``DIR/README.md``
(default ``docs/rules``); ``--check`` exits 1 when the files on disk are stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .analysis.rules import BY_CODE, RULES

def rule_markdown(code: str) -> str | None:
    rule = BY_CODE.get(code.upper())
    return rule.markdown() if rule else None


def rules_index() -> str:
    rows = ["| code | name | default severity |", "|---|---|---|"]
    rows += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} |" for r in RULES]
    intro = "Generated from the rule docstrings by `python -m keraslens.docs`; do not edit by hand."
    return "# keraslens rules\n\n" + intro + "\n\n" + "\n".join(rows) + "\n"


def rules_table_text() -> str:
    """The rule list for a terminal: aligned columns, no markup."""
    width = max(len(r.name) for r in RULES)
    lines = [f"{'code':<6} {'name':<{width}}  severity"]
    lines += [f"{r.code:<6} {r.name:<{width}}  {r.severity.value}" for r in RULES]
    return "\n".join(lines) + "\n\n`keraslens rules CODE` shows one rule's documentation."


def rule_text(code: str) -> str | None:
    """One rule's documentation for a terminal: headings as plain lines, links as their targets."""
    rule = BY_CODE.get(code.upper())
    if rule is None:
        return None
    parts = [f"{rule.code} {rule.name} (default severity: {rule.severity.value})"]
    for title, body in rule.docs().items():
        parts.append(f"{title}\n{'-' * len(title)}\n{_plain(body)}")
    return "\n\n".join(parts) + "\n"


_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def _plain(markdown: str) -> str:
    """``[text](url)`` -> ``text (url)``; code fences dropped, their code indented."""
    out = []
    fenced = False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        out.append(("    " + line if line else line) if fenced else _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", line))
    return "\n".join(out)


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
