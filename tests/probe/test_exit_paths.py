"""However the process that started the probe ends, its sandbox ends too and leaves nothing behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from keraslens.probe import sandbox
from keraslens.probe.sandbox import IsolationUnavailable, sandbox_for
from keraslens.probe.service import WORKER, Probe
from keraslens.probe.slicer import slice_for

pytestmark = [pytest.mark.tf, pytest.mark.timeout(600)]

LAYER = '''import keras


class Dense2(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 3))

    def call(self, x):
        return x @ self.w
'''
STARTER = '''import ast, os, sys, time
from keraslens.probe.service import shared_probe
from keraslens.probe.slicer import slice_for

text, path, ending = sys.argv[1:]
found = shared_probe().count(slice_for(ast.parse(text), "Dense2"), path, "Dense2", [], {{}}, [4], False)
print("counted", found.trainable, found.reason, flush=True)
{ending}
'''
ENDINGS = {
    "exit": "sys.exit(0)",  # atexit stops the workers
    "os._exit": "time.sleep(2)\nos._exit(0)",  # as the language server ends: no atexit
    "killed": "time.sleep(600)",  # the test kills it
}


def processes_mentioning(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def scratch_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{sandbox.SCRATCH_PREFIX}*"))


def wait_until_gone(marker: str, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_nothing_outlives_the_process_that_started_the_probe(tmp_path, ending, bubblewrap):
    project = tmp_path / f"project-{ending.replace('.', '-')}"  # appears in the sandbox's command line
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    before = scratch_folders()
    starter = subprocess.Popen([sys.executable, "-c", STARTER.format(ending=ENDINGS[ending]), LAYER, str(project / "m.py"), ending],
                               stdout=subprocess.PIPE, text=True)
    assert starter.stdout.readline().startswith("counted 12 None")
    assert processes_mentioning(str(project)), "the sandbox runs while its starter does"
    if ending == "killed":
        starter.send_signal(signal.SIGKILL)
    starter.wait(timeout=60)
    assert wait_until_gone(str(project)) == []
    assert scratch_folders() - before == set()


def test_without_bubblewrap_the_probe_refuses_and_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "bubblewrap (bwrap) is not installed")
    with pytest.raises(IsolationUnavailable, match="bubblewrap.*probe-allow-file-access.*read and write whatever you can"):
        sandbox_for(WORKER, tmp_path, allow_file_access=False)


def test_weaker_isolation_when_the_user_accepts_it_says_so_and_cleans_up(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "bubblewrap (bwrap) is not installed")
    probe = Probe()
    before = scratch_folders()
    found = probe.count(slice_for(__import__("ast").parse(LAYER), "Dense2"), str(tmp_path / "m.py"), "Dense2", [], {}, [4], False,
                        allow_file_access=True)
    assert found.ok and found.trainable == 12
    assert found.reason.startswith("no filesystem isolation (bubblewrap (bwrap) is not installed")
    assert len(scratch_folders() - before) == 1
    probe.close()
    assert scratch_folders() - before == set()
