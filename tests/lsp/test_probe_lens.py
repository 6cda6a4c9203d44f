"""The probe from the editor: only the user enables it; lenses and hover links run real Keras in the
sandboxed worker, the server keeps answering meanwhile, and the hover shows the exact figure."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import CLIENTS, EXAMPLES, SERVER, open_doc, replace_all, start

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(600),
]
# the static count stops at UNITS (an environment lookup); real Keras: Scaled(3) on 4 inputs has a
# (4, 3) kernel = 12, Dense(2) on 3 inputs 3*2 + 2 = 8: the model holds 20
UNKNOWN_UNITS = '''import os

import keras


class Scaled(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w


UNITS = len(os.environ.get("KERASLENS_TEST_UNITS", "abc"))
inputs = keras.Input(shape=(4,))
hidden = Scaled(UNITS)(inputs)
outputs = keras.layers.Dense(DENSE)(hidden)
model = keras.Model(inputs, outputs)
'''


async def lenses_once_counted(client: LanguageClient, uri: str) -> list[lsp.CodeLens]:
    """The lenses after counting finished (the class's static count lens is there)."""
    for _ in range(100):  # counts arrive off the main loop
        lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        if any(lens.command and lens.command.command == "" for lens in lenses or []):
            return lenses
        await asyncio.sleep(0.1)
    raise AssertionError("no count lens arrived")


def probe_lenses(lenses: list[lsp.CodeLens]) -> dict[int, list]:
    return {lens.range.start.line: list(lens.command.arguments) for lens in lenses if lens.command.command == "keraslens.probe"}


async def hover_text(client: LanguageClient, uri: str, line: int, character: int) -> str:
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, character)))
    return hover.contents.value if hover else ""


def sandbox_processes(root: Path) -> list[int]:
    """Processes whose command line names the workspace (the sandbox binds it read-only)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(root).encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


@pytest_lsp.fixture(scope="module", params=CLIENTS[:1], config=SERVER)
async def repository_enables(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-repository")
    (root / "pyproject.toml").write_text('[tool.keraslens]\nprobe = true\ntrusted = true\n')
    await start(lsp_client, request.param, root)
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_a_repository_that_sets_probe_gets_no_probe(repository_enables: LanguageClient):
    client = repository_enables
    path = client.root / "linear.py"  # type: ignore[attr-defined]
    path.write_text((EXAMPLES / "seed1_linear" / "fixed.py").read_text())
    open_doc(client, path.as_uri(), path.read_text())
    assert probe_lenses(await lenses_once_counted(client, path.as_uri())) == {}
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="keraslens.probe", arguments=[path.as_uri(), "model"]))
    assert result is None
    logs = [message.message for message in client.log_messages]
    assert any("'probe' is ignored in a project file" in line for line in logs)
    assert any("the probe is off" in line for line in logs)
    assert sandbox_processes(client.root) == []  # type: ignore[attr-defined]


@pytest_lsp.fixture(scope="module", params=CLIENTS[:1], config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory, bubblewrap):
    root = tmp_path_factory.mktemp("probe")
    await start(lsp_client, request.param, root, {"probe": {"enabled": True}})
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
    deadline = time.monotonic() + 10
    while sandbox_processes(root) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert sandbox_processes(root) == [], "the sandbox outlived the server"


@pytest.mark.tf
async def test_probe_runs_real_keras_from_a_lens_while_the_server_keeps_answering(client: LanguageClient):
    path = client.root / "scaled.py"  # type: ignore[attr-defined]
    text = UNKNOWN_UNITS.replace("DENSE", "2")
    path.write_text(text)
    uri = path.as_uri()
    open_doc(client, uri, text)
    lines = text.splitlines()
    model_line = next(i for i, line in enumerate(lines) if line.startswith("model ="))
    class_line = next(i for i, line in enumerate(lines) if line.startswith("class Scaled"))
    assert probe_lenses(await lenses_once_counted(client, uri)) == {model_line: [uri, "model"], class_line: [uri, "model", "Scaled"]}
    assert "command:keraslens.probe?" in await hover_text(client, uri, model_line, 1)  # unknown statically: a link runs it
    assert any("the probe is enabled (from initializationOptions)" in m.message for m in client.log_messages)

    running = asyncio.ensure_future(client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="keraslens.probe", arguments=[uri, "model", "Scaled"])))
    slowest, hovers = 0.0, 0
    while not running.done():  # TensorFlow starts in the worker: seconds in which the server must stay responsive
        started = time.monotonic()
        assert await hover_text(client, uri, class_line, 7)
        slowest, hovers = max(slowest, time.monotonic() - started), hovers + 1
        await asyncio.sleep(0.2)
    result = running.result()
    assert result["status"] == "exact" and result["total"] == 20, result
    assert "12 params per Scaled in model (exact, real Keras)" in result["message"]
    assert hovers >= 3 and slowest < 1.0, (hovers, slowest)
    assert any(report.kind == "begin" for reports in client.progress_reports.values() for report in reports)

    assert "exact (probe): 20 params" in await hover_text(client, uri, model_line, 1)
    assert "exact (probe): 12 params per instance" in await hover_text(client, uri, class_line, 7)
    edited = UNKNOWN_UNITS.replace("DENSE", "5")  # an edit to the slice: the probe's figure no longer applies
    replace_all(client, uri, edited, 2)
    await asyncio.sleep(1.0)
    after_edit = await hover_text(client, uri, model_line, 1)
    assert "exact (probe)" not in after_edit and "command:keraslens.probe?" in after_edit


@pytest.mark.tf
async def test_the_seed_model_lens_counts_it_exactly(client: LanguageClient):
    path = client.root / "linear.py"  # type: ignore[attr-defined]
    path.write_text((EXAMPLES / "seed1_linear" / "fixed.py").read_text())
    open_doc(client, path.as_uri(), path.read_text())
    lenses = probe_lenses(await lenses_once_counted(client, path.as_uri()))
    assert [path.as_uri(), "model"] in lenses.values()
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="keraslens.probe", arguments=[path.as_uri(), "model"]))
    assert result["source"] == "probe" and result["status"] == "exact" and result["total"] == 55
    assert any("55 params (exact, real Keras)" in message.message for message in client.messages)
