"""End to end in a real VS Code: the packaged extension, the keraslens server, the workbench UI.

The session fixture builds ``vscode-client/`` into a .vsix, installs it into code-server
(VS Code's workbench served over HTTP) with an isolated user-data and extensions directory,
and opens a workspace with a Keras file in headless Chromium through playwright-core
(``tests/e2e/vscode/drive.js``). The .vsix is what ``npm run package`` builds; nothing is
configured and no keraslens is installed where code-server looks: the first ``python3`` on its PATH
is a fresh venv without packages, so the extension must run the server it bundles.

What is checked is what a user sees: the Problems panel lists a keraslens KL101 finding,
hovering a layer class shows its parameter table, the Quick Fix menu offers a fix.

Missing tools are installed on first use (see ``vscode_support.py``; several minutes the
first time, cached in ``.cache/e2e/vscode``). If that is impossible the tests are skipped
with the reason, except in CI (``CI`` set), where they fail. Each UI step leaves a
screenshot in ``.cache/e2e/screenshots/``; a run that breaks before the product is reached
(workbench or driver failure) is retried once with a fresh code-server.

Run: ``.venv/bin/python -m pytest tests/e2e/test_vscode.py -m editor -v``
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from needed import unavailable

try:  # tests/e2e may or may not be a package
    from . import vscode_support as vs
except ImportError:
    import vscode_support as vs

pytestmark = [pytest.mark.editor, pytest.mark.timeout(2400)]

MODEL_PY = textwrap.dedent(
    '''\
    """A correct custom layer, and two with the bugs keraslens is for."""
    import keras
    import tensorflow as tf


    class Linear(keras.layers.Layer):
        """y = x @ w + b with tracked weights."""

        def __init__(self, units=5, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, x):
            return tf.matmul(x, self.w) + self.b


    class RandomLinear(keras.layers.Layer):
        """A raw tensor instead of a weight: 0 params, nothing trains (KL101)."""

        def call(self, x):
            self.w = tf.random.normal((x.shape[-1], 5))
            return tf.matmul(x, self.w)


    class Scale(keras.layers.Layer):
        """No super().__init__(): the first call raises (KL106)."""

        def __init__(self, factor=2.0):
            self.factor = factor

        def call(self, x):
            return x * self.factor


    inputs = keras.Input(shape=(10,))
    outputs = Linear(5)(inputs)  # 10 * 5 + 5 = 55 parameters
    model = keras.Model(inputs, outputs)
    '''
)
LINEAR_LINES = range(6, 19)  # 1-based lines of the correct class: no finding may point there


def _unavailable(reason: str) -> None:
    message = f"VS Code end-to-end tooling unavailable: {reason}"
    unavailable(message)


@pytest.fixture(scope="session")
def vscode_toolchain() -> vs.Toolchain:
    try:
        return vs.prepare_toolchain()
    except vs.ToolUnavailable as error:
        _unavailable(str(error))
        raise  # unreachable


@pytest.fixture(scope="session")
def bare_python_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv with no packages: the python3 code-server finds first on its PATH."""
    venv = tmp_path_factory.mktemp("bare-python") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    missing = subprocess.run([venv / "bin" / "python3", "-c", "import keraslens"], capture_output=True, timeout=60)
    assert missing.returncode != 0, "the bare venv must not see the project's keraslens"
    return venv / "bin"


# KERASLENS_E2E_BIN_DIR: a directory whose `keraslens` is tested instead, through keraslens.server.path
# (as in test_editors.py); by default the extension runs its bundled server
CONFIGURED_SERVER = (
    [str(Path(os.environ["KERASLENS_E2E_BIN_DIR"]) / "keraslens"), "serve"] if os.environ.get("KERASLENS_E2E_BIN_DIR") else None
)
BUNDLED_LAUNCHER = "bundled/tool/launch.py"  # what the extension runs when nothing is configured


def user_settings(server_command: list[str] | None) -> dict:
    settings = {
        "keraslens.trace.server": "messages",
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "extensions.ignoreRecommendations": True,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "workbench.enableExperiments": False,
        "chat.disableAIFeatures": True,
        "git.enabled": False,
        "editor.minimap.enabled": False,
        "editor.hover.delay": 150,
    }
    if server_command:
        settings["keraslens.server.path"] = server_command
    return settings


def scenario(server: vs.CodeServer, tools: vs.Toolchain, workspace: Path, screenshots: Path) -> dict:
    """What drive.js does and waits for."""
    return {
        "url": f"{server.url}?folder={quote(str(workspace))}",
        "chromium": str(tools.chromium),
        "file": "model.py",
        "screenshotDir": str(screenshots),
        "timeoutMs": 90_000,
        "problems": {"pattern": r"KL101"},
        # no \b after Linear: the view line's text includes the inlay hint glued to the name
        "hover": {"line": r"class\s+Linear", "token": "Linear", "expect": [r"[Pp]aram", r"\b55\b"]},
        "quickFix": {"problem": r"KL106", "pick": r"super\(\)\.__init__", "apply": True},
        "codeLens": True,
    }


# every step's screenshot lands here (gitignored); the failure message names the folder
SCREENSHOTS = vs.REPO_ROOT / ".cache" / "e2e" / "screenshots"
ATTEMPTS = 2  # a second, fresh code-server when the first run broke before the product was reached


def _open_once(tools: vs.Toolchain, base: Path, python_dir: Path, *, trusted: bool, shots: Path) -> dict:
    workspace = base / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "model.py").write_text(MODEL_PY, encoding="utf-8")
    root = base / "code-server"
    settings = user_settings(CONFIGURED_SERVER)
    if not trusted:
        settings["security.workspace.trust.enabled"] = True
        settings["security.workspace.trust.startupPrompt"] = "never"
    shutil.rmtree(shots, ignore_errors=True)
    server = vs.start_code_server(tools, root, workspace, settings, workspace_trust=not trusted, path_first=python_dir)
    try:
        steps = scenario(server, tools, workspace, shots)
        if not trusted:
            steps["quickFix"] = None
        report = vs.run_driver(tools, steps)
        report["server_processes"] = _processes_running(" ".join(CONFIGURED_SERVER or [BUNDLED_LAUNCHER]))
        report["logs"] = server.logs_text()
        report["channel"] = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in server.channel_logs())
        report["screenshot_dir"] = str(shots)
        return report
    finally:
        vs.stop_code_server(server)


def _broken_run(report: dict) -> str | None:
    """Why a run says nothing about the product (the workbench or the driver failed), else None."""
    if not report.get("editorOpened"):
        return "the editor did not open"
    crashed = [e for e in report.get("errors", []) if e.startswith("driver:")]
    return crashed[0].splitlines()[0] if crashed else None


def open_model_in_vscode(tools: vs.Toolchain, base: Path, python_dir: Path, *, trusted: bool = True) -> dict:
    """Start code-server, open model.py in Chromium, report what the UI showed, stop code-server.

    ``trusted=False`` keeps Workspace Trust on without trusting the folder (Restricted Mode).
    A run that broke before reaching the product is retried once with a fresh code-server.
    """
    label = "trusted" if trusted else "restricted"
    report: dict = {}
    for attempt in range(1, ATTEMPTS + 1):
        shots = SCREENSHOTS / f"{label}-attempt{attempt}"
        try:
            report = _open_once(tools, base / f"attempt{attempt}", python_dir, trusted=trusted, shots=shots)
        except (RuntimeError, subprocess.TimeoutExpired) as error:  # code-server or the driver died
            if attempt == ATTEMPTS:
                raise
            print(f"\nVS Code e2e ({label}) attempt {attempt} failed: {error}; retrying")
            continue
        reason = _broken_run(report)
        if reason is None or attempt == ATTEMPTS:
            break
        print(f"\nVS Code e2e ({label}) attempt {attempt} broke ({reason}); retrying; screenshots: {shots}")
    report["attempts"] = attempt
    return report


@pytest.fixture(scope="module")
def vscode_ui(vscode_toolchain: vs.Toolchain, bare_python_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Open model.py in code-server once; the tests below check different parts of what the UI showed."""
    report = open_model_in_vscode(vscode_toolchain, tmp_path_factory.mktemp("vscode-e2e"), bare_python_dir)
    print(f"\nVS Code e2e timings (ms): {json.dumps(report['timings'])}")
    return report


@pytest.fixture(scope="module")
def vscode_ui_restricted(vscode_toolchain: vs.Toolchain, bare_python_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same file in an untrusted folder (Restricted Mode)."""
    report = open_model_in_vscode(
        vscode_toolchain, tmp_path_factory.mktemp("vscode-e2e-restricted"), bare_python_dir, trusted=False
    )
    print(f"\nVS Code e2e (restricted) timings (ms): {json.dumps(report['timings'])}")
    return report


def _processes_running(wanted: str) -> list[str]:
    """Processes whose command line contains ``wanted`` (ps is read while code-server still runs)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True, check=False).stdout
    return [line.strip() for line in out.splitlines() if wanted in line]


def _explain(report: dict) -> str:
    shown = {key: value for key, value in report.items() if key not in ("logs", "driver_log", "channel")}
    return (
        f"\nscreenshots: {report.get('screenshot_dir')}\nUI report: {json.dumps(shown, indent=2)}"
        f"\n--- driver\n{report.get('driver_log', '')}\n{report.get('logs', '')}"
    )


def test_extension_starts_the_keraslens_server(vscode_ui: dict, bare_python_dir: Path) -> None:
    assert vscode_ui["editorOpened"], _explain(vscode_ui)
    assert vscode_ui["server_processes"], "the extension did not start the keraslens server" + _explain(vscode_ui)
    assert not [e for e in vscode_ui["errors"] if e.startswith("driver:")], _explain(vscode_ui)
    if CONFIGURED_SERVER is None:  # the bundled server, on the bare venv's python3: the output channel says so
        started = re.search(r"keraslens \S+ \(bundled with the extension: .*\) on Python \S+ \((.*)\)", vscode_ui["channel"])
        assert started, "the output channel does not say the bundled server runs" + _explain(vscode_ui)
        assert started.group(1).startswith(str(bare_python_dir)), started.group(0)


def test_problems_panel_lists_keraslens_kl101(vscode_ui: dict) -> None:
    rows = vscode_ui["problems"]
    matching = [row for row in rows if "KL101" in row and "keraslens" in row]
    assert matching, "no keraslens KL101 row in the Problems panel" + _explain(vscode_ui)
    assert vscode_ui["squiggles"]["error"] >= 1, "KL101 is an error: expected a red squiggle" + _explain(vscode_ui)


def test_hover_on_layer_class_shows_parameter_table(vscode_ui: dict) -> None:
    hover = vscode_ui["hover"] or ""
    assert re.search(r"[Pp]aram", hover), "hover over `class Linear` shows no parameter table" + _explain(vscode_ui)
    assert "55" in hover, "hover does not show the 55 parameters of Linear(5) on 10 inputs" + _explain(vscode_ui)


def test_correct_layer_gets_no_finding(vscode_ui: dict) -> None:
    lines = [int(m.group(1)) for row in vscode_ui["problems"] if (m := re.search(r"\[Ln (\d+), Col \d+\]", row))]
    assert lines, _explain(vscode_ui)
    assert not [line for line in lines if line in LINEAR_LINES], "a finding on the correct Linear layer" + _explain(vscode_ui)


def test_quick_fix_from_the_problems_panel_repairs_kl106(vscode_ui: dict) -> None:
    fixes = vscode_ui.get("quickFixes") or []
    assert any("super().__init__" in fix for fix in fixes), "no super().__init__ fix in the Quick Fix menu" + _explain(
        vscode_ui
    )
    after = vscode_ui.get("problemsAfterFix") or []
    assert not [row for row in after if "KL106" in row], "KL106 still listed after applying the fix" + _explain(vscode_ui)
    assert any(re.search(r"super\(\)\.__init__\(\*\*kwargs\)", line) for line in vscode_ui.get("editorLines", [])), (
        "the fixed code is not in the editor" + _explain(vscode_ui)
    )
    assert [row for row in after if "KL101" in row], "fixing KL106 must leave the KL101 finding alone" + _explain(vscode_ui)


def test_restricted_mode_still_shows_diagnostics(vscode_ui_restricted: dict) -> None:
    """Untrusted folder: the extension runs in its limited mode (static analysis, no probe)."""
    report = vscode_ui_restricted
    assert report["restrictedMode"], "the folder did not open in Restricted Mode" + _explain(report)
    assert [row for row in report["problems"] if "KL101" in row and "keraslens" in row], (
        "no keraslens KL101 row in Restricted Mode" + _explain(report)
    )
