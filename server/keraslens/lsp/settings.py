"""Where a document's settings come from, in order (later wins on the keys it sets):

defaults < ``initializationOptions`` < ``workspace/configuration`` (section "keraslens",
per workspace folder) < ``[tool.keraslens]`` of the nearest pyproject.toml.

The project file wins so the editor agrees with ``keraslens check`` in CI (and VS Code
sends every key, defaults included). The keys that run code (``probe``...) come only from
the user: ``initializationOptions`` and the global settings; a workspace folder's settings
only when the user's settings say the workspace is ``trusted``; never the project file.
Problems (unknown keys, bad values) are logged once each; the rest still applies, and the
source that enabled the probe is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..analysis.config import USER_ONLY, Settings, pyproject_settings, without_keys

SECTION = "keraslens"
USER, WORKSPACE, PROJECT = "user", "workspace", "project"  # who wrote a layer of settings


class SettingsStore:
    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self._logged: set[str] = set()
        self.init_options: dict = {}
        self.editor: dict[str, dict] = {}  # workspace folder uri ("" = global) -> section value
        self.generation = 0  # bumped on every change: part of pull-diagnostic result ids

    def set_init_options(self, options: object) -> None:
        self.init_options = _section(options)
        self.generation += 1

    def set_editor(self, scope: str, value: object) -> None:
        self.editor[scope] = _section(value)
        self.generation += 1

    def for_document(self, path: str | None, folder: str | None) -> Settings:
        settings, enabled_by = Settings(), None
        for layer, origin, scope in self._layers(path, folder):
            if scope == WORKSPACE:
                layer = self._workspace_layer(layer, origin, settings.trusted)
            merged, problems = settings.merged(layer, project=scope == PROJECT)
            for problem in problems:
                self._report(problem, origin)
            if merged.probe and not settings.probe:
                enabled_by = origin
            settings = merged
        if settings.probe:
            self._report("the probe is enabled", enabled_by)
        return settings

    def _workspace_layer(self, layer: dict, origin: str, trusted: bool) -> dict:
        """A workspace folder's settings may come with the workspace: they never vouch for its trust,
        and they enable the probe only once the user's own settings trust the workspace."""
        kept, dropped = without_keys(layer, USER_ONLY if not trusted else ("trusted",))
        if dropped:
            self._report(f"{', '.join(dropped)} ignored: only your own settings trust a workspace and enable the probe in it", origin)
        return kept

    def _layers(self, path: str | None, folder: str | None):
        yield self.init_options, "initializationOptions", USER
        yield self.editor.get("", {}), "settings", USER
        if folder and folder in self.editor and self.editor[folder] != self.editor.get(""):
            yield self.editor[folder], f"settings of {folder}", WORKSPACE
        if path:
            table, found = pyproject_settings(Path(path).parent)
            if found is not None:
                yield table, str(found), PROJECT

    def _report(self, problem: str, origin: str) -> None:
        if problem not in self._logged:  # once per problem, however many layers or documents repeat it
            self._logged.add(problem)
            self._log(f"keraslens settings: {problem} (from {origin})")


def _section(value: object) -> dict:
    """Accept ``{...}``, ``{"keraslens": {...}}`` or ``{"settings": {...}}``; anything else is empty."""
    if not isinstance(value, dict):
        return {}
    if isinstance(value.get(SECTION), dict):
        return _section(value[SECTION])  # other tools' sections are not ours to judge
    if isinstance(value.get("settings"), dict) and len(value) == 1:
        return _section(value["settings"])
    return value
