"""A bounded, derandomized edit fuzz (tests/lsp/fuzz_session.py has the invariants); the long run
is ``uv run python bench/fuzz_edits.py``.

Requests must be answered within ANSWER_S here, a bound generous for a shared CI machine (the
bench run uses 1 s)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from .fuzz_session import Session, keras_sources, operations, start_texts

pytestmark = [pytest.mark.timeout(900)]
ANSWER_S = 5.0
SOURCES = keras_sources()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    running = Session(tmp_path_factory.mktemp("fuzz"), ANSWER_S)
    yield running
    running.close()


@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(start=start_texts(SOURCES), ops=operations(SOURCES))
def test_random_edits_keep_the_server_in_step(session, start, ops):
    session.check(start, ops)
