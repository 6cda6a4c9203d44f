"""Runs probe requests in a warm, sandboxed worker; one worker per Keras flavour and project.

The worker (``worker.py``) runs in the sandbox ``sandbox.py`` describes, with a clean environment,
in its own session. Requests and answers travel on two private pipes, never the worker's stdout:
an answer must carry the random id of the request it answers, come alone, and fit a size bound,
or the worker is stopped and the request fails. A timeout, a death, a thread left running or a
large worker recycles it; an exception in the slice does not (the next request gets a fresh
namespace). Answers are cached by (slice, target, arguments, shape, flavour).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cgroup
from .sandbox import Sandbox, remove_stale_scratch, sandbox_for
from .slicer import Slice

START_TIMEOUT_S = 120.0  # TensorFlow's import takes 3-15 s; a loaded machine more
RECYCLE_RSS_MB = 2048  # a worker that grew past this is restarted after its answer
MAX_ANSWER_BYTES = 16 << 20
WORKER = Path(__file__).with_name("worker.py")
LIMITS = {  # set by the worker itself before it imports anything
    "RLIMIT_AS": 8 << 30,  # address space: TensorFlow maps a lot it never touches
    "RLIMIT_CPU": 600,  # seconds over the worker's life; it is recycled when they run out
    "RLIMIT_FSIZE": 64 << 20,
    "RLIMIT_CORE": 0,
    "RLIMIT_NPROC": 256,  # threads count too; the kernel exempts root, capped by a pids cgroup there (cgroup.py)
}


@dataclass
class ProbeResult:
    ok: bool
    trainable: int | None = None
    non_trainable: int | None = None
    weights: list[dict] = field(default_factory=list)
    layers: list[dict] = field(default_factory=list)
    reason: str | None = None  # why it failed, or an isolation layer that was unavailable
    output: str = ""  # the end of what the slice printed

    @property
    def total(self) -> int | None:
        return None if self.trainable is None else self.trainable + self.non_trainable


class ProtocolError(Exception):
    """The worker answered something other than the one answer to the request asked."""


class _Worker:
    def __init__(self, legacy: bool, project: Path, allow_file_access: bool) -> None:
        self.sandbox: Sandbox = sandbox_for(WORKER, project, allow_file_access)
        env = {
            "PATH": "/usr/bin:/bin", "HOME": self.sandbox.scratch, "TMPDIR": self.sandbox.scratch,
            "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow",
            "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1",
        }
        if legacy:
            env["TF_USE_LEGACY_KERAS"] = "1"
        requests_in, self._requests = os.pipe()
        os.set_blocking(self._requests, False)  # a worker that stops reading cannot hold a write past its deadline
        self._answers, answers_out = os.pipe()
        config = {"limits": LIMITS, "requests": requests_in, "answers": answers_out, "private_pids": self.sandbox.private_pids}
        command = [*self.sandbox.prefix, sys.executable, "-I", self.sandbox.worker, json.dumps(config)]
        self.cgroup = cgroup.new_pids_cgroup()
        if self.cgroup:
            command = [*cgroup.join_command(self.cgroup), *command]
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                cwd=self.sandbox.host_scratch or "/", env=env, pass_fds=(requests_in, answers_out), start_new_session=True,
            )
        finally:
            os.close(requests_in)
            os.close(answers_out)
        self._buffer = b""
        self.ready = False

    def ask(self, request: dict, timeout: float) -> dict:
        if not self.ready:
            hello = self._read(time.monotonic() + START_TIMEOUT_S)
            if hello != {"ready": True}:
                raise ProtocolError("the worker did not start as expected")
            self.ready = True
        if self._buffer or select.select([self._answers], [], [], 0)[0]:
            raise ProtocolError("the worker wrote before it was asked")
        request_id = secrets.token_hex(16)  # unguessable: a blind write to the answer pipe cannot pass for an answer
        self._write((json.dumps({**request, "id": request_id}) + "\n").encode(), time.monotonic() + timeout)
        answer = self._read(time.monotonic() + timeout)
        if not isinstance(answer, dict) or answer.get("id") != request_id:
            raise ProtocolError("the worker's answer was not the answer to this request")
        return answer

    def _write(self, data: bytes, deadline: float) -> None:
        while data:
            if not select.select([], [self._requests], [], max(0.0, deadline - time.monotonic()))[1]:
                raise TimeoutError
            try:
                data = data[os.write(self._requests, data):]
            except BlockingIOError:  # filled up between select and write
                continue
            except BrokenPipeError:
                raise ChildProcessError(self._exit_code()) from None

    def _read(self, deadline: float) -> object:
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._answers], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise ChildProcessError(self._exit_code())
            self._buffer += chunk
            if len(self._buffer) > MAX_ANSWER_BYTES:
                raise ProtocolError(f"the worker's answer exceeded {MAX_ANSWER_BYTES >> 20} MB")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            raise ProtocolError("the worker's answer was not valid JSON") from None

    def _exit_code(self) -> int:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return 0

    def startup_error(self) -> str:
        """What the sandbox printed before the worker took over its output (bwrap's own errors)."""
        if self.process.poll() is None:
            return ""
        os.set_blocking(self.process.stderr.fileno(), False)  # processes of the sandbox may still hold it open
        try:
            return (self.process.stderr.read(4000) or b"").decode("utf-8", "replace").strip()
        except BlockingIOError:
            return ""

    def stop(self) -> None:
        try:  # the sandbox's processes die with it (--die-with-parent, the PID namespace)
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.process.stderr.close()
        for fd in (self._requests, self._answers):
            os.close(fd)
        if self.sandbox.host_scratch:
            shutil.rmtree(self.sandbox.host_scratch, ignore_errors=True)
        if self.cgroup:
            cgroup.remove(self.cgroup)


class Probe:
    """Thread-safe; keep one per process (the server runs it on a worker thread)."""

    def __init__(self) -> None:
        self._workers: dict[tuple, _Worker] = {}
        self._cache: dict[str, ProbeResult] = {}
        self._lock = threading.Lock()
        remove_stale_scratch()
        cgroup.remove_stale()

    def count(self, piece: Slice, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
              legacy: bool, timeout: float = 60.0, allow_file_access: bool = False) -> ProbeResult:
        """Raises ``sandbox.IsolationUnavailable`` when no acceptable sandbox exists here."""
        request, key = _request(piece, path, target, args, kwargs, input_shape, legacy)
        with self._lock:
            if key not in self._cache:
                found = self._run(request, (legacy, project_root(Path(path)), allow_file_access), timeout)
                if not found.ok:
                    return found  # an error may be the machine's (a timeout under load): asked again next time
                self._cache[key] = found
            return self._cache[key]

    def cached(self, piece: Slice, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
               legacy: bool) -> ProbeResult | None:
        """The answer to an earlier identical request, without running anything: an edit to the slice misses."""
        return self._cache.get(_request(piece, path, target, args, kwargs, input_shape, legacy)[1])

    def _run(self, request: dict, key: tuple, timeout: float) -> ProbeResult:
        worker = self._workers.get(key)
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                self._recycle(key)
            worker = self._workers[key] = _Worker(*key)
        try:
            answer = worker.ask(request, timeout)
        except TimeoutError:
            return self._failed(key, f"timed out after {timeout:g} s; the worker was stopped")
        except ChildProcessError as died:
            detail = worker.startup_error()
            return self._failed(key, f"the worker died ({_exit_text(died.args[0])})" + (f": {detail}" if detail else ""))
        except ProtocolError as exc:
            return self._failed(key, f"{exc}; the worker was stopped")
        if answer["recycle"] or answer["rss_mb"] > RECYCLE_RSS_MB:
            self._recycle(key)  # a thread the slice started may still run; or the worker grew too large
        if not answer["ok"]:
            return ProbeResult(False, reason=answer["error"], output=answer["output"])
        return ProbeResult(True, answer["trainable"], answer["non_trainable"], answer["weights"], answer["layers"],
                           worker.sandbox.note, answer["output"])

    def _failed(self, key: tuple, reason: str) -> ProbeResult:
        worker = self._workers.get(key)
        note = worker.sandbox.note if worker else None
        self._recycle(key)
        return ProbeResult(False, reason=reason + (f" ({note})" if note else ""))

    def _recycle(self, key: tuple) -> None:
        worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()

    def close(self) -> None:
        """Stop every worker, without waiting for a request in flight (it fails: its worker is gone)."""
        for key in list(self._workers):
            self._recycle(key)


def _request(piece: Slice, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
             legacy: bool) -> tuple[dict, str]:
    """The worker's request, and its cache key: (slice, target, arguments, shape, flavour)."""
    request = {"code": piece.code, "kind": piece.kind, "path": path, "target": target, "args": args, "kwargs": kwargs,
               "input_shape": input_shape}
    return request, hashlib.sha256(json.dumps([request, legacy], sort_keys=True, default=str).encode()).hexdigest()


def project_root(path: Path) -> Path:
    """The folder the sandbox shows read-only: the nearest one with project markers, else the file's own."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in ("pyproject.toml", "setup.py", "setup.cfg", ".git")):
            return folder
    return path.parent


def _exit_text(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    if code > 128 and code - 128 in signal.valid_signals():
        return f"signal {signal.Signals(code - 128).name}"  # what a shell or sandbox reports for a signal
    return f"exit status {code}"


_shared: Probe | None = None


def shared_probe() -> Probe:
    """The process's probe: its workers stay warm between requests, and stop at exit."""
    global _shared
    if _shared is None:
        import atexit

        _shared = Probe()
        atexit.register(_shared.close)
    return _shared


def close_shared_probe() -> None:
    """Stop the shared probe's workers now (a server about to ``os._exit`` skips atexit)."""
    if _shared is not None:
        _shared.close()
