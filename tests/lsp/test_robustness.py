"""Odd input, errors, cancellation and shutdown: the server keeps working and never pops up errors."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from .lsp_support import FIXME, ROOT, SERVER, codes, diagnostics, open_doc, replace_all, start

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]

WEIRD = [
    "",
    "\n\n\n",
    "\x00\x00 class A(layers.Layer): \x00",
    "s = '\udcff lone surrogate'\nclass A(layers.Layer):\n    pass\n",
    "\ufeffimport tensorflow as tf\r\nclass A(tf.keras.layers.Layer):\r\n    def __init__(self):\r\n        self.w = tf.zeros(3)\r\n",
    "import tensorflow as tf\rclass A(tf.keras.layers.Layer):\r    def __init__(self):\r        pass\r",
    "x = 1\x0c\nclass A:\u2028    pass\n",
    "x = '" + "é😋" * 20_000 + "'\n",
    "def f(:\n" * 2_000,
    "(" * 5_000 + "\n",
    "class A(layers.Layer):\n\tdef __init__(self):\n        \tpass\n",
]


@pytest_lsp.fixture(scope="module", params=["visual-studio-code", "neovim"], config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    await start(lsp_client, request.param, root)
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    assert lsp_client.messages == []  # no window/showMessage popup, whatever happened
    await lsp_client.shutdown_session()


async def alive(client: LanguageClient, uri: str) -> None:
    """The server still answers requests about ``uri``."""
    await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=0)))


@pytest.mark.parametrize("index", range(len(WEIRD)))
async def test_weird_text_never_crashes(client: LanguageClient, index: int):
    uri = (client.root / f"weird{index}.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, WEIRD[index])
    await diagnostics(client, uri, lambda items: True)
    for line in range(0, 3):
        for character in (0, 3, 10_000):
            await client.text_document_hover_async(lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=line, character=character)))
    await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=99, character=0)),
        context=lsp.CodeActionContext(diagnostics=[])))


async def test_half_typed_code_never_crashes_and_settles(client: LanguageClient):
    uri = (client.root / "typing.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, "")
    version = 1
    for end in range(0, len(FIXME) + 1, 9):
        version += 1
        replace_all(client, uri, FIXME[:end], version)
        if version % 10 == 0:
            await alive(client, uri)
    replace_all(client, uri, FIXME, version + 1)
    items = await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))
    assert "KL900" not in codes(items)


def _bench_file(classes: int, lines: int) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from lsp_latency import generate
    finally:
        sys.path.pop(0)
    return generate(classes=classes, lines=lines)


async def test_huge_file(client: LanguageClient):
    text = _bench_file(classes=400, lines=20_000)
    uri = (client.root / "huge.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, text)
    items = await diagnostics(client, uri, lambda items: len(items) >= 100, timeout=30)
    assert "KL101" in codes(items)


async def test_internal_errors_are_logged_not_shown(client: LanguageClient):
    # a change to a document that was never opened makes pygls' own handler raise
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri="file:///never/opened.py", version=3),
        content_changes=[lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=5, character=0), end=lsp.Position(line=9, character=0)), text="x")]))
    uri = (client.root / "after_error.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    assert client.messages == []


async def test_cancelled_requests_are_honoured(client: LanguageClient):
    text = _bench_file(classes=100, lines=5_000)
    cancelled = 0
    for attempt in range(5):
        uri = (client.root / f"cancel{attempt}.py").as_uri()  # type: ignore[attr-defined]
        open_doc(client, uri, f"# attempt {attempt}\n" + text)  # a fresh analysis (~0.1 s) is pending
        msg_id = f"hover-to-cancel-{attempt}-{id(client)}"
        task = asyncio.ensure_future(client.protocol.send_request_async(lsp.TEXT_DOCUMENT_HOVER, lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=7, character=8)), msg_id=msg_id))
        await asyncio.sleep(0)  # let the task send the request first
        client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=msg_id))
        try:
            await task
        except JsonRpcRequestCancelled:
            cancelled += 1
    assert cancelled >= 3  # each hover was waiting for its analysis when the cancel arrived
    uri = (client.root / "after_cancel.py").as_uri()  # type: ignore[attr-defined]
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL106" in codes(items))


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(data: bytes) -> list[dict]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


async def test_clean_shutdown_right_after_an_edit(tmp_path):
    """shutdown + exit while analysis and debounce timers are pending: exit code 0, nothing written after."""
    uri = (tmp_path / "m.py").as_uri()
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": FIXME * 50}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": FIXME * 60}]}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    process = await asyncio.to_thread(
        subprocess.run, SERVER.server_command, input=b"".join(_frame(m) for m in messages), capture_output=True, timeout=30,
    )
    assert process.returncode == 0, process.stderr.decode(errors="replace")
    received = _messages(process.stdout)
    last_response = max(i for i, m in enumerate(received) if m.get("id") == 2)
    assert received[last_response].get("result", "missing") is None
    assert all("method" not in m or m["method"] != "textDocument/publishDiagnostics" for m in received[last_response + 1:])
    assert b"Traceback" not in process.stderr
