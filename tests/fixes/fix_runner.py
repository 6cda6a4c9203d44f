"""Prove fixed code under real TensorFlow: parameter count and one training step.

Usage: ``python fix_runner.py JOBS.json``; the caller picks the Keras flavour through the
environment (``TF_USE_LEGACY_KERAS=1`` for tf_keras). Each job is
``{"id", "path", "expr", "shape"}``: the file is executed as a module (not as
``__main__``), ``expr`` is evaluated in it, and when ``shape`` is given the result is
wrapped as ``Input(shape) -> layer -> Model``; ``feed`` (optional) is the data shape when the
object is counted as it is. Prints one ``RESULT {json}`` per job:
``{"id", "ok", "params", "trainable", "changed", "error"}``; ``changed`` counts the
trainable weights that one SGD step on a GradientTape actually moved.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    import tf_keras as K  # noqa: N812
else:
    import keras as K  # noqa: N812

_modules: dict[str, dict] = {}


def load(path: str) -> dict:
    if path not in _modules:
        namespace = {"__name__": "keraslens_fixed", "__file__": path}
        with open(path, encoding="utf-8") as handle:
            exec(compile(handle.read(), path, "exec"), namespace)  # noqa: S102 - test fixtures only
        _modules[path] = namespace
    return _modules[path]


def run(job: dict) -> dict:
    obj = eval(job["expr"], load(job["path"]))  # noqa: S307 - test fixtures only
    if job.get("shape") is not None:
        inputs = K.Input(shape=tuple(job["shape"]))
        model = K.Model(inputs, obj(inputs))
    else:
        model = obj
    params = int(model.count_params())
    feed = job.get("feed") or model.input_shape[1:]  # a subclassed model built by the fixed code has no input_shape
    x = np.random.default_rng(0).random((16, *feed)).astype("float32")  # 16: a ReLU unit is rarely dead for all
    weights = list(model.trainable_weights)
    before = [np.array(w.numpy(), copy=True) for w in weights]  # a copy, never a view of the live buffer
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - 1.0))
    grads = tape.gradient(loss, weights)
    missing = [w.name for w, g in zip(weights, grads) if g is None]
    if missing:
        raise AssertionError(f"no gradient for {missing}")
    K.optimizers.SGD(learning_rate=0.1).apply_gradients(zip(grads, weights))
    changed = sum(not np.allclose(b, w.numpy()) for b, w in zip(before, weights))
    return {"params": params, "trainable": len(weights), "changed": changed}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        jobs = json.load(handle)
    for job in jobs:
        result = {"id": job["id"], "ok": False, "error": None}
        try:
            result.update(run(job))
            result["ok"] = True
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result["error"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
