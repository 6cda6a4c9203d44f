"""Questions about a layer class that rules ask, answered from the built-in table or the file."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts.classes import ClassFacts, ModuleFacts
from ..names.imports import Flavor
from .layer_table import AUGMENTATION, TABLE, WEIGHTLESS

# built-ins whose build() always creates weights: a subclass must let it run.
# Attention creates none with its defaults (use_scale=False, score_mode="dot"); Keras's own
# AdditiveAttention replaces its build() without super() and works.
_NO_WEIGHTS_BY_DEFAULT = frozenset({"Attention"})
_ALWAYS_WEIGHTED = frozenset(
    name for name, spec in TABLE.items() if not spec.weightless and not spec.wrapper and name not in _NO_WEIGHTS_BY_DEFAULT
)


def is_weightless(ref: str, module: ModuleFacts) -> bool:
    if ref in module.classes:
        return False
    return ref.startswith("keras.layers.") and ref.rsplit(".", 1)[-1] in WEIGHTLESS


# weightless built-ins that still hold state in Keras 3: a SeedGenerator's variable
_SEEDED = frozenset(
    {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}
    | {*AUGMENTATION, *(name for name in TABLE if name.startswith("Random"))}
)
_STATELESS_PREPROCESSING = frozenset({"Resizing", "CenterCrop"})  # no state at all
_PLAIN_BASES = frozenset({"keras.layers.Layer", "keras.Layer"})


def is_stateless(ref: str, module: ModuleFacts, flavor: Flavor) -> bool:
    """Whether making the layer creates no variable at all (weights, seed state): then making a
    new one on every call costs nothing but time. Checked with real Keras (KL103's fixtures)."""
    if ref in module.classes:
        return _stateless_class(module.classes[ref], module, flavor, set())
    if not ref.startswith("keras.layers."):
        return False
    name = ref.rsplit(".", 1)[-1]
    if name in _STATELESS_PREPROCESSING:
        return True
    return name in WEIGHTLESS and not (flavor is Flavor.KERAS3 and name in _SEEDED)


def _stateless_class(facts: ClassFacts, module: ModuleFacts, flavor: Flavor, seen: set[str]) -> bool:
    """A class of this file that makes no weight and holds only stateless sublayers, on a plain
    ``Layer`` base (a built-in or imported base may make state of its own)."""
    if facts.name in seen:
        return False
    seen.add(facts.name)
    for current in _chain(facts, module):
        if current.weights or current.external_bases or not set(current.keras_bases) <= _PLAIN_BASES:
            return False
        for site in current.sublayers:
            if site.class_ref in module.classes:
                if not _stateless_class(module.classes[site.class_ref], module, flavor, seen):
                    return False
            elif not is_stateless(site.class_ref, module, flavor):
                return False
    return True


def _chain(facts: ClassFacts, module: ModuleFacts) -> Iterator[ClassFacts]:
    """The class and its bases of this file, nearest first."""
    seen: set[str] = set()
    stack = [facts]
    while stack:
        current = stack.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        yield current
        stack.extend(module.classes[name] for name in current.local_bases if name in module.classes)


def has_compute_output_shape(facts: ClassFacts, module: ModuleFacts) -> bool | None:
    """True/False when known; None when a base from elsewhere might define it."""
    for current in _chain(facts, module):
        if "compute_output_shape" in current.methods:
            return True
        if current.external_bases or any(base not in ("keras.layers.Layer", "keras.Layer") for base in current.keras_bases):
            return None  # a built-in or imported base may provide it
    return False


def weighted_builtin_base(facts: ClassFacts, module: ModuleFacts) -> str | None:
    """The built-in weighted layer this class derives from, if any (through local bases too)."""
    for current in _chain(facts, module):
        for base in current.keras_bases:
            if base.startswith("keras.layers.") and base.rsplit(".", 1)[-1] in _ALWAYS_WEIGHTED:
                return base
    return None
