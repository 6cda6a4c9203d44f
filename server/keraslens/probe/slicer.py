"""The part of a file a probe target needs, found by a def-use walk: the statements that define
the names the target uses (imports, classes, functions, assignments), transitively, and the
statements that change what such a variable holds (``model.add(...)``, a freezing loop).
Nothing else runs: no other top-level statement (``os.makedirs(...)`` stays out though a kept
class uses ``os``), no other class body, no other function's decorators or default arguments,
never the ``if __name__ == "__main__"`` script."""

from __future__ import annotations

import ast
from dataclasses import dataclass

# methods that use a model without changing its weights; a slice leaves these calls out
NOT_BUILDING = frozenset({
    "compile", "fit", "fit_generator", "evaluate", "predict", "predict_on_batch", "train_on_batch", "test_on_batch",
    "summary", "save", "save_weights", "export", "to_json", "get_config", "plot_model",
})


@dataclass(frozen=True, slots=True)
class Slice:
    code: str
    kind: str  # "class" | "function" | "value"


class SliceError(Exception):
    pass


def slice_for(tree: ast.Module, target: str) -> Slice:
    statements = [node for node in tree.body if not _is_main_guard(node)]
    definition = next((node for node in statements if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.name == target), None)
    kind = "class" if isinstance(definition, ast.ClassDef) else "function" if definition else "value"
    imported = {name for node in statements if isinstance(node, ast.Import | ast.ImportFrom) for name in _binds(node)}
    kept = {index for index, node in enumerate(statements) if isinstance(node, ast.ImportFrom) and node.module == "__future__"}
    needed = {target}
    facts = [(_binds(node), _changes(node)) for node in statements]  # what a statement reads: only once it is kept
    while True:  # to a fixed point: a function body may use a name defined further down
        before = len(kept)
        for index in range(len(statements) - 1, -1, -1):  # backwards: a use comes after its definition
            binds, changes = facts[index]
            if index not in kept and (binds & needed or changes & (needed - imported)):
                kept.add(index)
                needed |= _loads(statements[index])
        if len(kept) == before:
            break
    if kind == "value" and not any(target in _binds(statements[i]) for i in kept):
        raise SliceError(f"no module-level statement defines {target!r}")
    code = "\n\n".join(ast.unparse(statements[i]) for i in sorted(kept))
    return Slice(code + "\n", kind)


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__name__" in {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}


def _binds(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _changes(node: ast.stmt) -> set[str]:
    """The variables a statement may change in place: ``model.add(...)``, ``model(x)``, ``model.trainable = False``;
    for a loop or another block holding such a change, every variable it reads (``for layer in base.layers:``)."""
    if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.Import | ast.ImportFrom):
        return set()
    if not isinstance(node, ast.Expr | ast.Assign | ast.AugAssign | ast.AnnAssign):
        return _loads(node) if any(_changes(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)) else set()
    targets = [] if isinstance(node, ast.Expr) else node.targets if isinstance(node, ast.Assign) else [node.target]
    changed = {root for target in targets if isinstance(target, ast.Attribute | ast.Subscript) and (root := _root(target))}
    call = node.value
    if isinstance(call, ast.Call) and not (isinstance(call.func, ast.Attribute) and call.func.attr in NOT_BUILDING):
        changed |= {root} if (root := _root(call.func)) else set()  # ``model(x)`` and ``model.build(...)`` build it
    return changed


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
