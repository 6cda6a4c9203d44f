"""Edit fuzzing through real clients: random incremental edits interleaved with every request the
server answers, checked against invariants. Used by tests/lsp/test_edit_fuzz.py (a bounded
run) and bench/fuzz_edits.py (a long one).

Two servers run in a background event loop for a whole session: the one under test and a
"fresh" one that only ever opens final texts, each under a new URI, as the oracle for
diagnostics. Invariants: no crash; no error answer except RequestCancelled/ContentModified;
every request answered within ``answer_s``; every returned position inside the document as
the client holds it; after the last edit, the diagnostics equal the fresh server's; an
offered code action edits only inside the document and keeps a parsing file parsing.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient
from pytest_lsp import client_capabilities

from keraslens.lsp.textsync import apply_change

from . import editor_model
from .lsp_support import SERVER

ALLOWED_ERRORS = (-32800, -32801)  # RequestCancelled, ContentModified
PIECES = ["\t", "\r\n", "\r", "\n", "\x00", "😋", "é", "𝄞", "(", ")", "[", "]", "{", "}", ":", " ", "    ", "\x0c", "\u2028", "#", "'", '"', "x"]
LINES = ["    x = layers.Dense(4)\n", "class A(keras.layers.Layer):\n", "    def call(self, x):\n", "        self.w = tf.Variable(1.0)\n",
         "        return x\n", "model = keras.Sequential([layers.Dense(3)])\n", "import keras\nfrom keras import layers\n", "def f(:\n"]


# odd characters that are no line break in LSP (a form feed, U+2028, U+0085) above code with findings
PREAMBLE = ("import tensorflow as tf\x0c  # page break\nNOTE = 'a\u2028b\x85c'  # 😋\n\n\n"
            "class Raw(tf.keras.layers.Layer):\n    def __init__(self, **kwargs):\n        super().__init__(**kwargs)\n"
            "        self.w = tf.random.normal((3, 3))\n\n    def call(self, x):\n        return x @ self.w\n\n\n")


def keras_sources() -> list[str]:
    """Real layer files, read in place from the installed keras (found, not imported: no TensorFlow)."""
    spec = importlib.util.find_spec("keras")
    root = Path(next(iter(spec.submodule_search_locations))) / "src" / "layers"
    return [path.read_text(encoding="utf-8") for path in sorted(root.glob("*/*.py"))[:40] if not path.name.endswith("_test.py")]


def start_texts(sources: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sources[:8]), st.sampled_from(sources[:8]).map(lambda source: PREAMBLE + source))


@dataclass
class Op:
    kind: str
    start: float = 0.0  # fractions of the text: positions follow the text as it changes
    end: float = 0.0
    text: str = ""
    out_of_range: bool = False  # a column past the end of its line (clamped, per LSP), or beyond the text


def operations(sources: list[str]) -> st.SearchStrategy[list[Op]]:
    fraction = st.floats(0, 1)
    fragment = st.builds(lambda src, a, n: src[int(a * len(src)): int(a * len(src)) + n], st.sampled_from(sources), fraction, st.integers(1, 600))
    new_text = st.one_of(
        st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
        st.sampled_from(LINES), fragment,
        st.just("y = '" + "é😋" * 20 + "a" * 100_000 + "'\n"),
    )
    edit = st.builds(Op, st.just("edit"), fraction, fraction, new_text, st.booleans())  # maybe past the end of the line
    wipe = st.just(Op("edit", 0.0, 1.0, ""))
    request = st.builds(Op, st.sampled_from(["hover", "inlay", "lens", "action", "diagnostics"]), fraction, fraction, st.just(""), st.booleans())
    return st.lists(st.one_of(edit, edit, wipe, request, request), min_size=1, max_size=25)


def client_edit(text: str, op: Op, encoding: str) -> tuple[lsp.TextDocumentContentChangePartial, str]:
    """The change an editor sends for ``op`` and its text after it. An out-of-range end is a
    column past the end of its line (its end, per LSP), whatever the line's length."""
    start = _off_crlf(text, int(op.start * len(text)))
    end = max(start, _off_crlf(text, int(op.end * len(text))))
    end_at = editor_model.to_position(text, end, encoding)
    if op.out_of_range:
        end_at = lsp.Position(line=end_at.line, character=editor_model.line_length(text, end_at.line, encoding) + 1_000)
        end = editor_model.to_offset(text, end_at, encoding)
    change = lsp.TextDocumentContentChangePartial(range=lsp.Range(start=editor_model.to_position(text, start, encoding), end=end_at), text=op.text)
    return change, text[:start] + op.text + text[end:]


def _off_crlf(text: str, offset: int) -> int:
    """An editor's cursor is never between the two characters of a \r\n line break."""
    return offset + 1 if text[offset - 1: offset + 1] == "\r\n" else offset


class Endpoint:
    """A server and a pygls client, driven from the session's event loop."""

    def __init__(self, name: str) -> None:
        self.client = LanguageClient(name, "1")
        for method in (lsp.WORKSPACE_INLAY_HINT_REFRESH, lsp.WORKSPACE_CODE_LENS_REFRESH, lsp.CLIENT_REGISTER_CAPABILITY,
                       lsp.WINDOW_LOG_MESSAGE, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, lsp.WORKSPACE_DIAGNOSTIC_REFRESH):
            self.client.feature(method)(lambda params: None)
        self.client.feature(lsp.WORKSPACE_CONFIGURATION)(lambda params: [None for _ in params.items])

    async def start(self, root: Path, caps: lsp.ClientCapabilities) -> str:
        await self.client.start_io(*SERVER.server_command)
        result = await self.client.initialize_async(lsp.InitializeParams(capabilities=caps, root_uri=root.as_uri(), process_id=None))
        self.client.initialized(lsp.InitializedParams())
        return result.capabilities.position_encoding or "utf-16"

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))

    async def diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        report = await self.client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        return list(report.items)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


@dataclass
class Session:
    root: Path
    answer_s: float
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    documents: int = 0

    def __post_init__(self) -> None:
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        caps = client_capabilities("neovim")  # pull diagnostics, UTF-8 positions
        self.tested, self.fresh = self.run(self._endpoints(caps))

    async def _endpoints(self, caps):
        tested, fresh = Endpoint("fuzz"), Endpoint("fresh")
        self.encoding = await tested.start(self.root, caps)
        await fresh.start(self.root, caps)
        return tested, fresh

    def run(self, coroutine, timeout: float = 600):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.tested.stop())
        self.run(self.fresh.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)

    def check(self, start_text: str, ops: list[Op]) -> None:
        self.run(self._check(start_text, ops))

    async def _check(self, text: str, ops: list[Op]) -> None:
        self.documents += 1
        uri = (self.root / f"fuzz_{self.documents}.py").as_uri()
        client, enc = self.tested.client, self.encoding
        self.tested.open(uri, text)
        version = 1
        for op in ops:
            if op.kind == "edit":
                version += 1
                change, edited = client_edit(text, op, enc)
                assert apply_change(text, change, enc) == edited, f"the server would apply {change.range} elsewhere"
                text = edited
                client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
                continue
            start = int(op.start * len(text))
            end = max(start, int(op.end * len(text)))
            here = editor_model.to_position(text, start, enc)
            if op.out_of_range:
                here = lsp.Position(line=here.line + 100, character=here.character + 1_000)
            there = editor_model.to_position(text, end, enc)
            await self._request(op.kind, uri, text, lsp.Range(start=here, end=max(here, there, key=lambda p: (p.line, p.character))))
        final = await self._answered(self.tested.diagnostics(uri))
        fresh_uri = (self.root / f"fresh_{self.documents}.py").as_uri()
        self.fresh.open(fresh_uri, text)
        expected = await self._answered(self.fresh.diagnostics(fresh_uri))
        assert _summary(final) == _summary(expected), f"after the edits: {_summary(final)}\na fresh server: {_summary(expected)}"
        for item in final:
            self._inside(text, item.range.start, item.range.end)
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        self.fresh.client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=fresh_uri)))

    async def _request(self, kind: str, uri: str, text: str, where: lsp.Range) -> None:
        client, document = self.tested.client, lsp.TextDocumentIdentifier(uri=uri)
        if kind == "hover":
            await self._answered(client.text_document_hover_async(lsp.HoverParams(text_document=document, position=where.start)))
        elif kind == "inlay":
            hints = await self._answered(client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=document, range=editor_model.full_range(text, self.encoding))))
            for hint in hints or []:
                self._inside(text, hint.position)
        elif kind == "lens":
            for lens in await self._answered(client.text_document_code_lens_async(lsp.CodeLensParams(text_document=document))) or []:
                self._inside(text, lens.range.start, lens.range.end)
        elif kind == "diagnostics":
            for item in await self._answered(self.tested.diagnostics(uri)):
                self._inside(text, item.range.start, item.range.end)
        else:
            diagnostics = await self._answered(self.tested.diagnostics(uri))
            actions = await self._answered(client.text_document_code_action_async(lsp.CodeActionParams(
                text_document=document, range=where, context=lsp.CodeActionContext(diagnostics=diagnostics))))
            for action in actions or []:
                self._check_action(text, uri, action)

    def _check_action(self, text: str, uri: str, action: lsp.CodeAction) -> None:
        if action.edit is None:
            return
        if action.edit.document_changes:
            edits = [e for change in action.edit.document_changes if change.text_document.uri == uri for e in change.edits]
        else:
            edits = list((action.edit.changes or {}).get(uri, []))
        for edit in edits:
            self._inside(text, edit.range.start, edit.range.end)
        if _parses(text):
            assert _parses(editor_model.apply(text, edits, self.encoding)), f"{action.title!r} broke a parsing file"

    def _inside(self, text: str, *positions: lsp.Position) -> None:
        for position in positions:
            assert editor_model.inside(text, position, self.encoding), f"{position} is outside the document"

    async def _answered(self, request):
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(request, self.answer_s * 5)
        except JsonRpcException as exc:
            assert exc.code in ALLOWED_ERRORS, f"error answer: {exc.code} {exc}"
            return None
        elapsed = time.monotonic() - started
        assert elapsed <= self.answer_s, f"answered after {elapsed:.2f} s"
        return result


def _summary(items: list[lsp.Diagnostic]) -> list[tuple]:
    return sorted((str(d.code), d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in items)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True
