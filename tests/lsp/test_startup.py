"""Startup stays light and both transports work: stdio (``--stdio`` accepted) and ``--tcp HOST:PORT``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest
from keraslens.cli import main

SERVE = [sys.executable, "-m", "keraslens", "serve"]


def test_server_module_imports_nothing_heavy():
    """initialize is answered before the analysis stack, TensorFlow or jedi are imported."""
    code = (
        "import sys, keraslens.cli, keraslens.lsp.server as s; s.create_server(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'jedi') "
        "or m in ('keraslens.analysis.engine', 'keraslens.analysis.interpretation.counts', 'keraslens.checker')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_serve_rejects_unknown_arguments():
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--stdio", "--bogus"])
    assert exited.value.code == 2


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream) -> dict:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def test_tcp_transport(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*SERVE, "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with connection, connection.makefile("rb") as incoming:
            connection.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}}))
            reply = _read_message(incoming)
            assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "keraslens"
            assert reply["result"]["capabilities"]["hoverProvider"]
            connection.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}))
            while _read_message(incoming).get("id") != 2:
                pass
            connection.sendall(_frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
