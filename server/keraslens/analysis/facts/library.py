"""Layer classes from other modules, analysed: the facts of the file that defines them.

``names.locate`` finds where ``keras_hub.layers.TransformerEncoder`` is defined; this module
collects that file's facts (only what counting its classes needs) and keeps a bounded cache.
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict

from ..names.imports import ImportMap, choose_flavor
from ..names.locate import ClassLocation, find_class
from ..source import SourceFile, content_hash, partially_parsed_classes, without_classes
from .classes import ModuleFacts, collect_module

MAX_HOMES = 256  # library modules whose facts are kept
_NOT_LIBRARY = ("keras.", "tensorflow.", "numpy.", "builtins.", "jax.", "torch.")

_lock = threading.Lock()
_homes: OrderedDict[tuple[str, str], ModuleFacts] = OrderedDict()  # (path, content hash) -> facts


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


def function_home(ref: str, module: ModuleFacts) -> tuple[ModuleFacts, ast.FunctionDef] | None:
    """The analysed module defining the function ``ref`` (as the module imports it) and its ``def``."""
    if ref.startswith(_NOT_LIBRARY) or "." not in ref or module.source.path.startswith("<"):
        return None
    location = find_class(ref, module.source.path, ast.FunctionDef)
    if location is None:
        return None
    home = _home_facts(location)
    return next(((home, node) for node in home.source.tree.body if isinstance(node, ast.FunctionDef) and node.name == location.name), None)


def _home_facts(location: ClassLocation) -> ModuleFacts:
    """The facts of a module defining library classes: only what counting its classes needs
    (no functional graph, no rules), so modules that use each other's classes never recurse."""
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
