"""Plain values of module-level code: constants, and a model-building function's defaults.

``width = 64`` at module level, or ``def make(depth=3): ... width = 2 * depth``, give
values that layer arguments, ``keras.Input`` shapes and ``range(depth)`` loops use. A
function counts as called with its defaults; a name bound in a branch or loop is unknown.
Values are read where they are used: after ``n = 3; Dense(n); n = 5`` the first layer
still has 3 units. A name some code may change unseen is unknown: one declared ``global``
somewhere, or a list or dict that is changed in place (``cfg["units"] = 10``,
``widths.append(8)``, through another name or a function it is passed to); so is one bound
by a walrus, an import, a ``match`` or an ``except``. The module's own functions are values
too: ``width(2)`` is run by the interpreter where it is called (``Interpreter.call_function``).
The values are bound by the graph reader's one walk of the module, not by a walk of their own: it
evaluates each statement once with the interpreter (``graph_reader._GraphCase``) and binds what it
assigns where it ends (``GraphEnv``); ``ScopeValues.record`` binds what a statement binds otherwise
(in a block, a walrus, a helper it defines). Each scope's timeline is its environment, one value per
name by position: a plain value, or the graph value (layer, tensor, model, a list holding one) the
graph reader binds there. Plain evaluation reads a graph value as not known (``plain``), the graph
reader a plain value as none (``graph_view``).
"""

from __future__ import annotations

import ast
import weakref
from bisect import bisect_right
from collections import ChainMap, Counter
from collections.abc import Iterator, Mapping

from ..facts.graph import MODULE_SCOPE, LayerInstance, Model, Tensor
from ..names.imports import ImportMap
from ..source import function_nodes, name_bindings, walk, walk_statements
from .interpreter import CHANGING_METHODS, READING_METHODS, Interpreter
from .values import UNKNOWN, FunctionValue, ReadThrough, bind_parameters, bind_target, bound_names, parameter_names

MUTATORS = frozenset().union(*CHANGING_METHODS.values(), {"sort", "add", "discard"})  # and set methods
READING_METHOD_NAMES = frozenset().union(*READING_METHODS.values())
LOOP_BUILTINS = frozenset({"range", "enumerate", "zip", "reversed"})
END = (float("inf"), 0)  # a position after every statement
GRAPH_TYPES = (LayerInstance, Model, Tensor)  # the graph's values (a tuple: read on every lookup)
PLAIN_BUILTINS = frozenset({"len", "int", "round", "range", "tuple", "list", "max", "min", "sum", *LOOP_BUILTINS})
# builtins that read a list or dict handed to them and keep no reference to it
READING_BUILTINS = PLAIN_BUILTINS | {"sorted", "print", "isinstance", "str", "repr", "set", "frozenset", "dict", "any", "all", "bool", "float"}
# library code known to leave a list or dict handed to it alone (Keras and NumPy read layer arguments
# and shapes); any other library function may change it (``random.shuffle(widths)``, ``heapq.heappush``)
READING_LIBRARIES = ("keras.", "tensorflow.", "keras_hub.", "numpy.", "math.", "itertools.")
CHANGING_LIBRARY_FUNCTIONS = frozenset({"numpy.random.shuffle"})
KERAS_OBJECTS = ("keras.", "keras_hub.")  # what these make (layers, models, losses) leaves its arguments alone
PLAIN_NODES = (
    ast.Constant, ast.Name, ast.Load, ast.Store, ast.Tuple, ast.List, ast.Dict, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
    ast.IfExp, ast.Subscript, ast.Slice, ast.JoinedStr, ast.FormattedValue, ast.ListComp, ast.DictComp, ast.comprehension,
    ast.keyword, ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.Attribute,  # `x_train.shape`, `Config.units`
)


class _Timeline:
    """One scope's environment, one value per name: plain values and graph values (layers, tensors,
    models, lists holding them) alike. Its values: those at the scope's start (``local``: its
    parameters or loop variables, then those it sees around it), then each name's bindings in source
    order with where each takes effect, appended as the walk reads the scope's statements. The
    values at a position are read name by name (a bisection in that name's bindings), so reading
    them costs the same at any size of module: nothing is copied. ``env``: the values after the
    statements read so far."""

    __slots__ = ("start", "local", "history", "env")

    def __init__(self, outer: Mapping[str, object], local: dict[str, object] | None = None) -> None:
        self.local: dict[str, object] = {} if local is None else local
        self.start = ChainMap(self.local, outer)
        self.history: dict[str, tuple[list[tuple[int, int]], list[object]]] = {}
        self.env = ChainMap({}, self.start)

    def bind(self, position: tuple[int, int], name: str, value: object) -> None:
        positions, values = self.history.setdefault(name, ([], []))
        positions.append(position)
        values.append(value)
        self.env[name] = value

    def plain_at(self, node: ast.AST | None) -> _ValuesAt:
        """The values at ``node`` (None: at the scope's end), as plain evaluation reads them."""
        return _ValuesAt(self, _position(node) or END, plain=True)


class _ValuesAt(Mapping):
    """A scope's values at a position (``plain``: as plain evaluation reads them)."""

    __slots__ = ("timeline", "position", "plain")

    def __init__(self, timeline: _Timeline, position: tuple, plain: bool = False) -> None:
        self.timeline, self.position, self.plain = timeline, position, plain

    def __getitem__(self, name: str) -> object:
        bindings = self.timeline.history.get(name)
        index = bisect_right(bindings[0], self.position) if bindings is not None else 0
        value = bindings[1][index - 1] if index else self.timeline.start[name]
        return plain(value) if self.plain else value

    def __contains__(self, name: object) -> bool:
        bindings = self.timeline.history.get(name)  # type: ignore[arg-type]
        return (bindings is not None and bindings[0][0] <= self.position) or name in self.timeline.start

    def __iter__(self) -> Iterator[str]:
        bound = (name for name, (positions, _) in self.timeline.history.items() if positions[0] <= self.position)
        return iter(dict.fromkeys([*self.timeline.start, *bound]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _BoundOnce(Mapping):
    """The names the module code binds once, with their values: what functions see of the module.
    While the module code is still read, only those it read so far binds and the rest (``later``)
    does not: a function read then sees no name a later statement rebinds."""

    __slots__ = ("timeline", "later")

    def __init__(self, timeline: _Timeline) -> None:
        self.timeline = timeline
        self.later: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> object:
        if name not in self:
            raise KeyError(name)
        return plain(self.timeline.history[name][1][0])

    def __contains__(self, name: object) -> bool:
        bindings = self.timeline.history.get(name)  # type: ignore[arg-type]
        return bindings is not None and len(bindings[1]) == 1 and name not in self.later

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.timeline.history if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ScopeValues:
    """The environment of every scope the graph reader (``graph_reader.build_graph``) walks, one
    timeline per scope: it records each statement of a scope's body here as it reads it
    (``record``), binds what it assigns through the scope's ``graph_values``, and opens the scopes
    of functions read on their own, of unrolled loop passes and of inlined calls here; ``counts``
    then asks for plain values at positions (``value``, ``env``, ``arguments``), where a graph
    value reads as not known (``plain``)."""

    def __init__(self, tree: ast.Module, evaluator: Interpreter) -> None:
        self.tree = tree
        self.evaluator = evaluator
        self.declared_global = {name for node in walk_statements(tree) if isinstance(node, ast.Global) for name in node.names}
        self._mutated: tuple[set[str], set[str]] | None = None  # changed in place, grown only: found on first need (most modules bind no containers)
        self.functions: dict[str, ast.FunctionDef] = {}  # the first definition of each name, as read before
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef):
                self.functions.setdefault(stmt.name, stmt)
        self._namespace = _Namespace()  # what the module's functions read as globals
        namespace = weakref.proxy(self._namespace)  # it holds the functions: a strong link would be a cycle
        self.helpers = {id(stmt): FunctionValue(stmt, namespace) for stmt in _plain_functions(tree)}
        self.helper_names = {helper.node.name for helper in self.helpers.values()}
        self.plain_callees = PLAIN_BUILTINS | self.helper_names  # what an expression of plain values may call
        self._module = _Timeline({})
        # functions run after the module code: they see the module names that are bound once
        self.constants = _BoundOnce(self._module)
        self._outer = _ModuleView(self._module, self.constants)  # what the module's functions see of it
        self._scopes: dict[str, _Timeline] = {MODULE_SCOPE: self._module}
        self._graph_envs: dict[str, GraphEnv] = {}
        self._module_read = 0  # how many of the module's statements are recorded
        self.module_runs()

    def module_runs(self) -> None:
        """The module's functions called from here on see the module values bound so far: its
        plain values, and (in the scopes the graph reader opens) its graph values."""
        self._namespace.values = PlainView(self._module.env)
        self._outer.running = True

    def functions_run(self) -> None:
        """The module's functions called from here on (read on their own) see the module's plain
        names bound once, and none of its graph values."""
        self.constants.later = frozenset(name for stmt in self.tree.body[self._module_read:] for name in bound_names(stmt))
        self._namespace.values = self.constants
        self._outer.running = False

    def env(self, scope: str, at: ast.AST | None = None) -> ChainMap:
        """The plain values visible at ``at`` in ``scope`` (a function name, the module, or a scope made
        by ``bind_call``/``bind_iteration``); without ``at``, those at the scope's end. Writes go to
        a map of the caller's own."""
        if scope not in self._scopes:
            self._scopes[scope] = _Timeline(self._outer)
        return ChainMap({}, self._scopes[scope].plain_at(at))

    def graph_values(self, scope: str) -> GraphEnv:
        """An open scope's environment as the graph reader reads and binds it."""
        if scope not in self._graph_envs:
            self._graph_envs[scope] = GraphEnv(self._scopes[scope], self)
        return self._graph_envs[scope]

    def open_function(self, function: ast.FunctionDef) -> bool:
        """The values inside ``function`` read on its own (called with its defaults; no graph value
        in its parameters); False when a function of that name was read before (the first
        definition is the one whose plain values are recorded)."""
        if function.name in self._scopes:
            return False
        self._scopes[function.name] = _Timeline(self._outer, self._steady_all(self._parameter_defaults(function)))
        return True

    def bind_call(self, scope: str, function: ast.FunctionDef, args: list | None, kwargs: dict | None) -> None:
        """The values inside ``function`` for one call: its parameters bound to the call's arguments,
        one value each, as the graph reader evaluated them (a graph value or a plain value)."""
        self._scopes[scope] = _Timeline(self._outer, self._steady_all(bind_parameters(function.args, args, kwargs, self._default)))

    def bind_iteration(self, scope: str, parent: str, loop: ast.For, item: object, previous: str | None) -> None:
        """The values in one unrolled pass of ``loop``, as running it would have them: those at the
        loop in ``parent``, then what the ``previous`` pass bound (None: the first pass), the loop
        variables set to ``item``."""
        carried = {} if previous is None else self._carried(self._scopes[previous])
        local: dict[str, object] = {}
        bind_target(loop.target, item, lambda leaf, value: _bind_leaf(local, leaf, value))
        self._scopes[scope] = _Timeline(ChainMap(carried, _ValuesAt(self._scopes[parent], _position(loop, before=True))), local)

    def end_loop(self, parent: str, loop: ast.For, last: str, certain: bool) -> None:
        """After an unrolled loop, ``parent`` holds what its ``last`` pass bound; when the loop may
        not run (``certain`` False), its graph values only, the rest not known."""
        at = (loop.end_lineno, loop.end_col_offset)
        timeline = self._scopes[parent]
        carried = self._carried(self._scopes[last])
        for name, value in carried.items():
            timeline.bind(at, name, value if certain or is_graph_value(value) else UNKNOWN)
        variables = self._scopes[last].local  # named by the graph reader when they hold graph values
        self.graph_values(parent).names.update(dict.fromkeys(name for name, value in carried.items() if name not in variables or is_graph_value(value)))

    @staticmethod
    def _carried(timeline: _Timeline) -> dict[str, object]:
        """What a pass hands on to the next: the previous passes' values, its loop variables, its own bindings."""
        carried = timeline.start.maps[1].maps[0]
        return {**carried, **timeline.local, **timeline.env.maps[0]}

    def value(self, node: ast.expr, scope: str):
        return self.evaluator.expr(node, self.env(scope, node))

    def arguments(self, call: ast.Call, scope: str) -> tuple[list | None, dict | None]:
        return self.evaluator._arguments(call, self.env(scope, call))

    def record(self, stmt: ast.stmt, scope: str) -> None:
        """One statement of ``scope``'s body, as the walk reaches it: a helper it defines (a function the
        interpreter runs where it is called); any name it binds but does not assign (in a branch, a loop,
        a walrus, an import...) is not known from the statement's start (a graph value stays until the
        graph reader rebinds it: it marks those rebound in a block). What it assigns the graph reader
        binds where it ends."""
        timeline = self._scopes[scope]
        self._module_read += scope == MODULE_SCOPE
        if id(stmt) in self.helpers:
            timeline.bind((stmt.end_lineno, stmt.end_col_offset), stmt.name, self.helpers[id(stmt)])
            return
        assigned = isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign) and stmt.value is not None
        for name in bound_names(stmt.value if assigned else stmt):  # walruses take effect inside the statement
            timeline.bind((stmt.lineno, stmt.col_offset), name, _kept(timeline.env, name))

    def is_plain_value(self, node: ast.expr) -> bool:
        """Whether an expression is of the kinds whose plain value a name is bound to: constants,
        containers, arithmetic, comparisons, comprehensions, and calls of the module's helpers and of
        the builtins the interpreter knows (what they return is checked to be plain data where they run)."""
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                if not (isinstance(inner.func, ast.Name) and inner.func.id in self.plain_callees):
                    return False
            elif not isinstance(inner, PLAIN_NODES):
                return False
        return True

    def _default(self, node: ast.expr) -> object:
        return self.evaluator.expr(node, {})

    def _parameter_defaults(self, function: ast.FunctionDef) -> dict[str, object]:
        """A function read on its own counts as called with its defaults; what other parameters,
        ``*args`` and ``**kwargs`` hold is not known."""
        values = bind_parameters(function.args, [], {}, self._default)
        values.update((param.arg, UNKNOWN) for param in filter(None, [function.args.vararg, function.args.kwarg]))
        return values

    def steady(self, name: str, value: object) -> object:
        """UNKNOWN for a value other code may change: a plain ``global``, a list or dict changed in place."""
        if name in self.declared_global and not is_graph_value(value):
            return UNKNOWN
        return self.steady_container(name, value)

    def steady_container(self, name: str, value: object) -> object:
        """UNKNOWN for a list or dict (of plain or graph values) bound to a name some code changes in place."""
        return UNKNOWN if isinstance(value, (list, dict, set)) and self.changed_in_place(name) else value

    def changed_in_place(self, name: str) -> bool:
        """Whether a list or dict bound to ``name`` may be changed in place by some code of the module."""
        return name in self._changes()[0]

    def grows(self, name: str) -> bool:
        """Whether ``name`` holds a list only grown by statements of its scope (``_mutated_names``)."""
        return name in self._changes()[1]

    def _changes(self) -> tuple[set[str], set[str]]:
        if self._mutated is None:
            self._mutated = _mutated_names(self.tree, self.functions, self.evaluator.module.imports, self._leaves_alone)
        return self._mutated

    def _leaves_alone(self, func: ast.expr) -> bool:
        """Whether a library function called as ``func`` is known not to change what it is given."""
        ref = self.evaluator.module.imports.canonical(func)
        return ref is not None and ref.startswith(READING_LIBRARIES) and ref not in CHANGING_LIBRARY_FUNCTIONS

    def _steady_all(self, values: dict[str, object]) -> dict[str, object]:
        return {name: self.steady(name, value) for name, value in values.items()}


def _mutated_names(tree: ast.Module, functions: dict[str, ast.FunctionDef], imports: ImportMap, leaves_alone) -> tuple[set[str], set[str]]:
    """Names whose list or dict may be changed in place, in module code, functions and methods (the
    code that reads this module's values): changed directly (``x[k] = v``, ``del x[k]``, ``x.attr = v``,
    ``x.append(v)``); handed somewhere that may keep or change it (stored in a container, returned,
    passed to code not known to leave it alone); or one name of an object another name changes
    (``alias = x``, ``grow(x)`` where ``grow`` changes its parameter). And, apart, the lists only ever
    grown by statements of one scope (``skips.append(x)``, ``extend``), named nowhere else and changed
    in no other way: the graph reader binds each such statement as a new list (``GROWING_METHODS``)."""
    mutated: set[str] = set()
    appended: set[str] = set()
    same_object: list[tuple[str, str]] = []  # two names that may hold one object
    nodes = [node for stmt in tree.body for node in walk(stmt)]
    leaves_alone = _calls_leaving_alone(tree, nodes, imports, leaves_alone)
    grows = {id(node.value) for node in nodes if isinstance(node, ast.Expr) and growing_call(node.value) is not None}
    for node in nodes:
        if isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del) and isinstance(node.value, ast.Name):
            mutated.add(node.value.id)
        elif isinstance(node, ast.Call):
            if id(node) in grows:
                appended.add(node.func.value.id)
            elif isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                mutated.add(node.func.value.id)
            _passed(node, functions, leaves_alone, mutated, same_object)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr) and isinstance(node.value, ast.Name):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    same_object.append((node.value.id, target.id))
                else:
                    mutated.add(node.value.id)  # `self.x = widths`, `a, b = widths`: kept where it is not followed
        else:
            mutated.update(name.id for name in _held(node))
    changed = True
    while changed:  # a name changes what every name of the same object holds
        changed = False
        for first, second in same_object:
            if (first in mutated | appended) != (second in mutated | appended):
                mutated.update((first, second))
                changed = True
    # an iterator over a grown list sees what is appended after it is made: only a loop's own, over a
    # list its body does not grow, has its items fixed (`for u in sizes: sizes.append(2)` runs on)
    headers = {id(inner) for node in nodes if isinstance(node, ast.For | ast.AsyncFor) for inner in ast.walk(node.iter)} if appended else set()
    for node in nodes if appended else ():
        if isinstance(node, ast.For | ast.AsyncFor):
            over = {name.id for name in ast.walk(node.iter) if isinstance(name, ast.Name)}
            mutated.update(over & {call.func.value.id for stmt in node.body for call in walk(stmt) if id(call) in grows})
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LAZY_BUILTINS and id(node) not in headers:
            mutated.update(arg.id for arg in node.args if isinstance(arg, ast.Name) and arg.id in appended)
        elif isinstance(node, ast.GeneratorExp):
            mutated.update(name.id for generator in node.generators for name in ast.walk(generator.iter) if isinstance(name, ast.Name) and name.id in appended)
    grown = _in_one_scope(tree, appended - mutated)
    return mutated | (appended - grown), grown


GROWING_METHODS = frozenset({"append", "extend"})
LAZY_BUILTINS = frozenset({"zip", "enumerate", "reversed", "iter", "map", "filter"})  # iterators over the live list


def growing_call(node: ast.AST) -> tuple[str, str, ast.expr] | None:
    """``skips.append(x)``: the name, the method and its one argument."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in GROWING_METHODS and isinstance(node.func.value, ast.Name):
        if len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred):
            return node.func.value.id, node.func.attr, node.args[0]
    return None


def _in_one_scope(tree: ast.Module, names: set[str]) -> set[str]:
    """Of ``names``, those whose every mention is in one scope: the module's code or one function's
    own (not a function, class or lambda inside it), and never declared ``global`` or ``nonlocal``."""
    if not names:
        return set()
    scopes: dict[str, set[int]] = {}

    def visit(node: ast.AST, scope: int) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and child.id in names:
                scopes.setdefault(child.id, set()).add(scope)
            elif isinstance(child, ast.Global | ast.Nonlocal):
                for name in child.names:
                    scopes.setdefault(name, set()).update((-1, -2))
            visit(child, id(child) if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef) else scope)

    visit(tree, 0)
    return {name for name in names if len(scopes.get(name, ())) == 1}


def _calls_leaving_alone(tree: ast.Module, nodes: list[ast.AST], imports: ImportMap, leaves_alone):
    """``leaves_alone`` and what Keras makes, called at once or through a name bound to it once: its
    layers, models, losses and metrics read what they are called with (``lstm = layers.LSTM(8)``, then
    ``lstm(x, initial_state=states)``; ``layers.Concatenate()(outs)``)."""
    bound = name_bindings(tree)
    made = {
        node.targets[0].id for node in nodes
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and bound[node.targets[0].id] == 1
        and isinstance(node.value, ast.Call) and (imports.canonical(node.value.func) or "").startswith(KERAS_OBJECTS)
    }
    def keras_object(func: ast.expr) -> bool:  # `lstm(...)`, `layers.Concatenate()(...)`
        if isinstance(func, ast.Call):
            return (imports.canonical(func.func) or "").startswith(KERAS_OBJECTS)
        return isinstance(func, ast.Name) and func.id in made

    return lambda func: keras_object(func) or leaves_alone(func)


def _held(node: ast.AST) -> list[ast.Name]:
    """Names whose object ``node`` keeps or hands on: container elements, returned values, the arms
    of a conditional or boolean expression, a comprehension's element, a lambda's body."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        parts = [element.value if isinstance(element, ast.Starred) else element for element in node.elts]
        parts = [] if isinstance(getattr(node, "ctx", None), ast.Store | ast.Del) else parts  # a set has no ctx
    elif isinstance(node, ast.Dict):
        parts = node.values
    elif isinstance(node, ast.Return | ast.Yield | ast.YieldFrom | ast.Lambda):
        parts = [node.value if not isinstance(node, ast.Lambda) else node.body]
    elif isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        parts = node.values
    elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        parts = [node.elt]
    elif isinstance(node, ast.DictComp):
        parts = [node.value]
    else:
        return []
    return [part for part in parts if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Load)]


def _passed(call: ast.Call, functions: dict[str, ast.FunctionDef], leaves_alone, mutated: set[str], same_object: list[tuple[str, str]]) -> None:
    """The names a call hands its object to: a reading builtin or library function leaves them alone;
    a module function makes them one object with its parameter; anything else may change them."""
    if isinstance(call.func, ast.Name) and call.func.id in READING_BUILTINS or leaves_alone(call.func):
        return
    function = functions.get(call.func.id) if isinstance(call.func, ast.Name) else None
    positional = [param.arg for param in [*function.args.posonlyargs, *function.args.args]] if function is not None else []
    handed = [(arg, positional[index] if index < len(positional) else None) for index, arg in enumerate(call.args)]
    handed += [(keyword.value, keyword.arg) for keyword in call.keywords]
    for value, param in handed:
        value = value.value if isinstance(value, ast.Starred) else value
        if not isinstance(value, ast.Name):
            continue
        if function is not None and param is not None and param in parameter_names(function.args):
            same_object.append((value.id, param))
        else:
            mutated.add(value.id)


def _position(node: ast.AST | None, before: bool = False) -> tuple[int, float] | None:
    """Where ``node`` starts (``before``: just before, ahead of what a statement binds at its start)."""
    return (node.lineno, node.col_offset - 0.5 * before) if node is not None and hasattr(node, "lineno") else None


def _bind_leaf(env: ChainMap, target: ast.expr, value) -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
    else:  # `for self.x in ...`, `for d[k] in ...`: the names it reads may change
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                env[node.id] = UNKNOWN


def is_graph_value(value) -> bool:
    """A layer, model or tensor of the graph, or a list or tuple holding one."""
    if isinstance(value, list | tuple):
        return any(map(is_graph_value, value))
    return isinstance(value, GRAPH_TYPES)


def _kept(values: Mapping[str, object], name: str):
    """A name's value where a statement may rebind it: a graph value until rebound, else not known."""
    try:
        value = values[name]
    except KeyError:
        return UNKNOWN
    return value if is_graph_value(value) else UNKNOWN


def plain(value):
    """A value as plain evaluation reads it: a graph value, or a list holding one, is not known
    (a block may have rebound it to another list); an array made from a known shape is a tensor of
    that shape, off the graph (``x_train.shape[1:]``)."""
    if isinstance(value, Tensor) and not value.symbolic and value.shape is not None and value.producer_link is None:
        return Tensor(value.shape)
    if isinstance(value, GRAPH_TYPES) or (isinstance(value, list) and is_graph_value(value)):
        return UNKNOWN
    return value


def graph_view(value):
    """A value as the graph reader reads it: a layer, model or tensor, a list holding one, a plain
    list or tuple as the list of its items' graph views; None for anything else."""
    if isinstance(value, GRAPH_TYPES) or (isinstance(value, list) and is_graph_value(value)):
        return value
    if isinstance(value, list | tuple):
        return [graph_view(item) for item in value]
    return None


class PlainView(ReadThrough):
    """Values as plain evaluation reads them (``plain``)."""

    __slots__ = ()

    def __getitem__(self, name: str) -> object:
        return plain(self.values[name])


class _ModuleView(Mapping):
    """What the scopes of the module's functions see of the module: while its code runs, its graph
    values bound so far and its plain values bound once; after that, its plain values bound once."""

    __slots__ = ("module", "constants", "running")

    def __init__(self, module: _Timeline, constants: _BoundOnce) -> None:
        self.module, self.constants, self.running = module, constants, True

    def __getitem__(self, name: str) -> object:
        if self.running and name in self.module.history and is_graph_value(value := self.module.env[name]):
            return value
        return self.constants[name]

    def __contains__(self, name: object) -> bool:
        return (self.running and name in self.module.history and is_graph_value(self.module.env[name])) or name in self.constants

    def __iter__(self) -> Iterator[str]:
        return (name for name in dict.fromkeys([*self.module.env, *self.constants]) if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class GraphEnv(Mapping):
    """A scope's environment as the graph reader reads and binds it: a name's value as a graph value
    (``graph_view``). A value it binds takes effect where the statement being read (``statement``)
    ends: a graph value, or a plain one in a statement of the body (``recording``; in a block, what
    a name holds after it is not known). Its names (``names``) are its parameters and those the reader
    binds: assignment and loop targets."""

    __slots__ = ("timeline", "values", "statement", "recording", "names")

    def __init__(self, timeline: _Timeline, values: ScopeValues) -> None:
        self.timeline, self.values = timeline, weakref.proxy(values)  # which holds it: a strong link would be a cycle
        self.statement: ast.stmt | None = None
        self.recording = False
        self.names: dict[str, None] = dict.fromkeys(timeline.local)

    def __getitem__(self, name: str) -> object:
        return graph_view(self.timeline.env[name])

    def get(self, name: str, default=None) -> object:
        try:
            return graph_view(self.timeline.env[name])
        except KeyError:
            return default

    def hide(self, name: str, at: ast.AST) -> None:
        """``name`` holds no graph value from where ``at`` starts."""
        self.names[name] = None
        self.timeline.bind(_position(at), name, UNKNOWN)

    def __setitem__(self, name: str, value: object) -> None:
        at = (self.statement.end_lineno, self.statement.end_col_offset)
        self.names[name] = None
        if is_graph_value(value):
            self.timeline.bind(at, name, self.values.steady_container(name, value))
        else:
            self.timeline.bind(at, name, self.values.steady(name, value) if self.recording else UNKNOWN)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class _Namespace(ReadThrough):
    """The module values a function of the module reads: those bound so far while the module code
    runs, then (for calls made in functions) the names the module binds once (``values`` is set to each)."""

    __slots__ = ("__weakref__",)

    def __init__(self) -> None:
        super().__init__({})


def followable_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """Module functions whose calls can be read as their body: not decorated (``@functools.cache``
    returns one object for every call), and bound once (``def head`` twice: which one runs?)."""
    functions = [stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef)]
    bound = Counter(stmt.name for stmt in functions)
    bound.update(target.id for stmt in tree.body if isinstance(stmt, ast.Assign) for target in stmt.targets if isinstance(target, ast.Name))
    return {f.name: f for f in functions if not f.decorator_list and bound[f.name] == 1}


def _plain_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The followable functions that only compute plain values, so the interpreter runs them where
    they are called: calling only each other, the builtins the interpreter knows and list or dict
    methods. A function that builds layers or models, or calls one that does, is the graph reader's."""
    followable = followable_functions(tree)
    calls = {name: called for name, function in followable.items() if (called := _plain_calls(function)) is not None}
    while True:  # drop those calling a function dropped: each pass drops at least one or ends
        kept = {name: called for name, called in calls.items() if called <= calls.keys()}
        if len(kept) == len(calls):
            return [followable[name] for name in calls]
        calls = kept


def _plain_calls(function: ast.FunctionDef) -> set[str] | None:
    """The names a function calls when it only computes plain values from its own and the module's
    (no ``global``, ``self``, ``super``, no generator, no attribute set; besides calls by name, only
    list and dict methods that read, or that change a list or dict the function made itself: a
    ``pop()`` on a parameter may be a Sequential model's); None for any other function."""
    called, changed, stores, made_here = set(), set(), Counter(), set()
    for node in function_nodes(function):
        if isinstance(node, ast.Global | ast.Nonlocal | ast.Yield | ast.YieldFrom | ast.Await):
            return None
        if isinstance(node, ast.Name):
            if node.id in ("self", "super"):
                return None
            stores[node.id] += isinstance(node.ctx, ast.Store)
        elif isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):  # `layer.trainable = False`
            if isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
                return None
            changed.add(node.value.id)
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                changed.add(node.func.value.id)
            elif not (isinstance(node.func, ast.Attribute) and node.func.attr in READING_METHOD_NAMES):
                return None
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Dict | ast.ListComp | ast.DictComp):
            made_here.update(target.id for target in node.targets if isinstance(target, ast.Name))
    if any(name not in made_here or stores[name] != 1 for name in changed):  # bound once, to a new list or dict
        return None
    return called - PLAIN_BUILTINS
