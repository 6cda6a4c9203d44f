"""Text building blocks shared by hover, inlay hints and code lens: numbers with their
status, and tables that read well both rendered (markdown) and raw (plain text)."""

from __future__ import annotations

from ..analysis.interpretation.count_model import Count, Status
from ..analysis.interpretation.summary import TO_MAKE_EXACT


BOUND = "≥ "  # a lower bound, in editor views (the CLI writes "at least")


def number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def count_label(count: Count) -> str:
    """``55 params (static, exact)``; partial counts are lower bounds: ``≥ 40 params``."""
    if count.status is Status.UNKNOWN or count.total is None and count.trainable is None:
        return "? params (unknown)"
    total = count.total if count.total is not None else count.trainable
    bound = BOUND if count.status is Status.PARTIAL else ""
    return f"{bound}{number(total)} params (static, {count.status.value})"


def count_lines(count: Count, markdown: bool) -> list[str]:
    bold = "**" if markdown else ""
    lines = [f"Total: {bold}{count_label(count)}{bold}"]
    if count.status is not Status.UNKNOWN:
        lines.append(f"Trainable: {number(count.trainable)} · non-trainable: {number(count.non_trainable)}")
    if count.reason:
        lines.append({Status.UNKNOWN: "Unknown: ", Status.PARTIAL: "Not counted: "}.get(count.status, "") + count.reason)
    if count.status is Status.PARTIAL:
        lines.append(f"To make it exact, give {TO_MAKE_EXACT}.")
    return lines


def table(headers: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    """Columns padded to equal width, so the raw markdown is aligned too."""
    cells = [headers] + rows
    if markdown:
        cells = [[c.replace("|", "\\|") for c in row] for row in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(row, widths)]
        return "| " + " | ".join(padded) + " |" if markdown else "  ".join(padded).rstrip()

    rule = ("|" + "|".join("-" * (w + 2) for w in widths) + "|") if markdown else "  ".join("-" * w for w in widths)
    return [line(headers), rule, *(line(row) for row in rows)]


def code(text: str, markdown: bool) -> str:
    return f"`{text}`" if markdown else text
