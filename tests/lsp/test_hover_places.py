"""Hover wherever a user points, with the VS Code, Neovim and Emacs capability sets: a layer not
called yet, a layer's variable where it is used and its call, ``model.summary()``,
``model.count_params()`` and the ``Model(...)`` call. Every test reads the text.

The numbers are Keras's formulas worked by hand: Gate(8) on 16 features holds a (16, 8) kernel
and an (8,) bias, 136 params; Dense(2) on 8 features holds 18; the model 154."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import CLIENTS, SERVER, client_position, encoding, start_with_document

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]
GATE, DENSE = 16 * 8 + 8, 8 * 2 + 2
SOURCE = '''import keras
from keras import layers


class Gate(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,))

    def call(self, x):
        return keras.ops.matmul(x, self.w) + self.b


inputs = keras.Input(shape=(16,))
gate = Gate(8)
h = gate(inputs)
outputs = layers.Dense(2)(h)
model = keras.Model(inputs, outputs)
extra = Gate(8)
model.summary()
print(model.count_params())
'''
INFO: dict[int, lsp.InitializeResult] = {}


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("places")
    INFO[id(lsp_client)] = await start_with_document(lsp_client, request.param, root, "gates.py", SOURCE)
    yield
    await lsp_client.shutdown_session()


async def hover(client: LanguageClient, line_text: str, needle: str, offset: int = 0) -> str:
    """The hover text at ``needle`` (+ ``offset``) on the line that reads ``line_text``."""
    lines = SOURCE.splitlines()
    line = lines.index(line_text)
    col = lines[line].index(needle) + offset
    result = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=client.uri),  # type: ignore[attr-defined]
        position=client_position(SOURCE, line, col, encoding(INFO[id(client)]))))
    assert result is not None, f"no hover at {needle!r} in {line_text!r}"
    return result.contents.value


async def test_layer_not_called_yet_shows_its_class_and_what_it_will_hold(client: LanguageClient):
    text = await hover(client, "extra = Gate(8)", "extra", 1)
    assert "? params (unknown)" in text and "never called or built" in text
    assert "8*in + 8" in text  # once its input is known
    assert "in*units" in text and "(units,)" in text  # the class's weight table
    assert text == await hover(client, "extra = Gate(8)", "Gate(8)", 2)


@pytest.mark.parametrize(("line", "needle"), [("gate = Gate(8)", "gate"), ("h = gate(inputs)", "gate"), ("h = gate(inputs)", "(inputs)")])
async def test_layer_variable_and_call_show_its_count_and_place(client: LanguageClient, line: str, needle: str):
    text = await hover(client, line, needle, 1)
    assert f"gate: Gate, {GATE} params (static, exact)" in text
    assert "Layer 1 of 2 in" in text and "model" in text
    assert f"Total params: {GATE + DENSE:,} ({(GATE + DENSE) * 4:.2f} B)" in text


@pytest.mark.parametrize(("line", "needle"), [
    ("model.summary()", "summary"), ("model.summary()", "model"), ("print(model.count_params())", "count_params"),
    ("model = keras.Model(inputs, outputs)", "Model("), ("model = keras.Model(inputs, outputs)", "outputs"),
])
async def test_summary_count_params_and_model_call_show_the_static_summary(client: LanguageClient, line: str, needle: str):
    text = await hover(client, line, needle, 1)
    assert "Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "gate (Gate)" in text and "(None, 8)" in text and "dense (Dense)" in text and "(None, 2)" in text
    assert f"Total params: {GATE + DENSE:,} (616.00 B)" in text
    assert "Non-trainable params: 0 (0.00 B)" in text


async def test_one_place_per_number_code_lens_above_classes_and_models_hints_at_layers(client: LanguageClient):
    uri = client.uri  # type: ignore[attr-defined]
    lines = SOURCE.splitlines()
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(lines), character=0))
    hints: list[lsp.InlayHint] = []
    for _ in range(50):
        hints = list(await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=whole)) or [])
        if hints:
            break
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    lens_lines = {lens.range.start.line: lens.command.title for lens in lenses}
    hint_lines = {hint.position.line: hint.label for hint in hints}
    header, model_line = lines.index("class Gate(layers.Layer):"), lines.index("model = keras.Model(inputs, outputs)")
    assert lens_lines[header] == "in*units + units params (symbolic)"  # above the class
    assert f"{GATE + DENSE} params" in lens_lines[model_line]  # above the model
    assert header not in hint_lines  # not a second time after the class name
    assert f"{GATE} params" in hint_lines[lines.index("gate = Gate(8)")]  # at the layer
    assert not set(lens_lines) & set(hint_lines)
