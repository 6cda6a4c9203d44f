"""The static summary in a hover after ``model.quantize("int8")``, with the VS Code, Neovim and Emacs
capability sets: the sizes come from the int8 kernels and float32 scales. The numbers are those
real Keras 3.15 prints for this model (``tests/test_quantize_truth.py`` runs it): Dense(6) on 10
features, then EinsumDense("ab,bc->ac", 4): 60 + 24 int8 kernel values, 6 + 4 scales, 6 + 4 biases."""

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
SOURCE = '''import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(6), layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")])
model.quantize("int8")
model.summary()
'''
INFO: dict[int, lsp.InitializeResult] = {}


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("quantized")
    INFO[id(lsp_client)] = await start_with_document(lsp_client, request.param, root, "quantized.py", SOURCE)
    yield
    await lsp_client.shutdown_session()


async def test_summary_hover_sizes_the_quantized_weights(client: LanguageClient):
    line = SOURCE.splitlines().index("model.summary()")
    result = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=client.uri),  # type: ignore[attr-defined]
        position=client_position(SOURCE, line, len("model.su"), encoding(INFO[id(client)]))))
    assert result is not None
    text = result.contents.value
    assert "dense (Dense)" in text and "einsum_dense (EinsumDense)" in text and "Layer names:" not in text
    assert "Total params: 104 (164.00 B)" in text
    assert "Trainable params: 10 (40.00 B)" in text and "Non-trainable params: 94 (124.00 B)" in text
