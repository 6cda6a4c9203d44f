"""End to end in a real VS Code notebook: code-server opens an ``.ipynb`` with VS Code's own notebook
editor, the packaged extension syncs its Python cells to keraslens (``notebookDocument/*``), and
the UI shows a hover count in a later cell on a layer defined in an earlier one, a keraslens
diagnostic in the Problems panel, and a quick fix applied to the cell.

Tooling and skips as in ``test_vscode.py`` (``vscode_support.py``; a notebook driver
``tests/e2e/vscode/drive_notebook.js``); screenshots in ``.cache/e2e/screenshots/notebook-*``.

Run: ``.venv/bin/python -m pytest tests/e2e/test_vscode_notebook.py -m editor -v``
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from needed import unavailable
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

try:  # tests/e2e may or may not be a package
    from . import vscode_support as vs
except ImportError:
    import vscode_support as vs

pytestmark = [pytest.mark.editor, pytest.mark.timeout(2400)]
SCREENSHOTS = vs.REPO_ROOT / ".cache" / "e2e" / "screenshots"
DRIVER = Path(__file__).resolve().parent / "vscode" / "drive_notebook.js"
SERVER_COMMAND = [sys.executable, "-m", "keraslens", "serve"]
CELLS = [
    ("code", "import keras\nfrom keras import layers"),
    ("markdown", "A gate without `super().__init__()`:"),
    ("code", "class Gate(layers.Layer):\n    def __init__(self, units):\n        self.units = units\n\n"
             "    def build(self, input_shape):\n        self.w = self.add_weight(shape=(input_shape[-1], self.units))\n\n"
             "    def call(self, x):\n        return x @ self.w"),
    ("code", "inputs = keras.Input(shape=(16,))\ngate = Gate(8)\nh = gate(inputs)\nmodel = keras.Model(inputs, layers.Dense(2)(h))"),
]
SETTINGS = {
    "keraslens.server.path": SERVER_COMMAND,
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "chat.disableAIFeatures": True,
    "git.enabled": False,
    "editor.hover.delay": 150,
    "notebook.lineNumbers": "on",
}


@pytest.fixture(scope="module")
def notebook_ui(tmp_path_factory: pytest.TempPathFactory) -> dict:
    try:
        tools = vs.prepare_toolchain()
    except vs.ToolUnavailable as error:
        unavailable(f"VS Code end-to-end tooling unavailable: {error}")
    base = tmp_path_factory.mktemp("vscode-notebook")
    workspace = base / "workspace"
    workspace.mkdir()
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}})
    notebook.cells = [new_code_cell(text) if kind == "code" else new_markdown_cell(text) for kind, text in CELLS]
    nbformat.write(notebook, workspace / "gates.ipynb")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    server = vs.start_code_server(tools, base / "code-server", workspace, SETTINGS)
    try:
        scenario = {
            "url": f"{server.url}?folder={quote(str(workspace))}",
            "chromium": str(tools.chromium),
            "file": "gates.ipynb",
            "screenshotDir": str(SCREENSHOTS),
            "timeoutMs": 120_000,
            "hover": {"cell": 2, "line": "h = gate(inputs)", "token": "gate", "expect": "128 params"},  # the third code cell
            "problem": "KL106",
            "fix": r"super\(\)\.__init__",
        }
        env = {**vs.node24_env(tools.node_home), "NODE_PATH": str(tools.playwright_modules)}
        done = subprocess.run([str(tools.node), str(DRIVER)], input=json.dumps(scenario), capture_output=True, text=True, env=env, timeout=900)
        lines = [line for line in done.stdout.splitlines() if line.startswith('{"report"')]
        assert lines, f"driver failed (rc={done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        report = json.loads(lines[-1])["report"]
        report["driver_log"] = done.stdout[-3000:] + done.stderr[-3000:]
        report["logs"] = server.logs_text()
    finally:
        vs.stop_code_server(server)
    report["notebook_after"] = json.loads((workspace / "gates.ipynb").read_text())
    return report


def _explain(report: dict) -> str:
    shown = {key: value for key, value in report.items() if key not in ("logs", "driver_log")}
    return f"\nUI report: {json.dumps(shown, indent=2)[:6000]}\n--- driver\n{report.get('driver_log', '')}\n{report.get('logs', '')[-4000:]}"


def test_hover_in_a_later_cell_counts_a_layer_from_an_earlier_one(notebook_ui: dict) -> None:
    assert "gate: Gate, 128 params (static, exact)" in (notebook_ui.get("hover") or ""), _explain(notebook_ui)


def test_problems_panel_lists_the_cell_diagnostic(notebook_ui: dict) -> None:
    assert any("KL106" in row and "super().__init__()" in row for row in notebook_ui.get("problems") or []), _explain(notebook_ui)


def test_quick_fix_is_applied_to_the_cell(notebook_ui: dict) -> None:
    assert notebook_ui.get("quickFixApplied"), _explain(notebook_ui)
    assert not any("KL106" in row for row in notebook_ui.get("problemsAfterFix") or []), _explain(notebook_ui)
    assert any("super().__init__(**kwargs)" in line for line in notebook_ui.get("editorLines") or []), _explain(notebook_ui)
