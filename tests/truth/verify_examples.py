"""Run the examples under real Keras and report what Keras says about them.

Usage (from the repository root)::

    python tests/truth/verify_examples.py --flavor 3            # every Keras 3 file in examples/expected.json
    python tests/truth/verify_examples.py examples/seed1_linear/fixed.py

Each example is imported by path (``__name__`` is not ``"__main__"``), every target named
in ``examples/expected.json`` is resolved and measured, every listed truth check is run,
and finally the file is executed as ``__main__``. One JSON object per file is printed on
stdout, on a line starting with ``RESULT ``. Nothing is asserted here:
``tests/test_examples_truth.py`` compares the observations with the expectations.

All files handed to one process must share a flavor: Keras 3 (``keras`` / ``tf.keras``)
and tf_keras are not mixed in one interpreter. Run it with ``TF_USE_LEGACY_KERAS`` unset.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import re
import runpy
import sys
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "examples" / "expected.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def clean(text: str) -> str:
    return ANSI.sub("", text)


def error_info(exc: BaseException) -> dict:
    return {"exception": type(exc).__name__, "message": clean(str(exc))}


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size(variable) -> int:
    count = 1
    for dim in variable.shape:
        count *= int(dim)
    return count


def concrete(shape, batch: int = 2) -> tuple[int, ...]:
    return tuple(batch if dim is None else int(dim) for dim in shape)


def input_shape_of(obj, given=None) -> tuple:
    if given is not None:
        return tuple(given)
    inputs = getattr(obj, "inputs", None)
    if inputs:
        return tuple(inputs[0].shape)
    raise ValueError(f"no input shape known for {obj!r}: give input_shape in expected.json")


def resolve(module, entry: dict):
    """The object a count/check entry names: a variable, a function's result, or a built class instance."""
    import inspect

    import numpy as np

    target = getattr(module, entry["target"])
    if inspect.isclass(target):
        layer = target(*entry.get("args", []), **entry.get("kwargs", {}))
        layer(np.zeros(concrete(entry["input_shape"]), dtype="float32"))
        return layer
    if inspect.isfunction(target):
        return target()
    return target


def counts(obj) -> dict:
    return {
        "total": int(obj.count_params()),
        "trainable": sum(size(v) for v in obj.trainable_weights),
        "non_trainable": sum(size(v) for v in obj.non_trainable_weights),
        "trainable_weights": len(obj.trainable_weights),
        "non_trainable_weights": len(obj.non_trainable_weights),
    }


def gradient_step(module, obj, check: dict) -> dict:
    """One GradientTape + plain SGD step on the tracked trainable weights; what changed."""
    import numpy as np
    import tensorflow as tf

    tf.random.set_seed(0)
    x = tf.random.normal(concrete(input_shape_of(obj, check.get("input_shape")), batch=4))
    tracked = list(obj.trainable_weights)
    watched = [eval(expr, {"obj": obj, "module": module}) for expr in check.get("watch", [])]  # noqa: S307 - our own expressions
    before = [np.array(v.numpy(), copy=True) for v in tracked]
    watched_before = [np.array(v.numpy(), copy=True) for v in watched]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(obj(x, training=True)))
    grads = tape.gradient(loss, tracked) if tracked else []
    for variable, grad in zip(tracked, grads):
        if grad is not None:
            variable.assign_sub(0.1 * grad)
    return {
        "trainable_weights": len(tracked),
        "changed": sum(not np.array_equal(b, np.array(v)) for b, v in zip(before, tracked)),
        "no_gradient": sum(g is None for g in grads),
        "watch_changed": [not np.array_equal(b, np.array(v)) for b, v in zip(watched_before, watched)],
        "watch_tracked": [any(v is t for t in obj.weights) for v in watched],
    }


def run_check(module, check: dict) -> dict:
    import numpy as np

    kind = check["kind"]
    try:
        obj = resolve(module, check)
        if kind == "raises" and check.get("call"):
            obj(np.zeros(concrete(input_shape_of(obj, check.get("input_shape"))), dtype="float32"))
        if kind == "raises":
            return {"raised": False}
        if kind == "step":
            return gradient_step(module, obj, check)
        if kind == "output_varies":
            x = np.ones(concrete(input_shape_of(obj, check.get("input_shape"))), dtype="float32")
            return {"varies": not np.allclose(np.array(obj(x)), np.array(obj(x)))}
        if kind == "attr":
            return {"value": eval(check["expr"], {"obj": obj, "module": module})}  # noqa: S307 - our own expressions
        return {"error": {"exception": "UnknownCheck", "message": kind}}
    except Exception as exc:  # noqa: BLE001 - the exception is the observation
        if kind == "raises":
            return {"raised": True, **error_info(exc)}
        return {"error": error_info(exc), "traceback": traceback.format_exc(limit=8)}


def run_main(path: Path) -> dict:
    """Execute the file like ``python path`` does, capturing its output."""
    out = io.StringIO()
    saved_path, saved_argv = list(sys.path), list(sys.argv)
    sys.path.insert(0, str(path.parent))
    sys.argv = [str(path)]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(path), run_name="__main__")
        return {"ok": True, "stdout": clean(out.getvalue())[-4000:]}
    except BaseException as exc:  # noqa: BLE001 - SystemExit included
        return {"ok": False, "error": error_info(exc), "stdout": clean(out.getvalue())[-4000:]}
    finally:
        sys.path[:] = saved_path
        sys.argv = saved_argv


def verify(spec: dict, index: int) -> dict:
    path = ROOT / spec["path"]
    result: dict = {"path": spec["path"], "counts": {}, "checks": []}
    try:
        module = load(path, f"keraslens_example_{index}")
    except Exception as exc:  # noqa: BLE001
        result["import_error"] = {**error_info(exc), "traceback": traceback.format_exc(limit=8)}
        return result
    for entry in spec.get("counts", []):
        try:
            result["counts"][entry["target"]] = counts(resolve(module, entry))
        except Exception as exc:  # noqa: BLE001
            result["counts"][entry["target"]] = {"error": error_info(exc), "traceback": traceback.format_exc(limit=8)}
    for check in spec.get("truth", []):
        result["checks"].append(run_check(module, check))
    result["main"] = run_main(path)
    return result


def framework_versions(flavor: str) -> dict:
    import tensorflow as tf

    versions = {"tensorflow": tf.__version__}
    if flavor == "2":
        import tf_keras

        versions["tf_keras"] = tf_keras.__version__
    else:
        import keras

        versions["keras"] = keras.__version__
        versions["tf.keras is keras 3"] = tf.keras.layers.Layer is keras.layers.Layer
    return versions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="example files (default: every file of --flavor)")
    parser.add_argument("--flavor", choices=("2", "3"), help="select the files of one Keras flavor")
    parser.add_argument("--expected", default=str(EXPECTED))
    args = parser.parse_args(argv)

    specs = json.loads(Path(args.expected).read_text())["files"]
    if args.paths:
        wanted = {Path(p).resolve() for p in args.paths}
        specs = [s for s in specs if (ROOT / s["path"]).resolve() in wanted]
        missing = wanted - {(ROOT / s["path"]).resolve() for s in specs}
        if missing:
            parser.error(f"not in {args.expected}: {', '.join(map(str, sorted(missing)))}")
    if args.flavor:
        specs = [s for s in specs if s["flavor"] == args.flavor]
    flavors = {s["flavor"] for s in specs}
    if len(flavors) > 1:
        parser.error("files of both flavors given: run Keras 3 and tf_keras files in separate processes (--flavor)")
    if not specs:
        parser.error("no example selected")
    if flavors == {"2"} and os.environ.get("TF_USE_LEGACY_KERAS"):
        pass  # tf_keras files import tf_keras explicitly; the variable does not matter
    elif os.environ.get("TF_USE_LEGACY_KERAS"):
        parser.error("TF_USE_LEGACY_KERAS is set: tf.keras would be tf_keras, not Keras 3")

    print("VERSIONS " + json.dumps(framework_versions(flavors.pop())), flush=True)
    for index, spec in enumerate(specs):
        print("RESULT " + json.dumps(verify(spec, index), default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
