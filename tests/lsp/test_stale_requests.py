"""A request whose document changes while it is computed never answers for the older text.

The handlers run in-process here so the edit lands at one exact await (a real client cannot
time it; tests/lsp/test_edit_fuzz.py exercises the same race at random through stdio)."""

from __future__ import annotations

import pytest
from keraslens.analysis.config import Settings
from keraslens.lsp.server import FIX_ALL, STALE_NOTE, create_server
from keraslens.lsp.textsync import SyncedWorkspace
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcContentModified

from .lsp_support import FIXME

URI = "file:///project/model.py"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def server():
    running = create_server()
    running.protocol._workspace = SyncedWorkspace(None, lsp.TextDocumentSyncKind.Incremental)  # as initialize leaves it
    running.documents.update(URI, 1, FIXME, "model.py", Settings(), "utf-16")
    yield running
    running.documents.close()


def fix_all_request() -> lsp.CodeActionParams:
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
    return lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(uri=URI), range=whole,
                                context=lsp.CodeActionContext(diagnostics=[], only=[FIX_ALL]))


def edit_while_fixing(server) -> None:  # noqa: ANN001
    """The next fix-all pass starts, then the user types (version 2) before it ends."""
    documents, compute = server.documents, server.documents.run_in_analysis_thread

    async def typed_meanwhile(function, *args):
        documents.run_in_analysis_thread = compute  # once
        documents.update(URI, 2, "import tensorflow as tf\n" + FIXME, "model.py", Settings(), "utf-16")
        return await compute(function, *args)

    documents.run_in_analysis_thread = typed_meanwhile


async def test_fix_all_answers_for_the_text_it_was_asked_about(server):
    code_action = server.protocol.fm.features[lsp.TEXT_DOCUMENT_CODE_ACTION]
    (action,) = await code_action(fix_all_request())
    assert action.kind == FIX_ALL and action.edit is not None


async def test_fix_all_answers_content_modified_when_the_text_changes_meanwhile(server):
    code_action = server.protocol.fm.features[lsp.TEXT_DOCUMENT_CODE_ACTION]
    edit_while_fixing(server)
    with pytest.raises(JsonRpcContentModified):
        await code_action(fix_all_request())
    (action,) = await code_action(fix_all_request())  # asked again: edits for version 2, whose text it read
    assert action.edit is not None and server.documents.snapshot(URI).version == 2


def hover_request(line: int, character: int) -> lsp.HoverParams:
    return lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=URI), position=lsp.Position(line=line, character=character))


async def waited_for(handler, params):  # noqa: ANN001
    """Run a generator handler as pygls does: what it yields is awaited and sent back."""
    generator, value = handler(params), None
    try:
        while True:
            function, args, kwargs = generator.send(value)
            value = await function(*args, **(kwargs or {}))
    except StopIteration as stop:
        return stop.value


def at_once(handler, params):  # noqa: ANN001
    """The answer of a generator handler that must not wait: it returns without yielding."""
    with pytest.raises(StopIteration) as stop:
        next(handler(params))
    return stop.value.value


async def test_a_hover_never_waits_behind_the_analysis_of_a_newer_version(server):
    hover = server.protocol.fm.features[lsp.TEXT_DOCUMENT_HOVER]
    assert next(hover(hover_request(12, 8)))  # nothing counted yet: the first hover yields, to wait for the count
    assert "RawTensor" in (await waited_for(hover, hover_request(12, 8))).contents.value  # version 1 analysed and counted
    assert "RawTensor" in at_once(hover, hover_request(12, 8)).contents.value  # counted: no waiting, no task
    lines = FIXME.splitlines(keepends=True)
    edited = 8  # "    def call(self, x):" of NoSuper, 0-based
    server.documents.update(URI, 2, "".join([*lines[:edited], "    def call(self, x, training=None):\n", *lines[edited + 1:]]),
                            "model.py", Settings(), "utf-16")  # nobody asked for its analysis yet: never finished
    answer = at_once(hover, hover_request(12, 8))  # an unedited line: the previous count at once, said so
    assert "RawTensor" in answer.contents.value and STALE_NOTE in answer.contents.value
    with pytest.raises(JsonRpcContentModified):
        at_once(hover, hover_request(edited, 8))
