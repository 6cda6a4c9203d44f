"""A slice runs only what its target needs (pure: no TensorFlow, no worker)."""

from __future__ import annotations

import ast

import pytest
from keraslens.probe.slicer import SliceError, slice_for

MODULE = '''
from __future__ import annotations
import os
import keras
from keras import layers

os.makedirs("made-at-top-level", exist_ok=True)
print("the script")
DATA = open("data.csv").read()


def unrelated(x=os.remove("default-argument")):
    pass


def helper(n):
    return layers.Dense(n)


class Other(keras.layers.Layer):
    os.system("an unrelated class body")


class Block(keras.layers.Layer):
    def __init__(self, n=UNITS):
        super().__init__()
        self.d = helper(n)
        self.tag = os.path.join("a", "b")

    def call(self, x):
        return self.d(x)


UNITS = 4
model = keras.Sequential([Block()])
model.add(layers.Dense(2))
model.compile("adam")
model.fit(DATA)
model(keras.ops.zeros((1, 3)))
for layer in model.layers[:1]:
    layer.trainable = False
for i in range(3):
    print(i)

if __name__ == "__main__":
    model.summary()
'''
NEVER = ("makedirs", "the script", "data.csv", "default-argument", "an unrelated class body", "def unrelated", "class Other",
         "compile", "fit(", "summary", "print(")


def test_a_class_slice_holds_its_definitions_and_nothing_else():
    piece = slice_for(ast.parse(MODULE), "Block")
    assert piece.kind == "class"
    assert not [text for text in NEVER if text in piece.code]
    for needed in ("from __future__ import annotations", "import os", "def helper", "class Block", "UNITS = 4"):
        assert needed in piece.code
    assert "Sequential" not in piece.code


def test_a_model_slice_keeps_the_statements_that_build_or_change_it():
    piece = slice_for(ast.parse(MODULE), "model")
    assert piece.kind == "value"
    assert not [text for text in NEVER if text in piece.code]
    for needed in ("model.add(", "model(keras.ops.zeros", "layer.trainable = False", "class Block"):
        assert needed in piece.code


def test_the_slice_runs_only_what_it_needs(tmp_path):
    """Executed for real (without Keras): only the target's own code touches anything."""
    module = f'''import os
os.makedirs({str(tmp_path / "top-level")!r})


def other(x=open({str(tmp_path / "default")!r}, "w")):
    pass


class Unrelated:
    open({str(tmp_path / "class-body")!r}, "w")


class Target:
    size = len(os.sep)
'''
    namespace: dict = {}
    exec(slice_for(ast.parse(module), "Target").code, namespace)  # noqa: S102 - the point of the test
    assert namespace["Target"].size == 1
    assert list(tmp_path.iterdir()) == []


def test_an_undefined_target_is_an_error():
    with pytest.raises(SliceError, match="no module-level statement defines 'missing'"):
        slice_for(ast.parse(MODULE), "missing")
