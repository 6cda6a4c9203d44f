"""What the command line prints for people: `keraslens rules` as plain text in a terminal
(markdown on request) and a help text for every option."""

from __future__ import annotations

import argparse

import pytest

from keraslens.analysis.rules import RULES
from keraslens.cli import _parser, main
from keraslens.docs import rules_index


def test_rules_list_is_plain_text(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "Generated from" not in out and "](" not in out and "|" not in out
    for rule in RULES:
        assert any(line.split() == [rule.code, rule.name, rule.severity.value] for line in out.splitlines())


def test_one_rule_is_plain_text(capsys):
    assert main(["rules", "KL101"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("KL101 tensor-as-weight (default severity: error)")
    assert "What it does\n------------\n" in out
    assert "](" not in out and "```" not in out and "## " not in out
    assert "        def call(self, x):" in out  # example code stays, indented


def test_markdown_on_request_is_unchanged(capsys):
    assert main(["rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == rules_index() + "\n"
    assert main(["rules", "KL101", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# KL101 tensor-as-weight")


def _commands(parser: argparse.ArgumentParser):
    yield "keraslens", parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


@pytest.mark.parametrize(("name", "parser"), list(_commands(_parser())), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_has_help(name, parser):
    missing = [a.dest for a in parser._actions if not isinstance(a, argparse._SubParsersAction) and not a.help]
    assert not missing, f"{name}: no help text for {missing}"
