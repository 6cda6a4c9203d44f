"""KL201 weight-in-init."""

from __future__ import annotations

import ast

from ..facts.classes import ClassFacts, Phase, WeightKind, shape_argument
from ..fixes.building import delete_statement, remove_item
from ..fixes.edit import Applicability, Edit, Fix
from ..fixes.relocate import INPUT_DIM, Relocation, Unmovable
from ..source import Span
from .base import Context, Rule, Severity


class WeightInInit(Rule):
    """
    ## What it does
    Finds `add_weight` calls in `__init__` whose shape uses an input-dimension argument
    (`input_dim`, `in_features`, `in_channels`, `num_features`, ...). Advice, not a defect:
    reported at `info`, so `keraslens check` still passes.

    ## Why is this bad?
    It works (the weights exist and train), but the layer only fits inputs of that one
    size, the size must be repeated by every caller, and `count_params()` raises until the
    first call. A wrong value fails late with "Dimensions must be equal". Creating the
    weight in `build(input_shape)` reads the size from the data.

    ## Example
    ```python
    class Linear(keras.layers.Layer):
        def __init__(self, input_dim, units, **kwargs):
            super().__init__(**kwargs)
            self.w = self.add_weight(shape=(input_dim, units))
    ```

    ## Use instead
    ```python
    class Linear(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))
    ```

    ## Fix safety
    Safe: moves every `self.x = self.add_weight(...)` of `__init__` into `build(input_shape)`
    (created when missing, appended otherwise), with the input-dimension argument replaced
    by `input_shape[-1]` and other arguments read from the attributes `__init__` stores
    them in (`self.units = units` is added when it is missing). The signature is kept, so
    callers still work; the weights now exist after the first call instead of at
    construction, as for every built-in layer.

    An alternative, unsafe fix also drops the now-unused parameter from `__init__` (and
    from the calls in the same file): it changes the class's public signature, so other
    callers passing it break. No fix when a moved line uses a local of `__init__`, the
    weight is read later in `__init__`, or the statement is nested in a block.

    ## Keras versions
    Both Keras 3 and tf_keras.
    """

    code = "KL201"
    name = "weight-in-init"
    severity = Severity.INFO  # advice: the weights exist and train (the subclassing guide does this on purpose)

    def check(self, ctx: Context):
        for facts in ctx.module.classes.values():
            init = facts.methods.get("__init__")
            if init is None or not any(site.kind is WeightKind.ADD_WEIGHT and site.phases == {Phase.INIT} for site in facts.weights):
                continue  # nothing to flag: no need to read __init__
            dims = {arg.arg for arg in [*init.args.args, *init.args.kwonlyargs] if INPUT_DIM.match(arg.arg)}
            dims |= {f"self.{name}" for name in _self_copies(init, dims)}
            flagged = []
            for site in facts.weights:
                if site.kind is not WeightKind.ADD_WEIGHT or site.phases != frozenset({Phase.INIT}):
                    continue
                shape = shape_argument(site.call, ctx.flavor)
                used = sorted(name for name in _names(shape) if name in dims) if shape is not None else []
                if used:
                    flagged.append((site, used))
            fixes = _fixes(ctx, facts, init, [site for site, _ in flagged]) if flagged else ()
            for site, used in flagged:
                yield self.finding(
                    ctx,
                    site.call,
                    f"weight created in `__init__` from `{used[0]}`: create it in `build(input_shape)` "
                    "with `input_shape[-1]` so the layer fits any input size",
                    facts,
                    fix=fixes[0] if fixes else None,
                    extra_fixes=fixes[1:],
                )


def _fixes(ctx: Context, facts: ClassFacts, init: ast.FunctionDef, flagged) -> tuple[Fix, ...]:
    """(safe move, unsafe move-and-drop-parameter); every add_weight of ``__init__`` moves together."""
    movable = [
        s for s in init.body
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Attribute)
        and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "add_weight"
        and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id == "self"
    ]
    if not all(any(site.statement is s for s in movable) for site in flagged):
        return ()
    relocation = Relocation(ctx.source, facts, ctx.module.imports, init, "build")
    try:
        edits = relocation.move([(s, {}) for s in movable])
    except Unmovable:
        return ()
    move = Fix("Move the weights into build(input_shape)", Applicability.SAFE, edits)
    drop = _drop_parameters(ctx, facts, init, relocation)
    if drop is None:
        return (move,)
    return (move, Fix("Move the weights into build(input_shape) and drop the input-dimension parameter", Applicability.UNSAFE, edits + drop))


def _drop_parameters(ctx: Context, facts: ClassFacts, init: ast.FunctionDef, relocation: Relocation) -> tuple[Edit, ...] | None:
    """Remove input-dimension parameters the move left unused, their ``self.`` copies and their
    arguments at this file's call sites; None when anything else still needs them."""
    moved = {id(n) for s in relocation.moved for n in ast.walk(s)}
    used_dims = {p for p in relocation.dim_params if any(isinstance(n, ast.Name) and n.id == p and id(n) in moved for n in ast.walk(init))}
    used_dims |= {relocation.stored[a] for a in relocation.dim_copies if any(_is_self_attr(n, a) and id(n) in moved for n in ast.walk(init))}
    if not used_dims or any(True for _ in ctx.module.subclasses_of(facts.name)):
        return None
    edits: list[Edit] = []
    copies = [s for s in init.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Name) and s.value.id in used_dims]
    skip = moved | {id(n) for s in copies for n in ast.walk(s)}
    for node in ast.walk(facts.node):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Name) and node.id in used_dims and isinstance(node.ctx, ast.Load):
            return None  # still read elsewhere (get_config, a check)
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and any(_is_self_attr(node, a) for a in relocation.dim_copies):
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("locals", "vars"):
            return None
    for statement in copies:
        edits.extend(delete_statement(ctx.source, statement))
    parameters, spans = _parameter_spans(ctx, init)
    names = [p.arg for p in parameters]
    positional = [p.arg for p in [*init.args.posonlyargs, *init.args.args]][1:]
    for name in sorted(used_dims, key=names.index):
        edit = remove_item(ctx.source, parameters, names.index(name), spans)
        if edit is None:
            return None
        edits.append(edit)
    for call in ctx.calls_of(facts.name):
        items = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return None
        for name in used_dims:
            index = next((i for i, k in enumerate(call.keywords) if k.arg == name), None)
            target = call.keywords[index] if index is not None else None
            if target is None and name in positional and positional.index(name) < len(call.args):
                target = call.args[positional.index(name)]  # later ones shift into the right slots
            if target is not None:
                edit = remove_item(ctx.source, items, next(i for i, n in enumerate(items) if n is target))
                if edit is None:
                    return None
                edits.append(edit)
    return tuple(edits)


def _is_self_attr(node: ast.AST, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == "self"


def _parameter_spans(ctx: Context, function: ast.FunctionDef) -> tuple[list[ast.arg], list[Span]]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    parameters = [*positional, *([args.vararg] if args.vararg else []), *args.kwonlyargs, *([args.kwarg] if args.kwarg else [])]
    parameters.sort(key=lambda a: (a.lineno, a.col_offset))
    spans = []
    for parameter in parameters:
        span = ctx.span(parameter)
        if parameter.arg in defaults:
            end = ctx.span(defaults[parameter.arg])
            span = Span(span.line, span.col, end.end_line, end.end_col)
        spans.append(span)
    return parameters, spans


def _names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == "self":
            names.add(f"self.{child.attr}")
    return names


def _self_copies(init: ast.FunctionDef, params: set[str]) -> set[str]:
    """Attributes assigned straight from one of ``params`` (``self.input_dim = input_dim``)."""
    copies: set[str] = set()
    for node in ast.walk(init):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in params:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                    copies.add(target.attr)
    return copies
