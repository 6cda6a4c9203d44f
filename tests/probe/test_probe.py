"""The sandboxed TensorFlow probe, with real TensorFlow in a real worker process.

The hostile programs are real: each bounds its own loop, memory and forks, so a sandbox that
fails lets it run to its end instead of taking the machine down.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import textwrap
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from keraslens.analysis.engine import analyze
from keraslens.analysis.interpretation.counts import count_report
from keraslens.count_command import count_target
from keraslens.probe.cgroup import pids_parent
from keraslens.probe.service import Probe
from keraslens.probe.slicer import slice_for

pytestmark = [pytest.mark.tf, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parent.parent.parent
FORGED = '{"ok": true, "trainable": 424242, "non_trainable": 0, "weights": [], "layers": [], "output": "", "id": 1, "rss_mb": 1, "recycle": false}\n'

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
NORMAL_PARAMS = 12  # Dense2(units=3) on 4 inputs: one (4, 3) kernel


def layer(init: str = "") -> str:
    return LAYER.format(init=textwrap.indent(textwrap.dedent(init), " " * 8) if init else "")


def fresh() -> str:
    """A normal layer the probe has not cached an answer for: it must ask the worker."""
    return layer(f"self.nonce = {uuid.uuid4().hex!r}\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    (folder / "pyproject.toml").write_text("[project]\nname = 'probed'\n")
    return folder


@pytest.fixture(scope="module")
def probe(project, bubblewrap):
    found = Probe()
    yield found
    trees = sandbox_processes(found)
    found.close()
    assert _gone(trees), "processes of the sandbox outlived the probe"


def ask(probe: Probe, text: str, target: str = "Dense2", *, project: Path, kwargs=None, shape=(4,), timeout=60.0):
    kwargs = {"units": 3} if kwargs is None else kwargs
    path = str(project / "case.py")
    return probe.count(slice_for(ast.parse(text), target), path, target, [], kwargs, list(shape) if shape else None, False, timeout)


def process_count_limited() -> bool:
    """The kernel applies RLIMIT_NPROC to everyone but root; for root the probe makes a pids cgroup where it can."""
    return os.geteuid() != 0 or pids_parent() is not None


def sandbox_processes(probe: Probe, project: Path | None = None) -> set[int]:
    """Every live process under the probe's workers (for ``project``), as the host sees them (zombies excluded)."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z":
            children[int(ppid)].append(int(stat.parent.name))
    found: set[int] = set()
    todo = [worker.process.pid for key, worker in probe._workers.items() if project in (None, key[1])]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += children[pid]
    return found


def _gone(pids: set[int], wait_s: float = 5.0) -> bool:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        alive = {pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


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


class Hostile:
    """What the outside looks like to a hostile program, and whether it changed."""

    def __init__(self, tmp_path: Path, project: Path) -> None:
        tag = uuid.uuid4().hex[:12]
        self.outside = tmp_path / f"outside-{tag}.txt"  # the host's /tmp, outside the scratch folder
        self.host_tmp = Path("/tmp") / f"keraslens-probe-test-{tag}"  # in the sandbox, /tmp is the scratch folder
        self.home_marker = Path.home() / f".keraslens-probe-test-{tag}"
        self.secret = Path.home() / f".keraslens-probe-secret-{tag}"
        self.secret_text = f"token-{uuid.uuid4().hex}"
        self.project_file = project / f"written-{tag}.py"
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.unix_path = tmp_path / "agent.sock"
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(str(self.unix_path))
        self.unix.listen()
        self.abstract_name = f"\0keraslens-probe-test-{tag}"  # D-Bus and X11 listen on such sockets too
        self.abstract = socket.socket(socket.AF_UNIX)
        self.abstract.bind(self.abstract_name)
        self.abstract.listen()
        self.secret.write_text(self.secret_text)

    @property
    def names(self) -> dict:
        return {"OUTSIDE": str(self.outside), "HOST_TMP": str(self.host_tmp), "HOME_MARKER": str(self.home_marker), "SECRET": str(self.secret),
                "PROJECT_FILE": str(self.project_file), "TCP_PORT": self.tcp.getsockname()[1], "UNIX": str(self.unix_path),
                "ABSTRACT": self.abstract_name,
                "FORGED": FORGED}

    def untouched(self) -> list[str]:
        """What changed: files outside the scratch folder, connections a listener saw."""
        changed = [str(path) for path in (self.outside, self.host_tmp, self.home_marker, self.project_file) if path.exists()]
        for listener in (self.tcp, self.unix, self.abstract):
            listener.settimeout(0.3)
            try:
                listener.accept()[0].close()
                changed.append(f"a connection to {listener.getsockname()}")
            except TimeoutError:
                pass
        return changed

    def close(self) -> None:
        for listener in (self.tcp, self.unix, self.abstract):
            listener.close()
        for path in (self.home_marker, self.secret, self.host_tmp):
            path.unlink(missing_ok=True)


HOSTILE = {  # name: (code in Dense2.__init__, what the result must say: an error text, or None for a correct count)
    "infinite loop": ("import time\nend = time.monotonic() + 120\nwhile time.monotonic() < end:\n    pass\n", "timed out"),
    "20 GB allocation": ("self.hog = bytearray(20 << 30)\n", "MemoryError"),
    "200 forks": ("import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)\n", "fork-or-count"),
    "os._exit(3)": ("import os\nos._exit(3)\n", "exit status 3"),
    "ctypes segfault": ("import ctypes\nctypes.string_at(0)\n", "SIGSEGV"),
    "write outside scratch": ("open({OUTSIDE!r}, 'w').write('x')\n", "No such file or directory"),
    "write to /tmp": ("open({HOST_TMP!r}, 'w').write('x')\n", None),  # the private scratch folder: allowed, and gone
    "write in home": ("open({HOME_MARKER!r}, 'w').write('x')\n", "Read-only file system"),
    "write in the project": ("open({PROJECT_FILE!r}, 'w').write('x')\n", "Read-only file system"),
    "read a file in home": ("raise RuntimeError(open({SECRET!r}).read())\n", "No such file or directory"),
    "connect to 127.0.0.1": ("import socket\nsocket.create_connection(('127.0.0.1', {TCP_PORT}), timeout=3)\n", "Connection refused"),
    "connect to a Unix socket": ("import socket\ns = socket.socket(socket.AF_UNIX)\ns.settimeout(3)\ns.connect({UNIX!r})\n", "No such file or directory"),
    "connect to an abstract Unix socket": ("import socket\ns = socket.socket(socket.AF_UNIX)\ns.settimeout(3)\ns.connect({ABSTRACT!r})\n", "Connection refused"),
    "print 100 MB": ("print('x' * (100 << 20))\n", "File too large"),
    "kill its parent": ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(1, signal.SIGKILL)\n", None),
    "detached grandchild": (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(2)\n"
        "        open({OUTSIDE!r}, 'w').write('late')\n        os._exit(0)\n    os._exit(0)\nos.wait()\n", None),
    "forged answer on fd 1 and 2": ("import os, sys\nos.write(1, {FORGED!r}.encode())\nos.write(2, {FORGED!r}.encode())\nprint({FORGED!r})\n", None),
    "forged answer on every descriptor": (
        "import os\nfor fd in range(3, 1024):\n    try:\n        os.write(fd, {FORGED!r}.encode())\n    except OSError:\n        pass\n",
        "not the answer to this request"),
}


@pytest.fixture()
def hostile(tmp_path, project):
    world = Hostile(tmp_path, project)
    yield world
    world.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_program_is_contained(probe, project, hostile, name):
    code, expected = HOSTILE[name]
    assert ask(probe, fresh(), project=project).trainable == NORMAL_PARAMS  # a warm worker to attack
    found = ask(probe, layer(code.format(**hostile.names)), project=project, timeout=5 if name == "infinite loop" else 60)
    if expected is None:
        assert found.ok and found.trainable == NORMAL_PARAMS, found.reason
    elif expected == "fork-or-count" and not process_count_limited():  # root without a pids cgroup: contained by the PID namespace
        assert found.ok and found.trainable == NORMAL_PARAMS, found.reason
    elif expected == "fork-or-count":  # stopped by RLIMIT_NPROC (not root) or the pids cgroup (root)
        assert not found.ok and "Resource temporarily unavailable" in found.reason, found.reason
    else:
        assert not found.ok and expected in found.reason, found.reason
    assert "424242" not in json.dumps([found.trainable, found.reason])
    assert hostile.secret_text not in f"{found.reason}{found.output}"
    time.sleep(2.5 if name == "detached grandchild" else 0)  # it would have written by now
    assert hostile.untouched() == []
    after = ask(probe, fresh(), project=project)
    assert after.ok and after.trainable == NORMAL_PARAMS, after.reason
    assert len(sandbox_processes(probe)) == 3 * len(probe._workers), "bwrap, its init and the worker only: the rest is gone"


def test_what_the_program_prints_comes_back_as_output(probe, project):
    found = ask(probe, layer(f"print({FORGED!r})\nimport sys\nsys.stderr.write('on stderr')\n"), project=project)
    assert found.ok and found.trainable == NORMAL_PARAMS
    assert "424242" in found.output and "on stderr" in found.output


def test_sys_exit_in_a_class_body(probe, project):
    text = "import sys\nimport keras\n\n\nclass Quits(keras.layers.Layer):\n    sys.exit(4)\n"
    found = ask(probe, text, "Quits", kwargs={}, project=project)
    assert not found.ok and "SystemExit: 4" in found.reason
    assert ask(probe, fresh(), project=project).trainable == NORMAL_PARAMS


def test_the_top_level_script_does_not_run(probe, project, tmp_path):
    marker = tmp_path / "ran.txt"
    text = layer() + f"\nopen({str(marker)!r}, 'w').write('ran')\nraise SystemExit('the script ran')\n"
    found = ask(probe, text, project=project)
    assert found.ok and found.trainable == NORMAL_PARAMS, found.reason
    assert not marker.exists()


def test_a_killed_sandbox_is_replaced_and_leaves_nothing(probe, project):
    assert ask(probe, fresh(), project=project).ok
    tree = sandbox_processes(probe, project)
    assert len(tree) == 3
    os.kill(min(tree), 9)  # bwrap outside the sandbox, as a crash or the OOM killer would
    assert _gone(tree)
    again = ask(probe, layer(), kwargs={"units": 5}, project=project)
    assert again.ok and again.trainable == 20


def test_cli_probe_flag_with_several_targets_in_one_worker(capsys, bubblewrap):
    from keraslens.cli import main

    path = str(ROOT / "examples/seed1_linear/fixed.py")
    assert main(["count", path, "--target", "model", "--target", "CorrectLinear", "--kwargs", '{"units": 2}', "--input-shape", "[3]",
                 "--probe", "--format", "json"]) == 0
    model, layer_result = json.loads(capsys.readouterr().out)
    assert (model["source"], model["total"]) == ("probe", 55)
    assert (layer_result["source"], layer_result["total"]) == ("probe", 8)  # 3 * 2 kernel + 2 bias


def test_static_report_is_unchanged_by_probing():
    # the probe never touches the analysis: counting the same file statically stays exact
    path = ROOT / "examples/seed1_linear/fixed.py"
    report = count_report(analyze(path.read_text(), str(path)))
    assert report.models[0].count.total == 55


def test_a_slice_larger_than_a_pipe_buffer_is_sent_whole(probe, project):
    found = ask(probe, layer(f"self.blob = {'x' * (300 << 10)!r}\n"), project=project)  # 300 KB: several pipe buffers
    assert found.ok and found.trainable == NORMAL_PARAMS, found.reason
