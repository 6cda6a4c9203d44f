"""The server the VS Code extension ships: bundled/libs built as `npm run package` builds it, run by a
Python that has no keraslens (nor pygls, nor jedi) installed, through the extension's launcher.

Needs node and uv (the bundle script); without them the tests skip, except in CI (``CI`` set).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from needed import unavailable
from lsprotocol import types as lsp
from pytest_lsp import client_capabilities, make_test_lsp_client

from .lsp_support import EXAMPLES, FIXME, ROOT, accept_server_requests, client_position, codes, diagnostics, encoding, open_doc, start

CLIENT = ROOT / "vscode-client"

pytestmark = pytest.mark.timeout(600)


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        unavailable(f"{tool} is not on PATH")
    return found


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private bundled/ (tool/launch.py + libs/), laid out as in the .vsix; returns libs/."""
    need("uv")
    bundled = tmp_path_factory.mktemp("extension") / "bundled"
    libs = bundled / "libs"
    done = subprocess.run([need("node"), "scripts/bundle-python.mjs", str(libs)], cwd=CLIENT, capture_output=True, text=True, timeout=500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (bundled / "tool").mkdir()
    shutil.copy2(CLIENT / "bundled" / "tool" / "launch.py", bundled / "tool" / "launch.py")
    return libs


def launcher(libs: Path) -> Path:
    return libs.parent / "tool" / "launch.py"


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with nothing installed."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    for module in ("keraslens", "pygls", "jedi"):
        missing = subprocess.run([python, "-c", f"import {module}"], capture_output=True, timeout=60)
        assert missing.returncode != 0, f"the bare venv must not see {module}"
    return python


def test_bundle_is_pure_python_and_carries_the_metadata(bundle: Path) -> None:
    assert [p.name for p in bundle.rglob("*") if p.suffix in (".so", ".pyd", ".dylib")] == []
    names = {p.name.split("-")[0].lower() for p in bundle.glob("*.dist-info")}
    assert {"keraslens", "pygls", "lsprotocol", "jedi", "parso", "pathspec", "cattrs", "attrs"} <= names
    metadata = next(bundle.glob("keraslens-*.dist-info")).joinpath("METADATA").read_text(encoding="utf-8")
    assert "Project-URL: Repository, https://github.com/keraslens/keraslens" in metadata


async def test_bundled_server_diagnoses_and_counts_without_an_install(bundle: Path, bare_python: Path, tmp_path: Path) -> None:
    """What the extension starts (`<python> bundled/tool/launch.py`) answers like the installed server."""
    client = make_test_lsp_client()
    await client.start_io(str(bare_python), str(launcher(bundle)), cwd=str(tmp_path))
    try:
        info = await start(client, "visual-studio-code", EXAMPLES)
        broken = EXAMPLES / "seed1_linear" / "broken_tensors.py"
        open_doc(client, broken.as_uri(), broken.read_text(encoding="utf-8"))
        assert "KL101" in codes(await diagnostics(client, broken.as_uri(), lambda items: bool(items), timeout=60))

        fixed = EXAMPLES / "seed1_linear" / "fixed.py"
        text = fixed.read_text(encoding="utf-8")
        open_doc(client, fixed.as_uri(), text)
        line = text.splitlines().index("class CorrectLinear(tf.keras.layers.Layer):")
        hover = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=fixed.as_uri()),
            position=client_position(text, line, len("class Correct"), encoding(info))))
        assert hover is not None and "55 params (static, exact)" in hover.contents.value  # units=5 on 10 features
    finally:
        await client.shutdown_session()


async def test_one_bundled_server_applies_each_folders_settings(bundle: Path, bare_python: Path, tmp_path: Path) -> None:
    """Multi-root: the extension starts one server; VS Code answers workspace/configuration per folder (scopeUri)."""
    folders = {name: tmp_path / name for name in ("quiet", "strict")}
    for folder in folders.values():
        folder.mkdir()
        (folder / "layers.py").write_text(FIXME, encoding="utf-8")  # KL106 (NoSuper) and KL101 (RawTensor)
    client = make_test_lsp_client()
    client.set_configuration({"ignore": ["KL101"]}, section="keraslens", scope_uri=folders["quiet"].as_uri())
    await client.start_io(str(bare_python), str(launcher(bundle)), cwd=str(tmp_path))
    try:
        accept_server_requests(client)
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=f.as_uri(), name=name) for name, f in folders.items()],
        ))
        found = {}
        for name, folder in folders.items():
            uri = (folder / "layers.py").as_uri()
            open_doc(client, uri, FIXME)
            wanted = {"KL106"} if name == "quiet" else {"KL106", "KL101"}
            found[name] = set(codes(await diagnostics(client, uri, lambda items, w=wanted: set(codes(items)) == w, timeout=60)))
        assert found == {"quiet": {"KL106"}, "strict": {"KL106", "KL101"}}
    finally:
        await client.shutdown_session()


def _launcher():
    spec = importlib.util.spec_from_file_location("keraslens_launch", CLIENT / "bundled" / "tool" / "launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_launcher_prefers_the_environment_copy_only_when_newer() -> None:
    launch = _launcher()
    assert launch.release("0.10.2rc1") == (0, 10, 2)
    assert launch.use_environment(None, "0.1.0") is False
    assert launch.use_environment("0.1.0", "0.1.0") is False
    assert launch.use_environment("0.0.9", "0.1.0") is False
    assert launch.use_environment("0.10.0", "0.9.0") is True  # numeric, not string, order
    assert launch.use_environment("0.1.0", None) is True


def test_launcher_says_the_bundled_copy_runs(bundle: Path, bare_python: Path) -> None:
    done = subprocess.run([str(bare_python), str(launcher(bundle)), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"(bundled with the extension: {bundle / 'keraslens'})" in done.stderr
    assert f"({bare_python})" in done.stderr
    assert "usage: keraslens serve" in done.stdout


def test_launcher_starts_a_newer_keraslens_from_the_environment(bundle: Path, bare_python: Path, tmp_path: Path) -> None:
    """A keraslens 99.0 importable by the interpreter wins over the bundled one; the output says so."""
    package = tmp_path / "site" / "keraslens"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "99.0"\n', encoding="utf-8")
    (package / "cli.py").write_text("def main(argv):\n    print('environment copy', argv)\n    return 0\n", encoding="utf-8")
    (package.parent / "keraslens-99.0.dist-info").mkdir()
    (package.parent / "keraslens-99.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: keraslens\nVersion: 99.0\n", encoding="utf-8")
    done = subprocess.run(
        [str(bare_python), str(launcher(bundle)), "--stdio"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(package.parent)),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "environment copy ['serve', '--stdio']"
    assert "keraslens 99.0 (the interpreter's environment" in done.stderr

