"""Real Keras counts for the numbers KL112 hints (used by ``test_kl112_hints.py``).

Usage: ``python hint_runner.py FIXTURE FUNCTION:LINE...``; the flavor comes from the
environment, as for ``truth_runner.py``. Each FUNCTION of the fixture runs with the
statement at LINE (the premature ``summary()`` / ``count_params()``) left out, and must
return the layer or model it built; prints ``RESULT {"function", "line", "count", "error"}``.
"""

from __future__ import annotations

import ast
import json
import sys
import traceback

import truth_runner


def without_line(tree: ast.Module, function: str, line: int) -> ast.Module:
    """The fixture's definitions, with the statement at ``line`` of ``function`` made a ``pass``."""
    target = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function)
    for node in ast.walk(target):
        for field in ("body", "orelse", "finalbody"):
            statements = getattr(node, field, None)
            if isinstance(statements, list):
                setattr(node, field, [ast.copy_location(ast.Pass(), s) if s.lineno == line else s for s in statements])
    return tree


def count_of(path: str, function: str, line: int) -> int:
    tree = without_line(truth_runner.definitions_only(open(path, encoding="utf-8").read()), function, line)
    namespace = {"__name__": "fixture"}
    exec(compile(tree, path, "exec"), namespace)  # noqa: S102 - our own fixtures
    truth_runner.K.backend.clear_session()
    built = namespace[function]()
    assert built.built, f"{function}() returned an object that is not built"
    return built.count_params()


def main(path: str, targets: list[str]) -> int:
    for target in targets:
        function, line = target.rsplit(":", 1)
        result = {"function": function, "line": int(line), "count": None, "error": None}
        try:
            result["count"] = count_of(path, function, int(line))
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()[-1500:]
        print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
