"""Fixes never break code: output parses, a second pass changes nothing, and every line no
edit touched survives, in order. Over every rule fixture and random layer classes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from keraslens.analysis.config import Settings
from keraslens.analysis.engine import analyze
from keraslens.analysis.fix_all import MAX_FIX_PASSES, choose_fix
from keraslens.analysis.fixes.edit import apply_fixes
from keraslens.analysis.source import line_starts

RULE_FIXTURES = sorted((Path(__file__).parents[1] / "rules" / "fixtures").rglob("*.py"))
SAFE = Settings()
UNSAFE = Settings(unsafe_fixes=True)


@pytest.fixture(autouse=True)
def _keras3_environment(monkeypatch):
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


def fix_checked(text: str, settings: Settings) -> str:
    """The checker's fix loop, asserting after each pass that untouched lines survive."""
    for _ in range(MAX_FIX_PASSES):
        fixes = [fix for f in analyze(text, "<generated>", settings).findings if (fix := choose_fix(f, settings))]
        if not fixes:
            break
        new_text, applied = apply_fixes(text, fixes)
        assert applied, "fixes were offered but none could be applied"
        _assert_untouched_lines_kept(text, new_text, [e for fix in applied for e in fix.edits])
        if new_text == text:
            break
        text = new_text
    return text


def _assert_untouched_lines_kept(old: str, new: str, edits) -> None:
    touched: set[int] = set()
    for edit in edits:
        touched.update(range(edit.span.line, edit.span.end_line + 1))
    kept = [line for number, line in enumerate(old.splitlines(), 1) if number not in touched]
    remaining = iter(new.splitlines())
    for line in kept:
        assert any(candidate == line for candidate in remaining), f"lost or reordered: {line!r}"


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _check(text: str) -> None:
    for settings in (SAFE, UNSAFE):
        result = fix_checked(text, settings)
        if _parses(text):
            assert _parses(result), f"fixed code does not parse:\n{result}"
        assert fix_checked(result, settings) == result, "a second pass changed the code"
        assert line_starts(result)  # never raises on mixed endings


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_rule_fixture(path: Path):
    _check(path.read_bytes().decode("utf-8"))


# -- random layer classes --------------------------------------------------------------

IMPORTS = {
    "keras": ("import keras\nimport tensorflow as tf\n", "keras.layers.Layer", "keras"),
    "tf.keras": ("import tensorflow as tf\n", "tf.keras.layers.Layer", "tf.keras"),
    "tf_keras": ("import tensorflow as tf\nimport tf_keras as keras\n", "keras.layers.Layer", "keras"),
}
INIT_LINES = [
    "self.units = units",
    "self.w = self.add_weight(shape=(input_dim, units))",
    'self.b = self.add_weight(shape=(units,), initializer="zeros")  # bias',
    "self.kernel = tf.random.normal((input_dim, units))",
    "self.scale = tf.Variable(tf.ones((input_dim,)))",
    "self.proj = {K}.layers.Dense(units)",
    "self.in_features = input_dim",
    "self.gain = self.add_weight(shape=(self.in_features,))",
    "self.c = tf.ones((input_dim,)); self.units = units",
    'self.g = self.add_weight(shape=(input_dim,), initializer="ones")  # gain',
]
BUILD_LINES = [
    "self.gamma = tf.ones((input_shape[-1],))",
    'self.v = tf.Variable(tf.zeros((input_shape[-1],)), name="v")',
    'self.k = self.add_weight("k", (input_shape[-1], 2))',
    "self._trainable_weights.extend(self.proj.trainable_weights)",
    "self.t = tf.Variable(tf.random.uniform((input_shape[-1], 3), -1.0, 1.0))",
    "super().build(input_shape)",
]
CALL_LINES = [
    "self.bias = tf.zeros((x.shape[-1],))",
    "self.extra = {K}.layers.Dense(3)",
    "x = {K}.layers.Dense(4)(x)",
    "noise = tf.random.normal(tf.shape(x))",
    "self.m = self.add_weight(shape=(x.shape[-1], 2))",
    "d = x.shape[-1]",
    "self.q = tf.random.uniform((d, 2))",
    "if self.z is None:\n    self.z = self.add_weight(shape=(x.shape[-1],))",
    "self.r = tf.random.normal((x.shape[-1],)); x = x * 2",
    "ys = [{K}.layers.Dense(2)(x) for _ in range(2)]",
    "self.p = (\n    tf.ones((x.shape[-1], 2))  # continued\n)",
]
READS = "used = (self.w, self.b, self.kernel, self.scale, self.gamma, self.v, self.bias, self.t, self.q, self.m, self.gain, self.c, self.r, self.p)"


@st.composite
def layer_modules(draw) -> str:
    header, base, root = IMPORTS[draw(st.sampled_from(sorted(IMPORTS)))]
    unit = draw(st.sampled_from(["    ", "  ", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    params = draw(st.lists(st.sampled_from(["units", "input_dim", "rate"]), unique=True))

    def block(lines: list[str], depth: int) -> list[str]:
        out = []
        for line in lines:
            for part in line.replace("{K}", root).split("\n"):
                extra = part[: len(part) - len(part.lstrip(" "))].replace("    ", unit)
                out.append(unit * depth + extra + part.lstrip(" "))
        return out

    methods: list[list[str]] = []
    if draw(st.booleans()):
        body = (["super().__init__(**kwargs)"] if draw(st.booleans()) else [])
        body += [line for line in draw(st.lists(st.sampled_from(INIT_LINES), max_size=4, unique=True))
                 if all(p in params for p in ("units", "input_dim") if p in line)]
        signature = ", ".join(["self", *params, *(["**kwargs"] if draw(st.booleans()) else [])])
        methods.append(block([f"def __init__({signature}):"], 1) + block(body or ["pass"], 2))
    if draw(st.booleans()):
        body = draw(st.lists(st.sampled_from(BUILD_LINES), max_size=3, unique=True))
        methods.append(block(["def build(self, input_shape):"], 1) + block(body or ["pass"], 2))
    call_body = draw(st.lists(st.sampled_from(CALL_LINES), max_size=3, unique=True)) + [READS, "return x"]
    methods.append(block(["def call(self, x):"], 1) + block(call_body, 2))
    order = draw(st.permutations(range(len(methods))))
    docstring = block(['"""A generated layer."""'], 1) if draw(st.booleans()) else []
    lines = [*header.splitlines(), "", "", f"class Generated({base}):", *docstring]
    for index in order:
        lines += [*methods[index], ""]
    return newline.join(lines) + newline


@hypothesis_settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer_modules())
def test_random_layer_classes(text: str):
    assert _parses(text), text
    _check(text)


# -- rule fixtures in other styles: fixing commutes with re-indenting and CRLF -------------


def _restyle(text: str, unit: str, newline: str) -> str:
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        depth, rest = divmod(len(line) - len(stripped), 4)
        lines.append(unit * depth + " " * rest + stripped if stripped else line)
    return newline.join(lines)


PARSING_FIXTURES = [p for p in RULE_FIXTURES if _parses(p.read_text(encoding="utf-8")) and "\t" not in p.read_text(encoding="utf-8")]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PARSING_FIXTURES), st.sampled_from(["    ", "  ", "\t"]), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_fixing_commutes_with_style(path: Path, unit: str, newline: str, unsafe: bool):
    text = path.read_text(encoding="utf-8")
    settings = UNSAFE if unsafe else SAFE
    restyled = _restyle(text, unit, newline)
    assert fix_checked(restyled, settings) == _restyle(fix_checked(text, settings), unit, newline)
