"""Run the ``# truth:`` lines of rule fixtures under real TensorFlow (one process per flavor).

Usage: ``python truth_runner.py FIXTURE...``; the caller picks the flavor through the
environment (``TF_USE_LEGACY_KERAS=1`` for Keras 2). Prints one ``RESULT {json}`` line
per truth line: ``{"path", "line", "ok", "error"}``.

Only the imports, classes and functions of a fixture are executed: module-level model
code there exists to be analysed and may fail on purpose (KL108); the truth lines
rebuild such scenarios explicitly.

Helpers a truth line can use (besides the fixture's own names):
  called(layer, shape, times=1) -> layer     eager call(s) on a random batch (2, *shape)
  functional(layer, shape)     -> model      keras.Input(shape) -> layer -> keras.Model
  fit(layer, shape)            -> model      functional model, compile(sgd, mse), fit 1 batch
  raises(exc, text, fn, *args) -> True       fn(*args) raises exc whose message contains text
  untracked(layer, *objs)      -> True       no variable of objs is among layer.weights
  tracked(layer, *objs)        -> True       every variable of objs is among layer.weights
  trains(layer, shape)         -> True       one tape step reaches and changes every trainable weight
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
import traceback
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

LEGACY = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
if LEGACY:
    import tf_keras as K  # noqa: N812
else:
    import keras as K  # noqa: N812

TRUTH = re.compile(r"^\s*#\s*truth:\s*(?P<code>.+)$")


def _batch(shape):
    return np.random.default_rng(0).random((2, *shape)).astype("float32")


def called(layer, shape, times=1):
    for _ in range(times):
        layer(_batch(shape))
    return layer


def functional(layer, shape):
    inputs = K.Input(shape=shape)
    return K.Model(inputs, layer(inputs))


def fit(layer, shape):
    model = functional(layer, shape)
    model.compile(optimizer="sgd", loss="mse")
    x = _batch(shape)
    y = model.predict(x, verbose=0)
    model.fit(x, y + 1.0, epochs=1, batch_size=2, verbose=0)
    return model


def raises(exc, text, fn, *args):
    try:
        fn(*args)
    except exc as caught:
        message = " ".join(str(caught).split())
        assert text in message, f"{type(caught).__name__} raised, but without {text!r}: {message[:400]}"
        return True
    raise AssertionError(f"{exc.__name__} was not raised")


def _variables(obj):
    """The variables an object stands for: itself, a layer's weights, container members."""
    if isinstance(obj, K.layers.Layer):
        weights = list(obj.weights)
        assert weights, f"{obj.name} has no weights to check (not built?)"
        return weights
    if isinstance(obj, dict):
        return [v for item in obj.values() for v in _variables(item)]
    if isinstance(obj, list | tuple):
        return [v for item in obj for v in _variables(item)]
    if isinstance(obj, tf.Module) and not isinstance(obj, tf.Variable):
        assert obj.variables, f"{obj!r} holds no variables"
        return list(obj.variables)
    if hasattr(obj, "__dict__") and not hasattr(obj, "shape"):  # plain holder
        found = [v for item in vars(obj).values() for v in _variables(item) if hasattr(item, "shape") or isinstance(item, list | dict | tuple | K.layers.Layer)]
        assert found, f"{obj!r} holds no variables"
        return found
    return [obj]


def _ids(layer):
    found = set()
    for weight in layer.weights:
        found.add(id(weight))
        for inner in ("value", "_value"):  # Keras 3 wraps a tf.Variable
            try:
                found.add(id(getattr(weight, inner)))
            except Exception:  # noqa: BLE001 - an unbuilt wrapper may refuse
                pass
    return found


def untracked(layer, *objs):
    known = _ids(layer)
    for obj in objs:
        for variable in _variables(obj):
            assert id(variable) not in known, f"{getattr(variable, 'name', variable)!r} IS tracked by {layer.name}"
    return True


def tracked(layer, *objs):
    known = _ids(layer)
    for obj in objs:
        for variable in _variables(obj):
            assert id(variable) in known, f"{getattr(variable, 'name', type(variable).__name__)!r} is not tracked by {layer.name}"
    return True


def projected(output):
    """A loss: the output against fixed random coefficients. Unlike a squared error, its gradient
    does not vanish behind a normalization layer (sum((LN(x) - 1)**2) is the same for every x)."""
    coefficients = np.random.default_rng(1).standard_normal(tuple(output.shape)).astype("float32")
    return tf.reduce_sum(output * coefficients)


def _snapshot(variable):
    # A private copy: `np.array(variable)` may alias the live buffer, which `assign_sub` then updates too.
    return np.array(variable.numpy(), copy=True)


def trains(layer, shape):
    # 16 signed samples: with 2 positive ones, every ReLU unit of a layer may be dead, so nothing behind it moves
    x = np.random.default_rng(0).standard_normal((16, *shape)).astype("float32")
    layer(x)
    weights = list(layer.trainable_weights)
    assert weights, "no trainable weights"
    before = [_snapshot(w) for w in weights]
    with tf.GradientTape() as tape:
        loss = projected(layer(x))
    grads = tape.gradient(loss, weights)
    missing = [w.name for w, g in zip(weights, grads) if g is None]
    assert not missing, f"no gradient for {missing}"
    for w, g in zip(weights, grads):
        w.assign_sub(0.01 * tf.convert_to_tensor(g))
    unchanged = [w.name for w, b in zip(weights, before) if np.array_equal(_snapshot(w), b)]
    assert not unchanged, f"not changed by a step: {unchanged}"
    return True


HELPERS = {name: globals()[name] for name in ("called", "functional", "fit", "raises", "untracked", "tracked", "trains")}


def definitions_only(source: str) -> ast.Module:
    tree = ast.parse(source)
    keep = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef)
    tree.body = [node for node in tree.body if isinstance(node, keep)]
    return tree


def run_file(path: str) -> list[dict]:
    text = open(path, encoding="utf-8").read()
    namespace = {"__name__": "fixture", "np": np, "tf": tf, **HELPERS}
    results = []
    lines = [(number, m.group("code")) for number, line in enumerate(text.splitlines(), 1) if (m := TRUTH.match(line))]
    try:
        exec(compile(definitions_only(text), path, "exec"), namespace)  # noqa: S102 - our own fixtures
    except Exception as exc:  # noqa: BLE001
        return [{"path": path, "line": n, "ok": False, "error": f"fixture does not import: {exc!r}"} for n, _ in lines]
    namespace.update(HELPERS)  # a fixture's own names never shadow the helpers
    for number, code in lines:
        K.backend.clear_session()
        try:
            exec(compile(code, f"{path}:{number}", "exec"), dict(namespace))  # noqa: S102
            results.append({"path": path, "line": number, "ok": True, "error": None})
        except Exception as exc:  # noqa: BLE001
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            results.append({"path": path, "line": number, "ok": False, "error": detail[-1500:]})
    return results


def main(paths: list[str]) -> int:
    for path in paths:
        for result in run_file(path):
            print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
