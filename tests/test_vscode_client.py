"""The VS Code extension's own logic, without VS Code: ``npm test`` in vscode-client/.

The TypeScript unit tests (node's built-in runner) cover the interpreter choice, the settings
translation, restarts and workspace trust. ``npm ci`` runs first when node_modules is missing or
older than the lock file, with npm's cache in the project's ``.cache/npm``. Without npm the test
skips, except in CI (``CI`` set), where it fails. The server the extension bundles is tested in
tests/lsp/test_vscode_bundle.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "vscode-client"

pytestmark = pytest.mark.timeout(600)


def npm() -> str:
    found = shutil.which("npm")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("npm is not on PATH (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip("npm is not on PATH")
    return found


def run(*args: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, npm_config_cache=str(ROOT / ".cache" / "npm"), npm_config_update_notifier="false")
    return subprocess.run([npm(), *args], cwd=CLIENT, capture_output=True, text=True, env=env, timeout=timeout)


def test_extension_unit_tests_pass() -> None:
    installed = CLIENT / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (CLIENT / "package-lock.json").stat().st_mtime:
        done = run("ci", "--no-audit", "--no-fund", timeout=500)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    done = run("test", timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 15, output[-3000:]
    assert re.search(r"^# fail 0$", output, re.MULTILINE), output[-3000:]
