"""JSON-RPC rules pygls leaves out: every request gets an answer, whatever arrives.

pygls logs a request whose params do not fit the method's type and never answers it, and
silently drops requests after ``shutdown``: the editor then waits forever. Here such
requests are answered with the error the specification names (InvalidParams,
InvalidRequest, ServerNotInitialized); notifications that cannot be handled are ignored
with a log line, as the specification asks.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol, lsp_method

from .textsync import SyncedWorkspace

logger = logging.getLogger(__name__)
ALWAYS_ALLOWED = frozenset({lsp.EXIT, lsp.CANCEL_REQUEST})


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request that could not even be read: answered with ``error``."""

    id: Any
    method: str
    error: JsonRpcException
    jsonrpc: str = "2.0"


class KeraslensProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_answered = False

    def structure_message(self, data: dict[str, Any]):
        if "jsonrpc" not in data or ("id" in data and "method" not in data):
            return super().structure_message(data)  # nested objects, and responses to our requests
        method = str(data.get("method", ""))
        try:
            return self._converter.structure(data, self.get_message_type(method) or (JsonRPCRequestMessage if "id" in data else JsonRPCNotification))
        except Exception as exc:  # noqa: BLE001 - whatever the params hold, the answer is InvalidParams
            error = JsonRpcInvalidParams(f"invalid params for {method or 'a message without a method'}: {_first_line(exc)}")
            if "id" in data:  # a request: it must be answered
                return Rejected(data["id"], method, error)
            raise error from exc  # a notification: logged by the reader (one line), then ignored

    def handle_message(self, message: Any) -> None:
        self._forget_finished()
        method = getattr(message, "method", None)
        is_request = method is not None and hasattr(message, "id")
        refusal = self._refusal(message, method, is_request)
        if refusal is not None:
            if is_request:
                self._send_response(message.id, None, refusal.to_response_error())
            logger.info("%s: %s", method, refusal.message)
            return
        super().handle_message(message)

    def _forget_finished(self) -> None:
        # pygls files each notification handled by a generator or coroutine under a fresh id and
        # never removes it: without this every didChange would leave a future behind
        for key in [key for key, future in self._request_futures.items() if future.done()]:
            del self._request_futures[key]

    def _refusal(self, message: Any, method: str | None, is_request: bool) -> JsonRpcException | None:
        if isinstance(message, Rejected):
            return message.error
        if method in ALWAYS_ALLOWED or (method is None and hasattr(message, "jsonrpc")):
            return None  # responses to our own requests, exit, cancellations
        if not hasattr(message, "jsonrpc"):
            return JsonRpcInvalidRequest("not a JSON-RPC 2.0 message")
        if self._shutdown:
            return JsonRpcInvalidRequest("the server is shutting down")
        if method == lsp.INITIALIZE and self.initialize_answered:
            return JsonRpcInvalidRequest("initialize may only be sent once")
        if method != lsp.INITIALIZE and not self.initialize_answered:
            return JsonRpcServerNotInitialized("the server is not initialized yet")
        return None

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, lsp.InitializeResult]:
        self.initialize_answered = True
        result = yield from super().lsp_initialize(params)
        # pygls has built its workspace: ours keeps documents with LSP line semantics
        self._workspace = SyncedWorkspace.replacing(self._workspace, self._server._text_document_sync_kind)
        return result


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
