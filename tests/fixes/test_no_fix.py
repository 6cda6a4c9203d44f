"""Where a correct fix can't be derived, the finding comes without one (never a wrong fix)."""

from __future__ import annotations

import pytest

from keraslens.analysis.engine import analyze

HEADER = "import keras\nimport tensorflow as tf\n\n\n"
CASES = {
    "input rebound before its shape is read": ("KL101", '''
class C(keras.layers.Layer):
    def call(self, x):
        x = tf.concat([x, x], axis=-1)
        self.w = tf.random.normal((x.shape[-1], 2))
        return tf.matmul(x, self.w)
'''),
    "shape of the whole input (batch axis)": ("KL101", '''
class C(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal(tf.shape(x))
        return x * self.w
'''),
    "batch dimension by index": ("KL101", '''
class C(keras.layers.Layer):
    def call(self, x):
        self.w = tf.zeros((x.shape[0], 3))
        return x * self.w
'''),
    "created in a loop": ("KL101", '''
class C(keras.layers.Layer):
    def call(self, x):
        for _ in range(2):
            self.w = tf.random.normal((x.shape[-1], x.shape[-1]))
            x = tf.matmul(x, self.w)
        return x
'''),
    "attribute reassigned in call()": ("KL101", '''
class C(keras.layers.Layer):
    def call(self, x):
        self.w = tf.random.normal((x.shape[-1], 2))
        self.w = self.w * 0.5
        return tf.matmul(x, self.w)
'''),
    "creator options add_weight lacks": ("KL101", '''
class C(keras.layers.Layer):
    def build(self, input_shape):
        self.w = tf.random.normal((input_shape[-1], 2), name="w")

    def call(self, x):
        return tf.matmul(x, self.w)
'''),
    "local of __init__ in the shape": ("KL201", '''
class C(keras.layers.Layer):
    def __init__(self, input_dim, units, **kwargs):
        super().__init__(**kwargs)
        hidden = units * 4
        self.w = self.add_weight(shape=(input_dim, hidden))

    def call(self, x):
        return tf.matmul(x, self.w)
'''),
    "weight used later in __init__": ("KL201", '''
class C(keras.layers.Layer):
    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, 3))
        self.w.assign(tf.ones((input_dim, 3)))

    def call(self, x):
        return tf.matmul(x, self.w)
'''),
    "an option Keras variables lack": ("KL102", '''
class C(keras.layers.Layer):
    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.t = tf.Variable(table, constraint=tf.keras.constraints.NonNeg())

    def call(self, x):
        return x + self.t
'''),
    "holder assigns a name a Layer has": ("KL104", '''
class Holder:
    def __init__(self, units):
        self.name = "holder"
        self.dense = keras.layers.Dense(units)


class C(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.holder = Holder(4)

    def call(self, x):
        return self.holder.dense(x)
'''),
    "holder with a variable of its own": ("KL104", '''
class Holder:
    def __init__(self, units):
        self.dense = keras.layers.Dense(units)
        self.scale = tf.Variable(1.0)


class C(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.holders = [Holder(4)]

    def call(self, x):
        return self.holders[0].dense(x) * self.holders[0].scale
'''),
    "decorated holder": ("KL104", '''
@some_registry.register
class Holder:
    def __init__(self, units):
        self.dense = keras.layers.Dense(units)


class C(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.holder = Holder(4)

    def call(self, x):
        return self.holder.dense(x)
'''),
    "a tf.Module": ("KL102", '''
class C(keras.layers.Layer):
    def build(self, input_shape):
        self.m = tf.Module()

    def call(self, x):
        return x
'''),
    "state made in a helper of call()": ("KL103", '''
class C(keras.layers.Layer):
    def call(self, x):
        return self._project(x)

    def _project(self, x):
        self.k = self.add_weight(shape=(x.shape[-1], 2))
        return tf.matmul(x, self.k)
'''),
    "sublayer built from an argument of call()": ("KL103", '''
class C(keras.layers.Layer):
    def call(self, x, units=3):
        self.proj = keras.layers.Dense(units)
        return self.proj(x)
'''),
    "one-line __init__": ("KL106", '''
class C(keras.layers.Layer):
    def __init__(self): self.k = 1

    def call(self, x):
        return x
'''),
}
TD = '''
class C(keras.layers.Layer):
    def call(self, x):
        return tf.concat([x, x], axis=-1)


out = keras.layers.TimeDistributed(C())(keras.Input(shape=(3, 4)))
'''
CASES["output shape not derivable"] = ("KL108", TD)


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_finding_without_fix(name):
    code, body = CASES[name]
    findings = [f for f in analyze(HEADER + body.lstrip("\n"), f"{name}.py").findings if f.code == code]
    assert findings, f"no {code} finding: the case no longer tests the refusal"
    assert [f.fixes for f in findings] == [()] * len(findings)


def test_parameter_kept_when_get_config_reads_it():
    text = HEADER + '''
class C(keras.layers.Layer):
    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, 2))
        self.input_dim = input_dim

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim}

    def call(self, x):
        return tf.matmul(x, self.w)
'''
    (finding,) = [f for f in analyze(text, "c.py").findings if f.code == "KL201"]
    assert finding.fix is not None and finding.fix.is_safe
    assert finding.extra_fixes == ()
