"""The sandboxed TensorFlow probe, with real TensorFlow in a real worker process."""

from __future__ import annotations

import ast
import os
import signal
from pathlib import Path

import pytest
from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.counts import count_report
from keraslens.count_command import count_target
from keraslens.probe.service import Probe, network_isolation_available
from keraslens.probe.slicer import slice_for

pytestmark = [pytest.mark.tf, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parent.parent.parent

LAYER = """import keras


class Dense2(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
{init}
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w
"""


@pytest.fixture(scope="module")
def probe():
    found = Probe()
    yield found
    found.close()


def ask(probe: Probe, text: str, target: str, *, kwargs=None, shape=(4,), timeout=60.0, path="probe_case.py"):
    return probe.count(slice_for(ast.parse(text), target), path, target, [], kwargs or {}, list(shape) if shape else None, False, timeout)


@pytest.mark.parametrize(("path", "target", "kwargs", "shape"), [
    ("examples/seed1_linear/fixed.py", "CorrectLinear", {"units": 5}, [10]),
    ("examples/seed0_shared_attention/fixed.py", "model", {}, None),
    ("examples/seed3_sequential_reuse/fixed.py", "model", {}, None),
    ("tests/truth/models/reuse_and_loops.py", "blocks", {}, None),
])
def test_probe_agrees_with_the_static_count(probe, path, target, kwargs, shape):
    text = (ROOT / path).read_text()
    static = count_target(text, str(ROOT / path), target, [], kwargs, shape)
    found = probe.count(slice_for(ast.parse(text), target), str(ROOT / path), target, [], kwargs, shape, False)
    assert found.ok, found.reason
    assert static["status"] == "exact"
    assert (found.trainable, found.non_trainable) == (static["trainable"], static["non_trainable"])


def test_a_hanging_constructor_times_out_and_the_next_request_works(probe):
    hanging = ask(probe, LAYER.format(init="        while True:\n            pass\n"), "Dense2", kwargs={"units": 3}, timeout=5)
    assert not hanging.ok and "timed out after 5 s" in hanging.reason
    fine = ask(probe, LAYER.format(init=""), "Dense2", kwargs={"units": 3})
    assert fine.ok and fine.trainable == 12


def test_memory_is_limited(probe):
    greedy = ask(probe, LAYER.format(init="        self.hog = bytearray(9 << 30)  # above the 8 GiB limit, below what overcommit refuses\n"), "Dense2", kwargs={"units": 3})
    assert not greedy.ok and "MemoryError" in greedy.reason


def test_the_top_level_script_does_not_run(probe, tmp_path):
    marker = tmp_path / "ran.txt"
    text = LAYER.format(init="") + f"\nopen({str(marker)!r}, 'w').write('ran')\nprint('side effect')\n"
    found = ask(probe, text, "Dense2", kwargs={"units": 2})
    assert found.ok and found.trainable == 8
    assert not marker.exists()


def test_a_killed_worker_is_replaced(probe):
    assert ask(probe, LAYER.format(init=""), "Dense2", kwargs={"units": 1}).ok
    worker = probe._workers[False]
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    again = ask(probe, LAYER.format(init=""), "Dense2", kwargs={"units": 5})
    assert again.ok and again.trainable == 20


def test_no_network_from_the_worker(probe):
    if not network_isolation_available():
        pytest.skip("unshare -rn does not work on this machine: the probe says so in its result instead")
    init = "        import socket\n        socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
    found = ask(probe, LAYER.format(init=init), "Dense2", kwargs={"units": 1})
    assert not found.ok and ("unreachable" in found.reason.lower() or "OSError" in found.reason), found.reason


def test_cli_probe_flag(tmp_path, capsys):
    from keraslens.cli import main

    assert main(["count", str(ROOT / "examples/seed1_linear/fixed.py"), "--target", "model", "--probe", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"source": "probe"' in out and '"total": 55' in out


def test_static_report_is_unchanged_by_probing():
    # the probe never touches the analysis: counting the same file statically stays exact
    path = ROOT / "examples/seed1_linear/fixed.py"
    report = count_report(analyze(path.read_text(), str(path)))
    assert report.models[0].count.total == 55
