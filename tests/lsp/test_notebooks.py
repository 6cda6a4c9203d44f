"""Notebook sync (``notebookDocument/*``) with the VS Code, Neovim and Emacs capability sets: the
code cells are one program; diagnostics, hovers, inlay hints, code lenses and quick fixes land in
the right cell at the right place; an edit in one cell re-analyses the notebook."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import CLIENTS, SERVER, apply_text_edits, client_position, codes, diagnostics, edits_of, encoding, eventually, start

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]
SETUP = "%matplotlib inline\n!pip install -q keras\nimport keras\nfrom keras import layers\n"
LAYER = '''class Gate(layers.Layer):
    def __init__(self, units):
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w
'''
MODEL = '''inputs = keras.Input(shape=(16,))
gate = Gate(8)
h = gate(inputs)
model = keras.Model(inputs, layers.Dense(2)(h))
'''
CELLS = [("code", SETUP), ("markdown", "# The gate\nIt *gates*."), ("code", LAYER), ("code", MODEL)]
INFO: dict[int, lsp.InitializeResult] = {}



@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("nb")
    INFO[id(lsp_client)] = await start(lsp_client, request.param, root)
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def open_notebook(client: LanguageClient, name: str, cells=CELLS) -> tuple[str, list[str]]:
    root = client.root  # type: ignore[attr-defined]
    uri = (root / f"{name}.ipynb").as_uri()
    uris = [f"vscode-notebook-cell:{root}/{name}.ipynb#W{i}" for i in range(len(cells))]
    kinds = {"code": lsp.NotebookCellKind.Code, "markdown": lsp.NotebookCellKind.Markup}
    client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
        notebook_document=lsp.NotebookDocument(uri=uri, notebook_type="jupyter-notebook", version=1,
                                               cells=[lsp.NotebookCell(kind=kinds[k], document=u) for (k, _), u in zip(cells, uris)]),
        cell_text_documents=[lsp.TextDocumentItem(uri=u, language_id="python" if k == "code" else "markdown", version=1, text=t) for (k, t), u in zip(cells, uris)],
    ))
    return uri, uris


def at(text: str, needle: str, client: LanguageClient, offset: int = 1) -> lsp.Position:
    line = next(i for i, t in enumerate(text.splitlines()) if needle in t)
    return client_position(text, line, text.splitlines()[line].index(needle) + offset, encoding(INFO[id(client)]))


async def hover(client: LanguageClient, uri: str, position: lsp.Position) -> str:
    result = None
    for _ in range(50):  # the first hover may come before counting finished
        result = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position))
        if result is not None and "params" in result.contents.value:
            break
    assert result is not None
    return result.contents.value


async def test_diagnostics_land_in_the_cell_that_has_the_problem(client: LanguageClient):
    _, uris = open_notebook(client, "diag")
    found = await diagnostics(client, uris[2], until=lambda items: "KL106" in codes(items))
    (missing_super,) = [d for d in found if d.code == "KL106"]
    assert missing_super.range.start == at(LAYER, "def __init__", client, 0)  # line 1 of the cell, not of the program
    for other in (uris[0], uris[3]):
        assert "KL106" not in codes(await diagnostics(client, other))


async def test_hover_in_a_later_cell_counts_a_layer_from_an_earlier_one(client: LanguageClient):
    _, uris = open_notebook(client, "hover")
    text = await hover(client, uris[3], at(MODEL, "gate(inputs)", client))
    assert "gate: Gate, 128 params (static, exact)" in text  # a (16, 8) kernel
    summary = await hover(client, uris[3], at(MODEL, "keras.Model", client, 7))
    assert "Total params: 146 (584.00 B)" in summary  # 128 + Dense(2) on 8 features: 18
    setup = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uris[0]), position=lsp.Position(line=1, character=2)))
    assert setup is None  # a shell line: nothing to say, and no error


async def test_inlay_hints_and_lenses_stay_in_their_cell(client: LanguageClient):
    _, uris = open_notebook(client, "views")
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=20, character=0))
    hints: list[lsp.InlayHint] = []
    for _ in range(50):
        hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uris[3]), range=whole))
        if hints:
            break
    labels = {h.position.line: h.label for h in hints}
    assert "128 params" in labels[1]  # `gate = Gate(8)`, the cell's second line
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uris[2])))
    assert [lens.range.start.line for lens in lenses] == [0]  # the class header, first line of its cell
    assert not await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uris[0])))


async def test_quick_fix_edits_the_cell_it_fixes(client: LanguageClient):
    _, uris = open_notebook(client, "fix")
    found = await diagnostics(client, uris[2], until=lambda items: "KL106" in codes(items))
    diagnostic = next(d for d in found if d.code == "KL106")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uris[2]), range=diagnostic.range,
        context=lsp.CodeActionContext(diagnostics=[diagnostic], only=[lsp.CodeActionKind.QuickFix])))
    fix = next(a for a in actions if a.title.startswith("Call super().__init__"))
    fixed = apply_text_edits(LAYER, edits_of(fix, uris[2]), encoding(INFO[id(client)]))
    assert "    def __init__(self, units, **kwargs):\n        super().__init__(**kwargs)\n        self.units = units\n" in fixed
    assert fixed.startswith("class Gate(layers.Layer):")


async def test_an_edit_in_one_cell_reanalyses_the_notebook(client: LanguageClient):
    uri, uris = open_notebook(client, "edit")
    await diagnostics(client, uris[2], until=lambda items: "KL106" in codes(items))
    fixed = LAYER.replace("        self.units = units", "        super().__init__()\n        self.units = units")
    client.notebook_document_did_change(lsp.DidChangeNotebookDocumentParams(
        notebook_document=lsp.VersionedNotebookDocumentIdentifier(uri=uri, version=2),
        change=lsp.NotebookDocumentChangeEvent(cells=lsp.NotebookDocumentCellChanges(text_content=[lsp.NotebookDocumentCellContentChanges(
            document=lsp.VersionedTextDocumentIdentifier(uri=uris[2], version=2),
            changes=[lsp.TextDocumentContentChangeWholeDocument(text=fixed)])])),
    ))
    assert "KL106" not in codes(await diagnostics(client, uris[2], until=lambda items: "KL106" not in codes(items)))
    text = await hover(client, uris[3], at(MODEL, "gate(inputs)", client))
    assert "128 params" in text
    client.notebook_document_did_close(lsp.DidCloseNotebookDocumentParams(
        notebook_document=lsp.NotebookDocumentIdentifier(uri=uri), cell_text_documents=[lsp.TextDocumentIdentifier(uri=u) for u in uris]))


async def test_cell_diagnostics_are_pushed_until_the_client_pulls(client: LanguageClient):
    """VS Code's language client 9 pulls diagnostics for files but not for notebook cells: a
    client that can pull still gets the cells' diagnostics pushed until it pulls one."""
    _, uris = open_notebook(client, "pushed")
    await eventually(lambda: "KL106" in codes(client.diagnostics.get(uris[2], [])))
    (pushed,) = [d for d in client.diagnostics[uris[2]] if d.code == "KL106"]
    assert pushed.range.start == at(LAYER, "def __init__", client, 0)
