"""Regenerate the keras.applications size table from real Keras 3 and real tf_keras.

Run from the repository root:

    uv run python tests/truth/gen_applications.py                     # every application of both flavours
    uv run python tests/truth/gen_applications.py --flavor tf_keras   # tf_keras only (Keras 3's file is kept)
    uv run python tests/truth/gen_applications.py --check             # recompute everything, compare, write nothing
    uv run python tests/truth/gen_applications.py --check --only MobileNetV3Small NASNetMobile   # a cheap sample
    uv run python tests/truth/gen_applications.py --table-only        # the table from the JSON files, no Keras

Writes, per flavour, what Keras reports for each configuration: ``tests/truth/applications.json``
(Keras 3, ``import keras``) and ``tests/truth/applications_tf_keras.json`` (tf_keras, the Keras 2
package, ``import tf_keras``; it has RegNet and ResNetRS too); then the table the analysis reads,
``server/keraslens/analysis/interpretation/application_sizes.py``, from both files.
Nothing is downloaded: every model is built with ``weights=None`` (``"imagenet"`` builds the same
layers; only the initial values differ). Runtime, one worker subprocess per flavour, one after the
other: Keras 3 about 12 minutes of CPU (49 minutes of wall time on a loaded 2-vCPU machine;
ConvNeXt, EfficientNet and NASNet dominate); tf_keras (71 applications) about 18 minutes of CPU
(34 minutes of wall time on the same machine).

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
# per flavour of the worker (flavor_worker.py): its measurements, and its key in the table (the analysis' Flavor)
OUTS = {"keras3": HERE / "applications.json", "tf_keras": HERE / "applications_tf_keras.json"}
TABLE_KEYS = {"keras3": "3", "tf_keras": "2"}
TABLE = ROOT / "server" / "keraslens" / "analysis" / "interpretation" / "application_sizes.py"
RESIZED = [192, 192, 3]
CONFIGURATIONS = ({}, {"include_top": False}, {"include_top": False, "input_shape": RESIZED, "pooling": "avg"})


def jobs_for(names: list[str]) -> list[dict]:
    return [{"application": name, "kwargs": kwargs} for name in names for kwargs in CONFIGURATIONS]


def _worker() -> None:
    """Build each job's application with ``weights=None``; print the sizes as JSON."""
    import gc
    import inspect
    import os
    import warnings

    import numpy as np

    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":  # set by flavor_worker.py for the tf_keras flavour only
        import tf_keras as keras
    else:
        import keras

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


def render(recorded: dict[str, dict]) -> str:
    """The table module: per flavour (``"3"``: Keras 3, ``"2"``: tf_keras), each application's row."""
    measured = ", ".join(f"{'Keras' if flavor == 'keras3' else 'tf_keras'} {data['versions']['keras']} ({TABLE_KEYS[flavor]!r})" for flavor, data in recorded.items())
    blocks = []
    for flavor, data in recorded.items():
        rows = "\n".join(f"        {name!r}: {row!r}," for name, row in derive(data["entries"]).items())
        blocks.append(f"    {TABLE_KEYS[flavor]!r}: {{\n{rows}\n    }},")
    return (
        '"""Sizes of every ``keras.applications`` model per Keras flavour, measured with real '
        f"{measured} (the fields of ``applications.ApplicationSize``).\n\n"
        'Generated by tests/truth/gen_applications.py; do not edit.\n"""\n\nSIZES = {\n' + "\n".join(blocks) + "\n}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--flavor", nargs="*", choices=list(OUTS), default=list(OUTS), help="measure these flavours only")
    parser.add_argument("--check", action="store_true", help="compare with the checked-in files instead of writing them")
    parser.add_argument("--only", nargs="*", help="these applications only (with --check), in each flavour that has them")
    parser.add_argument("--table-only", action="store_true", help="rewrite the table from the JSON files, without Keras")
    args = parser.parse_args()
    if args.worker:
        _worker()
        return 0
    if args.only and not args.check:
        parser.error("--only needs --check (a JSON file holds every application of its flavour)")
    failed = False
    for flavor in [] if args.table_only else args.flavor:
        failed |= not measure(flavor, args.only, args.check)
    if not args.check:
        TABLE.write_text(render({flavor: json.loads(out.read_text()) for flavor, out in OUTS.items()}))
        print(f"wrote {TABLE.relative_to(ROOT)}")
    return 1 if failed else 0


def measure(flavor: str, only: list[str] | None, check: bool) -> bool:
    """Measure one flavour's applications; write its JSON file, or (``check``) compare with it. False: it differs."""
    out_path = OUTS[flavor]
    recorded = json.loads(out_path.read_text()) if out_path.exists() else {"entries": [], "applications": []}
    available = recorded["applications"] or _all_names(flavor)
    names = [name for name in only if name in available] if only else available
    out = run_worker(__file__, flavor, jobs_for(names))
    entries = out["results"]
    if check:
        old = {json.dumps([e["application"], e["kwargs"]]): e for e in recorded["entries"]}
        diffs = [e for e in entries if old.get(json.dumps([e["application"], e["kwargs"]])) != e]
        missing = [] if only else sorted(set(out["applications"]) ^ set(recorded["applications"]))
        for e in diffs:
            print(f"{flavor} differs:", e["application"], e["kwargs"], e["total"])
        if missing:
            print(f"{flavor} applications added or removed:", missing)
        print(f"{flavor}: {len(entries)} configurations of {len(names)} applications; {len(diffs)} differ")
        return not (diffs or missing)
    data = {"generated_by": "tests/truth/gen_applications.py", "versions": out["versions"], "applications": out["applications"], "entries": entries}
    out_path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {out_path.relative_to(ROOT)} ({len(entries)} configurations)")
    return True


def _all_names(flavor: str) -> list[str]:
    """Every application's name, asked of Keras in a worker of its own (no jobs)."""
    return run_worker(__file__, flavor, [])["applications"]


if __name__ == "__main__":
    sys.exit(main())
