"""Small Keras programs written by a hypothesis strategy, counted by keraslens and by real Keras.

Each program defines ``model()``, a function returning a functional model built from random steps:
Dense layers with random arguments, loops (two of them may reuse one loop variable), helper
functions called with positional and keyword arguments, conditionals on module constants, sublayers
held in lists, dicts and ``keras.Sequential``, shared layers, a layer class creating weights in
``build(shape)``, and changes after the model is built (``trainable = False``, ``enable_lora``,
``quantize``). Used by ``tests/truth/test_differential.py`` (300 programs) and
``bench/differential.py`` (thousands).

The truth comes from one worker process (``run_keras``), which runs every program under Keras 3 and
reports ``trainable_weights`` / ``non_trainable_weights`` sizes; results are cached under
``.cache/differential/`` by program text and Keras version, so only new programs pay for TensorFlow.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / ".cache" / "differential"
WORKER = Path(__file__).resolve().parent / "differential_worker.py"
UNITS = st.integers(1, 12)


@st.composite
def program(draw) -> str:
    """One program: module-level definitions, then ``def model():`` with its steps."""
    top: list[str] = ["import keras", "from keras import layers", ""]
    body: list[str] = [f"    inp = keras.Input(shape=({draw(UNITS)},))", "    x = inp"]
    after: list[str] = []  # run once the model exists
    loop_variable = draw(st.sampled_from(["u", "width", "n"]))
    for index in range(draw(st.integers(1, 5))):
        step = draw(st.sampled_from(STEPS))
        step(draw, index, top, body, after, loop_variable)
    return "\n".join([*top, "", "def model():", *body, "    built = keras.Model(inp, x)", *after, "    return built", ""])


def _dense(draw, index, top, body, after, loop_variable):
    bias = draw(st.booleans())
    body.append(f"    x = layers.Dense({draw(UNITS)}, use_bias={bias})(x)")


def _loop(draw, index, top, body, after, loop_variable):
    widths = draw(st.lists(UNITS, min_size=1, max_size=3))
    body += [f"    for {loop_variable} in {widths}:", f"        x = layers.Dense({loop_variable})(x)"]


def _range_loop(draw, index, top, body, after, loop_variable):
    body += [f"    for {loop_variable} in range({draw(st.integers(0, 3))}):", f"        x = layers.Dense({loop_variable} + {draw(UNITS)})(x)"]


def _helper(draw, index, top, body, after, loop_variable):
    top += [f"def block_{index}(x, units, *, bias=True):", "    return layers.Dense(units, use_bias=bias)(x)", ""]
    units, bias = draw(UNITS), draw(st.booleans())
    call = draw(st.sampled_from([f"block_{index}(x, {units})", f"block_{index}(x, units={units}, bias={bias})", f"block_{index}(x, {units}, bias={bias})"]))
    body.append(f"    x = {call}")


def _conditional(draw, index, top, body, after, loop_variable):
    top += [f"FLAG_{index} = {draw(st.booleans())}", f"SIZE_{index} = {draw(UNITS)}", ""]
    body += [f"    if FLAG_{index}:", f"        x = layers.Dense(SIZE_{index})(x)", "    else:", f"        x = layers.Dense({draw(UNITS)}, use_bias=False)(x)"]


def _sequential(draw, index, top, body, after, loop_variable):
    widths = draw(st.lists(UNITS, min_size=1, max_size=3))
    body.append(f"    x = keras.Sequential([{', '.join(f'layers.Dense({w})' for w in widths)}])(x)")


def _shared(draw, index, top, body, after, loop_variable):
    width = draw(UNITS)
    body += [f"    x = layers.Dense({width})(x)", f"    shared_{index} = layers.Dense({width})", f"    x = shared_{index}(x)", f"    x = shared_{index}(x)"]


def _holder(draw, index, top, body, after, loop_variable):
    widths = draw(st.lists(UNITS, min_size=1, max_size=3))
    if draw(st.booleans()):
        make, parts = "[layers.Dense(size) for size in sizes]", "self.parts"
    else:
        make, parts = "{f\"d{i}\": layers.Dense(size) for i, size in enumerate(sizes)}", "self.parts.values()"
    top += [
        f"class Holder{index}(layers.Layer):",
        "    def __init__(self, sizes):",
        "        super().__init__()",
        f"        self.parts = {make}",
        "",
        "    def call(self, x):",
        f"        for part in {parts}:",
        "            x = part(x)",
        "        return x",
        "",
    ]
    body.append(f"    x = Holder{index}({widths})(x)")


def _built_weights(draw, index, top, body, after, loop_variable):
    top += [
        f"class Scale{index}(layers.Layer):",
        f"    def __init__(self, units={draw(UNITS)}):",
        "        super().__init__()",
        "        self.units = units",
        "",
        "    def build(self, input_shape):",
        "        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))",
        f"        self.offset = self.add_weight(shape=(self.units,), trainable={draw(st.booleans())})",
        "",
        "    def call(self, x):",
        "        return keras.ops.matmul(x, self.kernel) + self.offset",
        "",
    ]
    body.append(f"    x = Scale{index}({draw(UNITS)})(x)")


def _changed_after(draw, index, top, body, after, loop_variable):
    body += [f"    changed_{index} = layers.Dense({draw(UNITS)})", f"    x = changed_{index}(x)"]
    change = draw(st.sampled_from(["trainable = False", "enable_lora(2)", 'quantize("int8")']))
    after.append(f"    changed_{index}.{change}")


STEPS = [_dense, _loop, _range_loop, _helper, _conditional, _sequential, _shared, _holder, _built_weights, _changed_after]


def programs(count: int) -> list[str]:
    """``count`` distinct programs, the same ones on every run (derandomized, no example database)."""
    found: dict[str, None] = {}

    @settings(derandomize=True, database=None, max_examples=count * 2, phases=[Phase.generate], suppress_health_check=list(HealthCheck), deadline=None)
    @given(program())
    def collect(text: str) -> None:
        if len(found) < count:
            found[text] = None

    collect()
    return list(found)


def _key(text: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()[:24]


def keras_version() -> str:
    from importlib import metadata

    return metadata.version("keras")


def run_keras(texts: list[str]) -> list[dict]:
    """What real Keras reports for each program (cached per program and Keras version)."""
    version = keras_version()
    CACHE.mkdir(parents=True, exist_ok=True)
    missing = [text for text in texts if not (CACHE / f"{_key(text, version)}.json").is_file()]
    if missing:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
        errors = CACHE / "worker.stderr"
        with errors.open("w") as stderr, subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env) as worker:
            worker.stdin.write(json.dumps(missing))
            worker.stdin.close()
            for text, line in zip(missing, worker.stdout):  # cached as each one finishes
                (CACHE / f"{_key(text, version)}.json").write_text(line)
            if worker.wait() != 0:
                raise RuntimeError(f"the Keras worker failed:\n{errors.read_text()[-3000:]}")
    return [json.loads((CACHE / f"{_key(text, version)}.json").read_text()) for text in texts]


def run_keraslens(text: str, folder: Path, name: str) -> dict:
    """``keraslens count FILE --target model --format json``, in-process."""
    from keraslens.cli import main

    path = folder / f"{name}.py"
    path.write_text(text)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["count", str(path), "--target", "model", "--format", "json"])
    return json.loads(out.getvalue())


def judge(truth: dict, result: dict) -> str:
    """exact | partial | unknown | wrong (an exact number that differs, or a bound above the truth)."""
    numbers = ("trainable", "non_trainable", "total")
    got = {k: result.get(k) for k in numbers}
    if result.get("status") == "exact":
        return "exact" if got == {k: truth[k] for k in numbers} else "wrong"
    if result.get("status") == "partial":
        return "wrong" if any(v is not None and v > truth[k] for k, v in got.items()) else "partial"
    return "unknown" if result.get("status") == "unknown" else "wrong"
