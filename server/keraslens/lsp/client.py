"""What the connected client can do, resolved once at ``initialize``."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls.capabilities import get_capability


@dataclass(frozen=True, slots=True)
class DiagnosticSupport:
    """What the client declared it can take in a diagnostic (unsupported fields are left out)."""

    related: bool = True
    code_description: bool = True
    data: bool = True
    tags: frozenset[int] = frozenset(lsp.DiagnosticTag)

    @classmethod
    def of(cls, caps: lsp.ClientCapabilities) -> DiagnosticSupport:
        text = caps.text_document
        declared = [c for c in (text and text.publish_diagnostics, text and text.diagnostic) if c]
        if not declared:
            return cls(False, False, False, frozenset())
        tags = frozenset(v for c in declared if getattr(c, "tag_support", None) for v in c.tag_support.value_set)
        return cls(
            any(c.related_information for c in declared),
            any(c.code_description_support for c in declared),
            any(c.data_support for c in declared),
            tags,
        )


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
