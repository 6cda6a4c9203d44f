"""End to end in real editors: Neovim (headless), Emacs + eglot (batch), Vim + ALE (ex mode).

Each editor loads the configuration we ship in ``editors/`` exactly as a user would and starts
``keraslens serve`` from PATH (the project venv's ``bin`` is put first; ``KERASLENS_E2E_BIN_DIR``
points elsewhere to test another build). A small driver per editor (``tests/e2e/editors/``)
opens a copy of an example file, waits for what the editor received and writes it as JSON;
the assertions are here.

Missing editors are installed by ``tests/e2e/install_tools.sh`` (apt). If that is impossible
the tests skip with the reason, except in CI (``CI`` set), where they fail.

Run: ``uv run pytest tests/e2e/test_editors.py -m editor -v``
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from needed import unavailable

pytestmark = [pytest.mark.editor, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DRIVERS = HERE / "editors"
EDITORS = REPO / "editors"
ALE_DIR = Path(os.environ.get("KERASLENS_E2E_ALE_DIR", "/usr/share/vim-ale"))  # default: Debian's vim-ale
DRIVER_TIMEOUT_S = 120
WAIT_MS = "30000"  # how long a driver waits for one thing (diagnostics, hover, fix)

DIAG_FILE = "examples/seed4_tf_variable/broken.py"  # one KL102 finding (examples/expected.json)
HOVER_FILE = "examples/seed1_linear/fixed.py"  # CorrectLinear(units=5) on 10 inputs: 55 params
HOVER_CLASS = "CorrectLinear"
HOVER_COUNT = "55"
FIX_FILE = "examples/seed4_build_without_super/broken.py"  # KL110 with a safe fix
FIX_TITLE = "super().build"

TIMINGS: dict[str, float] = {}


def _expected_finding(path: str) -> dict:
    """The single finding examples/expected.json promises for ``path`` (code, 1-based line)."""
    data = json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))
    entry = next(f for f in data["files"] if f["path"] == path)
    assert len(entry["findings"]) == 1, entry
    return entry["findings"][0]


def _hover_position(path: str, token: str) -> tuple[int, int]:
    """0-based (line, character) inside ``class <token>`` in ``path``."""
    for number, line in enumerate((REPO / path).read_text(encoding="utf-8").splitlines()):
        match = re.match(rf"class\s+({token})\b", line)
        if match:
            return number, match.start(1) + 2
    raise AssertionError(f"class {token} not found in {path}")


def _unavailable(reason: str) -> None:
    message = f"editor end-to-end tooling unavailable: {reason}"
    if not os.environ.get("CI"):
        warnings.warn(message, stacklevel=2)  # in the warnings summary too, not only in -ra
    unavailable(message)


@pytest.fixture(scope="session")
def editors_installed() -> str:
    """Runs install_tools.sh once (under a lock, for xdist); returns its output for failure reports."""
    cache = REPO / ".cache" / "e2e"
    cache.mkdir(parents=True, exist_ok=True)
    log = cache / "install_tools.log"
    started = time.monotonic()
    with open(cache / ".editors.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            ["bash", str(HERE / "install_tools.sh")],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
    output = proc.stdout + proc.stderr
    log.write_text(output, encoding="utf-8")
    TIMINGS["install_tools"] = time.monotonic() - started
    if proc.returncode != 0:
        return f"install_tools.sh failed (rc={proc.returncode}):\n{output[-3000:]}"
    return ""


@pytest.fixture(scope="session")
def server_env() -> dict[str, str]:
    """Environment in which ``keraslens`` on PATH is the build under test."""
    bin_dir = os.environ.get("KERASLENS_E2E_BIN_DIR") or str(Path(sys.executable).parent)
    if not (Path(bin_dir) / "keraslens").exists():
        pytest.fail(f"no `keraslens` executable in {bin_dir}; run `uv sync` first", pytrace=False)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIMINIT", None)
    env.pop("EXINIT", None)
    return env


def _need(editors_installed: str, executable: str, *extra: Path) -> str:
    found = shutil.which(executable)
    if found is None or not all(path.exists() for path in extra):
        _unavailable(f"`{executable}` {' '.join(map(str, extra))} not found. {editors_installed}".strip())
    return found


def _need_eglot(editors_installed: str) -> None:
    _need(editors_installed, "emacs")
    probe = "(progn (package-initialize) (require 'eglot))"  # Emacs 28: Debian's elpa-eglot
    proc = subprocess.run(["emacs", "--batch", "--eval", probe], capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        _unavailable(f"eglot cannot be loaded: {proc.stderr.strip()[-500:]} {editors_installed}".strip())


def _workspace(tmp_path: Path, *files: str) -> dict[str, Path]:
    """Copies example files into a fresh folder (fixes must not touch the repository)."""
    copies = {}
    for name in files:
        target = tmp_path / Path(name).parent.name / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, target)
        copies[name] = target
    return copies


def _drive(name: str, cmd: list[str], env: dict[str, str], out: Path, cwd: Path) -> dict:
    """Runs one editor driver; returns its JSON report (with the editor's output on failure)."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            cmd, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=DRIVER_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{name} did not finish within {DRIVER_TIMEOUT_S} s: {error.stdout!r} {error.stderr!r}")
    elapsed = time.monotonic() - started
    TIMINGS[name] = TIMINGS.get(name, 0.0) + elapsed
    print(f"{name}: {elapsed:.2f} s")
    if not out.exists():
        pytest.fail(f"{name} wrote no report (rc={proc.returncode})\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    report = json.loads(out.read_text(encoding="utf-8"))
    report["_output"] = f"rc={proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    return report


def _explain(report: dict) -> str:
    shown = {k: v for k, v in report.items() if k != "_output"}
    return f"\nreport: {json.dumps(shown, indent=1)}\n{report.get('_output', '')}"


def _base_env(server_env: dict[str, str], out: Path, file: Path, code: str | None, hover: tuple[int, int] | None) -> dict:
    env = dict(server_env, KL_OUT=str(out), KL_FILE=str(file), KL_TIMEOUT_MS=WAIT_MS)
    if code:
        env["KL_CODE"] = code
    if hover:
        env["KL_HOVER"] = f"{hover[0]},{hover[1]}"
    return env


@pytest.fixture(scope="session", autouse=True)
def _print_timings():
    yield
    if TIMINGS:
        print("\neditor e2e timings (s): " + ", ".join(f"{k}={v:.2f}" for k, v in sorted(TIMINGS.items())))


# ---------------------------------------------------------------------------------------------
# Neovim


def _nvim(server_env: dict, tmp_path: Path, file: Path, *, code=None, hover=None, fix=None, tag="") -> dict:
    out = tmp_path / f"nvim{tag}.json"
    env = _base_env(server_env, out, file, code, hover)
    env["KL_CONFIG"] = str(EDITORS / "nvim" / "keraslens.lua")
    if fix:
        env["KL_FIX"] = fix
    cmd = ["nvim", "--headless", "--clean", "-c", f"luafile {DRIVERS / 'nvim_driver.lua'}"]
    return _drive("nvim", cmd, env, out, file.parent)


def test_neovim_diagnostic_hover_and_quick_fix(editors_installed, server_env, tmp_path):
    _need(editors_installed, "nvim")
    files = _workspace(tmp_path, DIAG_FILE, HOVER_FILE, FIX_FILE)
    expected = _expected_finding(DIAG_FILE)

    report = _nvim(server_env, tmp_path, files[DIAG_FILE], code=expected["code"], tag="-diag")
    assert not report["errors"], _explain(report)
    assert report["client"]["cmd"] == ["keraslens", "serve"], _explain(report)
    ours = [d for d in report["diagnostics"] if d["source"] == "keraslens"]
    assert [(d["code"], d["lnum"] + 1) for d in ours] == [(expected["code"], expected["line"])], _explain(report)
    assert ours[0]["severity"] == 1, "KL102 is an error" + _explain(report)

    report = _nvim(server_env, tmp_path, files[HOVER_FILE], hover=_hover_position(HOVER_FILE, HOVER_CLASS), tag="-hover")
    assert not report["errors"], _explain(report)
    assert re.search(rf"\b{HOVER_COUNT}\b", report.get("hover") or ""), _explain(report)

    fix = _expected_finding(FIX_FILE)
    report = _nvim(server_env, tmp_path, files[FIX_FILE], code=fix["code"], fix=FIX_TITLE, tag="-fix")
    assert not report["errors"], _explain(report)
    assert [d["lnum"] + 1 for d in report["diagnostics"] if d["code"] == fix["code"]] == [fix["line"]], _explain(report)
    assert report.get("applied") and FIX_TITLE in report["applied"], "quick fix not offered" + _explain(report)
    assert report["buffer_changed"], _explain(report)
    assert any("super().build(input_shape)" in line for line in report["lines_after_fix"]), _explain(report)
    assert not [d for d in report["diagnostics_after_fix"] if d["code"] == fix["code"]], (
        f"{fix['code']} still reported after the fix" + _explain(report)
    )


# ---------------------------------------------------------------------------------------------
# Emacs + eglot


def _emacs(server_env: dict, tmp_path: Path, file: Path, *, code=None, hover=None, fix=None, tag="") -> dict:
    out = tmp_path / f"emacs{tag}.json"
    env = _base_env(server_env, out, file, code, hover)
    if fix:
        env["KL_FIX"] = fix
    env["KL_CONFIG"] = str(EDITORS / "emacs" / "keraslens.el")
    env["HOME"] = str(tmp_path / "home")  # no user init, no ~/.emacs.d writes
    cmd = ["emacs", "--batch", "-l", str(DRIVERS / "emacs_driver.el")]  # no -Q: it skips Debian's site-start (elpa)
    return _drive("emacs", cmd, env, out, file.parent)


def test_emacs_eglot_diagnostic_hover_and_code_action(editors_installed, server_env, tmp_path):
    _need_eglot(editors_installed)
    files = _workspace(tmp_path, DIAG_FILE, HOVER_FILE, FIX_FILE)
    expected = _expected_finding(DIAG_FILE)

    report = _emacs(server_env, tmp_path, files[DIAG_FILE], code=expected["code"], tag="-diag")
    assert not report["errors"], _explain(report)
    assert report["server"] == "keraslens", _explain(report)
    ours = [d for d in report["diagnostics"] if d["text"].startswith("keraslens")]
    assert [(re.search(r"\[(KL\d+)\]", d["text"]).group(1), d["line"]) for d in ours] == [
        (expected["code"], expected["line"])
    ], _explain(report)
    assert ours[0]["type"] == "eglot-error", _explain(report)

    report = _emacs(server_env, tmp_path, files[HOVER_FILE], hover=_hover_position(HOVER_FILE, HOVER_CLASS), tag="-hover")
    assert not report["errors"], _explain(report)
    assert re.search(rf"\b{HOVER_COUNT}\b", report.get("hover") or ""), _explain(report)

    # M-x eglot-code-actions at the KL110 diagnostic, picking the super().build fix from the menu
    fix = _expected_finding(FIX_FILE)
    report = _emacs(server_env, tmp_path, files[FIX_FILE], code=fix["code"], fix=FIX_TITLE, tag="-fix")
    assert not report["errors"], _explain(report)
    assert report.get("applied") and FIX_TITLE in report["applied"], _explain(report)
    assert "super().build(input_shape)" in (report.get("text_after_fix") or ""), _explain(report)
    assert not [d for d in report["diagnostics_after_fix"] if f"[{fix['code']}]" in d], _explain(report)


# ---------------------------------------------------------------------------------------------
# Vim + ALE


def _vim(server_env: dict, tmp_path: Path, file: Path, *, code=None, hover=None, fix=None, tag="") -> dict:
    out = tmp_path / f"vim{tag}.json"
    env = _base_env(server_env, out, file, code, hover)
    if fix:
        env["KL_FIX"] = fix
    env.update(KL_ALE=str(ALE_DIR), KL_CONFIG_DIR=str(EDITORS / "vim"), HOME=str(tmp_path / "home"))
    cmd = ["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", str(DRIVERS / "ale_driver.vim")]
    return _drive("vim", cmd, env, out, file.parent)


def test_vim_ale_diagnostic_and_hover(editors_installed, server_env, tmp_path):
    _need(editors_installed, "vim", ALE_DIR / "plugin" / "ale.vim")
    files = _workspace(tmp_path, DIAG_FILE, HOVER_FILE)
    expected = _expected_finding(DIAG_FILE)

    report = _vim(server_env, tmp_path, files[DIAG_FILE], code=expected["code"], tag="-diag")
    assert not report["errors"], _explain(report)
    ours = [d for d in report["diagnostics"] if d.get("linter_name") == "keraslens"]
    assert [(d.get("code"), d["lnum"]) for d in ours] == [(expected["code"], expected["line"])], _explain(report)
    assert ours[0]["type"] == "E", _explain(report)

    # ALE has no hover test hook; the request goes through ALE's own connection to the server
    report = _vim(server_env, tmp_path, files[HOVER_FILE], hover=_hover_position(HOVER_FILE, HOVER_CLASS), tag="-hover")
    assert not report["errors"], _explain(report)
    hover = json.dumps((report.get("hover") or {}).get("result"))
    assert re.search(rf"\b{HOVER_COUNT}\b", hover), _explain(report)


def test_neovim_ignore_for_this_line(editors_installed, server_env, tmp_path):
    """KL102 has no fix; the "Ignore KL102 for this line" action silences exactly that line."""
    _need(editors_installed, "nvim")
    files = _workspace(tmp_path, DIAG_FILE)
    expected = _expected_finding(DIAG_FILE)
    title = f"Ignore {expected['code']} for this line"
    report = _nvim(server_env, tmp_path, files[DIAG_FILE], code=expected["code"], fix=title, tag="-ignore")
    assert not report["errors"], _explain(report)
    assert report.get("applied") == title, _explain(report)
    line = report["lines_after_fix"][expected["line"] - 1]
    assert re.search(rf"#\s*keraslens:\s*ignore\[{expected['code']}\]", line), _explain(report)
    assert not [d for d in report["diagnostics_after_fix"] if d["code"] == expected["code"]], _explain(report)


def test_vim_ale_code_action(editors_installed, server_env, tmp_path):
    _need(editors_installed, "vim", ALE_DIR / "plugin" / "ale.vim")
    files = _workspace(tmp_path, FIX_FILE)
    fix = _expected_finding(FIX_FILE)
    report = _vim(server_env, tmp_path, files[FIX_FILE], code=fix["code"], fix=FIX_TITLE, tag="-fix")
    assert not report["errors"], _explain(report)
    assert report.get("applied") and FIX_TITLE in report["applied"], _explain(report)
    assert any("super().build(input_shape)" in line for line in report["lines_after_fix"]), _explain(report)
    assert not [d for d in report["diagnostics_after_fix"] if d.get("code") == fix["code"]], _explain(report)
