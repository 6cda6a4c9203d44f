"""Moving state creation to where Keras expects it: weights to ``build()``, sublayers to ``__init__``.

A ``Relocation`` takes top-level statements out of one method (``__init__`` or
``call``) and appends them to another, creating that method when the class lacks it.
Names that mean something only in the old method are rewritten for the new one:

* from ``__init__`` to ``build``: an input-dimension parameter (and ``self.x`` copied
  from it) becomes ``input_shape[-1]``; another parameter becomes the attribute it is
  stored in (``units`` -> ``self.units``), storing it first when ``__init__`` does not;
* from ``call`` to ``build``: ``x.shape[k]`` / ``tf.shape(x)[k]`` (k != 0) becomes
  ``input_shape[k]``, and a local bound once to such an expression is inlined (its
  assignment goes when nothing else reads it).

Anything else local to the old method makes the move impossible (``Unmovable``): no fix
is better than a wrong one.
"""

from __future__ import annotations

import ast
import re

from ..facts.classes import ClassFacts
from ..names.imports import ImportMap
from ..source import SourceFile, Span
from .building import (
    add_method,
    body_start,
    delete_statement,
    insert_before,
    insert_statements,
    rewritten,
    statement_text,
)
from .edit import Edit

INPUT_DIM = re.compile(r"^(input|in|inp|n_in|d_in|dim_in|fan_in|num_in)(_?(dim|dims|size|features|channels|units|shape|d))?$|^(n|num)_(inputs?|features|channels)$", re.I)
SHAPE_FUNCTIONS = frozenset({"tensorflow.shape", "keras.ops.shape"})
# attributes Keras layers already own: never store a parameter under these names
RESERVED = frozenset({"name", "dtype", "trainable", "built", "weights", "input", "output", "input_shape", "losses",
                      "variables", "dtype_policy", "supports_masking", "input_spec", "activity_regularizer", "kwargs"})
PLAIN_BASES = frozenset({"keras.layers.Layer", "keras.Layer", "keras.Model", "keras.models.Model"})


class Unmovable(Exception):
    """The statement depends on something only its current method has."""


class Relocation:
    def __init__(self, source: SourceFile, facts: ClassFacts, imports: ImportMap, origin: ast.FunctionDef, destination: str) -> None:
        self.source = source
        self.facts = facts
        self.imports = imports
        self.origin = origin
        self.destination = destination  # "build" | "__init__"
        build = facts.methods.get("build")
        positional = [*build.args.posonlyargs, *build.args.args] if build else []
        self.shape_name = positional[1].arg if len(positional) > 1 else "input_shape"
        args = origin.args
        self.params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]][1:]
        self.params += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
        self.locals = _assigned_names(origin) - set(self.params)
        self.stores: dict[str, list[int]] = {}
        for n in ast.walk(origin):
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                self.stores.setdefault(n.id, []).append(n.lineno)
        self.stored = _stored_params(origin) if origin.name == "__init__" else {}
        self.dim_params = {p for p in self.params if INPUT_DIM.match(p)} if destination == "build" else set()
        self.dim_copies = {attr for attr, param in self.stored.items() if param in self.dim_params}
        self.to_store: dict[str, str] = {}  # parameters that must be kept on self: attr -> param
        self.inlined: set[str] = set()  # call() locals inlined into the moved code
        self.moved: list[ast.stmt] = []

    # -- rewriting -------------------------------------------------------------------
    def rewrite(self, node: ast.AST, overrides: dict[int, tuple[ast.AST, str]] | None = None) -> dict[int, tuple[ast.AST, str]]:
        """Replacements (by node id) that make ``node`` valid in the destination method."""
        replacements: dict[int, tuple[ast.AST, str]] = dict(overrides or {})
        bound = _comprehension_names(node)
        covered = {id(n) for key, (o, _) in replacements.items() for n in ast.walk(o)}
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current) in covered:
                continue
            text = self._replacement(current, bound)
            if text is not None:
                replacements[id(current)] = (current, text)
                continue
            stack.extend(ast.iter_child_nodes(current))
        return replacements

    def text(self, node: ast.AST) -> str:
        """The destination-method text of an expression."""
        replacements = self.rewrite(node)
        return rewritten(self.source, node, replacements)

    def _replacement(self, node: ast.AST, bound: set[str]) -> str | None:
        if self.origin.name == "call" and self.destination == "build" and isinstance(node, ast.Subscript) and self._is_input_shape(node.value):
            index = _int_index(node.slice)
            if index is None or index == 0:
                raise Unmovable("uses the batch dimension or a computed index of the input shape")
            if any(line < node.lineno for line in self.stores.get(self.params[0], [])):
                raise Unmovable("the input is rebound before: its shape is no longer the input's")
            return f"{self.shape_name}[{index}]"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            if node.attr in self.dim_copies and self.destination == "build":
                return f"{self.shape_name}[-1]"
            return None
        if not isinstance(node, ast.Name) or node.id in bound or node.id == "self":
            return None
        if node.id in self.params:
            if self.origin.name != "__init__":
                raise Unmovable(f"uses the argument `{node.id}` of {self.origin.name}()")
            if node.id in self.dim_params:
                return f"{self.shape_name}[-1]"
            attr = next((a for a, p in self.stored.items() if p == node.id), None)
            if attr is None:
                if node.id in RESERVED or _assigns_attr(self.facts.node, node.id):
                    raise Unmovable(f"`self.{node.id}` is taken")
                attr = node.id
                self.to_store[attr] = node.id
            return f"self.{attr}"
        if node.id in self.locals:
            value = _single_binding(self.origin, node.id) if self.origin.name == "call" else None
            if value is None:
                raise Unmovable(f"uses the local `{node.id}`")
            self.inlined.add(node.id)
            text = self.text(value)
            return text if _is_atomic(value) else f"({text})"
        return None

    def _is_input_shape(self, node: ast.AST) -> bool:
        inputs = self.params[0] if self.params else None
        if inputs is None:
            return False
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return isinstance(node.value, ast.Name) and node.value.id == inputs
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            ref = self.imports.canonical(node.func)
            return ref in SHAPE_FUNCTIONS and isinstance(node.args[0], ast.Name) and node.args[0].id == inputs
        return False

    # -- edits -----------------------------------------------------------------------
    def move(self, statements: list[tuple[ast.stmt, dict[int, tuple[ast.AST, str]]]], guards: dict[int, ast.stmt] | None = None) -> tuple[Edit, ...]:
        """Edits moving each (statement, overrides) to the destination; raises Unmovable.

        ``guards`` maps a statement's id to the top-level block holding only it (a lazy
        ``if self.w is None:``), which is removed with it.
        """
        guards = guards or {}
        first = body_start(self.origin)
        body = self.origin.body[[id(s) for s in self.origin.body].index(id(first)):] if first is not None else []  # after the docstring
        for statement, _ in statements:
            if not any(guards.get(id(statement), statement) is s for s in self.origin.body):
                raise Unmovable("only whole statements of the method body move")
            if not self._alone_on_its_lines(statement):
                raise Unmovable("shares a line with another statement")
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    attr = _self_attr_name(target)
                    if attr and self.origin.name == "__init__" and _read_after(self.origin, statement, attr):
                        raise Unmovable(f"`self.{attr}` is used later in __init__")
                    if attr and _stored_elsewhere(self.origin, statement, attr, only_after=self.origin.name == "__init__"):
                        raise Unmovable(f"`self.{attr}` is assigned again in {self.origin.name}()")
        lines: list[str] = []
        for statement, overrides in statements:
            lines += statement_text(self.source, statement, self.rewrite(statement, overrides))
        self.moved = [s for s, _ in statements]
        removed = [guards.get(id(s), s) for s in self.moved]
        for name in sorted(self.inlined):
            binding = _binding_statement(self.origin, name)
            if binding is not None and not _read_outside(self.origin, name, [*self.moved, binding]):
                removed.append(binding)
        edits: list[Edit] = []
        remaining = [s for s in body if not any(s is r for r in removed)]
        store = [f"self.{attr} = {param}" for attr, param in self.to_store.items()]
        for index, statement in enumerate(sorted(removed, key=lambda s: s.lineno)):
            if index == 0 and store:
                edits.append(insert_before(self.source, statement, store))
            if not remaining and index == len(removed) - 1 and not store:
                edits.append(Edit(self.source.span(statement), "pass"))
            else:
                edits.extend(delete_statement(self.source, statement))
        edits.extend(self.insertion(lines))
        return tuple(edits)

    def _alone_on_its_lines(self, statement: ast.stmt) -> bool:
        source = self.source
        start, end = statement.lineno, statement.end_lineno or statement.lineno
        before = source.line_text(start)[: source.char_col(start, statement.col_offset)]
        after = source.line_text(end)[source.char_col(end, statement.end_col_offset or 0):].strip()
        return not before.strip() and (not after or after.startswith("#"))

    def insertion(self, lines: list[str]) -> tuple[Edit, ...]:
        facts, cls = self.facts, self.facts.node
        existing = facts.methods.get(self.destination)
        if existing is not None:
            last = existing.body[-1]
            if self.destination == "build" and _is_closing_super(last, "build"):
                return (insert_before(self.source, last, lines),)
            if len(existing.body) == 1 and isinstance(last, ast.Pass) and self.source.line_text(last.lineno).strip() == "pass":
                # a placeholder body: replace it rather than keep a stray `pass`
                indent = self.source.indent_of(last.lineno)
                text = "".join(f"{indent}{line}{self.source.newline}" for line in lines)
                if last.lineno < len(self.source.lines):
                    return (Edit(Span(last.lineno, 0, last.lineno + 1, 0), text),)
                return (Edit(Span(last.lineno, 0, last.lineno, len(self.source.line_text(last.lineno))), text.rstrip("\r\n")),)
            inserted = insert_statements(self.source, existing, lines, at_end=True)
            if not inserted:
                raise Unmovable("one-line method")
            return inserted
        methods = [s for s in cls.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
        if self.destination == "build":
            body = lines
            if _needs_super_build(facts):
                body = [f"super().build({self.shape_name})", *lines]
            header = f"def build(self, {self.shape_name}):"
            init = facts.methods.get("__init__")
            if init is not None:
                return (add_method(self.source, cls, header, body, after=init),)
            call = facts.methods.get("call")
            if call is not None:
                return (add_method(self.source, cls, header, body, before=call),)
            return (add_method(self.source, cls, header, body, after=methods[-1] if methods else None),)
        header = "def __init__(self, **kwargs):"
        body = ["super().__init__(**kwargs)", *lines]
        if methods:
            return (add_method(self.source, cls, header, body, before=methods[0]),)
        return (add_method(self.source, cls, header, body),)


# -- helpers -------------------------------------------------------------------------


def _int_index(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, int) and not isinstance(value, bool) else None
    return None


def _is_atomic(node: ast.AST) -> bool:
    return isinstance(node, ast.Name | ast.Attribute | ast.Subscript | ast.Call | ast.Constant)


def _assigned_names(function: ast.FunctionDef) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef) and node is not function:
            names.add(node.name)
    return names


def _comprehension_names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.comprehension):
            names |= {n.id for n in ast.walk(child.target) if isinstance(n, ast.Name)}
        elif isinstance(child, ast.Lambda):
            names |= {a.arg for a in child.args.args}
    return names


def _self_attr_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _stored_params(init: ast.FunctionDef) -> dict[str, str]:
    """``self.units = units`` at the top level of ``__init__``: attribute -> parameter."""
    stored: dict[str, str] = {}
    for statement in init.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.value, ast.Name):
            attr = _self_attr_name(statement.targets[0])
            if attr is not None:
                stored.setdefault(attr, statement.value.id)
    return stored


def _assigns_attr(cls: ast.ClassDef, attr: str) -> bool:
    return any(
        isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _self_attr_name(node) == attr
        for node in ast.walk(cls)
    )


def _read_after(function: ast.FunctionDef, statement: ast.stmt, attr: str) -> bool:
    end = statement.end_lineno or statement.lineno
    return any(
        isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and _self_attr_name(node) == attr and node.lineno > end
        for node in ast.walk(function)
    )


def _stored_elsewhere(function: ast.FunctionDef, statement: ast.stmt, attr: str, only_after: bool) -> bool:
    # in call() any other assignment runs on every call, so it would undo the moved creation
    own = {id(n) for n in ast.walk(statement)}
    end = statement.end_lineno or statement.lineno
    return any(
        isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _self_attr_name(node) == attr
        and id(node) not in own and (not only_after or node.lineno > end)
        for node in ast.walk(function)
    )


def _binding_statement(function: ast.FunctionDef, name: str) -> ast.Assign | None:
    bindings = [
        s for s in function.body
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and s.targets[0].id == name
    ]
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    return bindings[0] if len(bindings) == 1 and len(stores) == 1 else None


def _single_binding(function: ast.FunctionDef, name: str) -> ast.expr | None:
    binding = _binding_statement(function, name)
    return binding.value if binding is not None else None


def _read_outside(function: ast.FunctionDef, name: str, excluded: list[ast.stmt]) -> bool:
    skip = {id(n) for s in excluded for n in ast.walk(s)}
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and id(node) not in skip
        for node in ast.walk(function)
    )


def _is_closing_super(statement: ast.stmt, method: str) -> bool:
    # keep `super().build(input_shape)` / `self.built = True` last: Keras marks the layer built there
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return isinstance(func, ast.Attribute) and func.attr == method and isinstance(func.value, ast.Call) and getattr(func.value.func, "id", None) == "super"
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        return _self_attr_name(statement.targets[0]) == "built"
    return False


def _needs_super_build(facts: ClassFacts) -> bool:
    """A base other than plain Layer/Model may have a build() of its own that must still run."""
    return bool(facts.local_bases or facts.external_bases or any(base not in PLAIN_BASES for base in facts.keras_bases))


def before_super_init(facts: ClassFacts, statement: ast.stmt) -> bool:
    """``statement`` runs in ``__init__`` before ``super().__init__()``: Keras state can't exist yet."""
    init = facts.methods.get("__init__")
    if init is None or not init.lineno <= statement.lineno <= (init.end_lineno or init.lineno):
        return False
    calls = [n.lineno for n in ast.walk(init) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "__init__"]
    return not calls or statement.lineno < min(calls)
