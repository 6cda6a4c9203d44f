"""docs/rules is generated from the rule docstrings and must be committed up to date."""

from __future__ import annotations

import re
from pathlib import Path

from keraslens import docs
from keraslens.analysis.rules import RULES, links
from keraslens.analysis.rules.base import SECTIONS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def test_committed_rule_docs_are_up_to_date():
    stale = docs.stale_docs(DOCS)
    assert not stale, f"regenerate with `uv run python -m keraslens.docs`: {stale}"


def test_every_rule_docstring_has_the_fixed_sections():
    for rule in RULES:
        assert list(rule.docs()) == list(SECTIONS), rule.code
        assert all(body.strip() for body in rule.docs().values()), rule.code


def test_rule_urls_point_at_the_docs_pages():
    for rule in RULES:
        url = links.rule_url(rule.code)
        assert re.match(r"^https://[^ ]+/docs/rules/KL\d{3}\.md$", url), url
        assert url.startswith(links.REPOSITORY_URL)
        assert (DOCS / url.rsplit("/", 1)[-1]).is_file()


def test_check_mode_reports_stale_pages(tmp_path):
    assert docs.main([str(tmp_path / "rules"), "--check"]) == 1
    assert docs.main([str(tmp_path / "rules")]) == 0
    assert docs.main([str(tmp_path / "rules"), "--check"]) == 0
    (tmp_path / "rules" / "KL101.md").write_text("edited by hand\n")
    (tmp_path / "rules" / "KL999.md").write_text("a rule that no longer exists\n")
    assert sorted(docs.stale_docs(tmp_path / "rules")) == ["KL101.md", "KL999.md"]
    docs.main([str(tmp_path / "rules")])
    assert docs.stale_docs(tmp_path / "rules") == []
