"""What a test needs from the machine or the locked environment: missing, it is a failure in CI
and a loud skip elsewhere (a developer's partial install)."""

from __future__ import annotations

import importlib.util
import os

import pytest


def unavailable(message: str):
    """Fail in CI, skip elsewhere; never returns."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def need_module(name: str) -> None:
    if importlib.util.find_spec(name) is None:
        unavailable(f"{name} is not installed")
