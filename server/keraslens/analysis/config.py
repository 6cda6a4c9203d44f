"""Settings: one typed object, read from editor settings or ``[tool.keraslens]``.

Unknown keys and bad values never fail: they fall back to the default and are
reported once as a problem string for the caller to log.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

CODE = re.compile(r"^KL\d{0,3}$")
# Settings that run code or widen what runs: only the user sets them (CLI flags, their own editor
# settings), never a repository's ``[tool.keraslens]``, which comes with the code it would run.
USER_ONLY = ("probe", "probe_allow_file_access", "trusted")


@dataclass(frozen=True, slots=True)
class Settings:
    keras_version: str = "auto"  # "auto" | "2" | "3"
    select: tuple[str, ...] = ()  # code prefixes; empty = all
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # gitignore-style patterns for directory walks
    unsafe_fixes: bool = False
    inlay_hints: bool = True
    code_lens: bool = True
    probe: bool = False
    probe_allow_file_access: bool = False  # run the probe without filesystem isolation when none is available
    trusted: bool = False  # the editor's word that the workspace is trusted; workspace settings enable the probe only then

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def merged(self, overrides: dict, project: bool = False) -> tuple[Settings, list[str]]:
        """These settings with ``overrides`` (camelCase, kebab-case or snake_case keys) on top.

        ``project``: the overrides come from the repository, which may not set ``USER_ONLY`` keys."""
        problems: list[str] = []
        changes: dict[str, object] = {}
        known = {f.name: f for f in fields(self)}
        for raw_key, value in _flatten(overrides).items():
            key = _snake(raw_key)
            if key not in known:
                problems.append(f"unknown setting {raw_key!r} ignored")
                continue
            if project and key in USER_ONLY:
                problems.append(f"{raw_key!r} is ignored in a project file: only your own editor settings or a command-line flag set it")
                continue
            checked = _check(key, value)
            if isinstance(checked, Problem):
                problems.append(str(checked))
            else:
                changes[key] = checked
        return replace(self, **changes), problems


def without_keys(values: dict, keys: tuple[str, ...]) -> tuple[dict, list[str]]:
    """``values`` flattened, without the ``keys`` (snake_case) however spelled; and the keys dropped."""
    flat = _flatten(values)
    kept = {key: value for key, value in flat.items() if _snake(key) not in keys}
    return kept, [key for key in flat if key not in kept]


def _flatten(values: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in (values or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name == "probe":  # {"enabled": true, "allowFileAccess": false}
            flat.update({"probe" if key == "enabled" else f"probe_{_snake(key)}": item for key, item in value.items()})
        elif isinstance(value, dict) and name == "keraslens":
            flat.update(_flatten(value))
        elif name in ("server", "trace"):
            continue  # client-side settings
        else:
            flat[name] = value
    return flat


def _snake(key: str) -> str:
    key = key.replace("-", "_")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


class Problem(str):
    pass


def _check(key: str, value: object) -> object:
    """The value in its typed form, or a Problem."""
    if key == "keras_version":
        if str(value) in ("auto", "2", "3"):
            return str(value)
        return Problem(f"keras-version must be 'auto', '2' or '3', not {value!r}; ignored")
    if key in ("select", "ignore", "exclude"):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
            return Problem(f"{key} must be a list of strings; ignored")
        if key != "exclude" and not all(CODE.match(item) for item in items):
            return Problem(f"{key} must list rule codes like 'KL101'; ignored")
        return tuple(items)
    if isinstance(value, bool):
        return value
    return Problem(f"{key} must be true or false, not {value!r}; ignored")


def pyproject_settings(start: Path) -> tuple[dict, Path | None]:
    """``[tool.keraslens]`` of the nearest pyproject.toml at or above ``start``."""
    for directory in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                table = tomllib.loads(candidate.read_text(encoding="utf-8", errors="replace"))
            except tomllib.TOMLDecodeError:
                return {}, candidate
            return table.get("tool", {}).get("keraslens", {}), candidate
    return {}, None


DEFAULT = Settings()
