"""A pids cgroup around the sandbox, for root: the kernel exempts root from ``RLIMIT_NPROC``, so
there the process count is capped by a cgroup (v1 ``pids`` hierarchy, or v2 where the pids
controller is delegated to our cgroup's children). Elsewhere the worker's own rlimit applies."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from .sandbox import owner_gone

PIDS_MAX = 128  # processes and threads of the whole sandbox; the worker itself uses a handful
PREFIX = "keraslens-probe-"
ROOT = Path("/sys/fs/cgroup")
_numbers = itertools.count()


def pids_parent() -> Path | None:
    """The cgroup folder new pids cgroups go under, or None where this process cannot make one."""
    if os.geteuid() != 0:
        return None
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            folder = ROOT / "pids" / path.lstrip("/")
        elif controllers == "":
            folder = ROOT / path.lstrip("/")
            if "pids" not in _words(folder / "cgroup.subtree_control"):
                continue
        else:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return None


def new_pids_cgroup() -> Path | None:
    """A fresh cgroup capped at ``PIDS_MAX`` processes, or None where none can be made."""
    parent = pids_parent()
    if parent is None:
        return None
    folder = parent / f"{PREFIX}{os.getpid()}-{next(_numbers)}"
    try:
        folder.mkdir()
        (folder / "pids.max").write_text(str(PIDS_MAX))
    except OSError:
        remove(folder)
        return None
    return folder


def join_command(folder: Path) -> list[str]:
    """A prefix that moves the command into ``folder`` before it starts (no preexec_fn in a threaded server)."""
    return ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(folder)]


def remove(folder: Path) -> None:
    for _ in range(100):  # a killed sandbox's processes leave the cgroup within moments
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def remove_stale() -> None:
    """Cgroups of probes whose process is gone (killed before its cleanup)."""
    parent = pids_parent()
    for folder in parent.glob(f"{PREFIX}*-*") if parent else []:
        if owner_gone(folder, PREFIX):
            remove(folder)


def _words(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except OSError:
        return []
