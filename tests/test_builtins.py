"""The built-in layer table (keraslens.analysis.interpretation.layer_table) against real Keras (tests/truth/builtins.json).

builtins.json is made by tests/truth/gen_builtins.py from real Keras 3 and tf_keras; this file
only reads it (no TensorFlow, fast). For each configuration:

* ``lookup("keras.layers.<layer>")``, ``bind(args, kwargs)``, ``weights(bound, input_shape, flavor)``;
  wrappers (``Bidirectional``, ``TimeDistributed``) go through ``counts.Counter`` instead, which is
  how the product counts them (the spec itself answers ``Unknown`` for a wrapper);
* when a weight list comes back, the trainable and non-trainable totals must equal what Keras
  reported, and the weights must match as a multiset of (shape, trainable): a wrong exact number
  fails the test (the worst defect the product can have);
* when an output shape comes back, it must equal the Keras one; a ``None`` dimension where
  Keras knows the size only lowers the coverage, a wrong size fails;
* ``Unknown`` (or no spec) is allowed per configuration; the exact-coverage goal
  (``COVERAGE_GOAL``) is asserted by ``test_exact_coverage`` over the whole corpus.

Arguments: JSON has no tuples, so every list in ``args`` / ``kwargs`` is passed as a tuple
(``(3, 3)``, ``shared_axes=(1, 2)``); a nested layer ``{"layer", "args", "kwargs"}`` becomes a
``LayerValue``. Input shapes: one tuple, or a list of tuples for a layer called on several tensors.

The coverage table per layer family is printed in the terminal summary (and by
``test_exact_coverage`` itself, visible with ``-s``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter as Multiset
from pathlib import Path
from types import SimpleNamespace

import pytest
from keraslens.analysis.interpretation import layer_table as builtins
from keraslens.analysis.interpretation.counts import Counter
from keraslens.analysis.interpretation.symbolic import Expr
from keraslens.analysis.interpretation.values import LayerValue, Tensor
from keraslens.analysis.names.imports import Flavor

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "truth" / "builtins.json"
DATA = json.loads(TRUTH.read_text())
ENTRIES: list[dict] = DATA["entries"]
COVERAGE_GOAL = 95.0  # % of configurations whose weights are answered exactly
WRAPPERS = frozenset({"Bidirectional", "TimeDistributed"})
FLAVORS = {"keras3": Flavor.KERAS3, "tf_keras": Flavor.KERAS2}

FAMILIES = {
    "dense": "Dense EinsumDense",
    "embedding": "Embedding ReversibleEmbedding",
    "conv": "Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose DepthwiseConv1D DepthwiseConv2D "
    "SeparableConv1D SeparableConv2D",
    "recurrent": "SimpleRNN LSTM GRU ConvLSTM1D ConvLSTM2D ConvLSTM3D RNN StackedRNNCells SimpleRNNCell LSTMCell GRUCell",
    "wrappers": "Bidirectional TimeDistributed SpectralNormalization",
    "preprocessing": "STFTSpectrogram LocallyConnected1D LocallyConnected2D",
    "normalization": "BatchNormalization LayerNormalization GroupNormalization UnitNormalization RMSNormalization Normalization",
    "attention": "MultiHeadAttention GroupQueryAttention Attention AdditiveAttention",
    "prelu": "PReLU",
}
FAMILY_OF = {layer: family for family, names in FAMILIES.items() for layer in names.split()}


def family(e: dict) -> str:
    if "lora_rank" in e["kwargs"]:
        return "lora"
    return FAMILY_OF.get(e["layer"], "weightless")


def entry_id(e: dict) -> str:
    def show(v) -> str:
        if isinstance(v, dict) and "layer" in v:
            return f"{v['layer']}({', '.join([show(a) for a in v['args']] + [f'{k}={show(x)}' for k, x in v['kwargs'].items()])})"
        return json.dumps(v, separators=(",", ":"))

    parts = [show(a) for a in e["args"]] + [f"{k}={show(v)}" for k, v in e["kwargs"].items()]
    flavor = "" if e["flavor"] == "keras3" else "[tf_keras]"
    return f"{e['layer']}({', '.join(parts)})@{json.dumps(e['input_shape'], separators=(',', ':'))}{flavor}"


# --- turning JSON into the values the analysis works with ---------------------------------------------
def _value(v):
    if isinstance(v, dict) and "layer" in v:
        return _layer_value(v["layer"], [_value(a) for a in v["args"]], {k: _value(x) for k, x in v["kwargs"].items()})
    if isinstance(v, list):
        return tuple(_value(x) for x in v)
    return v


def _layer_value(layer: str, args: list, kwargs: dict) -> LayerValue:
    """A layer as the interpreter creates it: a wrapper knows the layer it wraps."""
    value = LayerValue(f"keras.layers.{layer}", args, kwargs)
    if layer in WRAPPERS and args and isinstance(args[0], LayerValue):
        value.wrapped = args[0]
    return value


def _input_shape(shape: list):
    if shape and isinstance(shape[0], list):
        return [tuple(s) for s in shape]
    return tuple(shape)


def _int_dim(dim):
    """An int, or None when the analysis did not give a concrete size."""
    if isinstance(dim, Expr):
        return dim.value if dim.is_const else None
    if isinstance(dim, int) and not isinstance(dim, bool):
        return dim
    return None


# --- evaluation -------------------------------------------------------------------------------------
_cache: dict[str, dict] = {}


def evaluate(e: dict) -> dict:
    """{'weights': (outcome, detail), 'shape': (outcome, detail)}; outcomes:
    weights: exact | partial | unknown | raised | wrong;  shape: exact | less | none | raised | wrong."""
    key = entry_id(e)
    if key not in _cache:
        _cache[key] = {"weights": _judge_weights(e), "shape": _judge_shape(e)}
    return _cache[key]


def _arguments(e: dict) -> tuple[str, list, dict, object]:
    """The entry as the analysis sees it: canonical name, arguments, input shape."""
    args = [_value(a) for a in e["args"]]
    kwargs = {k: _value(v) for k, v in e["kwargs"].items()}
    return f"keras.layers.{e['layer']}", args, kwargs, _input_shape(e["input_shape"])


def _wrapper_counter(e: dict) -> Counter:
    return Counter(SimpleNamespace(classes={}), FLAVORS[e["flavor"]])


def _weights_of(e: dict):
    """What the analysis says the weights are: a list of (shape tuple | None, trainable) or a reason string."""
    ref, args, kwargs, shape = _arguments(e)
    if e["layer"] in WRAPPERS:
        counter = _wrapper_counter(e)
        layer = _layer_value(e["layer"], args, kwargs)
        layer.input_shapes.append(shape)
        counted = counter.layer(layer)
        if counted.doubts:
            return "; ".join(counted.doubts)
        return [(w.shape, w.trainable) for w in counted.weights]
    spec = builtins.lookup(ref)
    if spec is None:
        return f"lookup({ref!r}) is None"
    result = spec.weights(spec.bind(args, kwargs), shape, e["flavor"])
    if isinstance(result, builtins.Unknown):
        return f"Unknown: {result.reason}"
    if not isinstance(result, list | tuple):
        return f"weights() returned {result!r}"
    return [(w.shape, w.trainable) for w in result]


def _judge_weights(e: dict) -> tuple[str, str]:
    try:
        got = _weights_of(e)
    except Exception as exc:  # noqa: BLE001 -- the product turns this into "unknown"; listed so it can be fixed
        return "raised", f"{type(exc).__name__}: {exc}"
    if isinstance(got, str):
        return "unknown", got
    concrete = []
    for shape, trainable in got:
        dims = tuple(_int_dim(d) for d in shape) if isinstance(shape, tuple | list) else None
        if dims is None or None in dims or not isinstance(trainable, bool):
            return "partial", f"weight of shape {shape!r} (trainable={trainable!r}) is not concrete"
        concrete.append((dims, trainable))
    trainable = sum(_prod(d) for d, t in concrete if t)
    non_trainable = sum(_prod(d) for d, t in concrete if not t)
    want = {"trainable": e["trainable"], "non_trainable": e["non_trainable"]}
    have = {"trainable": trainable, "non_trainable": non_trainable}
    expected = Multiset((tuple(w["shape"]), w["trainable"]) for w in e["weights"])
    actual = Multiset(concrete)
    if have != want or expected != actual:
        missing = sorted((expected - actual).elements())
        extra = sorted((actual - expected).elements())
        return "wrong", f"totals {have} vs Keras {want}; missing (shape, trainable) {missing}; unexpected {extra}"
    return "exact", ""


def _prod(dims: tuple) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


def _shape_of(e: dict):
    ref, args, kwargs, shape = _arguments(e)
    if e["layer"] in WRAPPERS:
        counter = _wrapper_counter(e)
        layer = _layer_value(e["layer"], args, kwargs)
        return counter.output_of(layer, [Tensor(shape)]).shape
    spec = builtins.lookup(ref)
    if spec is None:
        return None
    bound = spec.bind(args, kwargs)
    return spec.output_parts(bound, shape) or spec.output_shape(bound, shape)  # several tensors (return_state=True): each one's shape


def _judge_shape(e: dict) -> tuple[str, str]:
    try:
        got = _shape_of(e)
    except Exception as exc:  # noqa: BLE001
        return "raised", f"{type(exc).__name__}: {exc}"
    want = e["output_shape"]
    if got is None or not isinstance(got, tuple | list) or want is None:  # want None: built, not called
        return "none", ""
    several = bool(want) and isinstance(want[0], list)
    if several:  # a layer returning several tensors (return_state=True)
        if not (got and all(isinstance(s, tuple | list) for s in got)):
            return "wrong", f"{_show(got)} vs Keras {want}"
        pairs = list(zip(got, want, strict=False)) if len(got) == len(want) else None
    else:
        pairs = [(got, want)]
    if pairs is None:
        return "wrong", f"{_show(got)} vs Keras {want}"
    less = False
    for g, w in pairs:
        if len(g) != len(w):
            return "wrong", f"rank: {_show(got)} vs Keras {want}"
        for gd, wd in zip(g, w, strict=True):
            gi = _int_dim(gd)
            if gi is None:
                less |= wd is not None
            elif gi != wd:
                return "wrong", f"{_show(got)} vs Keras {want}"
    return ("less", f"{_show(got)} vs Keras {want}") if less else ("exact", "")


def _show(shape) -> str:
    if isinstance(shape, tuple | list):
        return "(" + ", ".join(_show(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    dim = _int_dim(shape)
    return str(dim) if dim is not None else repr(shape)


# --- reporting ----------------------------------------------------------------------------------------
def coverage_table() -> list[str]:
    rows: dict[str, Multiset] = {}
    misses = []
    for e in ENTRIES:
        result = evaluate(e)
        for name in (family(e), f"all {e['flavor']}", "all"):
            row = rows.setdefault(name, Multiset())
            row["entries"] += 1
            row[result["weights"][0]] += 1
            row["shape " + result["shape"][0]] += 1
        for what in ("weights", "shape"):
            outcome, detail = result[what]
            if outcome != "exact":
                misses.append((what, outcome, entry_id(e), detail))
    lines = ["", f"keraslens builtins vs real Keras ({TRUTH.relative_to(ROOT)}): weights / output shape per family"]
    header = (
        f"{'family':<16}{'entries':>8}{'exact':>7}{'partial':>8}{'unknown':>8}{'raised':>7}{'wrong':>7}{'exact%':>8}"
        f"  |{'shape=':>7}{'less':>6}{'none':>6}{'wrong':>7}{'shape%':>8}"
    )
    lines += [header, "-" * len(header)]
    order = list(FAMILIES) + ["lora", "weightless", "all keras3", "all tf_keras", "all"]
    for name in sorted(rows, key=lambda n: order.index(n) if n in order else 99):
        r = rows[name]
        n = r["entries"]
        lines.append(
            f"{name:<16}{n:>8}{r['exact']:>7}{r['partial']:>8}{r['unknown']:>8}{r['raised']:>7}{r['wrong']:>7}"
            f"{100.0 * r['exact'] / n:>7.1f}%  |{r['shape exact']:>7}{r['shape less']:>6}"
            f"{r['shape none'] + r['shape raised']:>6}{r['shape wrong']:>7}{100.0 * r['shape exact'] / n:>7.1f}%"
        )
    if misses:
        lines += ["", "not exact (weights, then output shapes):"]
        rank = {"wrong": 0, "raised": 1, "partial": 2, "unknown": 3, "less": 4, "none": 5}
        misses.sort(key=lambda m: (m[0] != "weights", rank.get(m[1], 9), m[2]))
        for what, outcome, ident, detail in misses:
            lines.append(f"  {what:<8}{outcome:<8}{ident}" + (f": {_oneline(detail)}" if detail else ""))
    return lines


def _oneline(text: str, width: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def exact_percentage() -> float:
    exact = sum(1 for e in ENTRIES if evaluate(e)["weights"][0] == "exact")
    return 100.0 * exact / len(ENTRIES)


@pytest.fixture(scope="module", autouse=True)
def _coverage_reporter(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("keraslens-builtins-truth"):
        manager.register(_Reporter(), "keraslens-builtins-truth")
    yield


class _Reporter:
    def pytest_terminal_summary(self, terminalreporter):
        if _cache:
            for line in coverage_table():
                terminalreporter.write_line(line)


# --- tests --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_builtin_matches_keras(entry):
    result = evaluate(entry)
    outcome, detail = result["weights"]
    assert outcome != "wrong", f"{entry_id(entry)}: weights {detail}"
    outcome, detail = result["shape"]
    assert outcome != "wrong", f"{entry_id(entry)}: output shape {detail}"


def test_exact_coverage():
    """At least COVERAGE_GOAL % of the configurations get an exact weight list."""
    table = coverage_table()
    print("\n".join(table))
    pct = exact_percentage()
    assert pct >= COVERAGE_GOAL, f"exact coverage {pct:.1f}% < {COVERAGE_GOAL}%\n" + "\n".join(table)


def test_corpus_matches_generator():
    """builtins.json holds exactly the configurations gen_builtins.py defines (regenerate after editing it)."""
    sys.path.insert(0, str(ROOT / "tests" / "truth"))
    try:
        import gen_builtins
    finally:
        sys.path.pop(0)
    expected = [gen_builtins._key(gen_builtins._normalized(e)) for e in gen_builtins.CORPUS]
    recorded = [gen_builtins._key(e) for e in ENTRIES]
    assert recorded == expected, "tests/truth/builtins.json is stale: run `uv run python tests/truth/gen_builtins.py`"
    assert len(ENTRIES) >= 130
    assert sum(e["flavor"] == "tf_keras" for e in ENTRIES) >= 25


@pytest.mark.tf
@pytest.mark.timeout(600)
def test_truth_is_reproducible():
    """Real Keras still reports what builtins.json says (runs gen_builtins.py --check, about 4 minutes of CPU)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "truth" / "gen_builtins.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=580,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
