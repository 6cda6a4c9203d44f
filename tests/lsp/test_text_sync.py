"""The server's copy of a document equals the editor's, whatever the text and the encoding.

LSP breaks lines only at \\n, \\r\\n and \\r; a column counts the negotiated code units; a
column past the end of a line is the end of that line.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from keraslens.lsp.textsync import apply_change

from . import editor_model
from .fuzz_session import Op, client_edit
from .lsp_support import CLIENTS, SERVER, codes, diagnostics, encoding, open_doc, start

ODD_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
ENCODINGS = ["utf-8", "utf-16", "utf-32"]


def edit(text: str, start: int, end: int, new: str, enc: str) -> lsp.TextDocumentContentChangePartial:
    return lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=editor_model.to_position(text, start, enc), end=editor_model.to_position(text, end, enc)), text=new)


@pytest.mark.parametrize("odd", ODD_BREAKS, ids=repr)
@pytest.mark.parametrize("enc", ENCODINGS)
def test_odd_characters_do_not_break_lines(odd, enc):
    text = f"import tensorflow as tf\nx = 1  #{odd} note\ny = 2\nz = 3\n"
    at = text.index("z")
    assert apply_change(text, edit(text, at, at, "w = 0\n", enc), enc) == text[:at] + "w = 0\n" + text[at:]


@pytest.mark.parametrize("enc", ENCODINGS)
def test_column_past_the_end_of_the_last_line_is_its_end(enc):
    text = "a = 1\nb = 2"  # no final newline
    change = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=lsp.Position(line=1, character=99), end=lsp.Position(line=1, character=99)), text="3")
    assert apply_change(text, change, enc) == "a = 1\nb = 23"
    past_text = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=lsp.Position(line=7, character=0), end=lsp.Position(line=9, character=4)), text="!")
    assert apply_change(text, past_text, enc) == text + "!"


@pytest.mark.parametrize("enc", ENCODINGS)
def test_columns_count_the_negotiated_units_around_surrogate_pairs(enc):
    text = 's = "😋é𝄞"\r\nt = 1\rv = "\u2028"\n'
    for target in ("é", "𝄞", '"\r', "1", '"\n'):
        at = text.index(target)
        assert apply_change(text, edit(text, at, at + 1, "#", enc), enc) == text[:at] + "#" + text[at + 1:]


@pytest.mark.parametrize("enc", ENCODINGS)
def test_a_column_past_a_line_end_never_eats_its_line_break(enc):
    for text in ("ab\r\ncd", "ab\rcd", "ab\ncd"):
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=0, character=50), end=lsp.Position(line=0, character=60)), text="X")
        assert apply_change(text, change, enc) == text[:2] + "X" + text[2:]


@pytest.mark.parametrize("enc", ENCODINGS)
def test_the_fuzz_client_sends_what_it_applies_on_long_lines_and_crlf(enc):
    """The edit fuzz once sent an out-of-range column only 1,000 units past its cursor: inside a
    100,000-character line, so the server (rightly) cut there while the fuzz's text cut at the line
    end, and a later KL900 and quick-fix range disagreed with a fresh server's."""
    long_line = "y = '" + "é😋" * 20 + "a" * 100_000 + "'"
    text = f"import keras\n{long_line}\nz = 1\n"
    change, edited = client_edit(text, Op("edit", 0.5, 0.6, "#", out_of_range=True), enc)
    assert edited == text[: int(0.5 * len(text))] + "#\nz = 1\n"
    assert apply_change(text, change, enc) == edited
    crlf = "a = 1\r\nb = 2\r\n"  # a cursor never sits inside a \r\n
    change, edited = client_edit(crlf, Op("edit", 6 / len(crlf), 6 / len(crlf), "#"), enc)
    assert edited == "a = 1\r\n#b = 2\r\n" == apply_change(crlf, change, enc)


def test_a_whole_document_change_replaces_the_text():
    assert apply_change("old\x0c\n", lsp.TextDocumentContentChangeWholeDocument(text="new\u2028"), "utf-16") == "new\u2028"


INFO: dict[int, str] = {}

UNTRACKED = '''import tensorflow as tf
x = 1  #\x0c note {odd}


class Raw(tf.keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.random.normal((3, 3))

    def call(self, x):
        return x @ self.w
'''


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("sync")
    INFO[id(lsp_client)] = encoding(await start(lsp_client, request.param, root))
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def change(uri: str, version: int, *changes: lsp.TextDocumentContentChangeEvent) -> lsp.DidChangeTextDocumentParams:
    return lsp.DidChangeTextDocumentParams(text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=list(changes))


def summary(items: list[lsp.Diagnostic]) -> list[tuple]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in items)


@pytest.mark.parametrize("odd", ["\x0c", "\u2028", "\x85", "\x1c"], ids=repr)
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning")
@pytest.mark.timeout(60)
async def test_edits_below_an_odd_character_land_where_the_editor_put_them(client: LanguageClient, odd):
    enc = INFO[id(client)]
    uri = (client.root / f"odd{ord(odd)}.py").as_uri()  # type: ignore[attr-defined]
    text = UNTRACKED.format(odd=odd + "😋")
    open_doc(client, uri, text)
    await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    edits = [("class Raw", 0, "y = 2\n"), ("(3, 3)", 6, "(4, 2)"), ("**kwargs)\n", 8, ""), ("x @ self.w", 10, "x @ self.w  # 😋")]
    for version, (anchor, length, new) in enumerate(edits, start=2):
        at = text.index(anchor)
        client.text_document_did_change(change(uri, version, edit(text, at, at + length, new, enc)))
        text = text[:at] + new + text[at + length:]
    past_the_end = lsp.Range(start=lsp.Position(line=9_999, character=0), end=lsp.Position(line=9_999, character=5))
    client.text_document_did_change(change(uri, len(edits) + 2, lsp.TextDocumentContentChangePartial(range=past_the_end, text="z = 1\n")))
    text += "z = 1\n"
    expected = editor_model.split(text).index("        self.w = tf.random.normal((4, 2))\n")
    assert text.splitlines().index("        self.w = tf.random.normal((4, 2))") != expected  # where splitlines puts it

    def settled(items):
        return any(d.code == "KL101" and d.range.start.line == expected for d in items)

    items = await diagnostics(client, uri, settled)
    fresh_uri = uri.replace(".py", "_fresh.py")
    open_doc(client, fresh_uri, text)
    fresh = await diagnostics(client, fresh_uri, lambda found: "KL101" in codes(found))
    assert summary(items) == summary(fresh)
    kl101 = next(d for d in items if d.code == "KL101")
    assert kl101.range.start == editor_model.to_position(text, text.index("tf.random.normal((4, 2))"), enc)
    for item in items:
        assert editor_model.inside(text, item.range.start, enc) and editor_model.inside(text, item.range.end, enc)
