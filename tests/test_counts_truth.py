"""Static counts against the truth corpus (tests/truth/counts.json, made by tests/truth/gen_counts.py).

Every entry is counted with ``keraslens count FILE --target NAME --format json`` (in-process through
``keraslens.cli.main``; set ``KERASLENS_TRUTH_SUBPROCESS=1`` to run the real command line instead) and
compared with what real Keras reported:

* an ``exact`` result must match trainable, non_trainable and total exactly: a wrong exact number
  fails the test (the worst defect the product can have);
* a ``partial`` result is a lower bound: each number it gives must be <= the truth;
* ``unknown`` is allowed; it only lowers the coverage.

Each group's exact coverage has a floor (``GOALS``, today's measured level: a change that turned counts
into ``unknown`` fails ``test_exact_coverage_per_group``); the table is printed in the terminal summary,
with the reason the analysis gave for every entry that is not exact.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "truth" / "counts.json"
DATA = json.loads(TRUTH.read_text())
ENTRIES: list[dict] = DATA["entries"]
# exact-rate floors per group, in percent (own-models 67/67, keras-hub 27/33, class-targets 32/32,
# edge-cases 4/9, adversarial 49/77 when set; adversarial entries that must stay not exact lower its rate)
GOALS = {"own-models": 100.0, "keras-hub": 81.0, "class-targets": 100.0, "edge-cases": 44.0, "adversarial": 63.0}
NUMBERS = ("trainable", "non_trainable", "total")

_results: dict[str, dict] = {}
_outcomes: dict[str, tuple[str, str, str]] = {}  # id -> (group, outcome, detail)


def entry_id(e: dict) -> str:
    ident = f"{Path(e['file']).stem}:{e['target']}"
    if e["kind"] == "layer-class":
        parts = [json.dumps(a, separators=(",", ":")) for a in e["args"]]
        parts += [f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in e["kwargs"].items()]
        ident += f"({', '.join(parts)})@{json.dumps(e['input_shape'], separators=(',', ':'))}"
    return ident


def count_argv(e: dict) -> list[str]:
    argv = ["count", str(ROOT / e["file"]), "--target", e["target"], "--format", "json"]
    if e["kind"] == "layer-class":
        argv += ["--args", json.dumps(e["args"]), "--kwargs", json.dumps(e["kwargs"]), "--input-shape", json.dumps(e["input_shape"])]
    return argv


def _run_in_process(argv: list[str]) -> tuple[int | None, str, str]:
    from keraslens.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _run_subprocess(argv: list[str]) -> tuple[int | None, str, str]:
    proc = subprocess.run([sys.executable, "-m", "keraslens", *argv], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def run_count(e: dict) -> dict:
    """The JSON object ``keraslens count`` printed for this entry (cached per session)."""
    key = entry_id(e)
    if key not in _results:
        argv = count_argv(e)
        runner = _run_subprocess if os.environ.get("KERASLENS_TRUTH_SUBPROCESS") else _run_in_process
        code, stdout, stderr = runner(argv)
        try:
            result = json.loads(stdout)
        except json.JSONDecodeError:
            cmd = "keraslens " + " ".join(argv[:1] + [str(Path(argv[1]).relative_to(ROOT))] + argv[2:])
            raise AssertionError(f"`{cmd}` printed no JSON object (exit {code}).\nstdout: {stdout[-2000:]}\nstderr: {stderr[-2000:]}") from None
        _results[key] = result
    return _results[key]


def judge(e: dict, result: dict) -> tuple[str, str]:
    """('exact'|'partial'|'unknown'|'wrong', detail). 'wrong' = an exact number differs or a bound is broken."""
    truth = {k: e[k] for k in NUMBERS}
    got = {k: result.get(k) for k in NUMBERS}
    status = result.get("status")
    reason = result.get("reason") or ""
    if status == "exact":
        if got != truth:
            return "wrong", f"exact {got} but Keras reports {truth}"
        return "exact", ""
    if status == "partial":
        over = {k: v for k, v in got.items() if v is not None and v > truth[k]}
        if over:
            return "wrong", f"partial lower bound {got} exceeds Keras {truth}; reason: {reason}"
        return "partial", f"{got['total']} of {truth['total']}: {reason}"
    if status == "unknown":
        return "unknown", reason
    return "wrong", f"status {status!r} is not exact/partial/unknown"


@pytest.fixture(scope="module", autouse=True)
def _coverage_reporter(request):
    """Register a terminal-summary hook that prints the per-group coverage table."""
    plugin = _Reporter()
    manager = request.config.pluginmanager
    if not manager.has_plugin("keraslens-count-truth"):
        manager.register(plugin, "keraslens-count-truth")
    yield


class _Reporter:
    def pytest_terminal_summary(self, terminalreporter):
        if _outcomes:
            for line in coverage_table(verbose=terminalreporter.config.getoption("verbose") > 0):
                terminalreporter.write_line(line)


def coverage_table(verbose: bool = False) -> list[str]:
    groups: dict[str, dict[str, int]] = {}
    for group, outcome, _ in _outcomes.values():
        row = groups.setdefault(group, {"entries": 0, "exact": 0, "partial": 0, "unknown": 0, "wrong": 0, "error": 0})
        row["entries"] += 1
        row[outcome] += 1
    lines = ["", f"keraslens count vs real Keras ({TRUTH.relative_to(ROOT)}): exact coverage per group"]
    header = f"{'group':<15}{'entries':>8}{'exact':>7}{'partial':>9}{'unknown':>9}{'wrong':>7}{'error':>7}{'exact%':>8}  goal"
    lines.append(header)
    lines.append("-" * len(header))
    total = {"entries": 0, "exact": 0, "partial": 0, "unknown": 0, "wrong": 0, "error": 0}
    for group in sorted(groups, key=lambda g: list(GOALS).index(g) if g in GOALS else 99):
        row = groups[group]
        for k in total:
            total[k] += row[k]
        goal = GOALS.get(group)
        pct = 100.0 * row["exact"] / row["entries"]
        mark = "" if goal is None else (f">= {goal:.0f}%" + ("  ok" if pct >= goal else "  BELOW"))
        lines.append(_row(group, row, pct) + f"  {mark}")
    lines.append(_row("all", total, 100.0 * total["exact"] / max(total["entries"], 1)))
    misses = [(i, g, o, d) for i, (g, o, d) in _outcomes.items() if o != "exact"]
    if misses:
        lines.append("")
        lines.append("not exact:")
        order = {"wrong": 0, "error": 1, "unknown": 2, "partial": 3}
        misses.sort(key=lambda m: (order[m[2]], m[1], m[0]))
        limit = None if verbose else 40
        for ident, group, outcome, detail in misses[:limit]:
            lines.append(f"  {outcome:<8}{group:<15}{ident}: {_oneline(detail)}")
        if limit is not None and len(misses) > limit:
            lines.append(f"  ... {len(misses) - limit} more (run with -v)")
    return lines


def _row(name: str, row: dict, pct: float) -> str:
    return (
        f"{name:<15}{row['entries']:>8}{row['exact']:>7}{row['partial']:>9}{row['unknown']:>9}"
        f"{row['wrong']:>7}{row['error']:>7}{pct:>7.1f}%"
    )


def _oneline(text: str, width: int = 220) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_count_matches_keras(entry, record_property):
    ident = entry_id(entry)
    try:
        result = run_count(entry)
    except BaseException as exc:
        _outcomes[ident] = (entry["group"], "error", f"{type(exc).__name__}: {exc}")
        raise
    outcome, detail = judge(entry, result)
    _outcomes[ident] = (entry["group"], outcome, detail)
    record_property("keraslens_status", result.get("status"))
    record_property("keraslens_outcome", outcome)
    assert result.get("target") == entry["target"], f"target {result.get('target')!r} != {entry['target']!r}"
    assert outcome != "wrong", f"{ident} [{entry['flavor']}]: {detail}"
    if outcome == "exact":
        assert result["total"] == result["trainable"] + result["non_trainable"]


def test_exact_coverage_per_group():
    """Goals are assertions: each group keeps at least its floor of exact counts (wrong ones fail above)."""
    below = {}
    for group, floor in GOALS.items():
        entries = [e for e in ENTRIES if e["group"] == group]
        exact = sum(judge(e, run_count(e))[0] == "exact" for e in entries)
        if 100.0 * exact / len(entries) < floor:
            below[group] = f"{exact}/{len(entries)} exact, below the {floor:.0f}% floor"
    assert not below, below


def test_corpus_matches_generator():
    """counts.json holds exactly the entries gen_counts.py defines (regenerate it after editing the corpus)."""
    sys.path.insert(0, str(ROOT / "tests" / "truth"))
    try:
        import gen_counts
    finally:
        sys.path.pop(0)
    expected = [gen_counts._key(e) for e in gen_counts.CORPUS]
    recorded = [gen_counts._key(e) for e in ENTRIES]
    assert recorded == expected, "tests/truth/counts.json is stale: run `uv run python tests/truth/gen_counts.py`"
    for e in ENTRIES:
        assert (ROOT / e["file"]).is_file(), e["file"]
        assert e["total"] == e["trainable"] + e["non_trainable"]
    groups = {e["group"] for e in ENTRIES}
    assert groups == set(GOALS)


@pytest.mark.tf
def test_truth_is_current():
    """Re-run every target under real Keras and compare with counts.json (about 20 s)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "truth" / "gen_counts.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
