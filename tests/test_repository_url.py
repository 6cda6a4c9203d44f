"""The repository URL is declared once, in pyproject.toml; every link the tool emits derives from it."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from keraslens.analysis.config import Settings
from keraslens.analysis.rules import links
from keraslens.checker import check_file
from keraslens.report import render_sarif

ROOT = Path(__file__).resolve().parents[1]
DECLARED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]

LEAKING = """
import keras
import tensorflow as tf

class Noise(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal((x.shape[-1], 5))
        return x @ self.w
"""


def test_runtime_url_is_the_one_in_pyproject() -> None:
    assert links.REPOSITORY_URL == DECLARED
    assert links.rule_url("KL101") == f"{DECLARED}/blob/main/docs/rules/KL101.md"


def test_sarif_links_derive_from_pyproject(tmp_path: Path) -> None:
    source = tmp_path / "noise.py"
    source.write_text(LEAKING, encoding="utf-8")
    result = check_file(source, Settings())
    assert result.findings, "the example must produce a finding for the SARIF run to carry a rule"
    driver = json.loads(render_sarif([result]))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == DECLARED
    assert driver["rules"] and all(rule["helpUri"].startswith(DECLARED + "/") for rule in driver["rules"])


def test_no_other_copy_of_the_address_in_the_sources() -> None:
    sources = [*(ROOT / "server").rglob("*.py"), *(ROOT / "vscode-client" / "src").glob("*.ts")]
    copies = [str(path) for path in sources if re.search(r"github\.com/keraslens", path.read_text(encoding="utf-8"))]
    assert copies == []
