"""The part of a file a probe target needs: imports, definitions, and the statements
that build the target, found by a def-use walk. Nothing else of the module runs."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Slice:
    code: str
    kind: str  # "class" | "function" | "value"


class SliceError(Exception):
    pass


def slice_for(tree: ast.Module, target: str) -> Slice:
    definitions = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)}
    statements = [node for node in tree.body if not _is_main_guard(node)]
    kind = "class" if isinstance(definitions.get(target), ast.ClassDef) else "function" if target in definitions else "value"
    needed = {target} | {name for node in definitions.values() for name in _loads(node)}
    kept: set[int] = set()
    for index in range(len(statements) - 1, -1, -1):  # backwards: a use comes after its definition
        node = statements[index]
        if isinstance(node, ast.Import | ast.ImportFrom | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            kept.add(index)
        elif _binds(node) & needed or _mutates(node) & needed:
            kept.add(index)
            needed |= _loads(node)
    if kind == "value" and not any(target in _binds(statements[i]) for i in kept):
        raise SliceError(f"no module-level statement defines {target!r}")
    code = "\n\n".join(ast.unparse(statements[i]) for i in sorted(kept))
    return Slice(code + "\n", kind)


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__name__" in {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}


def _binds(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _mutates(node: ast.stmt) -> set[str]:
    """``model.add(...)``, ``model.trainable = False``: statements that change a name's object."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        targets = [node.value.func]
    elif isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    else:
        return set()
    roots: set[str] = set()
    for target in targets:
        if not isinstance(target, ast.Attribute | ast.Subscript):
            continue
        while isinstance(target, ast.Attribute | ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name):
            roots.add(target.id)
    return roots


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
