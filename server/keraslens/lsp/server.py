"""The keraslens language server: pygls wiring only; every answer comes from ``keraslens.analysis``.

Startup imports pygls and the pure analysis package (no TensorFlow, no jedi); counting
is imported on first use, in a worker thread.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections.abc import Generator
from threading import Event
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcContentModified
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from .. import __version__
from .client import ClientFeatures
from ..analysis.source import Span
from .documents import Documents, Snapshot
from .notebooks import NOTEBOOK_SYNC, install_notebooks
from .protocol import KeraslensProtocol
from .settings import SECTION, SettingsStore
from .transport import dispatch, serve_stream

# The analysis stack (rules, engine, checker) and the views over it are imported inside the
# handlers that need them: initialize is answered before they load (~0.2 s).

logger = logging.getLogger(__name__)


class _ExpectedAnswers(logging.Filter):
    """ContentModified answers a request on text that changed meanwhile: no traceback on stderr."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], JsonRpcContentModified))


logging.getLogger("pygls.protocol.json_rpc").addFilter(_ExpectedAnswers())
HOVER_COUNT_WAIT_S = 2.0  # the first hover on a file may wait for counting; later ones hit the cache
COUNT_AHEAD_DELAY_S = 0.2
HINT_COUNT_WAIT_S = 1.0  # inlay hints / lenses come later through a refresh when counting is slower
WATCH_ID = "keraslens-pyproject-watch"
FIX_ALL = "source.fixAll.keraslens"
STALE_NOTE = "\n\n(counted before the latest edit; recounting)"


class KeraslensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("keraslens", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=NOTEBOOK_SYNC, protocol_cls=KeraslensProtocol)
        self.client = ClientFeatures()
        self.settings = SettingsStore(self.log)
        self.documents = Documents(self.log)

    @property
    def closing(self) -> bool:
        return self.documents.closed

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        logger.info("%s", message)
        if not self.closing:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error, source) -> None:  # noqa: ANN001
        # never a popup (window/showMessage): one log line, and nothing at all after shutdown
        if isinstance(error, JsonRpcContentModified):
            return  # an answer the protocol expects while the user types, not an error of ours
        logger.error("internal error: %r", error)
        if not self.closing:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"keraslens internal error: {error!r}"))

    def start_io(self, stdin=None, stdout=None) -> None:  # noqa: ANN001
        """pygls' loop, with a reader that bounds message size and resynchronises (transport.py)."""
        self._stop_event = Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        body = lambda data: dispatch(data, self.protocol.structure_message, self.protocol.handle_message)  # noqa: E731
        try:
            asyncio.run(serve_stream(stdin or sys.stdin.buffer, body, self._stop_event.is_set))
        except BrokenPipeError:
            logger.error("keraslens: the connection to the client is lost")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # -- documents -------------------------------------------------------------------------
    def refresh_snapshot(self, uri: str, typing: bool = False) -> Snapshot | None:
        document = self.workspace.get_text_document(uri)
        path = document.path or uri
        generation = self.settings.generation
        # a keystroke keeps the settings (pyproject.toml is read again on open, save, or its watcher)
        settings = self.documents.settings_of(uri, generation) if typing else None
        if settings is None:
            settings = self.settings.for_document(document.path, self._folder_of(uri))
        return self.documents.update(uri, document.version or 0, document.source, path, settings, self.workspace.position_encoding, generation)

    def _folder_of(self, uri: str) -> str | None:
        uris = [f.uri for f in self.workspace.folders.values() if uri.startswith(f.uri.rstrip("/") + "/")]
        return max(uris, key=len) if uris else None

    def document_changed(self, uri: str, immediately: bool = False, typing: bool = False) -> None:
        if uri not in self.workspace.text_documents:
            return  # a change to a document that was never opened (pygls already logged it)
        self.refresh_snapshot(uri, typing)
        if immediately:
            self.documents.spawn(lambda: self.settle(uri))
        else:
            self.documents.debounce(uri, lambda: self.settle(uri))

    async def settle(self, uri: str) -> None:
        """After edits quieten: analyse, push diagnostics (if the client does not pull), count."""
        got = await self.documents.analysis(uri, follow=False)  # a newer version has its own settle
        if got is None:
            current = self.documents.snapshot(uri)
            if current is not None and current.too_large and not self.client.pull_diagnostics and not self.closing:
                self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=current.version))
            return
        snapshot, analysis = got
        if not self.documents.is_current(snapshot):
            return  # the version moved on: its own settle will publish
        if not self.client.pull_diagnostics:
            self.publish(snapshot, analysis)
        # count ahead of hovers only once typing pauses, not in the next keystroke's way
        await asyncio.sleep(COUNT_AHEAD_DELAY_S)
        if not self.documents.is_current(snapshot):
            return
        report = await self.documents.report_of(snapshot, analysis)
        if report is not None and self.documents.is_current(snapshot):
            self._refresh_views(snapshot.settings)

    def publish(self, snapshot: Snapshot, analysis) -> None:  # noqa: ANN001
        diagnostics = self.diagnostics_for(snapshot, analysis)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=snapshot.uri, diagnostics=diagnostics, version=snapshot.version))

    def diagnostics_for(self, snapshot: Snapshot, analysis) -> list[lsp.Diagnostic]:  # noqa: ANN001
        from .diagnostics import to_diagnostic

        support = self.client.diagnostics
        return [to_diagnostic(f, snapshot.index, snapshot.uri, snapshot.version, support) for f in analysis.findings]

    def _refresh_views(self, settings) -> None:  # noqa: ANN001
        if self.closing:
            return
        if self.client.inlay_refresh and settings.inlay_hints:
            self.workspace_inlay_hint_refresh(None)
        if self.client.lens_refresh and settings.code_lens:
            self.workspace_code_lens_refresh(None)

    def reanalyse_all(self) -> None:
        """Settings or pyproject changed: new snapshots for every open document, then refresh."""
        for uri in list(self.documents.current):
            self.document_changed(uri, immediately=True)
        if self.client.pull_diagnostics and self.client.diagnostic_refresh and not self.closing:
            self.workspace_diagnostic_refresh(None)

    async def pull_configuration(self) -> None:
        if not self.client.configuration or self.closing:
            return
        scopes = ["", *(f.uri for f in self.workspace.folders.values())]
        items = [lsp.ConfigurationItem(section=SECTION, scope_uri=scope or None) for scope in scopes]
        try:
            values = await self.workspace_configuration_async(lsp.ConfigurationParams(items=items))
        except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps the other layers
            self.log(f"keraslens settings: workspace/configuration failed: {exc}")
            return
        for scope, value in zip(scopes, values or []):
            self.settings.set_editor(scope, value)


def create_server() -> KeraslensServer:
    server = KeraslensServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: KeraslensServer, params: lsp.InitializeParams) -> None:
        ls.client = ClientFeatures.of(params.capabilities)
        ls.settings.set_init_options(params.initialization_options)
        if ls.client.pull_diagnostics:  # registered here so it is advertised only to clients that pull
            ls.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, lsp.DiagnosticOptions(identifier=SECTION, inter_file_dependencies=False, workspace_diagnostics=False))(pull_diagnostics)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: KeraslensServer, params: lsp.InitializedParams) -> None:
        if ls.client.watch_files:
            watcher = lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml")
            registration = lsp.Registration(
                id=WATCH_ID, method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher]),
            )
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception as exc:  # noqa: BLE001 - without a watcher, pyproject is re-read on the next edit
                ls.log(f"keraslens: could not watch pyproject.toml: {exc}")
        await ls.pull_configuration()
        ls.reanalyse_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KeraslensServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri, immediately=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KeraslensServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri, typing=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KeraslensServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents.current:
            ls.document_changed(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KeraslensServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.documents.forget(uri)
        if not ls.client.pull_diagnostics and not ls.closing:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: KeraslensServer, params: lsp.DidChangeConfigurationParams) -> None:
        pushed = params.settings
        if isinstance(pushed, dict) and pushed:
            ls.settings.set_editor("", pushed)
        await ls.pull_configuration()
        ls.reanalyse_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: KeraslensServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            ls.settings.generation += 1  # pyproject is read per snapshot; new snapshots pick it up
            ls.reanalyse_all()

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: KeraslensServer, params: None) -> None:
        ls.documents.close()

    async def pull_diagnostics(ls: KeraslensServer, params: lsp.DocumentDiagnosticParams):
        got = await ls.documents.analysis(params.text_document.uri)
        if got is None:
            return lsp.FullDocumentDiagnosticReport(items=[])
        snapshot, analysis = got
        result_id = f"{snapshot.version}.{ls.settings.generation}.{id(snapshot)}"
        if params.previous_result_id == result_id:
            return lsp.UnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.FullDocumentDiagnosticReport(items=ls.diagnostics_for(snapshot, analysis), result_id=result_id)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: KeraslensServer, params: lsp.HoverParams) -> Generator[Any, Any, lsp.Hover | None]:
        """A generator (pygls runs what it yields as a task and sends the result back): a hover that
        needs no waiting is answered within the turn of the loop that read it, one that must wait
        for the first count yields to ``view_at``. A coroutine would cost two more turns, each a
        wait for the GIL while an analysis runs."""
        from .hover import code_at, count_hover, finding_note, rule_docs

        current = ls.documents.snapshot(params.text_document.uri)
        if current is None or current.too_large:
            return None
        line, col = current.index.point(params.position)
        markdown = ls.client.markdown
        sections: list[str] = []
        rule_code = code_at(current.index.text(line), col)
        if rule_code:
            sections.append(rule_docs(rule_code, markdown))
        else:  # from the last finished count at once when this line was not edited since
            view = ls.documents.view_now(current.uri, params.position)
            if view is None:
                view = yield ls.documents.view_at, (current.uri, params.position, HOVER_COUNT_WAIT_S), None
            if view is None:
                return None
            report, line, col = view.report, view.line, view.col
            target = report.at(line, col) if report else None
            if target is not None:
                probed = _probe_hover(ls, current, view.analysis, report, target)
                sections.append(count_hover(report, target, markdown) + probed + (STALE_NOTE if view.stale else ""))
            sections += [finding_note(f, markdown) for f in view.analysis.findings if f.span.contains(line, col)]
        if not sections:
            return None
        kind = lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText
        return lsp.Hover(contents=lsp.MarkupContent(kind=kind, value=("\n\n---\n\n" if markdown else "\n\n").join(sections)))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL]))
    async def code_action(ls: KeraslensServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        from ..analysis.fix_all import fix_text
        from . import actions
        from .diagnostics import is_ours

        got = await ls.documents.analysis(params.text_document.uri)
        if got is None:
            return None
        snapshot, analysis = got
        target = actions.Target(snapshot.uri, snapshot.version, snapshot.text, snapshot.index, ls.client.versioned_edits)
        only = params.context.only
        result: list[lsp.CodeAction] = []
        if actions.wanted(only, lsp.CodeActionKind.QuickFix):
            diagnostics = [d for d in params.context.diagnostics if is_ours(d)]
            if not params.context.diagnostics:  # some clients (ALE) send none: offer ours under the cursor
                diagnostics = [d for d in ls.diagnostics_for(snapshot, analysis) if _overlaps(d.range, params.range)]
            result += actions.quick_fixes(target, analysis, diagnostics)
        fixable = any(f.fix and (f.fix.is_safe or snapshot.settings.unsafe_fixes) for f in analysis.findings)
        if fixable and actions.wanted(only, actions.FIX_ALL):
            settings = snapshot.analysis_settings
            fixed, _ = await ls.documents.run_in_analysis_thread(fix_text, snapshot.text, snapshot.path, settings)
            if not ls.documents.is_current(snapshot):  # edits of an older text would corrupt the new one
                raise JsonRpcContentModified(f"{snapshot.uri} changed while its fixes were computed")
            action = actions.fix_all(target, fixed, settings.unsafe_fixes)
            if action is not None:
                result.append(action)
        return result

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(ls: KeraslensServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        snapshot, report = await _report(ls, params.text_document.uri, "inlay_hints")
        if report is None:
            return []
        from .hints import inlay_hints

        classes = not snapshot.settings.code_lens  # one place per number: the lens when lenses are on
        if ls.documents.is_current(snapshot):
            return inlay_hints(report, snapshot.index, snapshot.index.span(params.range), classes=classes)
        hints = inlay_hints(report, snapshot.index, Span(1, 0, len(snapshot.index.lines), 0), classes=classes)
        return [h for h in hints if _moved(ls, snapshot, h, "position") and params.range.start.line <= h.position.line <= params.range.end.line]

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls: KeraslensServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        snapshot, report = await _report(ls, params.text_document.uri, "code_lens")
        if report is None:
            return []
        from .hints import code_lenses

        lenses = code_lenses(report, snapshot.index, snapshot.uri, snapshot.settings.probe)
        if ls.documents.is_current(snapshot):
            return lenses
        return [lens for lens in lenses if _moved(ls, snapshot, lens.range, "start") and _moved(ls, snapshot, lens.range, "end")]

    @server.command("keraslens.probe")
    async def run_probe(ls: KeraslensServer, uri: str, target: str, *layer_class: str) -> dict | None:
        """Count the model ``target`` (or its ``layer_class`` layers) with real Keras in the sandboxed worker, on demand."""
        snapshot = ls.documents.snapshot(uri)
        if snapshot is None:
            return None
        if not snapshot.settings.probe:
            ls.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, "keraslens: the probe is off (your own settings enable it, never the project's)"))
            return None
        from ..probe.target import editor_answer
        from .probe_views import progress

        async with progress(ls, target):  # TensorFlow runs in the worker process; this thread only waits for its answer
            result = await asyncio.to_thread(editor_answer, snapshot.text, snapshot.path, target, snapshot.analysis_settings, *layer_class[:1])
        ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Info, f"keraslens probe: {target}: {result['message']}"))
        return result

    install_notebooks(server)
    return server


def _probe_hover(ls: KeraslensServer, snapshot: Snapshot, analysis, report, target) -> str:  # noqa: ANN001
    if not snapshot.settings.probe:
        return ""
    from .probe_views import probe_hover

    text = probe_hover(report, target, analysis, snapshot.path, snapshot.uri, ls.client.markdown)
    return f"\n\n{text}" if text else ""


async def _report(ls: KeraslensServer, uri: str, switch: str):
    """The current count, else the last finished one at once (its positions to be moved with
    ``_moved``), else the current one if it is ready within HINT_COUNT_WAIT_S."""
    snapshot = ls.documents.snapshot(uri)
    if snapshot is None or not getattr(snapshot.settings, switch):
        return None, None
    counted = ls.documents.latest_count(uri) or await ls.documents.report(uri, HINT_COUNT_WAIT_S)
    return counted if counted else (None, None)


def _moved(ls: KeraslensServer, old: Snapshot, holder: object, name: str) -> bool:
    """Move ``holder.<name>`` (a position in ``old``) to the current version; False on an edited line."""
    position = ls.documents.map_position(old, getattr(holder, name))
    if position is not None:
        setattr(holder, name, position)
    return position is not None


def serve(tcp: str | None = None) -> int:
    """``keraslens serve``: stdio by default, or ``--tcp HOST:PORT``."""
    # hand the GIL back to the event loop within 1 ms (default 5) while a worker counts a big file
    sys.setswitchinterval(0.001)
    # the collector kept rescanning the syntax trees open documents keep alive: analysis of a
    # 5,000-line file took 0.32 s with the default thresholds, 0.14 s with these (as checker.py).
    # Full collections are then rare, so an analysis must leave no garbage in cycles (the graph's
    # back-links are weak; tests/test_no_cycles.py), or old versions pile up while a person types
    gc.set_threshold(100_000, 10, 10)
    server = create_server()
    gc.freeze()  # startup objects (lsprotocol's types) are never garbage
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    # exit now: the interpreter would otherwise join a worker still counting a huge file
    code = 0 if server.closing else 1  # LSP: exit without shutdown first is an error
    if "keraslens.probe.service" in sys.modules:  # os._exit skips atexit: stop the probe's workers first
        sys.modules["keraslens.probe.service"].close_shared_probe()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # already closed by pygls on exit
            pass
    os._exit(code)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    start = lambda r: (r.start.line, r.start.character)  # noqa: E731
    end = lambda r: (r.end.line, r.end.character)  # noqa: E731
    return start(a) <= end(b) and start(b) <= end(a)
