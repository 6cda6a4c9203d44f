"""Where a document's settings come from, in order (later wins on the keys it sets):

defaults < ``initializationOptions`` < ``workspace/configuration`` (section "keraslens",
per workspace folder) < ``[tool.keraslens]`` of the nearest pyproject.toml.

The project file wins so the editor agrees with ``keraslens check`` in CI (and VS Code
sends every key, defaults included). ``trusted`` only ever comes from the editor.
Problems (unknown keys, bad values) are logged once each; the rest still applies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..analysis.config import Settings, pyproject_settings

SECTION = "keraslens"
EDITOR_ONLY = ("trusted",)


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
        settings = Settings()
        for layer, origin in self._layers(path, folder):
            settings, problems = settings.merged(layer)
            for problem in problems:
                self._report(problem, origin)
        return settings

    def _layers(self, path: str | None, folder: str | None):
        yield self.init_options, "initializationOptions"
        yield self.editor.get("", {}), "settings"
        if folder and folder in self.editor and self.editor[folder] != self.editor.get(""):
            yield self.editor[folder], f"settings of {folder}"
        if path:
            table, found = pyproject_settings(Path(path).parent)
            if found is not None:
                yield {k: v for k, v in table.items() if k not in EDITOR_ONLY}, str(found)

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
