"""Starts the keraslens language server for the VS Code extension.

The extension runs this file with the chosen Python interpreter (3.11+). The server's pure-Python
dependencies ship inside the extension in ``bundled/libs``; the interpreter's own packages (TensorFlow
for the probe, the libraries jedi resolves imports against) stay importable behind them. When the
interpreter's environment has keraslens installed in a newer version than the bundled one, that
installation runs instead. Which one runs is written to stderr, i.e. the extension's output channel.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

LIBS = Path(__file__).resolve().parent.parent / "libs"
MIN_PYTHON = (3, 11)


def release(version: str) -> tuple[int, ...]:
    """The release numbers of a version string: ``"0.10.2rc1"`` -> ``(0, 10, 2)``."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group().split(".")) if match else ()


def installed_version() -> str | None:
    """keraslens's version in the interpreter's own environment (read from metadata, not imported)."""
    try:
        return metadata.version("keraslens")
    except metadata.PackageNotFoundError:
        return None


def bundled_version(libs: Path = LIBS) -> str | None:
    found = next(iter(metadata.distributions(name="keraslens", path=[str(libs)])), None)
    return found.version if found else None


def use_environment(installed: str | None, bundled: str | None) -> bool:
    """The environment's keraslens runs only when it is newer than the bundled one (or nothing is bundled)."""
    if installed is None:
        return False
    return bundled is None or release(installed) > release(bundled)


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        print(f"keraslens: needs Python 3.11 or newer; {sys.executable} is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    installed, bundled = installed_version(), bundled_version()
    from_environment = use_environment(installed, bundled)
    if not from_environment:
        sys.path.insert(0, str(LIBS))  # ahead of the environment: its pygls may be another major version
    import keraslens
    from keraslens.cli import main as cli_main

    origin = "the interpreter's environment" if from_environment else "bundled with the extension"
    skipped = f"; environment has {installed}" if installed and not from_environment else ""
    print(
        f"keraslens {keraslens.__version__} ({origin}: {Path(keraslens.__file__).parent}{skipped}) "
        f"on Python {sys.version.split()[0]} ({sys.executable})",
        file=sys.stderr,
        flush=True,
    )
    return cli_main(["serve", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
