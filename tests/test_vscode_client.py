"""The VS Code extension's own logic, without VS Code: ``npm test`` in vscode-client/.

The TypeScript unit tests (node's built-in runner) cover the interpreter choice, the settings
translation, restarts and workspace trust. ``npm ci`` runs first when node_modules is missing or
stale (see ``ensure_client_modules``). Without npm the test skips, except in CI (``CI`` set),
where it fails. The server the extension bundles is tested in tests/lsp/test_vscode_bundle.py.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from needed import unavailable

from e2e import vscode_support as vs

pytestmark = pytest.mark.timeout(600)


def test_extension_unit_tests_pass() -> None:
    try:
        vs.ensure_client_modules(vs.cache_dir() / "logs" / "unit-tests.log")
        npm = vs.npm()
    except vs.ToolUnavailable as error:
        unavailable(str(error))
    done = subprocess.run([npm, "test"], cwd=vs.CLIENT_DIR, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 15, output[-3000:]
    assert re.search(r"^# fail 0$", output, re.MULTILINE), output[-3000:]
