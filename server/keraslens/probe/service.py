"""Runs probe requests in a warm, sandboxed worker; one worker per Keras flavour.

The worker is ``python -I -m keraslens.probe.worker`` in its own session (so a timeout
kills its whole process group), with a clean environment, a scratch directory as HOME
and working directory, resource limits, and no network when ``unshare -rn`` works here.
Answers are cached by (slice, target, arguments, shape, flavour).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from .slicer import Slice

START_TIMEOUT_S = 120.0  # TensorFlow's import takes 3-15 s; a loaded machine more
MEMORY_LIMIT = 8 << 30  # address space: TensorFlow maps a lot it never touches
RECYCLE_RSS_MB = 2048  # a worker that grew past this is restarted after its answer
CPU_SECONDS = 600
FILE_SIZE_LIMIT = 64 << 20


@dataclass
class ProbeResult:
    ok: bool
    trainable: int | None = None
    non_trainable: int | None = None
    weights: list[dict] = field(default_factory=list)
    layers: list[dict] = field(default_factory=list)
    reason: str | None = None  # why it failed, or an isolation layer that was unavailable


def network_isolation_available() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False).returncode == 0


class _Worker:
    def __init__(self, legacy: bool) -> None:
        self.scratch = tempfile.mkdtemp(prefix="keraslens-probe-")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.scratch, "TMPDIR": self.scratch,
            "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow",
            "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
        }
        if legacy:
            env["TF_USE_LEGACY_KERAS"] = "1"
        command = [sys.executable, "-I", "-m", "keraslens.probe.worker"]
        self.isolated = network_isolation_available()
        if self.isolated:
            command = [shutil.which("unshare"), "-rn", *command]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.scratch,
            env=env, text=True, start_new_session=True, preexec_fn=_limits,
        )
        self.ready = False

    def ask(self, request: dict, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        if not self.ready:
            self._read(time.monotonic() + START_TIMEOUT_S)
            self.ready = True
            deadline = time.monotonic() + timeout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read(deadline)

    def _read(self, deadline: float) -> dict:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    raise ChildProcessError(self.process.wait())
                return json.loads(line)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Probe:
    """Thread-safe; keep one per process (the server runs it on a worker thread)."""

    def __init__(self) -> None:
        self._workers: dict[bool, _Worker] = {}
        self._cache: dict[str, ProbeResult] = {}
        self._lock = threading.Lock()

    def count(self, piece: Slice, path: str, target: str, args: list, kwargs: dict, input_shape: list | None,
              legacy: bool, timeout: float = 60.0) -> ProbeResult:
        request = {"code": piece.code, "kind": piece.kind, "path": path, "target": target, "args": args, "kwargs": kwargs,
                   "input_shape": input_shape}
        key = hashlib.sha256(json.dumps([request, legacy], sort_keys=True, default=str).encode()).hexdigest()
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._run(request, legacy, timeout)
            return self._cache[key]

    def _run(self, request: dict, legacy: bool, timeout: float) -> ProbeResult:
        worker = self._workers.get(legacy)
        if worker is None or worker.process.poll() is not None:
            worker = self._workers[legacy] = _Worker(legacy)
        try:
            answer = worker.ask(request, timeout)
        except TimeoutError:
            self._recycle(legacy)
            return ProbeResult(False, reason=f"timed out after {timeout:g} s; the worker was stopped")
        except ChildProcessError as died:
            self._recycle(legacy)
            return ProbeResult(False, reason=f"the worker died ({_exit_text(died.args[0])})")
        if answer.get("rss_mb", 0) > RECYCLE_RSS_MB:
            self._recycle(legacy)
        if not answer["ok"]:
            self._recycle(legacy)  # an error may leave state behind: start clean next time
            return ProbeResult(False, reason=answer["error"])
        note = None if worker.isolated else "network isolation was unavailable (unshare -rn failed)"
        return ProbeResult(True, answer["trainable"], answer["non_trainable"], answer["weights"], answer["layers"], note)

    def _recycle(self, legacy: bool) -> None:
        worker = self._workers.pop(legacy, None)
        if worker is not None:
            worker.stop()

    def close(self) -> None:
        with self._lock:
            for legacy in list(self._workers):
                self._recycle(legacy)


def _exit_text(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
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
