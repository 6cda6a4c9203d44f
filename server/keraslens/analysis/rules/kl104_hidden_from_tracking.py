"""KL104 hidden-from-tracking."""

from __future__ import annotations

import ast

from ..facts.classes import KERAS_VARIABLES, TF_VARIABLES, ClassFacts, TargetKind, WeightKind
from ..fixes.building import add_method, body_start, delete_statement, insert_statements, statement_text
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.initializers import keras_root
from ..fixes.layer_members import LAYER_MEMBERS
from ..source import Span
from .base import Context, Rule


class HiddenFromTracking(Rule):
    """
    ## What it does
    Finds layers and variables reachable only through a plain Python object
    (`types.SimpleNamespace`, `object()`, a holder class) or through a class attribute,
    including instances of a plain class of the same file that stores layers on itself,
    held directly or in a list (`self.branches = [_Branch(...) for _ in range(3)]`).

    ## Why is this bad?
    Keras tracks sublayers and variables through the layer's own attributes (and lists,
    dicts and tuples in them). Behind a plain object or on the class they are invisible:
    0 params, never trained, not saved, though they still run with their random initial
    weights. `add_weight` results are the exception: they are registered by `add_weight`
    itself, wherever they are stored.

    ## Example
    ```python
    class Block(keras.layers.Layer):
        shared = [keras.layers.Dense(4)]

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.parts = types.SimpleNamespace(proj=keras.layers.Dense(4))
    ```

    ## Use instead
    ```python
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.shared = [keras.layers.Dense(4)]
            self.proj = keras.layers.Dense(4)
    ```

    ## Fix safety
    Unsafe, for a class attribute only: `proj = keras.layers.Dense(4)` in the class body
    becomes `self.proj = keras.layers.Dense(4)` at the end of `__init__` (created as
    `def __init__(self, **kwargs): super().__init__(**kwargs)` when missing). Each instance
    then has its own tracked, trained and saved layer instead of one untracked layer
    shared by every instance: what the code needs, but not what it did. No fix when
    `__init__` reads the attribute, does not call `super().__init__()`, the class is its
    only holder of methods, or the file reads it through the class (`Block.proj`).

    Unsafe, for a plain class of the file that holds layers (`class _Branch:`): it becomes
    `class _Branch(keras.layers.Layer):`, and its `__init__` starts with
    `super().__init__()` and `self.built = True` (it has no weights of its own; the layers
    it holds build when called, and its own `__call__`, if any, stays as it was, so the
    forward pass does not change). The layers are then counted, trained and saved: the
    intended behaviour, but training and the saved weights change, and the class is now a
    `Layer` wherever else it is used. No fix when the class has a base or a decorator,
    creates variables itself, has no multi-line `__init__` or already calls `super()`
    there, or defines or assigns a name a `Layer` already has (`name`, `weights`,
    `_layers`, `build`, ...). `SimpleNamespace` and `object()` holders get no fix: where
    the layer should live is the author's choice.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL104"
    name = "hidden-from-tracking"

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            for site in [*facts.weights, *facts.sublayers]:
                kind = getattr(site, "kind", None)
                if kind in (WeightKind.ADD_WEIGHT, WeightKind.TENSOR):
                    continue
                what = "a layer" if kind is None else "a variable" if kind is not WeightKind.TF_MODULE else "a tf.Module"
                if site.target.kind is TargetKind.CLASS_ATTR:
                    where = "a class attribute"
                elif site.target.kind is TargetKind.PLAIN_OBJECT:
                    where = f"a plain object (`self.{site.target.attr}`)" if site.target.attr else "a plain object"
                else:
                    continue
                fix = _to_init(ctx, facts, site.statement) if site.target.kind is TargetKind.CLASS_ATTR else None
                yield self.finding(
                    ctx,
                    site.call,
                    f"{what} held by {where} is hidden from Keras: 0 params, never trained, not saved; "
                    "assign it to an attribute of the layer",
                    facts,
                    fix=fix,
                )
            for site in facts.plain_objects:
                if site.target.kind not in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER):
                    continue
                yield self.finding(
                    ctx,
                    site.call,
                    f"`{site.class_ref}` is not a Layer: the layers it holds (`self.{site.target.attr}`) are hidden "
                    "from Keras: 0 params, never trained, not saved; make it a `keras.layers.Layer`",
                    facts,
                    fix=_holder_to_layer(ctx, site.class_ref),
                )


def _to_init(ctx: Context, facts: ClassFacts, statement: ast.stmt) -> Fix | None:
    """``proj = Dense(4)`` in the class body -> ``self.proj = Dense(4)`` at the end of ``__init__``."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return None
    attr = statement.targets[0].id
    methods = [s for s in facts.node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    init = facts.methods.get("__init__")
    if not methods or (init is not None and not facts.calls_super("__init__")) or ctx.reads_attribute(facts.name, attr):
        return None
    if init is not None and any(isinstance(n, ast.Attribute) and n.attr == attr for n in ast.walk(init)):
        return None  # __init__ uses it before it would exist
    target = statement.targets[0]
    lines = statement_text(ctx.source, statement, {id(target): (target, f"self.{attr}")})
    if init is not None:
        added = insert_statements(ctx.source, init, lines, at_end=True)
        if not added:
            return None
    else:
        added = (add_method(ctx.source, facts.node, "def __init__(self, **kwargs):", ["super().__init__(**kwargs)", *lines], before=methods[0]),)
    removed = delete_statement(ctx.source, statement)
    end = statement.end_lineno or statement.lineno
    if statement is facts.node.body[0] and end < len(ctx.source.lines) and not ctx.source.line_text(end + 1).strip():
        removed += (Edit(Span(end + 1, 0, end + 2, 0), ""),)  # no blank line left at the top of the class
    return Fix(f"Create it per instance as self.{attr} in __init__()", Applicability.UNSAFE, (*removed, *added))


KEPT_DUNDERS = frozenset({"__init__", "__call__", "__repr__", "__str__"})


def _holder_to_layer(ctx: Context, name: str) -> Fix | None:
    """``class _Branch:`` -> ``class _Branch(keras.layers.Layer):``, its ``__init__`` starting
    with ``super().__init__()`` and ``self.built = True``."""
    holder = _plain_class(ctx, name)
    root = keras_root(ctx.module.imports)
    init = next((s for s in holder.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None) if holder else None
    if root is None or init is None or body_start(init) is None or not _can_become_layer(ctx, holder):
        return None
    inserted = insert_statements(ctx.source, init, ["super().__init__()", "self.built = True  # no weights of its own; its layers build when called"])
    if not inserted:
        return None
    base = f"{root}.layers.Layer"
    if holder.bases:  # `(object)`
        header = Edit(ctx.span(holder.bases[0]), base)
    else:  # `class _Branch:` or `class _Branch():`
        line = ctx.source.line_text(holder.lineno)
        start = ctx.source.char_col(holder.lineno, holder.col_offset)
        end = line.index(name, line.index("class", start) + len("class")) + len(name)
        parens = line[end:].lstrip().startswith("(")
        header = Edit(Span(holder.lineno, end, holder.lineno, end), base if parens else f"({base})")
        if parens:
            inside = line.index("(", end) + 1
            header = Edit(Span(holder.lineno, inside, holder.lineno, inside), base)
    return Fix(f"Make {name} a keras.layers.Layer so that Keras tracks the layers it holds", Applicability.UNSAFE, (header, *inserted))


def _plain_class(ctx: Context, name: str) -> ast.ClassDef | None:
    found = ctx.classes_named(name)
    return found[0] if len(found) == 1 else None


def _can_become_layer(ctx: Context, holder: ast.ClassDef) -> bool:
    """No base but ``object``, no decorator or metaclass, no variable of its own, no ``super()``
    call, and no name that a ``Layer`` already has."""
    if holder.decorator_list or holder.keywords or holder.bases and ctx.source.segment(holder.bases[0]) != "object" or len(holder.bases) > 1:
        return False
    names = {s.name for s in holder.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    names |= {t.id for s in holder.body if isinstance(s, ast.Assign | ast.AnnAssign) for t in ast.walk(s) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}
    for node in ast.walk(holder):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) and node.value.id == "self":
            names.add(node.attr)
        elif isinstance(node, ast.Call) and (isinstance(node.func, ast.Name) and node.func.id == "super" or ctx.module.imports.canonical(node.func) in TF_VARIABLES | KERAS_VARIABLES):
            return False
    dunders = {n for n in names if n.startswith("__") and n.endswith("__")}
    return not (names & LAYER_MEMBERS or dunders - KEPT_DUNDERS)
