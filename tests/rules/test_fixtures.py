"""Every golden fixture produces exactly the findings its ``# expect:`` comments name."""

from __future__ import annotations

import pytest

from keraslens.analysis.rules import BY_CODE
from rules_support import actual_findings, expected_findings, fixture_files, fixture_id

PSEUDO_CODES = {"KL900", "KL901", "KL902"}


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    # `tf.keras` means Keras 3 unless TF_USE_LEGACY_KERAS says otherwise: pin it
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


@pytest.mark.parametrize("path", fixture_files(), ids=fixture_id)
def test_fixture(path):
    expected = expected_findings(path.read_text(encoding="utf-8"))
    unknown_codes = {e.code for e in expected} - set(BY_CODE) - PSEUDO_CODES
    assert not unknown_codes, f"the fixture expects codes no rule has: {sorted(unknown_codes)}"
    actual = actual_findings(path)
    assert sorted(actual) == sorted(expected), _diff(expected, actual)


def _diff(expected, actual) -> str:
    lines = [f"missing  {e}" for e in sorted(expected - actual)]
    lines += [f"extra    {a}" for a in sorted(actual - expected)]
    return "\n".join(lines)


def test_every_rule_has_positive_and_negative_fixtures():
    positives: dict[str, int] = {}
    for path in fixture_files():
        for expected in expected_findings(path.read_text(encoding="utf-8")):
            positives[expected.code] = positives.get(expected.code, 0) + 1
    for code in BY_CODE:
        assert positives.get(code, 0) >= 3, f"{code}: fewer than 3 positive fixture lines"
        folder = fixture_files()[0].parents[1] / code
        assert len(list(folder.glob("*.py"))) >= 2, f"{code}: needs at least two fixture files"
