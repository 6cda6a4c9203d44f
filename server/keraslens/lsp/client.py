"""What the connected client can do, resolved once at ``initialize``."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls.capabilities import get_capability

from .diagnostics import DiagnosticSupport


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    pull_diagnostics: bool = False
    markdown: bool = True
    configuration: bool = False
    watch_files: bool = False  # may register a pyproject.toml watcher
    diagnostic_refresh: bool = False
    inlay_refresh: bool = False
    lens_refresh: bool = False
    versioned_edits: bool = False
    diagnostics: DiagnosticSupport = DiagnosticSupport()

    @classmethod
    def of(cls, caps: lsp.ClientCapabilities) -> ClientFeatures:
        formats = get_capability(caps, "text_document.hover.content_format", None) or [lsp.MarkupKind.PlainText]
        return cls(
            pull_diagnostics=get_capability(caps, "text_document.diagnostic", None) is not None,
            markdown=formats[0] == lsp.MarkupKind.Markdown,
            configuration=bool(get_capability(caps, "workspace.configuration", False)),
            watch_files=bool(get_capability(caps, "workspace.did_change_watched_files.dynamic_registration", False)),
            diagnostic_refresh=bool(get_capability(caps, "workspace.diagnostics.refresh_support", False)),
            inlay_refresh=bool(get_capability(caps, "workspace.inlay_hint.refresh_support", False)),
            lens_refresh=bool(get_capability(caps, "workspace.code_lens.refresh_support", False)),
            versioned_edits=bool(get_capability(caps, "workspace.workspace_edit.document_changes", False)),
            diagnostics=DiagnosticSupport.of(caps),
        )
