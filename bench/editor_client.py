"""An editor-like pygls client for the typing benches: incremental sync (UTF-16), push
diagnostics with versions, hovers that can be cancelled the way VS Code cancels them."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from lsp_latency import quiet_client, rss_mb, shut_down

SERVER = [sys.executable, "-m", "keraslens", "serve"]


class Editor:
    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client, self.uri, self.text, self.version = client, uri, text, 1
        self.published: dict[int, float] = {}  # version -> when its diagnostics arrived
        self.pending_hover: asyncio.Future | None = None
        self.hovers, self.hover_id, self.cancelled = 0, "", 0

    @property
    def rss_mb(self) -> float:
        server = self.client._server
        return rss_mb(server.pid) if server else float("nan")

    def replace(self, start: int, end: int, new: str) -> None:
        """An incremental change of [start, end) (code points; positions sent in UTF-16 units)."""
        change = lsp.TextDocumentContentChangePartial(range=lsp.Range(start=self.position(start), end=self.position(end)), text=new)
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version), content_changes=[change]))

    def position(self, offset: int) -> lsp.Position:
        before = self.text[:offset]
        line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
        return lsp.Position(line=before.count("\n"), character=len(before[line_start:].encode("utf-16-le")) // 2)

    async def hover(self, offset: int, cancel_previous: bool = True) -> tuple[float, lsp.Hover | None] | None:
        """(latency in ms, result), or None when the server answered RequestCancelled."""
        if cancel_previous and self.pending_hover is not None and not self.pending_hover.done():
            # as VS Code does; the answer (result or RequestCancelled) is then ignored: cancelling
            # the client's own future makes pygls fail when the answer comes
            self.client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=self.hover_id))
            self.cancelled += 1
        sent = time.perf_counter()
        self.hovers += 1
        self.hover_id = f"hover-{self.hovers}"
        self.pending_hover = asyncio.ensure_future(self.client.protocol.send_request_async(lsp.TEXT_DOCUMENT_HOVER, lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=self.uri), position=self.position(offset)), msg_id=self.hover_id))
        try:
            result = await self.pending_hover
        except (asyncio.CancelledError, Exception):  # noqa: BLE001 - cancelled by the next keystroke
            return None
        return (time.perf_counter() - sent) * 1000, result

    async def diagnostics_of(self, version: int, timeout: float = 120.0) -> float:
        """Wait until the diagnostics of ``version`` (or a later one) arrive; when they did."""
        deadline = time.perf_counter() + timeout
        while not any(v >= version for v in self.published):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for version {version}")
            await asyncio.sleep(0.002)
        return min(t for v, t in self.published.items() if v >= version)


async def open_editor(root: Path, name: str, text: str) -> Editor:
    uri = (root / name).as_uri()
    published: dict[int, float] = {}

    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.uri == uri and params.version is not None:
            published.setdefault(params.version, time.perf_counter())

    client = quiet_client("keraslens-bench", on_diagnostics)
    editor = Editor(client, uri, text)
    editor.published = published

    caps = lsp.ClientCapabilities(text_document=lsp.TextDocumentClientCapabilities(
        hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True)))
    await client.start_io(*SERVER)
    await client.initialize_async(lsp.InitializeParams(capabilities=caps, root_uri=root.as_uri(), process_id=os.getpid()))
    client.initialized(lsp.InitializedParams())
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    await editor.diagnostics_of(1)
    return editor


async def close_editor(editor: Editor) -> None:
    await shut_down(editor.client)
    await editor.client.stop()
