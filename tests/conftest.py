"""Shared fixtures. The probe's sandbox (bubblewrap) is installed by the test set-up itself: CI starts from a fresh clone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from needed import unavailable

INSTALL = Path(__file__).resolve().parent / "apt_install.sh"


@pytest.fixture(scope="session")
def bubblewrap() -> None:
    """Installs bubblewrap if missing (tests/apt_install.sh); skips without it, except in CI."""
    from keraslens.probe.sandbox import bubblewrap_problem

    if bubblewrap_problem() is not None:
        proc = subprocess.run(["bash", str(INSTALL), "bubblewrap"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=900, check=False)
        bubblewrap_problem.cache_clear()
        problem = bubblewrap_problem()
        if problem is not None:
            message = f"the probe's sandbox is unavailable: {problem}; apt_install.sh: {(proc.stdout + proc.stderr)[-2000:]}"
            unavailable(message)
