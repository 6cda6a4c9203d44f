"""Every shell block of the READMEs runs as written, in a fresh copy of the repository.

A fenced block preceded by ``<!-- runnable -->`` is run line by line in one bash shell from the
copy's root (so a ``cd`` carries over). Each line must exit 0, or the code its trailing comment
states (``# exit 1: ...``). A block marked ``<!-- runnable: transcript -->`` holds ``$ command``
lines, each followed by the output it must print. A shell block that is not run is preceded by
``<!-- not-runnable: why -->``, naming the test that covers it; an unmarked shell block fails.

The copy is the working tree's tracked and new files (what a clone after commit would hold). Its
``.venv`` comes from ``uv run`` as the README says (linked from uv's cache: seconds); ``uv tool
install`` writes into the test's own directories, not the user's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READMES = ["README.md", "editors/README.md", "vscode-client/README.md", "examples/README.md"]
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
# the README's own test command is the runner of this very test
NOT_RUN_HERE = {"uv run pytest": "it runs this test"}

pytestmark = pytest.mark.timeout(900)

FENCE = re.compile(r"(?P<marker><!--\s*(?P<kind>runnable|not-runnable)(?::\s*(?P<arg>[^>]*?))?\s*-->\s*\n)?```(?P<lang>[\w-]*)\n(?P<body>.*?)```", re.S)


@dataclass
class Block:
    readme: str
    line: int
    kind: str | None  # "runnable", "not-runnable" or None
    arg: str
    language: str
    body: str

    @property
    def name(self) -> str:
        return f"{self.readme}:{self.line}"


def blocks() -> list[Block]:
    found = []
    for readme in READMES:
        text = (ROOT / readme).read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start("lang")) + 1
            found.append(Block(readme, line, match["kind"], (match["arg"] or "").strip(), match["lang"], match["body"]))
    return found


def shell_blocks() -> list[Block]:
    return [b for b in blocks() if b.language in SHELL_LANGUAGES or b.kind is not None]


def test_every_shell_block_is_run_or_says_why_not() -> None:
    unmarked = [b.name for b in shell_blocks() if b.kind is None]
    assert unmarked == [], "mark these with <!-- runnable --> or <!-- not-runnable: why -->"
    assert [b.name for b in shell_blocks() if b.kind == "not-runnable" and not b.arg] == []


def expected_exit(line: str) -> int:
    comment = line.partition(" #")[2]
    found = re.search(r"\bexit (\d+)\b", comment)
    return int(found.group(1)) if found else 0


def script_for(block: Block) -> str:
    """The block as a bash script that stops at the first line with an unexpected exit code."""
    steps = []
    for command in block.body.splitlines():
        bare = command.partition(" #")[0].strip()
        if not bare or bare.startswith("#") or bare in NOT_RUN_HERE:
            continue
        wanted = expected_exit(command)
        steps.append(
            f"{command}\nrc=$?; if [ $rc -ne {wanted} ]; then echo \"exit $rc, expected {wanted}:\" {shlex.quote(bare)} >&2; exit 1; fi"
        )
    return "\n".join(steps) + "\n"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH: the READMEs' commands start with it", pytrace=False)
    copy = tmp_path_factory.mktemp("fresh") / "keraslens"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def environment(checkout: Path) -> dict[str, str]:
    tools = checkout.parent / "uv-tools"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")}
    venv_bin = str(ROOT / ".venv" / "bin")  # a fresh clone has no project venv on PATH
    rest = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry != venv_bin]
    env["PATH"] = os.pathsep.join([str(tools / "bin"), *rest])
    env["UV_TOOL_DIR"], env["UV_TOOL_BIN_DIR"] = str(tools / "envs"), str(tools / "bin")
    return env


def run_script(script: str, checkout: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], cwd=checkout, env=environment(checkout), capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("readme", READMES)
def test_runnable_blocks(readme: str, checkout: Path) -> None:
    """The README's runnable blocks, in order (a later block may use what an earlier one installed)."""
    for block in [b for b in shell_blocks() if b.readme == readme and b.kind == "runnable"]:
        if block.arg == "transcript":
            for command, expected in transcript(block.body):
                done = run_script(command, checkout)
                assert done.returncode == 0, f"{block.name}: {command}\n{done.stdout}\n{done.stderr}"
                printed = [line.rstrip() for line in done.stdout.splitlines()]
                assert printed == expected, f"{block.name}: {command} printed:\n{done.stdout}"
            continue
        done = run_script(script_for(block), checkout)
        assert done.returncode == 0, f"{block.name}\n--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"


def transcript(body: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines and the output lines after each (trailing blanks dropped)."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line.rstrip())
    for _, output in pairs:
        while output and not output[-1]:
            output.pop()
    return pairs
