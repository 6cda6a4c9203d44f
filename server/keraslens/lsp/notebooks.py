"""Notebooks in the editor (``notebookDocument/*`` sync): the code cells of a notebook are
analysed as one program (``analysis.notebook``), kept as one document snapshot under the
notebook's URI; requests on a cell are translated into that program and their answers back
into the cell, so hovers, inlay hints, code lenses, quick fixes and diagnostics land in the
right cell at the right place.

The feature handlers stay as they are: ``install`` wraps them with the translation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import attrs
from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from ..analysis.notebook import Cell, NotebookProgram

NOTEBOOK_SYNC = lsp.NotebookDocumentSyncOptions(
    notebook_selector=[lsp.NotebookDocumentFilterWithCells(cells=[lsp.NotebookCellLanguage(language="python")], notebook="*")],
)
PYTHON = ("python", "", None)


@dataclass(slots=True)
class OpenNotebook:
    """A notebook's program and the URIs of its cells, by index among all cells."""

    uri: str
    program: NotebookProgram
    cell_uris: list[str]
    pulled: bool = False  # the client pulls this notebook's cell diagnostics: stop pushing them

    def cell_index(self, uri: str) -> int | None:
        return self.cell_uris.index(uri) if uri in self.cell_uris else None

    # -- cell -> program ------------------------------------------------------------
    def to_program(self, cell: int, position: lsp.Position) -> lsp.Position:
        return lsp.Position(line=self.program.program_line(cell, position.line + 1) - 1, character=position.character)

    def range_to_program(self, cell: int, range_: lsp.Range) -> lsp.Range:
        return lsp.Range(start=self.to_program(cell, range_.start), end=self.to_program(cell, range_.end))

    # -- program -> cell ------------------------------------------------------------
    def to_cell(self, position: lsp.Position) -> tuple[int, lsp.Position] | None:
        located = self.program.locate(position.line + 1)
        if located is None:
            return None
        cell, line = located
        return cell, lsp.Position(line=line - 1, character=position.character)

    def range_to_cell(self, range_: lsp.Range) -> tuple[int, lsp.Range] | None:
        """A program range inside one cell (an end at the start of the next line is the cell's end)."""
        start = self.to_cell(range_.start)
        if start is None:
            return None
        cell, begin = start
        first, last = self.program.cell_range(cell) or (0, -1)
        end = self.to_cell(range_.end)
        if end is not None and end[0] == cell:
            return cell, lsp.Range(start=begin, end=end[1])
        if range_.end.line + 1 == last + 1 and range_.end.character == 0:
            return cell, lsp.Range(start=begin, end=lsp.Position(line=last - first + 1, character=0))
        return None

    def in_cell(self, cell: int, range_: lsp.Range) -> lsp.Range | None:
        mapped = self.range_to_cell(range_)
        return mapped[1] if mapped and mapped[0] == cell else None


def program_of(ls, notebook: lsp.NotebookDocument) -> OpenNotebook:  # noqa: ANN001
    cells, uris = [], []
    for cell in notebook.cells:
        document = ls.workspace.get_text_document(cell.document)
        python = cell.kind == lsp.NotebookCellKind.Code and document.language_id in PYTHON
        cells.append(Cell("code" if python else "markdown", document.source))
        uris.append(cell.document)
    return OpenNotebook(notebook.uri, NotebookProgram.of(cells), uris)


# -- sync -------------------------------------------------------------------------------


def notebook_changed(ls, uri: str, immediately: bool = False) -> None:  # noqa: ANN001
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    if notebook is None:
        return
    opened = program_of(ls, notebook)
    opened.pulled = uri in ls.notebooks and ls.notebooks[uri].pulled
    ls.notebooks[uri] = opened
    path = to_fs_path(uri) or uri
    settings = ls.settings.for_document(path, ls._folder_of(uri))
    ls.documents.update(uri, notebook.version or 0, opened.program.text, path, settings, ls.workspace.position_encoding)
    if immediately:
        ls.documents.spawn(lambda: settle(ls, uri))
    else:
        ls.documents.debounce(uri, lambda: settle(ls, uri))


async def settle(ls, uri: str) -> None:  # noqa: ANN001
    """After edits quieten: analyse, publish each cell's diagnostics (or ask pulling clients to
    pull again), count ahead and refresh the views."""
    got = await ls.documents.analysis(uri)
    opened = ls.notebooks.get(uri)
    if got is None or opened is None:
        return
    snapshot, analysis = got
    if not ls.documents.is_current(snapshot):
        return
    # pushed until the client pulls for a cell: clients that pull for files may not for notebook
    # cells (vscode-languageclient 9 does not), so a pull capability alone is not enough
    if not opened.pulled:
        publish(ls, opened, ls.diagnostics_for(snapshot, analysis))
    if ls.client.pull_diagnostics and ls.client.diagnostic_refresh and not ls.closing:
        ls.workspace_diagnostic_refresh(None)
    report = await ls.documents.report_of(snapshot, analysis)
    if report is not None and ls.documents.is_current(snapshot):
        ls._refresh_views(snapshot.settings)


def publish(ls, opened: OpenNotebook, diagnostics: list[lsp.Diagnostic]) -> None:  # noqa: ANN001
    by_cell: dict[int, list[lsp.Diagnostic]] = {i: [] for i, c in enumerate(opened.program.cells) if c.kind == "code"}
    for diagnostic in diagnostics:
        mapped = cell_diagnostic(opened, diagnostic)
        if mapped is not None:
            by_cell.setdefault(mapped[0], []).append(mapped[1])
    for cell, items in by_cell.items():
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=opened.cell_uris[cell], diagnostics=items))


def cell_diagnostic(opened: OpenNotebook, diagnostic: lsp.Diagnostic) -> tuple[int, lsp.Diagnostic] | None:
    mapped = opened.range_to_cell(diagnostic.range)
    if mapped is None:
        return None
    related = []
    for info in diagnostic.related_information or []:
        place = opened.range_to_cell(info.location.range)
        if place is not None:
            related.append(attrs.evolve(info, location=lsp.Location(uri=opened.cell_uris[place[0]], range=place[1])))
    return mapped[0], attrs.evolve(diagnostic, range=mapped[1], related_information=related or None)


def forget(ls, uri: str) -> None:  # noqa: ANN001
    opened = ls.notebooks.pop(uri, None)
    ls.documents.forget(uri)
    if opened is not None and not opened.pulled and not ls.closing:
        clear(ls, opened)


def clear(ls, opened: OpenNotebook) -> None:  # noqa: ANN001
    for cell_uri in opened.cell_uris:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))


# -- requests on cells ---------------------------------------------------------------------


def _cell(ls, uri: str) -> tuple[OpenNotebook, int] | None:  # noqa: ANN001
    notebook = ls.workspace.get_notebook_document(cell_uri=uri)
    opened = ls.notebooks.get(notebook.uri) if notebook is not None else None
    index = opened.cell_index(uri) if opened is not None else None
    code = index is not None and opened.program.cell_range(index) is not None
    return (opened, index) if code else None


async def _call(handler: Callable, params):
    result = handler(params)
    return await result if inspect.isawaitable(result) else result


def _document(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def _hover(ls, original, params: lsp.HoverParams):  # noqa: ANN001
    opened, cell = ls.cell_of(params.text_document.uri)
    result = yield from original(attrs.evolve(params, text_document=_document(opened.uri), position=opened.to_program(cell, params.position)))
    if result is not None and result.range is not None:
        result = attrs.evolve(result, range=opened.in_cell(cell, result.range))
    return result


async def _inlay_hints(ls, original, params: lsp.InlayHintParams):  # noqa: ANN001
    opened, cell = ls.cell_of(params.text_document.uri)
    hints = await _call(original, attrs.evolve(params, text_document=_document(opened.uri), range=opened.range_to_program(cell, params.range)))
    shown = []
    for hint in hints or []:
        place = opened.to_cell(hint.position)
        if place is not None and place[0] == cell:
            shown.append(attrs.evolve(hint, position=place[1]))
    return shown


async def _code_lenses(ls, original, params: lsp.CodeLensParams):  # noqa: ANN001
    opened, cell = ls.cell_of(params.text_document.uri)
    lenses = await _call(original, attrs.evolve(params, text_document=_document(opened.uri)))
    return [attrs.evolve(lens, range=r) for lens in lenses or [] if (r := opened.in_cell(cell, lens.range)) is not None]


async def _code_actions(ls, original, params: lsp.CodeActionParams):  # noqa: ANN001
    opened, cell = ls.cell_of(params.text_document.uri)
    originals = params.context.diagnostics
    in_program = [attrs.evolve(d, range=opened.range_to_program(cell, d.range)) for d in originals]
    context = attrs.evolve(params.context, diagnostics=in_program)
    translated = attrs.evolve(params, text_document=_document(opened.uri), range=opened.range_to_program(cell, params.range), context=context)
    actions = []
    for action in await _call(original, translated) or []:
        edit = cell_edit(ls, opened, action.edit) if action.edit is not None else None
        if action.edit is not None and edit is None:
            continue  # an edit across cells (fix-all): not offered in a notebook
        diagnostics = [originals[in_program.index(d)] for d in action.diagnostics or [] if d in in_program]
        actions.append(attrs.evolve(action, edit=edit, diagnostics=diagnostics or None))
    return actions


def cell_edit(ls, opened: OpenNotebook, edit: lsp.WorkspaceEdit) -> lsp.WorkspaceEdit | None:  # noqa: ANN001
    """A program edit as edits of the cells it touches; None when one text edit spans cells."""
    program_edits = list((edit.changes or {}).get(opened.uri, []))
    versioned = bool(edit.document_changes)
    for change in edit.document_changes or []:
        program_edits += [e for e in change.edits if isinstance(e, lsp.TextEdit)]
    by_cell: dict[int, list[lsp.TextEdit]] = {}
    for text_edit in program_edits:
        mapped = opened.range_to_cell(text_edit.range)
        if mapped is None:
            return None
        by_cell.setdefault(mapped[0], []).append(attrs.evolve(text_edit, range=mapped[1]))
    if not versioned:
        return lsp.WorkspaceEdit(changes={opened.cell_uris[cell]: edits for cell, edits in by_cell.items()})
    changes = []
    for cell, edits in by_cell.items():
        uri = opened.cell_uris[cell]
        document = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=ls.workspace.get_text_document(uri).version)
        changes.append(lsp.TextDocumentEdit(text_document=document, edits=edits))
    return lsp.WorkspaceEdit(document_changes=changes)


async def _pull_diagnostics(ls, original, params: lsp.DocumentDiagnosticParams):  # noqa: ANN001
    opened, cell = ls.cell_of(params.text_document.uri)
    if not opened.pulled:  # from now on the client pulls: what was pushed would show twice
        opened.pulled = True
        clear(ls, opened)
    previous = (params.previous_result_id or "").rpartition("@")[0] or None
    report = await _call(original, attrs.evolve(params, text_document=_document(opened.uri), previous_result_id=previous))
    result_id = f"{report.result_id}@{cell}" if report.result_id else None
    if isinstance(report, lsp.UnchangedDocumentDiagnosticReport):
        return lsp.UnchangedDocumentDiagnosticReport(result_id=result_id)
    items = [mapped[1] for d in report.items if (mapped := cell_diagnostic(opened, d)) is not None and mapped[0] == cell]
    return lsp.FullDocumentDiagnosticReport(items=items, result_id=result_id)


CELL_REQUESTS = {
    lsp.TEXT_DOCUMENT_HOVER: _hover,
    lsp.TEXT_DOCUMENT_INLAY_HINT: _inlay_hints,
    lsp.TEXT_DOCUMENT_CODE_LENS: _code_lenses,
    lsp.TEXT_DOCUMENT_CODE_ACTION: _code_actions,
    lsp.TEXT_DOCUMENT_DIAGNOSTIC: _pull_diagnostics,
}


def _wrap(ls, method: str) -> None:  # noqa: ANN001
    features = ls.protocol.fm.features
    original = features.get(method)
    if original is None or getattr(original, "keraslens_notebooks", False):
        return
    translate = CELL_REQUESTS[method]

    if inspect.isgeneratorfunction(original):  # the hover: answered without a task when it need not wait
        def handler(params):
            if ls.cell_of(params.text_document.uri) is None:
                return (yield from original(params))
            return (yield from translate(ls, original, params))
    else:
        async def handler(params):
            if ls.cell_of(params.text_document.uri) is None:
                return await _call(original, params)
            return await translate(ls, original, params)

    handler.keraslens_notebooks = True  # type: ignore[attr-defined]
    features[method] = handler


def install_notebooks(server) -> None:  # noqa: ANN001
    """Notebook sync on a server whose feature handlers are registered."""
    from lsprotocol.types import NOTEBOOK_DOCUMENT_DID_CHANGE, NOTEBOOK_DOCUMENT_DID_CLOSE, NOTEBOOK_DOCUMENT_DID_OPEN

    server.notebooks = {}
    server.cell_of = lambda uri: _cell(server, uri)
    for method in CELL_REQUESTS:
        _wrap(server, method)

    @server.feature(NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(ls, params: lsp.DidOpenNotebookDocumentParams) -> None:  # noqa: ANN001
        _wrap(ls, lsp.TEXT_DOCUMENT_DIAGNOSTIC)  # registered at initialize, for clients that pull
        notebook_changed(ls, params.notebook_document.uri, immediately=True)

    @server.feature(NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: lsp.DidChangeNotebookDocumentParams) -> None:  # noqa: ANN001
        notebook_changed(ls, params.notebook_document.uri)

    @server.feature(NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: lsp.DidCloseNotebookDocumentParams) -> None:  # noqa: ANN001
        forget(ls, params.notebook_document.uri)
