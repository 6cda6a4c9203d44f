"""Which names mean which Keras objects; which Keras the file targets.

Every reference is turned into a *canonical* dotted name, independent of import style:
``tf.keras.layers.Dense``, ``from tensorflow.keras import layers; layers.Dense``,
``import tf_keras as keras; keras.layers.Dense`` and ``keras.src.layers.Dense`` all
become ``keras.layers.Dense``. TensorFlow names stay ``tensorflow.*``, NumPy ``numpy.*``.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, lru_cache
from importlib import metadata

from ..source import walk_statements

LAYER_BASES = frozenset({"keras.layers.Layer", "keras.Layer"})
MODEL_BASES = frozenset({"keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"})


class Flavor(str, Enum):
    KERAS3 = "3"
    KERAS2 = "2"


@dataclass(frozen=True, slots=True)
class FlavorChoice:
    flavor: Flavor
    reason: str


@dataclass(slots=True)
class ImportMap:
    """Local name -> fully qualified dotted name, from a module's import statements."""

    names: dict[str, str] = field(default_factory=dict)
    keras_roots_used: set[str] = field(default_factory=set)

    @classmethod
    def from_module(cls, tree: ast.Module) -> ImportMap:
        imports = cls()
        for node in walk_statements(tree):  # imports are statements: skip the expressions
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    imports.names[local] = alias.name if alias.asname else alias.name.split(".")[0]
                    imports._note_root(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        imports.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                imports._note_root(node.module)
            elif isinstance(node, ast.ImportFrom) and node.level:
                # relative: kept with its leading dots, never Keras; jedi resolves it (project.py)
                package = "." * node.level + (f"{node.module}." if node.module else "")
                for alias in node.names:
                    if alias.name != "*":
                        imports.names[alias.asname or alias.name] = package + alias.name
        return imports

    def _note_root(self, module: str) -> None:
        for root in ("tf_keras", "keras", "tensorflow"):
            if module == root or module.startswith(root + "."):
                self.keras_roots_used.add(root)
                return

    def qualify(self, expr: ast.AST) -> str | None:
        """``tf.keras.layers.Dense`` -> ``tensorflow.keras.layers.Dense`` (imports resolved)."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        root = self.names.get(expr.id)
        if root is None:
            return None
        return ".".join([root, *reversed(parts)])

    def canonical(self, expr: ast.AST) -> str | None:
        qualified = self.qualify(expr)
        return canonical_name(qualified) if qualified else None


@lru_cache(maxsize=4096)
def canonical_name(qualified: str) -> str:
    """Normalise every Keras spelling to ``keras.*`` (a file names the same few many times)."""
    for prefix in ("tensorflow.python.keras.", "tensorflow.keras.", "tf_keras.", "tf_keras.src."):
        if qualified.startswith(prefix):
            qualified = "keras." + qualified[len(prefix):]
    if qualified in ("tensorflow.keras", "tf_keras"):
        return "keras"
    if qualified.startswith("keras.api."):
        qualified = "keras." + qualified[len("keras.api."):]
    if qualified.startswith("keras.src."):
        qualified = _public_from_internal(qualified[len("keras.src."):])
    return qualified


def _public_from_internal(path: str) -> str:
    """``layers.core.dense.Dense`` -> ``keras.layers.Dense``; ``models.model.Model`` -> ``keras.Model``."""
    parts = path.split(".")
    last = parts[-1]
    if parts[0] == "layers" and last[:1].isupper():
        return f"keras.layers.{last}"
    if parts[0] == "models" and last in ("Model", "Sequential", "Functional"):
        return f"keras.{last}"
    if parts[0] == "backend" and last == "Variable":
        return "keras.Variable"
    return "keras." + path


def choose_flavor(imports: ImportMap, setting: str = "auto", environ: os._Environ[str] | dict[str, str] | None = None) -> FlavorChoice:
    """Keras 3 or tf_keras (Keras 2): the setting wins, then the imports, then the environment."""
    if setting in ("2", "3"):
        return FlavorChoice(Flavor(setting), f"keras-version setting = {setting}")
    roots = imports.keras_roots_used
    if "tf_keras" in roots:
        return FlavorChoice(Flavor.KERAS2, "the file imports tf_keras")
    if "keras" in roots:
        return FlavorChoice(Flavor.KERAS3, "the file imports keras (Keras 3)")
    env = os.environ if environ is None else environ
    if env.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes"):
        return FlavorChoice(Flavor.KERAS2, "TF_USE_LEGACY_KERAS is set, so tf.keras is tf_keras")
    tf_version = _installed_version("tensorflow")
    if tf_version and tf_version < (2, 16):
        return FlavorChoice(Flavor.KERAS2, f"tensorflow {'.'.join(map(str, tf_version))} is installed: tf.keras is Keras 2")
    return FlavorChoice(Flavor.KERAS3, "tf.keras is Keras 3 in TensorFlow 2.16+")


@cache  # a search of every installed distribution's metadata, once per file otherwise
def _installed_version(distribution: str) -> tuple[int, int] | None:
    try:
        major, minor, *_ = metadata.version(distribution).split(".")
        return int(major), int(minor)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def is_layer_base(canonical: str) -> bool:
    return canonical in LAYER_BASES or canonical.startswith("keras.layers.")


def is_model_base(canonical: str) -> bool:
    return canonical in MODEL_BASES
