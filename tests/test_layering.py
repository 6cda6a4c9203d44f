"""The import contract: text -> analysis (pure) -> views, and one direction inside the analysis.

Every ``import`` in ``server/keraslens`` is read (also those inside functions, which load later
but are dependencies all the same); ``if TYPE_CHECKING:`` blocks are annotations only and skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "keraslens"

# inside the analysis, each layer imports only its own and lower layers
ANALYSIS_LAYERS = [
    {"source", "config", "notebook"},
    {"names"},
    {"facts"},
    {"interpretation"},
    {"fixes"},
    {"rules"},
    {"engine", "fix_all"},
]
FOREIGN_TO_ANALYSIS = ("pygls", "lsprotocol", "tensorflow", "tf_keras", "keras", "jax", "torch")
VIEWS_CLI = ("keraslens.checker", "keraslens.count_command", "keraslens.report", "keraslens.docs")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    skipped = {id(n) for node in ast.walk(tree) if _is_type_checking(node) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from . import x` names a module too
            found.update(f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES)
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) < 3 or parts[:2] != ["keraslens", "analysis"]:
        return None
    return next(i for i, layer in enumerate(ANALYSIS_LAYERS) if parts[2] in layer)


def test_every_analysis_module_has_a_layer():
    unplaced = [m for m in MODULES if _within(m, "keraslens.analysis") and m != "keraslens.analysis" and _layer(m) is None]
    assert not unplaced, f"place these in ANALYSIS_LAYERS: {unplaced}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _within(m, "keraslens.analysis")))
def test_analysis_is_pure(module):
    bad = {i for i in IMPORTS[module] if i.split(".")[0] in FOREIGN_TO_ANALYSIS or (i.startswith("keraslens.") and not _within(i, "keraslens.analysis"))}
    assert not bad, f"{module} imports {sorted(bad)}: the analysis knows nothing of LSP, TensorFlow, the probe or the views"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) is not None))
def test_analysis_imports_point_down(module):
    mine = _layer(module)
    upward = {i for i in IMPORTS[module] if (layer := _layer(i)) is not None and layer > mine}
    assert not upward, f"{module} imports a later stage of the pipeline: {sorted(upward)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("keraslens.analysis.rules.kl")))
def test_no_rule_imports_another(module):
    others = {i for i in IMPORTS[module] if i.startswith("keraslens.analysis.rules.kl") and i != module}
    assert not others, f"{module} imports {sorted(others)}: shared logic belongs below the rules"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _within(m, "keraslens.lsp")))
def test_language_server_does_not_import_the_cli(module):
    bad = {i for i in IMPORTS[module] if any(_within(i, v) for v in (*VIEWS_CLI, "keraslens.cli"))}
    assert not bad, f"{module} imports {sorted(bad)}: what both views need lives in the analysis"


@pytest.mark.parametrize("module", VIEWS_CLI)
def test_cli_views_do_not_import_the_language_server(module):
    bad = {i for i in IMPORTS[module] if _within(i, "keraslens.lsp")}
    assert not bad, f"{module} imports {sorted(bad)}"


def test_no_import_cycles():
    graph = {m: {i for i in IMPORTS[m] if i in MODULES and i != m} for m in MODULES}
    # a package's __init__ importing its own modules is how packages are built, not a cycle
    for m in graph:
        graph[m] = {i for i in graph[m] if not (MODULES[m].name == "__init__.py" and _within(i, m))}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_the_contract_can_fail():
    """The checker sees a violation when there is one (guards against an import reader that reads nothing)."""
    assert "keraslens.analysis.engine" in IMPORTS["keraslens.analysis.fix_all"]
    assert any(_within(i, "keraslens.lsp") for i in IMPORTS["keraslens.cli"])
    assert _layer("keraslens.analysis.rules.base") > _layer("keraslens.analysis.fixes.edit")
