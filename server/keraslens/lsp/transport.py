"""Reading LSP messages from a byte stream, with bounded memory and resynchronisation.

pygls' reader trusts ``Content-Length``: ``Content-Length: 1000000000000`` made it allocate
that much (MemoryError, the server died), and a wrong length swallowed the following
messages for good. Here a message larger than ``MAX_MESSAGE_BYTES`` is dropped with a log
line, and whenever the stream stops making sense (an oversized or missing length, bytes
that are no header, a body that is no JSON) reading resumes at the next
``Content-Length:`` header line, which never occurs inside a JSON body (JSON strings hold no
raw line breaks); what lies before it is thrown away as it comes, never accumulated.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from pygls.exceptions import JsonRpcException

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 1 << 30  # 1 GiB: a 50 MB file sent as JSON stays far below
MAX_HEADER_BYTES = 8192
HEADER = re.compile(rb"Content-Length:[ \t]*(\d+)[ \t]*\r\n", re.I)
OTHER_HEADERS = re.compile(rb"(?:[A-Za-z-]+:[^\r\n]*\r\n)*")
CHUNK_BYTES = 1 << 16


@dataclass(frozen=True, slots=True)
class Skipped:
    """Input that was not a message (logged, then dropped)."""

    reason: str


class Framer:
    """Bytes in, message bodies (or ``Skipped``) out; never holds more than one message."""

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._buffer = bytearray()
        self._length: int | None = None  # of the body being read, once its headers are in
        self._dropping = False  # inside a run of bytes that are no message (logged once)

    def feed(self, data: bytes) -> Iterator[bytes | Skipped]:
        self._buffer += data
        while True:
            if self._length is None:
                if not (yield from self._read_headers()):
                    return
                continue
            if len(self._buffer) < self._length:
                return
            body = bytes(self._buffer[: self._length])
            del self._buffer[: self._length]
            self._length = None
            yield body

    def resync_after(self, body: bytes) -> None:
        """``body`` was no JSON: if a header hides in it, its length was too large and the
        next message starts at that header: read from there again."""
        match = HEADER.search(body)
        if match:
            self._buffer[:0] = body[match.start():]

    def _read_headers(self) -> Iterator[Skipped]:
        """Consume one header block (True), or wait for more bytes (False)."""
        match = HEADER.search(self._buffer)
        if match is None:
            if len(self._buffer) > MAX_HEADER_BYTES:  # keep what may be the start of a header
                del self._buffer[: len(self._buffer) - MAX_HEADER_BYTES // 2]
                if not self._dropping:
                    yield Skipped("bytes without a Content-Length header are dropped up to the next one")
                self._dropping = True
            return False
        self._dropping = False
        if OTHER_HEADERS.fullmatch(self._buffer, 0, match.start()) is None:
            yield Skipped(f"{match.start()} bytes that are no message before a Content-Length header")
            del self._buffer[: match.start()]
            return True
        block_end = self._block_end(match.end())
        if block_end is None:
            return False
        if block_end < 0:
            del self._buffer[: match.end()]
            yield Skipped("a header block that does not end")
            return True
        length = int(match.group(1))
        del self._buffer[:block_end]
        if length > self.max_bytes:  # its body (if it comes at all) is dropped up to the next header
            yield Skipped(f"a message of {length:,} bytes (the limit is {self.max_bytes:,}) was dropped")
        else:
            self._length = length
        return True

    def _block_end(self, start: int) -> int | None:
        """Offset after the empty line closing the headers; None: need more bytes; -1: broken."""
        position = start
        while position - start <= MAX_HEADER_BYTES:
            line_end = self._buffer.find(b"\r\n", position)
            if line_end == -1:
                return None
            if line_end == position:
                return position + 2
            if not OTHER_HEADERS.fullmatch(self._buffer, position, line_end + 2):
                return -1
            position = line_end + 2
        return -1


async def serve_stream(stdin: BinaryIO, handle: Callable[[bytes], bool], stop: Callable[[], bool]) -> None:
    """Read ``stdin`` until end of input or ``stop()``, handing each body to ``handle``
    (which answers False for a body that was no JSON).

    A pipe, socket or terminal is read by the event loop itself when it becomes readable: no
    thread, so a message costs no hand-off of the GIL between a reader thread and the loop
    (each one waits out a worker thread's switch interval while an analysis runs). The
    descriptor stays blocking; a read after readiness returns at once. Input the loop cannot
    watch (a regular file) is read in a thread."""
    framer = Framer()

    def take(chunk: bytes) -> None:
        for item in framer.feed(chunk):
            if isinstance(item, Skipped):
                logger.warning("keraslens: %s", item.reason)
            elif not handle(item):
                framer.resync_after(item)

    loop = asyncio.get_running_loop()
    fd = stdin.fileno()
    ended: asyncio.Future[None] = loop.create_future()

    def readable() -> None:
        try:
            chunk = os.read(fd, CHUNK_BYTES)
        except BlockingIOError:  # a descriptor the client made non-blocking, read by someone else first
            return
        except OSError as exc:
            loop.remove_reader(fd)
            ended.set_exception(exc)
            return
        if not chunk:
            logger.info("keraslens: end of input")
        else:
            take(chunk)
        if not chunk or stop():
            loop.remove_reader(fd)
            ended.set_result(None)

    try:
        loop.add_reader(fd, readable)
    except (PermissionError, NotImplementedError):  # epoll refuses regular files; Windows' loop has no readers
        await _read_in_thread(stdin, take, stop)
    else:
        try:
            await ended
        finally:  # also when the exit notification raised SystemExit out of ``readable``
            loop.remove_reader(fd)


async def _read_in_thread(stdin: BinaryIO, take: Callable[[bytes], None], stop: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    # not a `with` block: leaving it would wait for a read that may never return
    reader = ThreadPoolExecutor(1, thread_name_prefix="keraslens-stdin")
    read = getattr(stdin, "read1", stdin.read)
    while not stop():
        chunk = await loop.run_in_executor(reader, read, CHUNK_BYTES)
        if not chunk:
            logger.info("keraslens: end of input")
            return
        take(chunk)


def dispatch(body: bytes, structure: Callable, handle_message: Callable) -> bool:
    """Decode one body and hand it on; False when it was not JSON (the stream may be off)."""
    try:
        message = json.loads(body, object_hook=structure)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nested too deep
        logger.warning("keraslens: a message that is not JSON was ignored (%s)", exc)
        return False
    except JsonRpcException as exc:  # a notification whose params do not fit its method
        logger.warning("keraslens: a notification was ignored: %s", exc.__cause__ or exc)
        return True
    try:
        handle_message(message)
    except Exception:  # noqa: BLE001 - one bad message must not end the session (exit raises SystemExit)
        logger.exception("keraslens: could not handle a message")
    return True
