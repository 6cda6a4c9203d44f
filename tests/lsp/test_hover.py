"""Hover, inlay hints and code lens over the seed examples (examples/expected.json), per client."""

from __future__ import annotations

import json
import re

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_support import (
    CLIENTS,
    EXAMPLES,
    ROOT,
    SERVER,
    accept_server_requests,
    client_position,
    encoding,
    open_doc,
    start,
)

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]
INFO: dict[int, lsp.InitializeResult] = {}
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())


def count_targets():
    """(file, target, total) for every count the static analysis is expected to get right."""
    for entry in EXPECTED["files"]:
        for count in entry["counts"]:
            if count.get("static", True) and "kwargs" not in count:
                yield entry["path"], count["target"], count["total"]


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient):
    INFO[id(lsp_client)] = await start(lsp_client, request.param, EXAMPLES)
    yield
    await lsp_client.shutdown_session()


async def hover_at(client: LanguageClient, uri: str, text: str, line: int, col: int) -> str | None:
    result = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=client_position(text, line, col, encoding(INFO[id(client)]))))
    return result.contents.value if result else None


def last_assignment(text: str, target: str) -> tuple[int, int]:
    """Line and column of the right-hand side of the last ``target = ...`` at module level."""
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        match = re.match(rf"{re.escape(target)}\s*=\s*", lines[index])
        if match:
            return index, match.end()
    raise AssertionError(f"no assignment to {target}")


def seed_cases():
    for path, target, total in count_targets():
        yield pytest.param(path, target, total, id=f"{path.split('/', 1)[1]}:{target}")


@pytest.mark.parametrize(("path", "target", "total"), list(seed_cases()))
async def test_hover_counts_on_seed_examples(client: LanguageClient, path: str, target: str, total: int):
    text = (ROOT / path).read_text()
    uri = (ROOT / path).as_uri()
    open_doc(client, uri, text)
    line, col = last_assignment(text, target)
    value = await hover_at(client, uri, text, line, col)
    assert value is not None
    assert f"{total:,} params (static, exact)" in value


async def test_hover_on_layer_class_shows_weights_formula_and_instances(client: LanguageClient):
    path = EXAMPLES / "seed1_linear" / "fixed.py"
    text = path.read_text()
    open_doc(client, path.as_uri(), text)
    line = text.splitlines().index("class CorrectLinear(tf.keras.layers.Layer):")
    value = await hover_at(client, path.as_uri(), text, line, len("class Correct"))
    assert value is not None
    assert "in*units + units" in value
    assert "(units,)" in value and "trainable" in value
    assert "55 params (static, exact)" in value  # the instance created with units=5 on 10 features


async def test_hover_on_summary_call_and_model_variable(client: LanguageClient):
    path = EXAMPLES / "seed0_shared_attention" / "fixed.py"
    text = path.read_text()
    open_doc(client, path.as_uri(), text)
    line = next(i for i, t in enumerate(text.splitlines()) if t.strip() == "model.summary()")
    value = await hover_at(client, path.as_uri(), text, line, text.splitlines()[line].index("model") + 1)
    assert value is not None and "3,466 params (static, exact)" in value
    assert "attention_layer1" in value and "Dense" in value


async def test_hover_on_rule_code_shows_rule_docs(client: LanguageClient):
    uri = (EXAMPLES / "scratch_rule_code.py").as_uri()
    text = "import tensorflow as tf\nx = 1  # keraslens: ignore[KL102]\n"
    open_doc(client, uri, text)
    value = await hover_at(client, uri, text, 1, text.splitlines()[1].index("KL102") + 2)
    assert value is not None and "untracked-tf-variable" in value and "Why is this bad?" in value


@pytest.mark.parametrize("switch", ["inlayHints", "codeLens"])
async def test_inlay_hints_and_lenses_show_counts_and_can_be_switched_off(client: LanguageClient, switch: str):
    path = EXAMPLES / "seed1_linear" / "fixed.py"
    text = path.read_text()
    uri = path.as_uri()
    open_doc(client, uri, text)
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(text.splitlines()), character=0))

    async def labels() -> list[str]:
        if switch == "inlayHints":
            hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole))
            return [h.label for h in hints or []]
        lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        return [lens.command.title for lens in lenses or []]

    for _ in range(50):  # counting may still run: a real client waits for the refresh
        shown = await labels()
        if shown:
            break
    assert any("55 params" in label for label in shown) or any("in*units + units" in label for label in shown)
    client.set_configuration({switch: False}, section="keraslens")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    try:
        for _ in range(100):
            if not await labels():
                break
        assert await labels() == []
    finally:
        client.set_configuration({}, section="keraslens")
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))


@pytest_lsp.fixture(scope="module", config=SERVER)
async def plain_client(lsp_client: LanguageClient):
    accept_server_requests(lsp_client)
    caps = client_capabilities("neovim")
    caps.text_document.hover.content_format = [lsp.MarkupKind.PlainText]
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=caps, root_uri=EXAMPLES.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def test_plain_text_hover_for_clients_that_prefer_it(plain_client: LanguageClient):
    path = EXAMPLES / "seed0_shared_attention" / "fixed.py"
    text = path.read_text()
    open_doc(plain_client, path.as_uri(), text)
    line, col = last_assignment(text, "model")
    result = await plain_client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), position=client_position(text, line, col, "utf-8")))
    assert result.contents.kind == lsp.MarkupKind.PlainText
    value = result.contents.value
    assert "3,466 params (static, exact)" in value
    assert "**" not in value and "|" not in value and "###" not in value
