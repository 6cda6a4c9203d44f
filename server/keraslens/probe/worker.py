"""The probe worker: imports TensorFlow once, then answers JSON-line requests on stdin.

Started by ``service.Probe`` only (``python -I -m keraslens.probe.worker``); each request
runs a slice in a fresh namespace and reports what Keras counts.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import traceback
import types


def main() -> None:
    keras = _import_keras()
    out = sys.stdout
    sys.stdout = sys.stderr  # the slice's prints must not corrupt the protocol
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"ok": True, **_count(keras, request)}
        except BaseException as exc:  # the user's code may raise anything; the worker survives it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)[-2000:]}
        answer["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write(json.dumps(answer) + "\n")
        out.flush()


def _import_keras():
    import os

    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras as keras
    else:
        import keras
    return keras


def _count(keras, request: dict) -> dict:
    namespace: dict = {"__name__": "keraslens_probe_slice"}
    exec(compile(request["code"], request["path"], "exec"), namespace)  # noqa: S102 - the sandboxed purpose
    target = namespace[request["target"]]
    if request["kind"] == "class":
        target = target(*request["args"], **request["kwargs"])
        target(keras.Input(shape=tuple(request["input_shape"])))
    elif request["kind"] == "function" and isinstance(target, types.FunctionType):
        target = target()
    if not hasattr(target, "trainable_weights"):
        raise TypeError(f"{request['target']!r} is not a layer or model")
    return {
        "trainable": _size(target.trainable_weights),
        "non_trainable": _size(target.non_trainable_weights),
        "weights": [
            {"name": w.path if hasattr(w, "path") else w.name, "shape": list(w.shape), "trainable": bool(w.trainable), "params": math.prod(w.shape)}
            for w in target.weights
        ],
        "layers": [
            {"name": layer.name, "class": type(layer).__name__, "params": layer.count_params() if layer.built else None,
             "trainable": _size(layer.trainable_weights), "non_trainable": _size(layer.non_trainable_weights)}
            for layer in getattr(target, "layers", [])
        ] if hasattr(target, "layers") and isinstance(target, keras.Model) else [],
    }


def _size(weights) -> int:
    seen: dict[int, int] = {id(w): math.prod(w.shape) for w in weights}  # a shared weight counts once
    return sum(seen.values())


if __name__ == "__main__":
    main()
