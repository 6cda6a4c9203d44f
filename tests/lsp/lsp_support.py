"""Shared helpers for the language-server tests: a real server over stdio, real client capability sets."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "keraslens", "serve", "--stdio"])
CLIENTS = ["visual-studio-code", "neovim", "emacs"]
WAIT_S = 10.0

FIXME = '''import tensorflow as tf
from tensorflow.keras import layers


class NoSuper(layers.Layer):
    def __init__(self, units):
        self.units = units

    def call(self, x):
        return x


class RawTensor(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        label = "😋 é"; self.w = tf.random.normal((3, 3))

    def call(self, x):
        return x @ self.w
'''


def accept_server_requests(client: LanguageClient) -> None:
    """Answer what real editors answer: capability registration and view refreshes (counted)."""
    client.registrations = []  # type: ignore[attr-defined]
    client.refreshes = {}  # type: ignore[attr-defined]

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    for method in (lsp.WORKSPACE_INLAY_HINT_REFRESH, lsp.WORKSPACE_CODE_LENS_REFRESH):
        def refresh(params: None, method: str = method) -> None:
            client.refreshes[method] = client.refreshes.get(method, 0) + 1  # type: ignore[attr-defined]

        client.feature(method)(refresh)


async def start(client: LanguageClient, name: str, root: Path, options: dict | None = None) -> lsp.InitializeResult:
    accept_server_requests(client)
    caps = client_capabilities(name)
    folder = lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)
    return await client.initialize_session(lsp.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(), workspace_folders=[folder], initialization_options=options,
    ))


async def start_with_document(client: LanguageClient, name: str, root: Path, file_name: str, text: str) -> lsp.InitializeResult:
    """Start a session with one document open; its uri is kept on the client as ``client.uri``."""
    result = await start(client, name, root)
    client.uri = (root / file_name).as_uri()  # type: ignore[attr-defined]
    open_doc(client, client.uri, text)  # type: ignore[attr-defined]
    return result


def pulls(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic is not None)


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client: LanguageClient, uri: str, until=lambda items: True, timeout: float = WAIT_S) -> list[lsp.Diagnostic]:
    """The document's current diagnostics, pulled or pushed (whichever the client does), once ``until`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        if pulls(client):
            report = await client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri)))
            items = list(report.items)
        else:
            items = list(client.diagnostics.get(uri, []))
        if until(items):
            return items
        if time.monotonic() > deadline:
            raise AssertionError(f"diagnostics never satisfied the condition; last: {[(d.code, d.range.start.line) for d in items]}")
        await asyncio.sleep(0.05)


async def eventually(predicate, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        await asyncio.sleep(0.05)


def codes(items) -> list[str]:
    return sorted(str(d.code) for d in items)


def encoding(result: lsp.InitializeResult) -> str:
    return result.capabilities.position_encoding or "utf-16"


def units(text: str, enc: str) -> int:
    """Length of ``text`` in the code units of an encoding."""
    if enc == "utf-8":
        return len(text.encode("utf-8"))
    if enc == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def client_position(text: str, line: int, col: int, enc: str) -> lsp.Position:
    """0-based line and code-point column -> the client's units."""
    return lsp.Position(line=line, character=units(text.splitlines()[line][:col], enc))


def apply_text_edits(text: str, edits: list[lsp.TextEdit], enc: str) -> str:
    """What an editor does with a WorkspaceEdit: apply the edits from the bottom up."""
    lines = text.splitlines(keepends=True) + [""]

    def offset(pos: lsp.Position) -> int:
        line = lines[pos.line] if pos.line < len(lines) else ""
        col, used = 0, 0
        while col < len(line) and used < pos.character:
            used += units(line[col], enc)
            col += 1
        return sum(len(x) for x in lines[: pos.line]) + col

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
        lines = text.splitlines(keepends=True) + [""]
    return text


def edits_of(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list((edit.changes or {}).get(uri, []))
