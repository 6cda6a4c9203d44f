"""keras-hub ``from_preset("name")``: the parameter count keras-hub ships in each preset's metadata.

Read from the installed keras-hub's source without importing it: every
``register_presets(<dict>, <Class>)`` in ``keras_hub/src/models/*/__init__.py`` names a
presets dict (``{"bert_tiny_en_uncased": {"metadata": {"params": 4385920, ...}}}``) and the
class it belongs to. The number is keras-hub's own, for the backbone: a task class
(``BertTextClassifier``) adds a head the metadata does not count.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ..source import parse
from .layer_table import Unknown

SOURCE = "keras-hub preset metadata"
_GENERIC_BACKBONES = frozenset({"Backbone"})


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    owner: str  # the class the preset is registered to, e.g. ``BertBackbone``
    params: int | None  # None: the metadata gives no count


@dataclass(frozen=True, slots=True)
class PresetCount:
    params: int
    owner: str
    whole: bool  # False: the count is the backbone's; the task's head comes on top
    source: str = SOURCE


def is_preset_call(ref: str) -> bool:
    """``keras_hub.models.BertBackbone.from_preset``: a model made from a preset."""
    return ref.startswith("keras_hub.") and ref.endswith(".from_preset")


def preset_name(args: list, kwargs: dict):
    """The preset ``from_preset(...)`` is called with (its first parameter, ``preset``)."""
    return kwargs.get("preset", args[0] if args else None)


def preset_count(class_ref: str, preset: str, root: Path | None = None) -> PresetCount | Unknown:
    """``<class_ref>.from_preset(preset)``: the preset's metadata count, or why there is none."""
    found = presets(root).get(preset)
    if found is None:
        return Unknown(f"`{preset}` is not a preset of the installed keras-hub")
    if found.params is None:
        return Unknown(f"the metadata of preset `{preset}` gives no parameter count")
    name = class_ref.rsplit(".", 1)[-1]
    if name == found.owner or name in _GENERIC_BACKBONES:
        return PresetCount(found.params, found.owner, whole=True)
    if name.endswith("Backbone"):
        return Unknown(f"preset `{preset}` belongs to `{found.owner}`, not `{name}`")
    return PresetCount(found.params, found.owner, whole=False)


def presets(root: Path | None = None) -> dict[str, Preset]:
    """Every preset of the keras-hub installed under ``root`` (default: the one on ``sys.path``)."""
    root = root or _installed_root()
    return {} if root is None else _read_presets(root)


def _installed_root() -> Path | None:
    spec = importlib.util.find_spec("keras_hub")  # locates the package; runs none of it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def _read_presets(root: Path) -> dict[str, Preset]:
    found: dict[str, Preset] = {}
    for init in sorted((root / "src" / "models").glob("*/__init__.py")):
        tree = parse(init.read_text(encoding="utf-8"))
        imported = _imported_names(tree, root.parent)
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _name(call.func) == "register_presets" and len(call.args) == 2):
                continue
            table, owner = (_name(arg) for arg in call.args)
            source = imported.get(table)
            for name, entry in _dict_literal(source, table).items() if source and owner else ():
                params = entry.get("metadata", {}).get("params") if isinstance(entry, dict) else None
                found[name] = Preset(name, owner, params if isinstance(params, int) else None)
    return found


def _imported_names(tree: ast.Module, site: Path) -> dict[str, Path]:
    """``from keras_hub.src.models.bert.bert_presets import backbone_presets``: name -> file."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("keras_hub."):
            path = site.joinpath(*node.module.split(".")).with_suffix(".py")
            for alias in node.names:
                names[alias.asname or alias.name] = path
    return names


def _dict_literal(path: Path, name: str) -> dict:
    if not path.is_file():
        return {}
    assigned = {
        target.id: node.value
        for node in parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.Assign)
        for target in node.targets if isinstance(target, ast.Name)
    }
    try:
        value = _dict_value(assigned.get(name), assigned)
    except ValueError:  # built by code, not written out: its presets stay unknown
        return {}
    return value if isinstance(value, dict) else {}


def _dict_value(node: ast.expr | None, assigned: dict[str, ast.expr]):
    """A literal, where a dict may unpack another dict of the same file (``{**with_weights}``)."""
    if isinstance(node, ast.Name) and node.id in assigned:
        return _dict_value(assigned.pop(node.id), assigned)  # popped: a cycle cannot recurse
    if not isinstance(node, ast.Dict):
        return ast.literal_eval(node) if node is not None else {}
    value = {}
    for key, item in zip(node.keys, node.values, strict=True):
        if key is None:
            value.update(_dict_value(item, assigned))
        else:
            value[ast.literal_eval(key)] = ast.literal_eval(item)
    return value


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None
