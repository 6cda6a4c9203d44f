"""One benchmark's section of bench/README.md, replaced between its markers; the rest stays."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(name: str, body: str, heading: str) -> None:
    """Put ``body`` between ``<!-- name:start -->`` and ``<!-- name:end -->``; the first time, after ``heading``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = f"{text.rstrip()}\n\n{heading.strip()}\n\n{block}\n"
    README.write_text(text, encoding="utf-8")
