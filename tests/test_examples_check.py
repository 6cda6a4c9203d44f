"""examples/: what `keraslens check` reports is what examples/expected.json and the table in
examples/README.md say. (tests/test_examples_truth.py shows that expected.json is true
under real Keras; this file ties it to the checker's actual output.)

Regenerate the table after editing expected.json: ``uv run python tests/test_examples_check.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
README = EXAMPLES / "README.md"
START, END = "<!-- findings-table:start -->", "<!-- findings-table:end -->"


def expected() -> list[dict]:
    return json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["files"]


def findings_table(files: list[dict]) -> str:
    rows = ["| scenario | file | Keras | role | keraslens reports |", "|---|---|---|---|---|"]
    for spec in files:
        relative = spec["path"].removeprefix("examples/")
        found = ", ".join(f"`{f['code']}` line {f['line']}" + (f" (`{f['class']}`)" if f["class"] else "") for f in spec["findings"])
        rows.append(f"| {spec['scenario']} | [{relative}]({relative}) | {spec['flavor']} | {spec['role']} | {found or 'nothing'} |")
    return "\n".join(rows)


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    monkeypatch.chdir(ROOT)


def test_check_reports_what_expected_json_says(capsys):
    from keraslens.cli import main

    code = main(["check", "examples", "--format", "json"])
    actual: dict[str, set] = {}
    for finding in json.loads(capsys.readouterr().out):
        actual.setdefault(Path(finding["path"]).as_posix(), set()).add((finding["code"], finding["line"], finding["class"]))
    want = {spec["path"]: {(f["code"], f["line"], f["class"]) for f in spec["findings"]} for spec in expected()}
    assert set(actual) <= set(want), f"findings in files expected.json does not list: {sorted(set(actual) - set(want))}"
    wrong = {path: {"missing": sorted(findings - actual.get(path, set())), "extra": sorted(actual.get(path, set()) - findings)}
             for path, findings in want.items() if actual.get(path, set()) != findings}
    assert not wrong, json.dumps(wrong, indent=1)
    assert code == 1, "broken examples are failures"


def test_readme_table_matches_expected_json():
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == findings_table(expected()), "regenerate: uv run python tests/test_examples_check.py"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    README.write_text(head + START + "\n" + findings_table(expected()) + "\n" + END + rest.split(END, 1)[1], encoding="utf-8")
    sys.exit(0)
