"""Layer classes from other modules: the user's own files and installed packages.

``keras_hub.layers.TransformerEncoder`` is found by locating the module's file on the
search path (the file's own folder first, then ``sys.path``) without importing
anything, then following re-exports (``from .x import Y``) until the ``class``
statement. The file is then analysed like any other; results are cached by content.
"""

from __future__ import annotations

import ast
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .resolve import ImportMap, choose_flavor
from .source import SourceFile, content_hash, partially_parsed_classes, without_classes

if TYPE_CHECKING:
    from .facts import ModuleFacts

MAX_HOPS = 6  # re-exports followed before giving up
MAX_HOMES = 256  # library modules whose facts are kept
_NOT_LIBRARY = ("keras.", "tensorflow.", "numpy.", "builtins.", "jax.", "torch.")


@dataclass(frozen=True, slots=True)
class ClassLocation:
    path: str
    text: str
    name: str


_lock = threading.Lock()
_found: dict[tuple[str, str], ClassLocation | None] = {}
_homes: OrderedDict[tuple[str, str], ModuleFacts] = OrderedDict()  # (path, content hash) -> facts


def find_class(qualified: str, origin: str) -> ClassLocation | None:
    """Where the class ``a.b.Name`` (as imported by the file ``origin``) is defined."""
    key = (qualified, str(Path(origin).parent))
    with _lock:
        if key not in _found:
            _found[key] = _follow(qualified, Path(origin).parent, 0)
        found = _found[key]
    if found is not None and content_hash(_read(found.path) or "") != content_hash(found.text):
        with _lock:  # the file changed since: look again
            _found.pop(key, None)
        return find_class(qualified, origin)
    return found


def layer_class_home(ref: str, module: ModuleFacts) -> tuple[ModuleFacts, str] | None:
    """The analysed module defining the layer class ``ref`` (a name as the module imports it)."""
    if ref in module.classes:
        return module, ref
    if ref.startswith(_NOT_LIBRARY) or "." not in ref or module.source.path.startswith("<"):
        return None
    location = find_class(ref, module.source.path)
    if location is None:
        return None
    home = _home_facts(location)
    return (home, location.name) if location.name in home.classes else None


def _home_facts(location: ClassLocation) -> ModuleFacts:
    """The facts of a module defining library classes: only what counting its classes needs
    (no functional graph, no rules), so modules that use each other's classes never recurse."""
    from .facts import collect_module  # facts resolves bases through project, which uses find_class

    key = (location.path, content_hash(location.text))
    with _lock:
        cached = _homes.get(key)
        if cached is not None:
            _homes.move_to_end(key)
            return cached
    source = SourceFile(location.text, location.path)
    # like the engine: a class that lost a member to a syntax error is never counted
    source = without_classes(source, partially_parsed_classes(source))
    imports = ImportMap.from_module(source.tree)
    facts = collect_module(source, choose_flavor(imports).flavor, imports)
    with _lock:
        _homes[key] = facts
        while len(_homes) > MAX_HOMES:
            _homes.popitem(last=False)
    return facts


def _follow(qualified: str, folder: Path, hops: int) -> ClassLocation | None:
    if qualified.startswith("."):  # relative to the importing file's package
        return _relative(qualified, folder / "__init__.py", folder, hops)
    if "." not in qualified:
        return None
    module, name = qualified.rsplit(".", 1)
    path = _module_file(module.split("."), [folder, *map(Path, filter(None, sys.path))])
    return _in_file(path, name, folder, hops) if path else None


def _in_file(path: Path, name: str, folder: Path, hops: int) -> ClassLocation | None:
    text = _read(path)
    if text is None or hops > MAX_HOPS:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    if any(isinstance(node, ast.ClassDef) and node.name == name for node in tree.body):
        return ClassLocation(str(path), text, name)
    imported = ImportMap.from_module(tree).names.get(name)
    if imported is None:
        return None
    if not imported.startswith("."):
        return _follow(imported, folder, hops + 1)
    return _relative(imported, path, folder, hops + 1)


def _relative(imported: str, path: Path, folder: Path, hops: int) -> ClassLocation | None:
    """``from .x import Y`` in the module at ``path``."""
    dots = len(imported) - len(imported.lstrip("."))
    package = path.parent
    for _ in range(dots - 1):
        package = package.parent
    module, _, name = imported.lstrip(".").rpartition(".")
    target = _module_file(module.split("."), [package]) if module else package / "__init__.py"
    return _in_file(target, name, folder, hops) if target and target.is_file() else None


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
