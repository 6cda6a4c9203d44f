"""Settings: initializationOptions, workspace/configuration, pyproject.toml, and bad values."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import CLIENTS, FIXME, SERVER, codes, diagnostics, eventually, open_doc, start

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("settings")
    # initializationOptions in the shape VS Code sends them; KL301 is off for the whole session
    await start(lsp_client, request.param, root, options={"ignore": ["KL301"], "kerasVersion": "auto"})
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


SHARED = FIXME + '''

inputs = tf.keras.Input(shape=(4,))
shared = layers.Dense(4)
outputs = shared(shared(inputs))
'''


def configure(client: LanguageClient, values: dict) -> None:
    client.set_configuration(values, section="keraslens")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))


async def test_initialization_options_apply(client: LanguageClient):
    uri = (client.root / "init.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, SHARED)
    items = await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    assert "KL301" not in codes(items)


async def test_configuration_change_takes_effect(client: LanguageClient):
    uri = (client.root / "conf.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))
    configure(client, {"ignore": ["KL106"]})
    try:
        items = await diagnostics(client, uri, lambda items: "KL106" not in codes(items))
        assert "KL101" in codes(items)
        configure(client, {"select": ["KL106"]})
        assert codes(await diagnostics(client, uri, lambda items: codes(items) == ["KL106"])) == ["KL106"]
    finally:
        configure(client, {})
    await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))


async def test_pyproject_change_takes_effect(client: LanguageClient):
    project = client.root / "project"  # type: ignore[attr-defined]
    project.mkdir()
    uri = (project / "model.py").as_uri()
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.keraslens]\nignore = ["KL101"]\n')
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=pyproject.as_uri(), type=lsp.FileChangeType.Created)]))
    items = await diagnostics(client, uri, lambda items: "KL101" not in codes(items))
    assert "KL106" in codes(items)


async def test_invalid_settings_fall_back_with_one_log_line_and_no_popup(client: LanguageClient):
    uri = (client.root / "bad.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    configure(client, {"select": "everything", "inlayHints": "yes please", "noSuchKey": 1})
    try:
        items = await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))
        assert items  # defaults still apply

        def problems() -> list[str]:
            return [m.message for m in client.log_messages if m.message.startswith("keraslens settings:")]

        await eventually(lambda: any("noSuchKey" in p for p in problems()))
        configure(client, {"select": "everything", "inlayHints": "yes please", "noSuchKey": 1})  # again: no new lines
        await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))
        hover = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=0)))
        assert hover is None  # a round trip: the second configuration has been handled by now
        problems = problems()
        assert len([p for p in problems if "noSuchKey" in p]) == 1
        assert any("select" in p for p in problems) and any("inlay_hints" in p for p in problems)
        assert client.messages == []
    finally:
        configure(client, {})
