"""Where a class (or a function) from another module is defined: the user's own files and installed packages.

``keras_hub.layers.TransformerEncoder`` is found by locating the module's file on the
search path (the file's own folder first, then ``sys.path``) without importing
anything, then following re-exports (``from .x import Y``) until the ``class``
statement. ``facts.library`` analyses the file found.
"""

from __future__ import annotations

import ast
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ..source import content_hash, parse
from .imports import ImportMap

MAX_HOPS = 6  # re-exports followed before giving up


@dataclass(frozen=True, slots=True)
class ClassLocation:
    path: str
    text: str
    name: str


_lock = threading.Lock()
_found: dict[tuple[str, str, type], ClassLocation | None] = {}


def find_class(qualified: str, origin: str, kind: type = ast.ClassDef) -> ClassLocation | None:
    """Where the class ``a.b.Name`` (as imported by the file ``origin``) is defined; with ``kind``
    ``ast.FunctionDef``, the function of that name."""
    key = (qualified, str(Path(origin).parent), kind)
    with _lock:
        if key not in _found:
            _found[key] = _follow(qualified, Path(origin).parent, 0, kind)
        found = _found[key]
    if found is not None and content_hash(_read(found.path) or "") != content_hash(found.text):
        with _lock:  # the file changed since: look again
            _found.pop(key, None)
        return find_class(qualified, origin, kind)
    return found


def _follow(qualified: str, folder: Path, hops: int, kind: type) -> ClassLocation | None:
    if qualified.startswith("."):  # relative to the importing file's package
        return _relative(qualified, folder / "__init__.py", folder, hops, kind)
    if "." not in qualified:
        return None
    module, name = qualified.rsplit(".", 1)
    path = _module_file(module.split("."), [folder, *map(Path, filter(None, sys.path))])
    return _in_file(path, name, folder, hops, kind) if path else None


def _in_file(path: Path, name: str, folder: Path, hops: int, kind: type) -> ClassLocation | None:
    text = _read(path)
    if text is None or hops > MAX_HOPS:
        return None
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    if any(isinstance(node, kind) and node.name == name for node in tree.body):
        return ClassLocation(str(path), text, name)
    imported = ImportMap.from_module(tree).names.get(name)
    if imported is None:
        return None
    if not imported.startswith("."):
        return _follow(imported, folder, hops + 1, kind)
    return _relative(imported, path, folder, hops + 1, kind)


def _relative(imported: str, path: Path, folder: Path, hops: int, kind: type) -> ClassLocation | None:
    """``from .x import Y`` in the module at ``path``."""
    dots = len(imported) - len(imported.lstrip("."))
    package = path.parent
    for _ in range(dots - 1):
        package = package.parent
    module, _, name = imported.lstrip(".").rpartition(".")
    target = _module_file(module.split("."), [package]) if module else package / "__init__.py"
    return _in_file(target, name, folder, hops, kind) if target and target.is_file() else None


def _module_file(parts: list[str], roots: list[Path]) -> Path | None:
    for root in roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


def _read(path: Path | str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
