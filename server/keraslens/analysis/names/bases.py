"""Bases imported from other files: ``class A(MyBase)`` where ``MyBase`` lives elsewhere.

A base imported by a plain module-level import is looked up on the search path like
``library`` does (the file's folder, then ``sys.path``); when that finds nothing and the
package may still exist (in a folder above, or anything that is not a plain import), jedi
follows the import (``Script.goto(..., follow_imports=True)``) to the defining file, of
the user's project or an installed package. That file's class is then classified like a
class of the current file, following its own bases (local or imported) up to Keras.
Parsed files are cached by content; answers by import and folder, or (file, text,
position). jedi is imported on first use only: most files never need it.
"""

from __future__ import annotations

import ast
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ..source import SourceFile, content_hash
from .imports import ImportMap, is_layer_base, is_model_base
from .keras_names import NOT_USER_CODE
from .locate import find_class

MAX_DEPTH = 8
MAX_CACHED = 20_000  # a long editing session re-resolves after this many distinct questions
_TF_MODULE = "tensorflow.Module"


@dataclass(frozen=True, slots=True)
class ExternalClass:
    """What a base class defined in another file turned out to be."""

    name: str
    path: str
    kind: str | None  # "layer" | "model" | "tf_module" | None (not Keras)
    keras_bases: tuple[str, ...]  # canonical Keras bases reached through it, nearest first
    methods: frozenset[str]  # methods defined along its chain, before Keras


_lock = threading.RLock()  # jedi is not thread-safe
_goto_cache: dict[tuple[str, str, int, int], tuple[str, str] | None] = {}
_file_cache: dict[str, tuple[str, SourceFile | None]] = {}  # path -> (content hash, parsed)
_class_cache: dict[tuple[str, str, str], ExternalClass | None] = {}  # (path, hash, class) -> result
_answered_text: dict[str, str] = {}  # path -> hash of the one text whose by-position answers are kept
_environment = None


def resolve_base(source: SourceFile, base: ast.expr) -> ExternalClass | None:
    """The class ``base`` (an expression in ``source``'s class header) refers to, if found."""
    if source.path.startswith("<") or _is_stdlib(base):
        return None
    with _lock:
        return _resolve(source, content_hash(source.text), base, 0, frozenset())


def _is_stdlib(base: ast.expr) -> bool:
    while isinstance(base, ast.Attribute):
        base = base.value
    return isinstance(base, ast.Name) and base.id in sys.stdlib_module_names


def _resolve(source: SourceFile, text_hash: str, base: ast.expr, depth: int, seen: frozenset) -> ExternalClass | None:
    if depth > MAX_DEPTH:
        return None
    # jedi columns are characters; ask at the last character of the (dotted) name
    line, col = base.end_lineno or base.lineno, source.char_col(base.end_lineno or base.lineno, base.end_col_offset or 0) - 1
    imported = _imported_name(source, base)
    key = ("import", os.path.dirname(source.path), imported) if imported else (source.path, text_hash, line, col)
    if not imported and _answered_text.get(source.path) != text_hash:
        _forget_positions(source.path)  # each edit is a new text: answers for older ones never serve again
        _answered_text[source.path] = text_hash
    if key not in _goto_cache:
        if len(_goto_cache) > MAX_CACHED:
            clear_caches()
        _goto_cache[key] = _locate(source, imported, line, col)
    found = _goto_cache[key]
    if found is None or found in seen:
        return None
    path, name = found
    target = _parsed(path)
    if target is None:
        return None
    cache_key = (path, _file_cache[path][0], name)
    if cache_key not in _class_cache:
        _class_cache[cache_key] = _classify(target, _file_cache[path][0], name, depth, seen | {found})
    return _class_cache[cache_key]


def _forget_positions(path: str) -> None:
    for key in [key for key in _goto_cache if key[0] == path]:
        del _goto_cache[key]


def _imported_name(source: SourceFile, base: ast.expr) -> str | None:
    """``pkg.mod.Name`` (``.mod.Name`` when relative) for a base whose first name is bound once,
    by a module-level import; then where it leads depends on that name and the folder alone."""
    root, attributes = base, []
    while isinstance(root, ast.Attribute):
        attributes.insert(0, root.attr)
        root = root.value
    if not isinstance(root, ast.Name):
        return None
    bindings = []
    for stmt in source.tree.body:
        if isinstance(stmt, ast.ImportFrom | ast.Import):
            bindings += [(stmt, alias) for alias in stmt.names if (alias.asname or alias.name.split(".")[0]) == root.id]
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and stmt.name == root.id:
            return None
        elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign) and any(
            isinstance(n, ast.Name) and n.id == root.id and not isinstance(n.ctx, ast.Load) for n in ast.walk(stmt)
        ):
            return None
    if len(bindings) != 1:
        return None
    stmt, alias = bindings[0]
    if isinstance(stmt, ast.ImportFrom):
        package = "." * stmt.level + (f"{stmt.module}." if stmt.module else "")
        first = package + alias.name
    else:
        first = alias.name if alias.asname else alias.name.split(".")[0]
    return ".".join([first, *attributes])


def _locate(source: SourceFile, imported: str | None, line: int, col: int) -> tuple[str, str] | None:
    """(file, class name) that a base refers to: on the search path first, then with jedi."""
    if imported is not None:
        found = find_class(imported, source.path)
        if found is not None:
            return found.path, found.name
        if not imported.startswith(".") and not _package_exists(imported.split(".")[0], Path(source.path).parent):
            return None  # not installed, not in the project: jedi would not find it either
    return _goto(source, line, col)


def _package_exists(top: str, folder: Path) -> bool:
    """Whether ``top`` is a module or package in the file's folder, a folder above it (a project
    root jedi would add), or on ``sys.path``."""
    for root in [folder, *folder.parents, *map(Path, filter(None, sys.path))]:
        if (root / top).is_dir() or any((root / f"{top}{suffix}").is_file() for suffix in (".py", ".pyi")):
            return True
    return False


def _goto(source: SourceFile, line: int, col: int) -> tuple[str, str] | None:
    import jedi

    global _environment
    if _environment is None:
        # in-process: no subprocess start per worker; the running interpreter's packages
        _environment = jedi.InterpreterEnvironment()
    try:
        script = jedi.Script(source.text, path=source.path, environment=_environment)
        names = script.goto(line, col, follow_imports=True)
    except Exception:  # jedi fails on odd code; an unresolved base is simply not a layer
        return None
    for name in names:
        if name.type == "class" and name.module_path is not None and name.line is not None:
            return str(name.module_path), name.name
    return None


def _parsed(path: str) -> SourceFile | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    digest = content_hash(text)
    cached = _file_cache.get(path)
    if cached is None or cached[0] != digest:
        cached = (digest, SourceFile(text, path) if path.endswith((".py", ".pyi")) else None)
        _file_cache[path] = cached
    return cached[1]


def _classify(target: SourceFile, text_hash: str, name: str, depth: int, seen: frozenset) -> ExternalClass | None:
    classes = {node.name: node for node in target.tree.body if isinstance(node, ast.ClassDef)}
    imports = ImportMap.from_module(target.tree)
    kind: str | None = None
    keras_bases: list[str] = []
    methods: set[str] = set()
    visited: set[str] = set()
    stack = [name]
    while stack:  # the class and its bases of the same file; bases from elsewhere via jedi
        current = stack.pop(0)
        node = classes.get(current)
        if node is None or current in visited:
            continue
        visited.add(current)
        methods |= {stmt.name for stmt in node.body if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)}
        for base in node.bases:
            canonical = imports.canonical(base)
            if isinstance(base, ast.Name) and base.id in classes:
                stack.append(base.id)
            elif canonical == _TF_MODULE:
                kind = kind or "tf_module"
            elif canonical and is_model_base(canonical):
                keras_bases.append(canonical)
                kind = "model"
            elif canonical and is_layer_base(canonical):
                keras_bases.append(canonical)
                kind = kind if kind == "model" else "layer"
            elif canonical and not canonical.startswith(NOT_USER_CODE) and not _is_stdlib(base):
                inner = _resolve(target, text_hash, base, depth + 1, seen)
                if inner is not None and inner.kind is not None:
                    kind = "model" if "model" in (kind, inner.kind) else kind or inner.kind
                    keras_bases.extend(inner.keras_bases)
                    methods |= inner.methods
    if name not in classes:
        return None
    return ExternalClass(name, target.path, kind, tuple(dict.fromkeys(keras_bases)), frozenset(methods))


def clear_caches() -> None:
    with _lock:
        _goto_cache.clear()
        _file_cache.clear()
        _class_cache.clear()
        _answered_text.clear()
