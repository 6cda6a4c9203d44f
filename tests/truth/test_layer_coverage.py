"""No public Keras layer is silently unknown: every name under ``keras.layers`` (Keras 3) and
``tf_keras.layers`` is in the built-in table and checked against real Keras in
tests/truth/builtins.json, or listed in ``layer_table.UNMODELLED`` with the reason.

The public names are recorded by tests/truth/gen_builtins.py from the real modules
(``public_layers`` in builtins.json); this test reads them, no TensorFlow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keraslens.analysis.interpretation import layer_table
from keraslens.analysis.interpretation.layer_table import TABLE, UNMODELLED, Unknown, unmodelled_arguments

DATA = json.loads((Path(__file__).resolve().parent / "builtins.json").read_text())
PUBLIC: dict[str, list[str]] = DATA["public_layers"]


@pytest.mark.parametrize("flavor", ["keras3", "tf_keras"])
def test_every_public_layer_is_modelled_or_listed_with_a_reason(flavor):
    both = [name for name in PUBLIC[flavor] if name in TABLE and name in UNMODELLED]
    neither = [name for name in PUBLIC[flavor] if name not in TABLE and name not in UNMODELLED]
    assert not both, f"modelled and listed as unknown: {both}"
    assert not neither, f"public {flavor} layers neither modelled nor listed in UNMODELLED: {neither}"
    assert len(PUBLIC[flavor]) >= (150 if flavor == "keras3" else 120)


@pytest.mark.parametrize("flavor", ["keras3", "tf_keras"])
def test_every_modelled_public_layer_is_checked_against_keras(flavor):
    checked = {e["layer"] for e in DATA["entries"] if e["flavor"] == flavor}
    unchecked = [name for name in PUBLIC[flavor] if name in TABLE and name not in checked]
    assert not unchecked, f"modelled but without a {flavor} configuration in builtins.json: {unchecked}"


def test_unknown_list_names_only_public_layers():
    public = set(PUBLIC["keras3"]) | set(PUBLIC["tf_keras"])
    assert sorted(set(UNMODELLED) - public) == []
    assert all(reason.strip() for reason in UNMODELLED.values())


@pytest.mark.parametrize(
    ("layer", "args", "kwargs", "shape"),
    [
        ("GroupQueryAttention", [8, 4, 2], {"use_gate": True}, [(None, 5, 32), (None, 5, 32)]),
        ("Dense", [4], {"quantization_config": object()}, (None, 3)),
        ("Dense", [4], {"dtype": "int8_from_float32"}, (None, 3)),
        ("Conv2D", [4, 3], {"some_future_argument": 1}, (None, 8, 8, 3)),
    ],
)
def test_an_argument_the_table_does_not_model_makes_the_count_not_exact(layer, args, kwargs, shape):
    ref = f"keras.layers.{layer}"
    reason = unmodelled_arguments(ref, args, kwargs)
    assert reason is not None and next(iter(kwargs)) in reason
    spec = layer_table.lookup(ref)
    assert isinstance(spec.weights(spec.bind(args, kwargs), shape), Unknown)


def test_arguments_that_do_not_change_weights_keep_the_count_exact():
    kwargs = {"kernel_initializer": "zeros", "bias_regularizer": "l2", "name": "head", "dtype": "float32", "activation": "relu"}
    assert unmodelled_arguments("keras.layers.Dense", [4], kwargs) is None
    spec = layer_table.lookup("keras.layers.Dense")
    assert [w.shape for w in spec.weights(spec.bind([4], kwargs), (None, 3))] == [(3, 4), (4,)]
