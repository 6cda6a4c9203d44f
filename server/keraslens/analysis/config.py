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
    trusted: bool = True

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def merged(self, overrides: dict) -> tuple[Settings, list[str]]:
        """These settings with ``overrides`` (camelCase, kebab-case or snake_case keys) on top."""
        problems: list[str] = []
        changes: dict[str, object] = {}
        known = {f.name: f for f in fields(self)}
        for raw_key, value in _flatten(overrides).items():
            key = _snake(raw_key)
            if key not in known:
                problems.append(f"unknown setting {raw_key!r} ignored")
                continue
            checked = _check(key, value)
            if isinstance(checked, Problem):
                problems.append(str(checked))
            else:
                changes[key] = checked
        return replace(self, **changes), problems


def _flatten(values: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in (values or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name in ("probe",):
            flat.update({name: value.get("enabled", False)})
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
