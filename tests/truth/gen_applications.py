"""Regenerate the keras.applications size table from real Keras 3.

Run from the repository root:

    uv run python tests/truth/gen_applications.py                     # every application: writes both files below
    uv run python tests/truth/gen_applications.py --check             # recompute everything, compare, write nothing
    uv run python tests/truth/gen_applications.py --check --only MobileNetV3Small NASNetMobile   # a cheap sample
    uv run python tests/truth/gen_applications.py --table-only        # the table from applications.json, no Keras

Writes ``tests/truth/applications.json`` (what Keras reports for each configuration) and the
table the analysis reads, ``server/keraslens/analysis/interpretation/application_sizes.py``.
Nothing is downloaded: every model is built with ``weights=None`` (``"imagenet"`` builds the same
layers; only the initial values differ). Runtime: about 12 minutes of CPU in one worker
subprocess (49 minutes of wall time on a loaded 2-vCPU machine; ConvNeXt, EfficientNet and
NASNet dominate).

Three configurations per application, from which the table's formula is derived:

1. defaults (``include_top=True``, 1000 classes, the default input shape); the size per class of
   the head is read from its last layer (the ``predictions`` kernel's fan-in, plus its bias);
2. ``include_top=False``: the feature extractor alone;
3. ``include_top=False, input_shape=(192, 192, 3), pooling="avg"``: equal to (2) when the
   feature extractor's weights do not depend on the input size (and pooling adds none).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flavor_worker import run_worker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "applications.json"
TABLE = ROOT / "server" / "keraslens" / "analysis" / "interpretation" / "application_sizes.py"
RESIZED = [192, 192, 3]
CONFIGURATIONS = ({}, {"include_top": False}, {"include_top": False, "input_shape": RESIZED, "pooling": "avg"})


def jobs_for(names: list[str]) -> list[dict]:
    return [{"application": name, "kwargs": kwargs} for name in names for kwargs in CONFIGURATIONS]


def _worker() -> None:
    """Build each job's application with ``weights=None``; print the sizes as JSON."""
    import gc
    import inspect
    import warnings

    import keras
    import numpy as np

    warnings.simplefilter("ignore")
    jobs = json.load(sys.stdin)

    def size(variables) -> int:
        return sum(int(np.prod(tuple(v.shape), dtype=np.int64)) for v in {id(v): v for v in variables}.values())

    results = []
    for job in jobs:
        keras.backend.clear_session()
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in job["kwargs"].items()}
        model = getattr(keras.applications, job["application"])(weights=None, **kwargs)
        trainable, non_trainable = size(model.trainable_weights), size(model.non_trainable_weights)
        if trainable + non_trainable != model.count_params():
            raise RuntimeError(f"{job}: count_params {model.count_params()} != {trainable} + {non_trainable}")
        head = model.layers[-1]  # with include_top: the predictions layer (a softmax Activation follows in some)
        head = head if head.weights else next(layer for layer in reversed(model.layers) if layer.weights)
        per_class = sum(int(np.prod(tuple(w.shape)[:-1], dtype=np.int64)) if len(w.shape) > 1 else 1 for w in head.weights)
        results.append(
            {**job, "trainable": trainable, "non_trainable": non_trainable, "total": trainable + non_trainable,
             "input_shape": list(model.input_shape), "output_shape": list(model.output_shape), "last_layer_per_output": per_class}
        )
        print(job["application"], job["kwargs"], trainable + non_trainable, file=sys.stderr, flush=True)
        del model
        gc.collect()
    names = sorted(n for n, v in vars(keras.applications).items() if inspect.isfunction(v) and n[:1].isupper())
    json.dump({"versions": {"keras": keras.__version__}, "applications": names, "results": results}, sys.stdout)


def derive(entries: list[dict]) -> dict[str, dict]:
    """The table row of each application, from its three configurations."""
    table = {}
    for name in dict.fromkeys(e["application"] for e in entries):
        top, features, resized = (next(e for e in entries if e["application"] == name and e["kwargs"] == c) for c in CONFIGURATIONS)
        table[name] = {
            "trainable": features["trainable"],
            "non_trainable": features["non_trainable"],
            "top_trainable": top["trainable"],
            "top_non_trainable": top["non_trainable"],
            "head_per_class": top["last_layer_per_output"],
            "features": features["output_shape"][-1],
            "feature_map": tuple(features["output_shape"][1:]),
            "input_shape": tuple(top["input_shape"][1:]),
            "any_input_size": (resized["trainable"], resized["non_trainable"]) == (features["trainable"], features["non_trainable"]),
        }
    return table


def render(table: dict[str, dict], versions: dict) -> str:
    rows = "\n".join(f"    {name!r}: {row!r}," for name, row in table.items())
    return (
        '"""Sizes of every ``keras.applications`` model, measured with real Keras '
        f"{versions['keras']} (the fields of ``applications.ApplicationSize``).\n\n"
        'Generated by tests/truth/gen_applications.py; do not edit.\n"""\n\nSIZES = {\n' + rows + "\n}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help="compare with the checked-in files instead of writing them")
    parser.add_argument("--only", nargs="*", help="these applications only (with --check)")
    parser.add_argument("--table-only", action="store_true", help="rewrite the table from applications.json, without Keras")
    args = parser.parse_args()
    if args.worker:
        _worker()
        return 0
    if args.table_only:
        recorded = json.loads(OUT.read_text())
        TABLE.write_text(render(derive(recorded["entries"]), recorded["versions"]))
        return 0
    recorded = json.loads(OUT.read_text()) if OUT.exists() else {"entries": [], "applications": []}
    names = args.only or recorded["applications"] or _all_names()
    out = run_worker(__file__, "keras3", jobs_for(names))
    entries = out["results"]
    if args.check:
        old = {json.dumps([e["application"], e["kwargs"]]): e for e in recorded["entries"]}
        diffs = [e for e in entries if old.get(json.dumps([e["application"], e["kwargs"]])) != e]
        missing = [] if args.only else sorted(set(out["applications"]) ^ set(recorded["applications"]))
        for e in diffs:
            print("differs:", e["application"], e["kwargs"], e["total"])
        if missing:
            print("applications added or removed:", missing)
        print(f"{len(entries)} configurations of {len(names)} applications; {len(diffs)} differ")
        return 1 if diffs or missing else 0
    data = {"generated_by": "tests/truth/gen_applications.py", "versions": out["versions"], "applications": out["applications"], "entries": entries}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    TABLE.write_text(render(derive(entries), out["versions"]))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(entries)} configurations) and {TABLE.relative_to(ROOT)}")
    return 0


def _all_names() -> list[str]:
    """Every application's name, asked of Keras in a worker of its own (no jobs)."""
    return run_worker(__file__, "keras3", [])["applications"]


if __name__ == "__main__":
    sys.exit(main())
