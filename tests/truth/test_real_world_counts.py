"""Static counts of real-world Keras code against real Keras (tests/truth/real_world.json).

The programs (made by tests/truth/gen_real_world.py, which records what real Keras counts) use
installed packages in place: keras.applications in transfer learning (Keras 3 and tf_keras),
keras-hub backbones and a task model, keras-rs layers; group ``functional-init`` is Model subclasses of
the program whose constructor builds a functional model, as keras-hub's do. Group ``application-calls``
is every configuration of every keras.applications model that tests/truth/gen_applications.py measured,
written as ``model = keras.applications.X(...)``; ``tf-keras-application-calls`` the same for tf_keras
(``import tf_keras as keras``). Each is counted with ``count_target`` as ``keraslens count FILE --target model`` does:

* ``exact`` must equal Keras' trainable / non-trainable numbers: a wrong exact number fails;
* ``partial`` is a lower bound: no number it gives may exceed Keras';
* ``unknown`` is allowed, and only lowers the exact rate of its group.

The exact rate per group is asserted against ``FLOORS`` (today's measured rate, never lower; the
product goal is 100 % for applications and 80 % overall).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from keraslens.count_command import count_target

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = json.loads((ROOT / "tests" / "truth" / "real_world.json").read_text())
# group of the constructor calls -> (the measured configurations, the import that names the package `keras`)
APPLICATIONS = {
    "application-calls": ("applications.json", "import keras"),
    "tf-keras-application-calls": ("applications_tf_keras.json", "import tf_keras as keras"),
}


def _constructor_call(e: dict, group: str) -> dict:
    """An application's own configuration (its JSON file) as a program: ``model = keras.applications.X(...)``."""
    arguments = ", ".join(["weights=None", *(f"{k}={tuple(v) if isinstance(v, list) else v!r}" for k, v in e["kwargs"].items())])
    source = f"{APPLICATIONS[group][1]}\n\nmodel = keras.applications.{e['application']}({arguments})\n"
    name = "-".join([e["application"], *(f"{k}-{v}" for k, v in e["kwargs"].items())]).replace(" ", "")
    return {**e, "group": group, "name": name, "source": source}


ENTRIES: list[dict] = DATA["entries"] + [
    _constructor_call(e, group) for group, (file, _) in APPLICATIONS.items() for e in json.loads((ROOT / "tests" / "truth" / file).read_text())["entries"]
]
# measured 2026-12-03; the application-calls groups miss only NASNet at another input size (its weights depend on it:
# NASNetLarge in both flavours, NASNetMobile in tf_keras); functional-init: a layer kept nowhere that an op reaches,
# a helper building layers and an argument not known are not followed
FLOORS = {
    "applications": 100.0, "application-calls": 99.0, "tf-keras-applications": 100.0, "tf-keras-application-calls": 99.0,
    "keras-hub": 100.0, "keras-rs": 66.0, "functional-init": 33.0,
}
_outcomes: dict[str, tuple[str, str, str]] = {}


def entry_id(e: dict) -> str:
    return f"{e['group']}:{e['name']}"


def outcome(e: dict, folder: Path) -> tuple[str, str]:
    key = entry_id(e)
    if key not in _outcomes:
        path = folder / f"{''.join(c if c.isalnum() else '_' for c in e['name'])}.py"
        path.write_text(e["source"])
        got = count_target(e["source"], str(path), "model")
        _outcomes[key] = (e["group"], *_judge(got, e))
    return _outcomes[key][1:]


def _judge(got: dict, e: dict) -> tuple[str, str]:
    numbers = ("trainable", "non_trainable", "total")
    if got["status"] == "exact":
        if any(got[n] != e[n] for n in numbers):
            return "wrong", f"static {[got[n] for n in numbers]} vs Keras {[e[n] for n in numbers]}"
        return "exact", ""
    if got["status"] == "partial":
        over = [n for n in numbers if got[n] is not None and got[n] > e[n]]
        return ("wrong", f"partial {over} above Keras") if over else ("partial", got["reason"] or "")
    return "unknown", got["reason"] or ""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("real_world")


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_never_a_wrong_number(entry, folder):
    result, detail = outcome(entry, folder)
    assert result != "wrong", f"{entry_id(entry)}: {detail}"


def rates(folder: Path) -> dict[str, Counter]:
    table: dict[str, Counter] = {}
    for e in ENTRIES:
        result, _ = outcome(e, folder)
        for group in (e["group"], "all"):
            table.setdefault(group, Counter())[result] += 1
            table[group]["entries"] += 1
    return table


def test_exact_rate_per_group_is_at_least_the_floor(folder):
    table = rates(folder)
    lines = [f"{'group':<28}{'entries':>8}{'exact':>7}{'partial':>8}{'unknown':>8}{'wrong':>7}{'exact%':>8}"]
    for group, row in table.items():
        lines.append(f"{group:<28}{row['entries']:>8}{row['exact']:>7}{row['partial']:>8}{row['unknown']:>8}{row['wrong']:>7}{100.0 * row['exact'] / row['entries']:>7.1f}%")
    lines += [f"  {key}: {result} {detail[:200]}" for key, (_, result, detail) in _outcomes.items() if result != "exact"]
    print("\n".join(lines))
    for group, floor in FLOORS.items():
        row = table[group]
        assert 100.0 * row["exact"] / row["entries"] >= floor, "\n".join(lines)


def test_corpus_matches_generator():
    """real_world.json holds exactly the programs gen_real_world.py defines (regenerate after editing it)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "truth"))
    try:
        import gen_real_world
    finally:
        sys.path.pop(0)
    recorded = DATA["entries"]
    assert [(e["group"], e["name"], e["source"]) for e in recorded] == [(e["group"], e["name"], e["source"]) for e in gen_real_world.CORPUS]
    assert {e["group"] for e in ENTRIES} == set(FLOORS)
