"""The probe from the editor: a code lens above each model runs real Keras in the sandboxed worker."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import CLIENTS, EXAMPLES, SERVER, open_doc, start

pytestmark = [
    pytest.mark.tf,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(300),
]


@pytest_lsp.fixture(scope="module", params=CLIENTS[:1], config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("probe")
    await start(lsp_client, request.param, root, {"probe": {"enabled": True}})
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_probe_lens_runs_real_keras(client: LanguageClient):
    path = client.root / "linear.py"  # type: ignore[attr-defined]
    path.write_text((EXAMPLES / "seed1_linear" / "fixed.py").read_text())
    open_doc(client, path.as_uri(), path.read_text())
    lenses = []
    for _ in range(50):  # counts arrive off the main loop
        lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=path.as_uri())))
        if any(lens.command and lens.command.command == "keraslens.probe" for lens in lenses or []):
            break
    probe = next(lens.command for lens in lenses if lens.command and lens.command.command == "keraslens.probe")
    assert list(probe.arguments) == [path.as_uri(), "model"]
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command=probe.command, arguments=probe.arguments))
    assert result["source"] == "probe" and result["status"] == "exact" and result["total"] == 55
    assert any("55 params (exact, real Keras)" in message.message for message in client.messages)
