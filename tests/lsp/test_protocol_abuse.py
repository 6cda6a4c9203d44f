"""Protocol abuse through raw stdio: every request is answered per the LSP specification (or the
message is ignored), the server never hangs, never dies, never pops up an error."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time

import pytest

from keraslens.lsp.transport import Framer, Skipped, serve_stream

from .raw_client import RawServer, frame

pytestmark = [pytest.mark.timeout(60)]

INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, NOT_INITIALIZED = -32600, -32601, -32602, -32002
TEXT = "import tensorflow as tf\n\n\nclass A(tf.keras.layers.Layer):\n    def call(self, x):\n        return x\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("abuse")
    running = RawServer()
    running.initialize(root)
    running.uri = (root / "m.py").as_uri()  # type: ignore[attr-defined]
    running.notify("textDocument/didOpen", {"textDocument": {"uri": running.uri, "languageId": "python", "version": 1, "text": TEXT}})  # type: ignore[attr-defined]
    yield running
    assert running.request("shutdown")["result"] is None
    running.notify("exit")
    assert running.close() == 0
    assert not [n for n in running.notifications if n["method"] == "window/showMessage"]
    log = running.stderr.decode(errors="replace")
    assert "Traceback" not in log, log[log.find("Traceback") - 500:][:3000]


def hover_params(uri: str, line: object = 0, character: object = 0) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def still_answers(server: RawServer) -> None:
    answer = server.request("textDocument/hover", hover_params(server.uri, 3, 7))  # type: ignore[attr-defined]
    assert "error" not in answer, answer


@pytest.mark.parametrize(("method", "params"), [
    ("textDocument/hover", {"textDocument": 5, "position": {"line": 0, "character": 0}}),
    ("textDocument/hover", hover_params("file:///m.py", -1, 0)),
    ("textDocument/hover", hover_params("file:///m.py", 0, -5)),
    ("textDocument/hover", hover_params("file:///m.py", 2**40, 0)),
    ("textDocument/hover", hover_params("file:///m.py", "one", 0)),
    ("textDocument/hover", None),
    ("textDocument/codeAction", {"textDocument": {"uri": "file:///m.py"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}}),
    ("textDocument/inlayHint", {"textDocument": {"uri": "file:///m.py"}}),
    ("textDocument/codeLens", {}),
], ids=lambda value: json.dumps(value)[:40] if not isinstance(value, str) else value)
def test_bad_params_are_answered_with_invalid_params(server, method, params):
    answer = server.request(method, params)
    assert answer["error"]["code"] == INVALID_PARAMS, answer
    still_answers(server)


def test_missing_params_are_answered_with_invalid_params(server):
    assert server.request("textDocument/hover", omit_params=True)["error"]["code"] == INVALID_PARAMS


def test_positions_beyond_the_text_are_clamped_not_refused(server):
    for line, character in ((10**6, 0), (0, 10**6), (5, 2**31 - 1)):
        answer = server.request("textDocument/hover", hover_params(server.uri, line, character))
        assert "error" not in answer, answer


def test_unknown_methods(server):
    assert server.request("keraslens/noSuchThing", {})["error"]["code"] == METHOD_NOT_FOUND
    server.notify("keraslens/noSuchNotification", {"x": 1})
    server.notify("$/noSuchNotification", {"x": 1})
    still_answers(server)


def test_a_second_initialize_is_an_invalid_request(server):
    answer = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert answer["error"]["code"] == INVALID_REQUEST
    still_answers(server)


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b"[1, 2", b"{}", b'{"jsonrpc": "2.0"}', b"null", b"[" * 100_000])
def test_malformed_bodies_are_ignored(server, body):
    server.write(frame(body))
    still_answers(server)


def test_wrong_content_lengths_resynchronise(server):
    good = frame({"jsonrpc": "2.0", "id": "after-short", "method": "textDocument/hover", "params": hover_params(server.uri)})
    body = json.dumps({"jsonrpc": "2.0", "method": "keraslens/ignored", "params": {}}).encode()
    server.write(b"Content-Length: %d\r\n\r\n" % (len(body) - 7) + body + good)  # too short: the tail is garbage
    assert "result" in server.answer("after-short")
    good = frame({"jsonrpc": "2.0", "id": "after-long", "method": "textDocument/hover", "params": hover_params(server.uri)})
    server.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 30) + body + good)  # too long: eats the next message's start
    assert "result" in server.answer("after-long")
    server.write(b"garbage line\r\nContent-Type: x\r\n\r\n" + b"Content-Length: abc\r\n\r\n{}")
    still_answers(server)


def test_a_huge_content_length_is_dropped_not_allocated(server):
    server.write(b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\": \"2.0\"}")
    still_answers(server)


def test_notifications_for_unopened_documents_and_backwards_versions(server):
    ghost = "file:///never/opened.py"
    server.notify("textDocument/didChange", {"textDocument": {"uri": ghost, "version": 3}, "contentChanges": [
        {"range": {"start": {"line": 5, "character": 0}, "end": {"line": 9, "character": 0}}, "text": "x"}]})
    server.notify("textDocument/didClose", {"textDocument": {"uri": ghost}})
    server.notify("textDocument/didSave", {"textDocument": {"uri": ghost}})
    assert "error" not in server.request("textDocument/hover", hover_params(ghost))
    uri = server.uri.replace("m.py", "backwards.py")
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 10, "text": TEXT}})
    for version in (9, 4, 4, 1):
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": TEXT + f"x{version} = 1\n"}]})
    assert "error" not in server.request("textDocument/hover", hover_params(uri, 3, 7))
    still_answers(server)


def test_a_storm_of_cancellations(server):
    start = time.monotonic()
    burst = b"".join(frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": n}}) for n in range(5_000))
    server.write(burst)
    still_answers(server)
    assert time.monotonic() - start < 10


def test_requests_before_initialize_and_after_shutdown(tmp_path):
    server = RawServer()
    assert server.request("textDocument/hover", hover_params("file:///m.py"))["error"]["code"] == NOT_INITIALIZED
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///m.py", "languageId": "python", "version": 1, "text": TEXT}})
    server.initialize(tmp_path)
    assert server.request("shutdown")["result"] is None
    assert server.request("textDocument/hover", hover_params("file:///m.py"))["error"]["code"] == INVALID_REQUEST
    assert server.request("shutdown")["error"]["code"] == INVALID_REQUEST
    server.notify("exit")
    assert server.close() == 0


def test_input_closed_mid_message_ends_the_server(tmp_path):
    server = RawServer()
    server.initialize(tmp_path)
    server.write(b"Content-Length: 500\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"textDocument/hov")
    assert server.close() == 1  # exit without shutdown: 1, as the specification says, and no hang
    assert b"Traceback" not in server.stderr


def frames(chunks: list[bytes], max_bytes: int = 1 << 20) -> list[bytes | str]:
    framer = Framer(max_bytes)
    out: list[bytes | str] = []
    for chunk in chunks:
        for item in framer.feed(chunk):
            out.append("skipped" if isinstance(item, Skipped) else item)
    return out


def test_framing_survives_any_chunking():
    stream = frame(b'{"a": 1}') + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(b'{"b": 2}')
    for size in (1, 2, 3, 7, len(stream)):
        assert frames([stream[i:i + size] for i in range(0, len(stream), size)]) == [b'{"a": 1}', b'{"b": 2}']


def test_framing_drops_oversized_messages_and_garbage_in_bounded_memory():
    framer = Framer(100)
    list(framer.feed(b"Content-Length: 1000000000000\r\n\r\n"))
    for _ in range(1_000):
        list(framer.feed(b"x" * 10_000))  # 10 MB of a body that is dropped as it comes
        assert len(framer._buffer) < 20_000
    assert [item for item in framer.feed(frame(b"{}")) if not isinstance(item, Skipped)] == [b"{}"]
    assert frames([b"junk\r\n\r\n" * 3 + frame(b"[]")]) == ["skipped", b"[]"]


def read_stream(stdin) -> tuple[list[bytes], set[str]]:  # noqa: ANN001
    """The bodies serve_stream hands on from ``stdin``, and the threads that appeared while it read."""
    before = set(threading.enumerate())
    bodies: list[bytes] = []
    appeared: set[str] = set()

    def handle(body: bytes) -> bool:
        bodies.append(body)
        appeared.update(t.name for t in set(threading.enumerate()) - before)
        return True

    asyncio.run(serve_stream(stdin, handle, lambda: False))
    return bodies, appeared


def test_a_pipe_is_read_by_the_event_loop_without_a_reader_thread():
    # a reader thread costs each message two hand-offs of the GIL, each a wait while an analysis runs
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stdin:
        os.write(write_end, frame(b'{"a": 1}') + b"garbage\r\n" + frame(b'{"b": 2}'))
        os.close(write_end)
        assert read_stream(stdin) == ([b'{"a": 1}', b'{"b": 2}'], set())


def test_a_regular_file_as_input_is_read_to_its_end(tmp_path):
    # epoll cannot watch a regular file (`keraslens serve < session`): it is read in a thread
    (tmp_path / "session").write_bytes(frame(b'{"a": 1}') + frame(b'{"b": 2}'))
    with (tmp_path / "session").open("rb") as stdin:
        assert read_stream(stdin)[0] == [b'{"a": 1}', b'{"b": 2}']
