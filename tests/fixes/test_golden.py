"""Golden fixes: each fixture fixed by keraslens equals its ``.fixed.py`` byte for byte."""

from __future__ import annotations

import pytest
from fixes_support import FIXTURES, Fixture, fixed, fixtures
from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from keraslens.analysis.fix_all import choose_fix
from keraslens.analysis.rules import BY_CODE
from keraslens.checker import check_file

FIXTURE_LIST = fixtures()
IDS = [f.id for f in FIXTURE_LIST]
# rules whose findings carry a fix; the others must never offer one
FIXING_RULES = {"KL101", "KL102", "KL103", "KL104", "KL105", "KL106", "KL107", "KL108", "KL110", "KL111", "KL201"}


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=IDS)
def test_fixed_exactly(fixture: Fixture):
    assert fixture.fixed_path.exists(), f"missing {fixture.fixed_path.name}"
    expected = fixture.fixed_path.read_bytes().decode("utf-8")
    assert fixed(fixture.text(), fixture.settings(), str(fixture.path)) == expected


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=IDS)
def test_crlf_stays_crlf(fixture: Fixture):
    # built here: git may normalise line endings of committed files
    before = fixture.text().replace("\n", "\r\n")
    expected = fixture.fixed_path.read_bytes().decode("utf-8").replace("\n", "\r\n")
    assert fixed(before, fixture.settings(), str(fixture.path)) == expected


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=IDS)
def test_rule_finding_gone_and_second_pass_is_a_no_op(fixture: Fixture):
    settings = fixture.settings()
    text = fixture.fixed_path.read_bytes().decode("utf-8")
    before = [f for f in analyze(fixture.text(), str(fixture.path), settings).findings if f.code == fixture.code]
    assert before, f"{fixture.id}: the fixture does not trigger {fixture.code}"
    after = check_file(fixture.fixed_path, settings).findings  # what `keraslens check` reports
    assert [f for f in after if f.code == fixture.code] == []
    assert [f.code for f in after if choose_fix(f, settings)] == []
    assert fixed(text, settings, str(fixture.fixed_path)) == text


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=IDS)
def test_declared_mode_is_needed(fixture: Fixture):
    """An ``unsafe`` fixture's golden needs unsafe fixes; a ``safe`` one offers only safe fixes."""
    settings = fixture.settings()
    findings = [f for f in analyze(fixture.text(), str(fixture.path), settings).findings if f.code == fixture.code]
    assert all(f.fix is not None for f in findings)
    if settings.unsafe_fixes:
        safe_only = fixed(fixture.text(), Settings(keras_version=settings.keras_version), str(fixture.path))
        assert safe_only != fixture.fixed_path.read_bytes().decode("utf-8")
    else:
        assert all(f.fix.is_safe for f in findings)


def test_every_fixing_rule_has_golden_fixtures():
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == FIXING_RULES
    assert FIXING_RULES <= set(BY_CODE)


def test_tabs_and_two_spaces_are_kept():
    tabs = (FIXTURES / "KL101" / "tf_keras_tabs.fixed.py").read_text(encoding="utf-8")
    assert "\n\tdef build(self, input_shape):\n\t\tself.w = self.add_weight(" in tabs
    two = (FIXTURES / "KL103" / "locals.fixed.py").read_text(encoding="utf-8")
    assert "\n  def __init__(self, **kwargs):\n    super().__init__(**kwargs)\n" in two


def test_kl201_offers_the_parameter_drop_as_a_separate_unsafe_fix():
    text = (FIXTURES / "KL201" / "drop_parameter.py").read_text(encoding="utf-8")
    finding = next(f for f in analyze(text, "drop_parameter.py").findings if f.code == "KL201" and f.span.line == 12)
    assert finding.fix.is_safe and "drop" not in finding.fix.title
    assert [fix.applicability.value for fix in finding.extra_fixes] == ["unsafe"]
    assert "drop the input-dimension parameter" in finding.extra_fixes[0].title


def test_kl102_applicability_follows_the_initial_value():
    text = (FIXTURES / "KL102" / "random.py").read_text(encoding="utf-8")
    fixes = {f.span.line: f.fix.applicability.value for f in analyze(text, "random.py").findings if f.code == "KL102"}
    assert fixes == {15: "unsafe", 25: "unsafe", 26: "safe"}
