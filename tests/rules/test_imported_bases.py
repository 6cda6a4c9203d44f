"""Bases imported from other files: found on the search path first, with jedi when that fails.

Each case runs in a fresh interpreter so it can tell whether jedi was imported at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from rules_support import FIXTURES

PROBE = """
import json, sys
from keraslens.analysis.engine import analyze
path = sys.argv[1]
analysis = analyze(open(path, encoding="utf-8").read(), path)
print(json.dumps({"codes": sorted({f.code for f in analysis.findings}), "jedi": "jedi" in sys.modules}))
"""


def check_in_fresh_process(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def test_plain_imports_resolve_without_jedi():
    """Relative imports in a package and a sibling module: the search path answers, jedi is never loaded."""
    for name, code in (("package/blocks.py", "KL106"), ("flat/model_code.py", "KL106")):
        result = check_in_fresh_process(FIXTURES / "cross_file" / name)
        assert code in result["codes"], (name, result)
        assert not result["jedi"], f"{name}: jedi was imported for a plain import"


def test_installed_package_base_without_jedi():
    result = check_in_fresh_process(FIXTURES / "cross_file" / "installed_package.py")
    assert "KL106" in result["codes"], result
    assert not result["jedi"]


def test_package_at_the_project_root_falls_back_to_jedi(tmp_path):
    """`from pkg.base import Base` in pkg/sub/: pkg is neither beside the file nor on sys.path;
    jedi adds the project root (here marked by .git), as an editor would see it."""
    (tmp_path / ".git").mkdir()
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "base.py").write_text("import keras\n\n\nclass Base(keras.layers.Layer):\n    pass\n")
    user = package / "sub" / "model.py"
    user.write_text(textwrap.dedent("""\
        from pkg.base import Base


        class Child(Base):
            def __init__(self, units):
                self.units = units
        """))
    result = check_in_fresh_process(user)
    assert result["codes"] == ["KL106"], result
    assert result["jedi"], "the search path alone cannot see the project root: jedi must have answered"


def test_missing_package_is_not_a_layer_and_skips_jedi(tmp_path):
    user = tmp_path / "model.py"
    user.write_text("from not_installed_anywhere.base import Base\n\n\nclass Child(Base):\n    def __init__(self):\n        self.units = 3\n")
    result = check_in_fresh_process(user)
    assert result == {"codes": [], "jedi": False}
