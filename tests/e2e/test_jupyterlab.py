"""End to end in a real JupyterLab: jupyterlab-lsp starts ``keraslens serve`` from the server spec
documented in editors/jupyterlab/ and a notebook shows a keraslens diagnostic and a hover count.

Set-up (by the test, cached in ``.cache/e2e/jupyterlab``): a venv with JupyterLab, jupyterlab-lsp
and ipykernel from PyPI (kept out of the project's venv: heavy and not needed by the product);
playwright-core from npm and Debian's chromium, shared with the code-server test. Screenshots
land in ``.cache/e2e/screenshots/``. A missing tool skips outside CI and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from needed import unavailable
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

try:  # tests/e2e may or may not be a package
    from . import vscode_support as vs
except ImportError:
    import vscode_support as vs

pytestmark = [pytest.mark.editor, pytest.mark.timeout(1200)]
CACHE = vs.REPO_ROOT / ".cache" / "e2e" / "jupyterlab"
SCREENSHOTS = vs.REPO_ROOT / ".cache" / "e2e" / "screenshots"
SPEC = vs.REPO_ROOT / "editors" / "jupyterlab" / "jupyter_server_config.json"
DRIVER = Path(__file__).resolve().parent / "jupyterlab" / "drive.js"
PACKAGES = ["jupyterlab==4.6.6", "jupyterlab-lsp==5.3.0", "jupyter-lsp==2.3.1", "ipykernel"]
LAYER = '''class Gate(layers.Layer):
    def __init__(self, units):
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w'''
MODEL = "inputs = keras.Input(shape=(16,))\ngate = Gate(8)\nh = gate(inputs)\nmodel = keras.Model(inputs, layers.Dense(2)(h))"


def _unavailable(reason: str) -> None:
    message = f"JupyterLab end-to-end tooling unavailable: {reason}"
    unavailable(message)


def ensure_jupyterlab(log: Path) -> Path:
    """The venv's ``jupyter`` command, installed with uv on first use."""
    venv = CACHE / "venv"
    stamp = CACHE / ".installed"
    jupyter = venv / "bin" / "jupyter"
    if stamp.exists() and stamp.read_text() == " ".join(PACKAGES) and jupyter.exists():
        return jupyter
    uv = shutil.which("uv")
    if uv is None:
        raise vs.ToolUnavailable("uv is not on PATH")
    vs.run([uv, "venv", "-q", "--allow-existing", str(venv), "--python", sys.executable], log=log, what="uv venv (jupyterlab)")
    vs.run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), *PACKAGES], log=log, what="uv pip install jupyterlab", timeout=900)
    stamp.write_text(" ".join(PACKAGES))
    return jupyter


@pytest.fixture(scope="module")
def tools() -> dict:
    CACHE.mkdir(parents=True, exist_ok=True)
    log = CACHE / "install.log"
    try:
        with vs.install_lock(CACHE):
            jupyter = ensure_jupyterlab(log)
        with vs.install_lock(vs.cache_dir()):
            modules = vs.ensure_playwright(vs.cache_dir(), log)
            chromium = vs.ensure_chromium(log)
    except vs.ToolUnavailable as error:
        _unavailable(str(error))
        raise  # unreachable
    return {"jupyter": jupyter, "playwright": modules, "chromium": chromium}


def lab_config(home: Path) -> dict[str, str]:
    """Jupyter's config (the documented spec, with this checkout's Python), settings and notebook."""
    spec = json.loads(SPEC.read_text())
    spec["LanguageServerManager"]["language_servers"]["keraslens"]["argv"] = [sys.executable, "-m", "keraslens", "serve"]
    (home / "config").mkdir()
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(spec))
    hover = home / "settings" / "@jupyter-lsp" / "jupyterlab-lsp"
    hover.mkdir(parents=True)
    (hover / "hover.jupyterlab-settings").write_text(json.dumps({"autoActivate": True, "delay": 100}))  # no Ctrl key in a headless run
    work = home / "work"
    work.mkdir()
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "language_info": {"name": "python"}}
    notebook = new_notebook(metadata=metadata)
    notebook.cells = [new_code_cell("import keras\nfrom keras import layers"), new_markdown_cell("The gate:"), new_code_cell(LAYER), new_code_cell(MODEL)]
    nbformat.write(notebook, work / "gates.ipynb")
    return {
        **os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }


@pytest.fixture(scope="module")
def lab_ui(tools: dict, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("jupyterlab")
    env = lab_config(home)
    port = vs.free_port()
    log = open(home / "lab.log", "w")
    lab = subprocess.Popen(
        [str(tools["jupyter"]), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={home / 'work'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/lsp/status", lab)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        scenario = {
            "url": f"http://127.0.0.1:{port}/lab/tree/gates.ipynb", "chromium": str(tools["chromium"]),
            "screenshotDir": str(SCREENSHOTS), "timeoutMs": 90_000,
            "diagnostic": {"pattern": "super\\(\\)\\.__init__\\(\\)"},
            "hover": {"cell": 2, "line": "h = gate(inputs)", "token": "gate", "expect": "params"},
        }
        done = subprocess.run(["node", str(DRIVER)], input=json.dumps(scenario), capture_output=True, text=True, timeout=600,
                              env={**os.environ, "NODE_PATH": str(tools["playwright"])})
        reports = [json.loads(line)["report"] for line in done.stdout.splitlines() if line.startswith('{"report"')]
        assert reports, f"driver failed (rc={done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}\nlab log: {home / 'lab.log'}"
        return reports[0]
    finally:
        lab.terminate()
        try:
            lab.wait(20)
        except subprocess.TimeoutExpired:
            lab.kill()
        log.close()


def _wait_http(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jupyter lab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"jupyter lab did not answer {url} within {timeout:.0f} s")


def test_notebook_shows_a_keraslens_diagnostic(lab_ui: dict) -> None:
    assert any("`Gate.__init__` never calls `super().__init__()`" in text for text in lab_ui["diagnostics"]), lab_ui


def test_hover_in_a_later_cell_shows_the_count_and_the_summary(lab_ui: dict) -> None:
    hover = lab_ui["hover"] or ""
    assert "gate: Gate, 128 params (static, exact)" in hover, lab_ui  # Gate(8) on 16 features: a (16, 8) kernel
    assert "Total params: 146 (584.00 B)" in hover  # + Dense(2) on 8 features: 18
    assert all(Path(shot).is_file() for shot in lab_ui["screenshots"])
