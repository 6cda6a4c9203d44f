"""A raw stdio client: the server as a subprocess, bytes written as they are, framed answers read
with a timeout. For what a well-behaved client library cannot send (malformed frames, bad params)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path

from .lsp_support import SERVER

ANSWER_S = 20.0  # generous: the CI machine may be busy; a hang still fails


def frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    def __init__(self) -> None:
        self.process = subprocess.Popen(SERVER.server_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.received: queue.Queue[dict] = queue.Queue()
        self.notifications: list[dict] = []
        self.stderr = bytearray()
        self._next_id = 0
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        while chunk := self.process.stderr.read1(4096):
            self.stderr += chunk

    def _read_stdout(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.received.put(json.loads(stream.read(length)))

    def write(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        self.write(frame(message))

    def notify(self, method: str, params: object = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def answer(self, msg_id: object, timeout: float = ANSWER_S) -> dict:
        """The response to ``msg_id`` (server requests are answered with null on the way)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no answer to request {msg_id!r} within {timeout} s")
            try:
                message = self.received.get(timeout=remaining)
            except queue.Empty:
                continue
            if "method" in message and "id" in message:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" in message:
                self.notifications.append(message)
            elif message.get("id") == msg_id:
                return message

    def request(self, method: str, params: object = None, *, omit_params: bool = False, timeout: float = ANSWER_S) -> dict:
        msg_id = self.new_id()
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if not omit_params:
            message["params"] = params
        self.send(message)
        return self.answer(msg_id, timeout)

    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}, timeout=60)
        self.notify("initialized", {})
        return result

    def close(self, timeout: float = 10.0) -> int:
        """Close stdin and wait for the process to end (killed, and the test failed, if it hangs)."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("the server did not exit after its input closed") from None
