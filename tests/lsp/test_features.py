"""Diagnostics, code actions and positions, end to end, with VS Code, Neovim and Emacs capabilities."""

from __future__ import annotations

import pytest
import pytest_lsp
from keraslens.analysis.rules.links import rule_url
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .lsp_support import (
    CLIENTS,
    EXAMPLES,
    FIXME,
    SERVER,
    apply_text_edits,
    client_position,
    codes,
    diagnostics,
    edits_of,
    encoding,
    open_doc,
    replace_all,
    start,
)

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"),
    pytest.mark.timeout(60),
]
INFO: dict[int, lsp.InitializeResult] = {}


@pytest_lsp.fixture(scope="module", params=CLIENTS, config=SERVER)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    INFO[id(lsp_client)] = await start(lsp_client, request.param, root)
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def uri_for(client: LanguageClient, name: str) -> str:
    return (client.root / name).as_uri()  # type: ignore[attr-defined]


async def test_diagnostics_on_open(client: LanguageClient):
    uri = uri_for(client, "tf_variable.py")
    open_doc(client, uri, (EXAMPLES / "seed4_tf_variable" / "broken.py").read_text())
    items = await diagnostics(client, uri, lambda items: bool(items))
    assert "KL102" in codes(items)
    for item in items:
        assert item.source == "keraslens"
    kl102 = next(d for d in items if d.code == "KL102")
    declared = [c for c in (client.capabilities.text_document.publish_diagnostics, client.capabilities.text_document.diagnostic) if c]
    if any(c.code_description_support for c in declared):
        assert kl102.code_description.href == rule_url("KL102")
    else:  # fields the client did not declare are left out
        assert kl102.code_description is None
    if any(c.data_support for c in declared):
        assert kl102.data["fix"]["applicability"] in ("safe", "unsafe")


async def test_positions_after_non_ascii(client: LanguageClient):
    uri = uri_for(client, "fixme.py")
    open_doc(client, uri, FIXME)
    items = await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    kl101 = next(d for d in items if d.code == "KL101")
    line = FIXME.splitlines().index('        label = "😋 é"; self.w = tf.random.normal((3, 3))')
    text_line = FIXME.splitlines()[line]
    expected = client_position(FIXME, line, text_line.index("tf.random"), encoding(INFO[id(client)]))
    assert kl101.range.start == expected
    end = client_position(FIXME, line, len(text_line), encoding(INFO[id(client)]))
    assert kl101.range.end == end


async def test_quick_fix_through_the_client_removes_the_finding(client: LanguageClient):
    uri = uri_for(client, "quickfix.py")
    open_doc(client, uri, FIXME)
    items = await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    kl106 = next(d for d in items if d.code == "KL106")
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=kl106.range,
        context=lsp.CodeActionContext(diagnostics=[kl106], only=[lsp.CodeActionKind.QuickFix])))
    fix = next(a for a in result if a.title.startswith("Call super().__init__"))
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred
    fixed = apply_text_edits(FIXME, edits_of(fix, uri), encoding(INFO[id(client)]))
    assert "super().__init__(**kwargs)" in fixed.split("class RawTensor")[0]
    replace_all(client, uri, fixed, 2)
    after = await diagnostics(client, uri, lambda items: "KL106" not in codes(items))
    assert "KL101" in codes(after)  # the other class keeps its finding


async def test_ignore_for_this_line(client: LanguageClient):
    uri = uri_for(client, "ignore.py")
    open_doc(client, uri, FIXME)
    items = await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    kl101 = next(d for d in items if d.code == "KL101")
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=kl101.range,
        context=lsp.CodeActionContext(diagnostics=[kl101])))
    ignore = next(a for a in result if a.title == "Ignore KL101 for this line")
    fixed = apply_text_edits(FIXME, edits_of(ignore, uri), encoding(INFO[id(client)]))
    assert 'tf.random.normal((3, 3))  # keraslens: ignore[KL101]\n' in fixed
    replace_all(client, uri, fixed, 2)
    after = await diagnostics(client, uri, lambda items: "KL101" not in codes(items))
    assert "KL106" in codes(after)


async def test_foreign_diagnostics_are_not_trusted(client: LanguageClient):
    uri = uri_for(client, "foreign.py")
    open_doc(client, uri, FIXME)
    items = await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    forged = lsp.Diagnostic(range=items[0].range, message="x", code="KL106", source="other-linter")
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=items[0].range,
        context=lsp.CodeActionContext(diagnostics=[forged], only=[lsp.CodeActionKind.QuickFix])))
    assert not result


async def test_fix_all_applies_only_safe_fixes(client: LanguageClient):
    uri = uri_for(client, "fixall.py")
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: {"KL101", "KL106"} <= set(codes(items)))
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
        context=lsp.CodeActionContext(diagnostics=[], only=["source.fixAll.keraslens"])))
    (action,) = result
    assert action.kind == "source.fixAll.keraslens"
    fixed = apply_text_edits(FIXME, edits_of(action, uri), encoding(INFO[id(client)]))
    replace_all(client, uri, fixed, 2)
    after = await diagnostics(client, uri, lambda items: "KL106" not in codes(items))
    assert "KL101" in codes(after)  # its fix is unsafe: fix-all leaves it
    assert "self.w = tf.random.normal" in fixed


async def test_syntax_error_mid_edit_keeps_other_classes(client: LanguageClient):
    uri = uri_for(client, "midedit.py")
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    broken = FIXME.replace("    def call(self, x):\n        return x\n", "    def call(self, x:\n        return x\n", 1)
    replace_all(client, uri, broken, 2)
    after = await diagnostics(client, uri, lambda items: "KL900" in codes(items))
    assert "KL101" in codes(after)


async def test_edit_storm_ends_with_correct_diagnostics(client: LanguageClient):
    uri = uri_for(client, "storm.py")
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL106" in codes(items))
    # type a comment line character by character at the top, 500 incremental edits
    text, version = FIXME, 1
    typed = ("# " + "x" * 47 + "\n") * 10  # 500 characters, ends with a newline
    for index, char in enumerate(typed[:500]):
        line = typed[:index].count("\n")
        col = index - (typed[:index].rfind("\n") + 1)
        version += 1
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=line, character=col), end=lsp.Position(line=line, character=col)), text=char)]))
    shift = typed[:500].count("\n")
    expected_line = FIXME.splitlines().index("    def __init__(self, units):") + shift

    def settled(items):
        return any(d.code == "KL106" and d.range.start.line == expected_line for d in items)

    after = await diagnostics(client, uri, settled)
    assert sorted(codes(after)) == ["KL101", "KL106"]


async def test_hover_position_after_non_ascii(client: LanguageClient):
    """The cursor is converted from the client's units: off by the emoji's extra units, it would land in the span."""
    uri = uri_for(client, "hover_unicode.py")
    open_doc(client, uri, FIXME)
    await diagnostics(client, uri, lambda items: "KL101" in codes(items))
    lines = FIXME.splitlines()
    line = next(i for i, text in enumerate(lines) if "😋" in text)
    start = lines[line].index("tf.random")
    enc = encoding(INFO[id(client)])

    async def hover(col: int) -> str:
        result = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=client_position(FIXME, line, col, enc)))
        return result.contents.value if result else ""

    assert "KL101" in await hover(start)
    assert "KL101" not in await hover(start - 3)


INIT_WEIGHTS = '''import keras


class InitLinear(keras.layers.Layer):
    def __init__(self, units, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, units))
'''


async def test_source_less_and_absent_diagnostics_still_get_quick_fixes(client: LanguageClient):
    # ALE sends the diagnostic back without `source`, or no diagnostic at all when the cursor is on a word
    uri = uri_for(client, "init_weights.py")
    open_doc(client, uri, INIT_WEIGHTS)
    items = await diagnostics(client, uri, lambda items: "KL201" in codes(items))
    kl201 = next(d for d in items if d.code == "KL201")
    without_source = lsp.Diagnostic(range=kl201.range, message=kl201.message, code="KL201")
    for context in ([without_source], []):
        result = await client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=kl201.range,
            context=lsp.CodeActionContext(diagnostics=context, only=[lsp.CodeActionKind.QuickFix])))
        titles = [action.title for action in result or []]
        assert "Ignore KL201 for this line" in titles, titles
        # the safe move into build(), then its unsafe alternative that also drops the parameter
        moves = [title for title in titles if "build" in title]
        assert len(moves) == 2 and moves[1].endswith("(unsafe)"), titles
