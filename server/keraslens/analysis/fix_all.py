"""Fix-all: apply the wanted fixes of a text until none applies. Shared by ``check --fix``
and the language server's ``source.fixAll``."""

from __future__ import annotations

from .config import Settings
from .engine import analyze
from .fixes.edit import Fix, apply_fixes
from .rules import Finding

MAX_FIX_PASSES = 8


def fix_text(text: str, path: str, settings: Settings) -> tuple[str, int]:
    """Apply fixes until none applies (fixes of one pass never overlap); count fixes applied."""
    applied_total = 0
    for _ in range(MAX_FIX_PASSES):
        analysis = analyze(text, path, settings)
        if analysis.source.syntax_problems:
            break  # like ruff: no batch fixes in a file that does not parse
        fixes = [fix for f in analysis.findings if (fix := choose_fix(f, settings)) is not None]
        if not fixes:
            break
        new_text, applied = apply_fixes(text, fixes)
        if new_text == text:
            break
        text, applied_total = new_text, applied_total + len(applied)
    return text, applied_total


def choose_fix(finding: Finding, settings: Settings) -> Fix | None:
    """The fix a batch run applies: the last wanted alternative, i.e. the most complete one
    (alternatives are ordered from the primary fix to the ones that change more)."""
    wanted = [fix for fix in finding.fixes if fix.edits and _wanted(fix, settings)]
    return wanted[-1] if wanted else None


def _wanted(fix: Fix, settings: Settings) -> bool:
    return fix.is_safe or settings.unsafe_fixes
