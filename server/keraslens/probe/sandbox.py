"""What the probe's worker runs inside, and how much that isolates.

With bubblewrap (``bwrap``): new user, mount, PID, network, IPC and UTS namespaces. The worker sees
the system (``/usr`` and the few ``/etc`` files the dynamic linker reads) and the Python environment
read-only, the project's sources read-only, and a private tmpfs as its scratch folder (working
directory; the service points HOME and TMPDIR at it); nothing else of the machine: no home, no other ``/tmp``, no ``/run``, no sockets.
``--die-with-parent`` ends the sandbox with the process that started it, however that one ends, and
the PID namespace takes every process started inside with it. The tmpfs leaves nothing on disk.

Without bubblewrap the probe refuses, unless the user accepts weaker isolation with the setting
``probe-allow-file-access``: then the worker gets network and PID namespaces from ``unshare`` where
that works (its files are the user's files), and every result says what was missing.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRATCH = "/tmp"  # inside the bubblewrap sandbox: a private tmpfs
WORKER = "/keraslens-probe-worker.py"
SCRATCH_BYTES = 512 << 20
SCRATCH_PREFIX = "keraslens-probe-"
ALLOW_SETTING = "probe-allow-file-access"
SYSTEM_DIRS = ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/libx32", "/sbin")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
UNSHARE = ("--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--mount-proc")


class IsolationUnavailable(Exception):
    """No filesystem isolation here, and the user did not accept running without it."""


@dataclass(frozen=True)
class Sandbox:
    prefix: list[str]  # the command line before the worker's own
    worker: str  # the worker script, as the worker sees it
    scratch: str  # the worker's working directory, as the worker sees it
    host_scratch: str | None  # a folder on the host to remove afterwards (weak isolation only)
    private_pids: bool  # the worker is alone in a PID namespace: it may stop every other process in it
    note: str | None  # what isolation was missing, said in every result


def sandbox_for(worker: Path, project: Path, allow_file_access: bool) -> Sandbox:
    """The sandbox a new ``worker`` for ``project`` starts in; IsolationUnavailable when none is acceptable."""
    why = bubblewrap_problem()
    if why is None:
        return Sandbox(_bwrap(worker, project), WORKER, SCRATCH, None, True, None)
    if not allow_file_access:
        raise IsolationUnavailable(
            f"the probe needs bubblewrap to keep the code it runs away from your files ({why}); install it "
            f"(Debian/Ubuntu: apt-get install bubblewrap) or set `{ALLOW_SETTING}` to run it with network and "
            "process isolation only, where the code can read and write whatever you can")
    scratch = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
    if _unshare_works():
        return Sandbox([shutil.which("unshare"), *UNSHARE], str(worker), scratch, scratch, True, f"no filesystem isolation ({why})")
    return Sandbox([], str(worker), scratch, scratch, False, f"no filesystem, network or process isolation ({why}; unshare failed)")


@functools.cache
def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot isolate the worker here, or None when it can."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    trial = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "true"],
                           capture_output=True, text=True, check=False)
    return None if trial.returncode == 0 else f"bwrap failed: {trial.stderr.strip() or trial.returncode}"


@functools.cache
def _unshare_works() -> bool:
    unshare = shutil.which("unshare")
    return unshare is not None and subprocess.run([unshare, *UNSHARE, "true"], capture_output=True, check=False).returncode == 0


def _bwrap(worker: Path, project: Path) -> list[str]:
    command = [shutil.which("bwrap"), "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    command += [arg for path in SYSTEM_FILES if os.path.exists(path) for arg in ("--ro-bind", path, path)]
    command += ["--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH]  # first: a project under /tmp is bound over it, not hidden
    for path in _read_only_roots(project):
        command += ["--ro-bind", path, path]
    command += ["--ro-bind", str(worker), WORKER]
    command += ["--proc", "/proc", "--dev", "/dev", "--chdir", SCRATCH]
    return [*command, "--remount-ro", "/", "--"]  # the sandbox's own root too: only the scratch folder is writable


def _read_only_roots(project: Path) -> list[str]:
    """The Python environment (interpreter, venv, import roots) and the project, outermost only.

    ``sys.path[0]`` is left out (it can be the folder the server was started in), and so is any
    folder holding the home folder: the sandbox must not see all of it."""
    wanted = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)), str(project), *sys.path[1:]}
    wanted |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    home = os.path.realpath(os.path.expanduser("~"))
    real = sorted({os.path.realpath(p) for p in wanted if p and os.path.isabs(p) and os.path.isdir(p)})
    real = [path for path in real if not _within(home, path)]
    roots: list[str] = []
    for path in real:  # sorted: a parent comes before what it contains
        if not any(_within(path, root) for root in (*roots, *SYSTEM_DIRS)):
            roots.append(path)
    return roots


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def remove_stale_scratch() -> None:
    """Scratch folders (weak isolation) of probes whose process is gone, e.g. killed before its cleanup."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        if owner_gone(folder, SCRATCH_PREFIX):
            shutil.rmtree(folder, ignore_errors=True)


def owner_gone(folder: Path, prefix: str) -> bool:
    """Whether the process that made ``folder`` (named ``<prefix><pid>-...``) has ended."""
    owner = folder.name.removeprefix(prefix).split("-", 1)[0]
    return owner.isdigit() and not Path(f"/proc/{owner}").exists()
