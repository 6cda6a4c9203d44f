"""Tooling for the VS Code end-to-end test: a real VS Code workbench (code-server) in headless Chromium.

Everything is installed on demand and cached:

* Debian ``chromium`` through apt-get, when ``/usr/bin/chromium`` is missing (needs root);
* Node 24 (code-server's engine) from npm's ``node-linux-<arch>`` package, unless ``node`` on
  PATH is already 24.x;
* ``code-server`` and ``playwright-core`` from npm. code-server builds native modules, so the
  apt packages it needs for that are installed too when missing;
* the extension itself: ``npm ci`` and ``npm run package`` in ``vscode-client/`` (which bundles the
  server's Python libraries, see vscode-client/README.md).

The cache lives in ``.cache/e2e/vscode`` at the repository root (it writes its own
``.gitignore``) or wherever ``KERASLENS_E2E_CACHE`` points. A file lock keeps parallel
pytest workers from installing the same thing twice.

Any step that cannot be done raises :class:`ToolUnavailable`; the test turns that into a skip
outside CI and a failure in CI (``CI`` set).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT_DIR = REPO_ROOT / "vscode-client"
DRIVER = Path(__file__).resolve().parent / "vscode" / "drive.js"
APT_INSTALL = REPO_ROOT / "tests" / "apt_install.sh"

NODE_VERSION = "24.9.0"  # code-server 4.139 declares engines.node "24"
CODE_SERVER_VERSION = "4.139.1"
PLAYWRIGHT_CORE_VERSION = "1.65.1"
CHROMIUM = Path("/usr/bin/chromium")

# Debian packages that code-server's native modules (kerberos, keytar, native-keymap, ...) build against
# when their prebuilt binaries cannot be downloaded.
CODE_SERVER_BUILD_DEPS = [
    "g++",
    "make",
    "python3",
    "pkg-config",
    "libkrb5-dev",
    "libx11-dev",
    "libxkbfile-dev",
    "libsecret-1-dev",
]


class ToolUnavailable(RuntimeError):
    """A tool the test needs is missing and could not be installed here."""


def cache_dir() -> Path:
    configured = os.environ.get("KERASLENS_E2E_CACHE")
    root = Path(configured) if configured else REPO_ROOT / ".cache" / "e2e"
    root.mkdir(parents=True, exist_ok=True)
    if not configured:
        ignore = REPO_ROOT / ".cache" / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# downloaded test tooling; never committed\n*\n", encoding="utf-8")
    path = root / "vscode"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def install_lock(cache: Path) -> Iterator[None]:
    with open(cache / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(
    cmd: list[str],
    *,
    log: Path,
    what: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    ours: bool = False,
) -> None:
    """Run an install/build step; its output goes to ``log``.

    A failure raises ToolUnavailable, or RuntimeError when ``ours`` (a step that fails because
    of this repository's code, e.g. compiling the extension, must never become a skip).
    """
    failure = RuntimeError if ours else ToolUnavailable
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(cmd)}  (cwd={cwd or os.getcwd()})\n")
        out.flush()
        try:
            proc = subprocess.run(
                cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout
            )
        except FileNotFoundError as error:
            raise ToolUnavailable(f"{what}: {error}") from error
        except subprocess.TimeoutExpired as error:
            raise failure(f"{what}: timed out after {timeout:.0f} s; see {log}") from error
        out.write(f"[rc={proc.returncode} in {time.monotonic() - started:.1f} s]\n")
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise failure(f"{what} failed (rc={proc.returncode}); see {log}\n{tail}")


# ---------------------------------------------------------------------------------------------
# apt


def _dpkg_missing(packages: list[str]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return packages
    missing = []
    for package in packages:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in proc.stdout:
            missing.append(package)
    return missing


def apt_install(packages: list[str], log: Path) -> None:
    missing = _dpkg_missing(packages)
    if missing:  # the shared installer: only these packages, no recommends, lists refreshed when needed
        run(["bash", str(APT_INSTALL), *missing], log=log, what=f"apt_install.sh {' '.join(missing)}", timeout=1800)


def ensure_chromium(log: Path) -> Path:
    if not CHROMIUM.exists():
        apt_install(["chromium"], log)  # headless use needs no recommends (avahi, cups helpers, ...)
    if not CHROMIUM.exists():
        raise ToolUnavailable(f"{CHROMIUM} still missing after apt-get install chromium")
    return CHROMIUM


# ---------------------------------------------------------------------------------------------
# node / npm


def _node_major(node: str) -> int | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def npm() -> str:
    found = shutil.which("npm")
    if found is None:
        raise ToolUnavailable("npm is not on PATH (install Node.js 20+ with npm)")
    return found


def _npm_install(prefix: Path, spec: str, log: Path, *, env: dict[str, str] | None = None, timeout: float = 600) -> None:
    prefix.mkdir(parents=True, exist_ok=True)
    run(
        [npm(), "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund", "--foreground-scripts", spec],
        log=log,
        what=f"npm install {spec}",
        env=env,
        timeout=timeout,
    )


def _stamp_ok(stamp: Path, value: str) -> bool:
    return stamp.exists() and stamp.read_text(encoding="utf-8").strip() == value


def ensure_node24(cache: Path, log: Path) -> Path:
    """Directory of a Node 24 installation (``bin/node``, ``include/node``)."""
    system = shutil.which("node")
    if system and _node_major(system) == 24:
        return Path(system).resolve().parent.parent
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower())
    if arch is None or platform.system() != "Linux":
        raise ToolUnavailable(f"no npm-packaged Node 24 for {platform.system()}/{platform.machine()}")
    prefix = cache / "node24"
    home = prefix / "node_modules" / f"node-linux-{arch}"
    spec = f"node-linux-{arch}@{NODE_VERSION}"
    stamp = prefix / ".installed"
    if not (_stamp_ok(stamp, spec) and (home / "bin" / "node").exists()):
        _npm_install(prefix, spec, log)
        stamp.write_text(spec, encoding="utf-8")
    if _node_major(str(home / "bin" / "node")) != 24:
        raise ToolUnavailable(f"{home}/bin/node is not Node 24")
    return home


def node24_env(node_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{node_home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["npm_config_nodedir"] = str(node_home)  # headers for node-gyp fallbacks
    return env


def ensure_code_server(cache: Path, node_home: Path, log: Path) -> Path:
    """Path of code-server's ``entry.js`` (run it with Node 24)."""
    prefix = cache / "code-server"
    entry = prefix / "node_modules" / "code-server" / "out" / "node" / "entry.js"
    spec = f"code-server@{CODE_SERVER_VERSION}"
    stamp = prefix / ".installed"
    if not (_stamp_ok(stamp, spec) and entry.exists()):
        apt_install(CODE_SERVER_BUILD_DEPS, log)
        _npm_install(prefix, spec, log, env=node24_env(node_home), timeout=1500)
        stamp.write_text(spec, encoding="utf-8")
    if not entry.exists():
        raise ToolUnavailable(f"code-server installed but {entry} is missing")
    return entry


def ensure_playwright(cache: Path, log: Path) -> Path:
    """The ``node_modules`` directory that holds playwright-core (for NODE_PATH)."""
    prefix = cache / "playwright"
    spec = f"playwright-core@{PLAYWRIGHT_CORE_VERSION}"
    stamp = prefix / ".installed"
    if not (_stamp_ok(stamp, spec) and (prefix / "node_modules" / "playwright-core").exists()):
        _npm_install(prefix, spec, log)
        stamp.write_text(spec, encoding="utf-8")
    return prefix / "node_modules"


def ensure_client_modules(log: Path, env: dict[str, str] | None = None) -> None:
    """``npm ci`` in vscode-client/ when node_modules is missing or older than the lock file.

    One at a time across processes (the unit tests and the end-to-end build share node_modules);
    npm's download cache is the project's ``.cache/npm``.
    """
    env = dict(env or os.environ, npm_config_cache=str(REPO_ROOT / ".cache" / "npm"), npm_config_update_notifier="false")
    installed = CLIENT_DIR / "node_modules" / ".package-lock.json"
    with open(cache_dir() / ".npm-ci.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not installed.exists() or installed.stat().st_mtime < (CLIENT_DIR / "package-lock.json").stat().st_mtime:
            run([npm(), "ci", "--no-audit", "--no-fund"], cwd=CLIENT_DIR, log=log, what="npm ci (vscode-client)", env=env)


def build_vsix(cache: Path, node_home: Path, log: Path) -> Path:
    """``npm ci`` + ``npm run package`` in vscode-client/ (what the README says); returns the .vsix path."""
    env = node24_env(node_home)  # vsce 4 wants node >= 22
    version = json.loads((CLIENT_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    ensure_client_modules(log, env)
    vsix = cache / f"keraslens-{version}.vsix"
    vsix.unlink(missing_ok=True)
    run(
        [npm(), "run", "package", "--", "--out", str(vsix)],
        cwd=CLIENT_DIR,
        log=log,
        what="npm run package (vscode-client)",
        env=env,
        timeout=600,
        ours=True,
    )
    if not vsix.exists():
        raise RuntimeError(f"npm run package did not write {vsix}")
    return vsix


# ---------------------------------------------------------------------------------------------
# code-server


@dataclass
class Toolchain:
    node_home: Path
    code_server_entry: Path
    playwright_modules: Path
    chromium: Path
    vsix: Path
    log: Path

    @property
    def node(self) -> Path:
        return self.node_home / "bin" / "node"


def prepare_toolchain() -> Toolchain:
    cache = cache_dir()
    log = cache / "logs" / "install.log"
    with install_lock(cache):
        chromium = ensure_chromium(log)
        node_home = ensure_node24(cache, log)
        entry = ensure_code_server(cache, node_home, log)
        modules = ensure_playwright(cache, log)
        vsix = build_vsix(cache, node_home, log)
    return Toolchain(node_home, entry, modules, chromium, vsix, log)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class CodeServer:
    url: str
    user_data_dir: Path
    extensions_dir: Path
    process: subprocess.Popen
    log: Path

    def channel_logs(self) -> list[Path]:
        """The extension's output channel (the client's lines and the server's stderr)."""
        return sorted(self.user_data_dir.glob("logs/*/exthost*/keraslens.keraslens/*.log"))

    def logs_text(self, limit: int = 8000) -> str:
        """code-server's own output plus the extension's output channel, for failure reports."""
        files = [self.log, *self.channel_logs()]
        return "\n".join(f"--- {path}\n{_clip(path.read_text(encoding='utf-8', errors='replace'), limit)}" for path in files)


def _clip(text: str, limit: int) -> str:
    """Head and tail of a long log: start-up errors are at the top, the latest state at the bottom."""
    if len(text) <= limit:
        return text
    head = limit // 3
    return f"{text[:head]}\n[... {len(text) - limit} characters left out ...]\n{text[-(limit - head):]}"


def code_server_command(tools: Toolchain, user_data_dir: Path, extensions_dir: Path, config: Path) -> list[str]:
    return [
        str(tools.node),
        str(tools.code_server_entry),
        "--config",
        str(config),
        "--user-data-dir",
        str(user_data_dir),
        "--extensions-dir",
        str(extensions_dir),
    ]


def install_extension(tools: Toolchain, user_data_dir: Path, extensions_dir: Path, config: Path, log: Path) -> None:
    run(
        [*code_server_command(tools, user_data_dir, extensions_dir, config), "--install-extension", str(tools.vsix), "--force"],
        log=log,
        what="code-server --install-extension",
        env=node24_env(tools.node_home),
        timeout=300,
        ours=True,
    )
    listed = subprocess.run(
        [*code_server_command(tools, user_data_dir, extensions_dir, config), "--list-extensions", "--show-versions"],
        capture_output=True,
        text=True,
        env=node24_env(tools.node_home),
        timeout=120,
    ).stdout
    if "keraslens.keraslens@" not in listed:
        raise RuntimeError(f"the keraslens extension is not listed after install:\n{listed}")


def start_code_server(
    tools: Toolchain,
    root: Path,
    workspace: Path,
    user_settings: dict,
    *,
    workspace_trust: bool = False,
    path_first: Path | None = None,
    timeout: float = 90,
) -> CodeServer:
    """Start code-server on a free local port with an isolated user-data and extensions dir.

    ``workspace_trust`` keeps VS Code's Workspace Trust on (the folder then opens in restricted mode
    unless the trust dialog is answered). ``path_first`` goes first on code-server's PATH, and the
    project's virtual environment is taken off it, so the extension finds that directory's python3.
    """
    user_data_dir = root / "user-data"
    extensions_dir = root / "extensions"
    (user_data_dir / "User").mkdir(parents=True, exist_ok=True)
    extensions_dir.mkdir(parents=True, exist_ok=True)
    (user_data_dir / "User" / "settings.json").write_text(json.dumps(user_settings, indent=2), encoding="utf-8")
    # The extension host reads machine-scoped settings (keraslens.server.path) from Machine/ on the
    # server side; from User/ they come through the browser and arrived too late under load.
    (user_data_dir / "Machine").mkdir(parents=True, exist_ok=True)
    (user_data_dir / "Machine" / "settings.json").write_text(json.dumps(user_settings, indent=2), encoding="utf-8")
    port = free_port()
    config = root / "config.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n", encoding="utf-8")
    log = root / "code-server.log"
    install_extension(tools, user_data_dir, extensions_dir, config, log)

    env = node24_env(tools.node_home)
    env.pop("VSCODE_IPC_HOOK_CLI", None)
    if path_first is not None:
        env.pop("VIRTUAL_ENV", None)
        venv_bin = str(REPO_ROOT / ".venv" / "bin")
        rest = [entry for entry in env["PATH"].split(os.pathsep) if entry and entry != venv_bin]
        env["PATH"] = os.pathsep.join([str(path_first), *rest])
        # else the server replaces PATH with the one a login shell prints (~/.bashrc may put pyenv first)
        env["VSCODE_CLI"] = "1"
    # code-server keeps logs and a heartbeat file in XDG dirs; keep them out of the user's home
    env["XDG_DATA_HOME"] = str(root / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(root / "xdg-config")
    out = open(log, "a", encoding="utf-8")
    process = subprocess.Popen(
        [
            *code_server_command(tools, user_data_dir, extensions_dir, config),
            "--disable-telemetry",
            "--disable-update-check",
            *([] if workspace_trust else ["--disable-workspace-trust"]),
            "--disable-getting-started-override",
            str(workspace),
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # so teardown can end code-server and everything it spawned
    )
    out.close()
    url = f"http://127.0.0.1:{port}/"
    server = CodeServer(url, user_data_dir, extensions_dir, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"code-server exited with {process.returncode}\n{server.logs_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        time.sleep(0.3)
    stop_code_server(server)
    raise RuntimeError(f"code-server did not listen on {url} within {timeout:.0f} s\n{server.logs_text()}")


def stop_code_server(server: CodeServer) -> None:
    """End code-server's process group (code-server, its extension host and the language server)."""
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, 15)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, 9)
            server.process.wait(timeout=15)
    # children left behind in the group (e.g. a language server that ignored SIGTERM)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, 9)


def run_driver(tools: Toolchain, scenario: dict, timeout: float = 240) -> dict:
    """Run the Playwright driver with ``scenario`` (JSON); returns its JSON report."""
    env = node24_env(tools.node_home)
    env["NODE_PATH"] = str(tools.playwright_modules)
    proc = subprocess.run(
        [str(tools.node), str(DRIVER)],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    report_line = next(
        (line for line in reversed(proc.stdout.splitlines()) if line.startswith("{") and '"report"' in line), None
    )
    if report_line is None:
        raise RuntimeError(
            f"driver produced no report (rc={proc.returncode})\nstdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
        )
    report = json.loads(report_line)["report"]
    report["driver_log"] = proc.stdout[-4000:] + proc.stderr[-4000:]
    return report
