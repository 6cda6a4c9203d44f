"""The VS Code extension without VS Code: its TypeScript unit tests, and the server it bundles.

``npm test`` in vscode-client/ runs the unit tests of the extension's own logic (interpreter choice,
settings translation, restart, workspace trust). The bundle tests build ``bundled/libs`` the way
``npm run package`` does and start the bundled server with a Python that has no keraslens installed.
Both need node/npm and uv; without them they skip, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "vscode-client"
LIBS = CLIENT / "bundled" / "libs"
LAUNCHER = CLIENT / "bundled" / "tool" / "launch.py"
NPM_CACHE = ROOT / ".cache" / "npm"

pytestmark = pytest.mark.timeout(600)

MODEL_PY = textwrap.dedent(
    """\
    import keras
    import tensorflow as tf


    class Linear(keras.layers.Layer):
        def __init__(self, units=5, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))
            self.b = self.add_weight(shape=(self.units,))

        def call(self, x):
            return tf.matmul(x, self.w) + self.b


    class RandomLinear(keras.layers.Layer):
        def call(self, x):
            self.w = tf.random.normal((x.shape[-1], 5))
            return tf.matmul(x, self.w)


    inputs = keras.Input(shape=(10,))
    outputs = Linear(5)(inputs)
    """
)


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(message)
    return found


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, npm_config_cache=str(NPM_CACHE), npm_config_update_notifier="false")
    return subprocess.run(command, capture_output=True, text=True, env=env, **kwargs)


@pytest.fixture(scope="module")
def node_modules() -> None:
    """``npm ci`` when vscode-client/node_modules is missing or older than the lock file."""
    npm = need("npm")
    installed = CLIENT / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (CLIENT / "package-lock.json").stat().st_mtime:
        done = run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, timeout=500)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_extension_unit_tests_pass(node_modules: None) -> None:
    done = run([need("npm"), "test"], cwd=CLIENT, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    passed = re.search(r"^# pass (\d+)$", output, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 15, output[-3000:]
    assert re.search(r"^# fail 0$", output, re.MULTILINE), output[-3000:]


@pytest.fixture(scope="module")
def bundle() -> Path:
    """bundled/libs, built as `npm run package` builds it (locked wheels + this checkout)."""
    need("uv")
    done = run([need("node"), "scripts/bundle-python.mjs"], cwd=CLIENT, timeout=500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return LIBS


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with nothing installed: keraslens, pygls and jedi are not importable there."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    missing = subprocess.run([python, "-c", "import keraslens"], capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0, "the bare venv must not see the project's keraslens"
    return python


def test_bundle_is_pure_python_and_carries_the_metadata(bundle: Path) -> None:
    native = [p.name for p in bundle.rglob("*") if p.suffix in (".so", ".pyd", ".dylib")]
    assert native == []
    names = {p.name.split("-")[0].lower() for p in bundle.glob("*.dist-info")}
    assert {"keraslens", "pygls", "lsprotocol", "jedi", "parso", "pathspec", "cattrs", "attrs"} <= names
    metadata = next(bundle.glob("keraslens-*.dist-info")).joinpath("METADATA").read_text(encoding="utf-8")
    assert "Project-URL: Repository, https://github.com/keraslens/keraslens" in metadata


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read(stream) -> dict:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    if not length:
        raise EOFError("the server closed its output")
    return json.loads(stream.read(length))


def _until(server: subprocess.Popen, wanted, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = _read(server.stdout)
        if message.get("method") == "workspace/configuration":  # answer as an editor with no settings would
            server.stdin.write(_frame({"jsonrpc": "2.0", "id": message["id"], "result": [None] * len(message["params"]["items"])}))
            server.stdin.flush()
        elif wanted(message):
            return message
    raise AssertionError("the server never sent the expected message")


def test_bundled_server_runs_on_a_python_without_keraslens(bundle: Path, bare_python: Path, tmp_path: Path) -> None:
    """What the extension starts: `<python> bundled/tool/launch.py`; diagnostics and a hover count come back."""
    model = tmp_path / "model.py"
    model.write_text(MODEL_PY, encoding="utf-8")
    server = subprocess.Popen(
        [str(bare_python), str(LAUNCHER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    try:
        send = lambda message: (server.stdin.write(_frame(message)), server.stdin.flush())  # noqa: E731
        capabilities = {"textDocument": {"hover": {"contentFormat": ["plaintext"]}, "publishDiagnostics": {}}, "workspace": {"configuration": True}}
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": capabilities, "rootUri": tmp_path.as_uri(), "workspaceFolders": [{"uri": tmp_path.as_uri(), "name": "ws"}]}})
        assert _until(server, lambda m: m.get("id") == 1)["result"]["serverInfo"]["name"] == "keraslens"
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        uri = model.as_uri()
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": MODEL_PY}}})
        published = _until(server, lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"])
        assert "KL101" in {d["code"] for d in published["params"]["diagnostics"]}
        line = MODEL_PY.splitlines().index("class Linear(keras.layers.Layer):")
        send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 8}}})
        hover = _until(server, lambda m: m.get("id") == 2)["result"]["contents"]["value"]
        assert re.search(r"\b55\b", hover), hover  # Linear(5) on 10 inputs: 10 * 5 + 5
        send({"jsonrpc": "2.0", "id": 3, "method": "shutdown", "params": None})
        _until(server, lambda m: m.get("id") == 3)
        send({"jsonrpc": "2.0", "method": "exit", "params": None})
        assert server.wait(timeout=30) == 0
        first_line = server.stderr.readline().decode()
        assert "bundled with the extension" in first_line and str(bare_python) in first_line, first_line
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _launcher():
    spec = importlib.util.spec_from_file_location("keraslens_launch", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launcher_runs_the_environment_copy_only_when_newer() -> None:
    launch = _launcher()
    assert launch.release("0.10.2rc1") == (0, 10, 2)
    assert launch.use_environment(None, "0.1.0") is False
    assert launch.use_environment("0.1.0", "0.1.0") is False
    assert launch.use_environment("0.0.9", "0.1.0") is False
    assert launch.use_environment("0.10.0", "0.9.0") is True  # numeric, not string, order
    assert launch.use_environment("0.1.0", None) is True


def test_launcher_starts_a_newer_keraslens_from_the_environment(bundle: Path, bare_python: Path, tmp_path: Path) -> None:
    """A keraslens 99.0 on the interpreter's path wins over the bundled one; the output says so."""
    site = tmp_path / "site"
    (site / "keraslens").mkdir(parents=True)
    (site / "keraslens" / "__init__.py").write_text('__version__ = "99.0"\n', encoding="utf-8")
    (site / "keraslens" / "cli.py").write_text("def main(argv):\n    print('environment copy', argv)\n    return 0\n", encoding="utf-8")
    (site / "keraslens-99.0.dist-info").mkdir()
    (site / "keraslens-99.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: keraslens\nVersion: 99.0\n", encoding="utf-8")
    done = subprocess.run(
        [str(bare_python), str(LAUNCHER), "--stdio"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(site)),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "environment copy ['serve', '--stdio']"
    assert "keraslens 99.0 (the interpreter's environment" in done.stderr
