"""Reads a module's model-building code into its graph (``facts.graph``): layer instances, where
they are called, and models.

Each module-level block and each top-level function is read in statement order, binding
names to layer instances, symbolic tensors (``keras.Input`` and what layers return
from them) and models (``Sequential([...])``, ``keras.Model(inputs, outputs)``, instances
of the file's own Model subclasses). Shapes are not computed here: ``counts`` does that.
The statements are walked by the one walker (``walker.StatementWalker``). Each scope's names live
in its one environment (``scopes.ScopeValues``), one value per name, plain or graph. Each
expression is evaluated once, by the interpreter (``_GraphCase``, an ``Interpreter`` whose one
``expr`` dispatches every node): its own handlers for names, constants, containers and plain
computations, its graph case for what makes, applies or names a layer, tensor or model (the hooks
here: ``_instance``, ``_apply_layer``, ``_sequential``, ``_functional``, ``_method``, ``_inline``,
``_tensor_expression``, operator layers). A layer or model applied, ``keras.Model(...)``, a merge
function and an inlined function take the values of their arguments, evaluated once in Python's order
(``_call_values``); the constructors that read their argument expressions (``Sequential([...])``,
``TimeDistributed(...)``) evaluate each one once. An assignment binds its value once, where it ends: a graph
value, or a plain one to a name or a tuple of names (``GraphEnv``); an inlined helper's parameters are bound to
its arguments' values (``ScopeValues.bind_call``); an unrolled loop's passes run in sequence, each
from what the one before bound. ``ModuleGraph.bindings`` is that environment, as graph values, for
the module and the functions read on their own.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import replace
from typing import NamedTuple

from ..facts.graph import MODULE_SCOPE, Application, LayerInstance, Model, ModuleGraph, Setting, Tensor, Value
from ..names.imports import ImportMap
from ..names.keras_names import ATTENTION_INPUTS, FUNCTIONAL, INPUT_NAMES, SEQUENTIAL, WEIGHT_CHANGING_METHODS, WEIGHT_KEEPING_METHODS
from .interpreter import TENSOR_FROM_SHAPE, Interpreter, python_builtin
from .limits import LIMITS
from .presets import is_preset_call
from .reach import iterated, reached, reaches_from_name
from .scopes import LOOP_BUILTINS, GraphEnv, PlainView, ScopeValues, followable_functions, graph_view, growing_call, is_graph_value, plain
from .values import UNKNOWN, FunctionValue, as_int, bind_target, bound_names, is_data, is_plain, parameter_names, subscript
from .walker import StatementWalker

NOT_GRAPH = object()  # a call the graph case does not take: the interpreter's plain case evaluates it
_MISSING = object()  # an input of an attention layer not given
OPERATOR_LAYERS = {ast.Add: "keras.layers.Add", ast.Sub: "keras.layers.Subtract", ast.Mult: "keras.layers.Multiply"}
# functions that take and return tensors without weights: the counter shapes what they return
TENSOR_FUNCTION_PREFIXES = ("keras.ops.", "keras.activations.", "tensorflow.")

# functional forms of the merge layers: `layers.concatenate([a, b])` is `Concatenate()([a, b])`
PAIRING_BUILTINS = LOOP_BUILTINS - {"range"}  # `zip(widths, reversed(skips))`: over lists a name may hold with graph values

MERGE_FUNCTIONS = {
    f"keras.layers.{name.lower()}": f"keras.layers.{name}" for name in "Concatenate Add Subtract Multiply Average Maximum Minimum Dot".split()
}


def build_graph(tree: ast.Module, imports: ImportMap, layer_classes: dict[str, str], is_library_layer, values: ScopeValues, decide) -> ModuleGraph:
    """``layer_classes``: class name of this file -> "layer" | "model"; ``is_library_layer(ref)``:
    whether an imported name is a layer class defined in another file; ``values`` holds each
    scope's environment (its plain values, recorded as it is read, and its graph values, bound
    here), knows loop lengths, so loops are unrolled, and takes the arguments of helper functions,
    which are then read once per call; ``decide(test, scope,
    graph)`` tells which way an ``if`` goes (True / False / None: not known), given the scope's
    environment so far (plain and graph values) and the graph read so far.

    The module code is read first; the top-level functions are each read on their own (called
    with their defaults) when module code first calls one of them, so the call sees what the
    function returns, or after the module code: they see the module names bound once so far."""
    graph = ModuleGraph()
    reader = _ScopeReader(graph, imports, layer_classes, is_library_layer, values, tree, decide)
    reader.read(tree.body, MODULE_SCOPE)
    reader.read_functions()
    values.functions_run()
    return graph


class Frame(NamedTuple):
    """Where the graph reader is: the scope's name and its environment, as the reader reads and
    binds it (``ScopeValues.graph_values``)."""

    scope: str
    env: GraphEnv


class _ScopeReader(StatementWalker):
    """Its frames hold graph values; what is built in a block that may not run is kept, marked
    ``uncertain``; a ``try`` body may stop anywhere."""

    TRY_BODY_RUNS = False

    def __init__(self, graph: ModuleGraph, imports: ImportMap, layer_classes: dict[str, str], is_library_layer, values: ScopeValues, tree: ast.Module, decide) -> None:
        self.graph = graph
        self.decider = decide
        self.imports = imports
        self.layer_classes = layer_classes
        self.is_library_layer = is_library_layer
        self.values = values
        self.functions: dict[str, ast.FunctionDef] = followable_functions(tree)
        self.unread = [stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef)]  # top-level functions, until read
        self.inlining: list[str] = []  # functions being read for a call, innermost last
        self.conditional = 0
        self.entry_conditional: dict[str, int] = {}  # scope -> `conditional` where its function body starts
        self.returned: set[str] = set()  # scopes past a `return` that is certain: the rest is not run
        self.maybe_returned: set[str] = set()  # scopes with a `return` on some path only
        self.reused: set[str] = set()  # no-argument functions whose first reading a call has taken
        self.layer_loops: dict[str, LayerInstance | Model] = {}  # loop variable -> what the layers it runs over are reached through
        self.case = _GraphCase(self)

    def read(self, body: list[ast.stmt], scope: str, record: bool = True) -> None:
        """The module's code or a function's body, read on its own: the graph keeps its scope's
        environment, as graph values (``ModuleGraph.bindings``)."""
        env = self.graph.bindings[scope] = self.values.graph_values(scope)
        self.entry_conditional[scope] = self.conditional
        self._body(body, Frame(scope, env), record)

    def _body(self, body: list[ast.stmt], frame: Frame, record: bool = True) -> None:
        """The statements of a scope's body, each recorded (what it binds in a block, a walrus, a
        helper it defines: ``ScopeValues.record``) and read: what it assigns is bound once, here."""
        for stmt in body:
            if record:
                self.values.record(stmt, frame.scope)
            self.statement(stmt, frame, recorded=record)

    def read_functions(self) -> None:
        """Each top-level function read on its own, outside any block of the code that triggers it."""
        functions, self.unread = self.unread, []
        conditional, self.conditional = self.conditional, 0
        self.values.functions_run()
        for function in functions:
            self.read(function.body, function.name, self.values.open_function(function))
        self.values.module_runs()
        self.conditional = conditional

    # -- statements: the hooks of the one walker (``walker.StatementWalker``) ---------------
    def statement(self, stmt: ast.stmt, frame: Frame, recorded: bool = False) -> None:
        """A statement of a body (``recorded``: one ``_body`` recorded) or of a block inside one: what
        it binds takes effect where it ends."""
        if frame.scope in self.returned:
            return
        env = frame.env
        outer, outer_recording = env.statement, env.recording
        env.statement, env.recording = stmt, recorded
        try:
            super().statement(stmt, frame)
        finally:
            env.statement, env.recording = outer, outer_recording

    def assign(self, stmt: ast.Assign, frame: Frame) -> None:
        """The value, evaluated once, bound to each target: a graph value, or a plain one to a single
        name or tuple of names (``units, depth = 64, 3``) by an expression of plain kinds
        (``ScopeValues.is_plain_value``), else not known."""
        scope, env = frame
        plain = len(stmt.targets) == 1 and _names_only(stmt.targets[0]) and env.recording and self.values.is_plain_value(stmt.value)
        raw = self.case.raw(stmt.value, frame, graph_only=not plain)
        value = self.case.held(raw)
        if value is None and plain:
            value = raw
        for target in stmt.targets:
            if isinstance(target, ast.Attribute) and target.attr == "trainable":
                self._set_later(target.value, "trainable", stmt.value, scope, env)  # freezing moves weights to non-trainable
            if (value is None or value is UNKNOWN) and isinstance(target, ast.Name) and reaches_from_name(stmt.value):  # `head = base.layers[-1]`
                env[target.id] = self._reached(stmt.value, scope, env)[0] or UNKNOWN
            else:
                self._bind(target, value, env, plain)

    def annotated_assign(self, stmt: ast.AnnAssign, frame: Frame) -> None:
        self._bind(stmt.target, self._value(stmt.value, *frame), frame.env)

    def augmented_assign(self, stmt: ast.AugAssign, frame: Frame) -> None:
        """``x += block(x)`` on a tensor: ``x = x + block(x)``, read as such; another value is not known."""
        if isinstance(stmt.target, ast.Name) and isinstance(frame.env.get(stmt.target.id), Tensor):
            left = ast.copy_location(ast.Name(stmt.target.id, ast.Load()), stmt.target)
            self._bind(stmt.target, self._value(ast.copy_location(ast.BinOp(left, stmt.op, stmt.value), stmt), *frame), frame.env)
        elif frame.env.recording:  # in a block, the names it binds are not known from the block's start
            self._bind(stmt.target, None, frame.env)

    def expression(self, node: ast.expr, frame: Frame) -> None:
        grown = growing_call(node)
        if grown is None or not self.values.grows(grown[0]):
            self.case.raw(node, frame, graph_only=True)
            return
        name, method, arg = grown  # `skips.append(x)`: the name takes a new list, as if `skips = [*skips, x]`
        value, current = self.case.raw(arg, frame), frame.env.timeline.env.get(name)
        if method == "extend":
            value = list(value) if isinstance(value, list | tuple) else UNKNOWN
        known = isinstance(current, list) and value is not UNKNOWN and self.conditional == 0
        frame.env[name] = ([*current, *value] if method == "extend" else [*current, value]) if known else UNKNOWN

    def decide(self, test: ast.expr, frame: Frame) -> bool | None:
        """``if x.shape[-1] != filters:`` on a known shape, ``if use_bias:`` on a known value."""
        return self.decider(test, frame.scope, self.graph)

    def loop_items(self, loop: ast.For, frame: Frame) -> list | None:
        items = self._unrollable(loop, frame.scope, frame.env)
        for item in items or []:
            if isinstance(item, LayerInstance | Model) and item.var is None:
                item.var = loop.target.id  # `for block in blocks:` (graph items: the target is a name)
        return items

    def run_loop(self, loop: ast.For, items: list, frame: Frame) -> None:
        """Each pass makes new layers, as running the loop would, and sees what the pass before bound;
        after the loop, the scope holds what the last pass bound."""
        previous = None
        for index, item in enumerate(items):
            pass_scope = f"{frame.scope}#{loop.lineno}:{loop.col_offset}.{index}"  # one scope per loop and pass: two loops may share a variable
            self.values.bind_iteration(pass_scope, frame.scope, loop, item, previous)
            self._body(loop.body, Frame(pass_scope, self.values.graph_values(pass_scope)))
            previous = pass_scope
        if previous is not None:
            self.values.end_loop(frame.scope, loop, previous, frame.env.recording)

    def _for(self, loop: ast.For, frame: Frame) -> None:
        """``for layer in base.layers[:k]: layer.trainable = False``: over layers the graph lists, each
        pass binds the loop variable to its layer; over layers it does not tell (an application's),
        what is set on the loop variable is set on ``base``, as not known."""
        scope, env = frame
        over = iterated(loop.iter, lambda n: self._value(n, scope, env), lambda n: self.case.plain(n, frame)) if isinstance(loop.target, ast.Name) else None
        if over is None:
            super()._for(loop, frame)
            return
        layers, root = over
        jumps = any(isinstance(node, ast.Break | ast.Continue | ast.Return) for stmt in loop.body for node in ast.walk(stmt))
        name = loop.target.id
        outer, self.layer_loops[name] = self.layer_loops.get(name), root
        try:
            if layers is not None and not loop.orelse and not jumps:
                self.run_loop(loop, layers, frame)
            else:
                env.hide(name, loop)  # not a layer followed: reached through `root` only
                self.uncertain_block(loop.body, frame, "a loop over layers not told apart")
                self.uncertain_block(loop.orelse, frame, "a loop over layers not told apart")
        finally:
            if outer is None:
                del self.layer_loops[name]
            else:
                self.layer_loops[name] = outer

    def uncertain_block(self, body: list[ast.stmt], frame: Frame, why: str) -> None:
        """Read straight through: enough to see what is built, not how many times or on which path,
        so what is built here is marked as not certain, and a tensor rebound here is one of several."""
        env = frame.env
        before = {name: env.get(name) for stmt in body for name in bound_names(stmt)}
        self.conditional += 1
        try:
            self.block(body, frame)
        finally:
            self.conditional -= 1
        for name, old in before.items():
            value = env.get(name)
            if isinstance(value, Tensor) and old is not value:
                env[name] = replace(value, maybe=True)

    def return_(self, stmt: ast.Return, frame: Frame) -> None:
        self._return(stmt, *frame)

    def _return(self, stmt: ast.Return, scope: str, env: GraphEnv) -> None:
        """A return on one path of several leaves what the function returns unknown."""
        value = self._value(stmt.value, scope, env) if stmt.value is not None else None
        conditional = self.conditional > self.entry_conditional.get(scope, 0)
        self.graph.returns[scope] = None if scope in self.maybe_returned else value
        (self.maybe_returned if conditional else self.returned).add(scope)

    def _set_later(self, owner_node: ast.expr, attribute: str, value: ast.expr, scope: str, env: GraphEnv) -> None:
        """``layer.trainable = False`` / ``layer.enable_lora(4)``: on a layer or model followed here,
        it is read where it is set; on a layer reached through a model (``model.layers[1]``, a loop over
        ``model.layers``) it is set on that layer when told apart, else the model's split is not known;
        on anything else, which layers change is not known."""
        owner = self._value(owner_node, scope, env)
        root = self.layer_loops.get(owner_node.id) if isinstance(owner_node, ast.Name) else None  # `for layer in base.layers`
        if not isinstance(owner, LayerInstance | Model):  # `seq.layers[1]`, `model.get_layer("head")`
            owner, root = self._reached(owner_node, scope, env)
            if owner is None or (attribute != "trainable" and getattr(root, "trainable", None) is not None):  # not told, or under `base.trainable = ...`
                owner, value = (root, None) if attribute == "trainable" else (None, value)  # base's split is not known
        if attribute == "trainable" and isinstance(owner, LayerInstance | Model):  # `base.layers[-1].trainable = True` after `base.trainable = False`
            for holder in self._holders(owner):
                if holder.trainable is not None:
                    holder.mixed_trainable.append(owner_node)
        if not isinstance(owner, LayerInstance | Model) or (attribute == "lora_rank" and isinstance(owner, Model)):
            if not self._on_parameter(owner_node, scope):
                self.graph.loose_changes.append(owner_node)
            return
        if attribute == "trainable" and isinstance(owner, Model) and _set_inside(owner):
            owner.mixed_trainable.append(owner_node)  # `model.trainable = True` after `model.layers[0].trainable = False`
        setattr(owner, attribute, Setting(value if self.conditional == 0 else None, scope))

    def _holders(self, owner: LayerInstance | Model) -> list[Model]:
        """The models a layer or model is in, directly or through the sub-models holding it."""
        inside, holders = {id(owner)}, []
        while True:
            found = [m for m in self.graph.models if id(m) not in inside and any(id(i) in inside or id(i.model) in inside for i in m.layers)]
            if not found:
                return holders
            inside.update(map(id, found))
            holders += found

    def _reached(self, node: ast.expr, scope: str, env: GraphEnv):
        if isinstance(node, ast.Name) and node.id in self.layer_loops:  # `for layer in base.layers[:-20]`, not told apart
            return None, self.layer_loops[node.id]
        return reached(node, lambda n: self._value(n, scope, env), lambda n: self.case.plain(n, Frame(scope, env)))

    def _on_parameter(self, node: ast.expr, scope: str) -> bool:
        """``def freeze(layer): layer.trainable = False`` read on its own: each call is read
        with its arguments, so the parameter itself changes nothing."""
        while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
            node = node.func if isinstance(node, ast.Call) else node.value
        function = self.functions.get(scope.split("#", 1)[0])
        return isinstance(node, ast.Name) and function is not None and node.id in parameter_names(function.args)

    def _bind(self, target: ast.expr, value, env: GraphEnv, plain: bool = False) -> None:
        """``value`` (a graph value, a plain one for names, None: not known) bound to ``target``;
        an item unpacked from it that is no graph value is not known, unless ``plain``."""
        if isinstance(target, ast.Name):
            self._bind_name(target, value, env)
            return
        if isinstance(target, ast.Tuple | ast.List) and isinstance(value, Tensor) and value.producer is not None:
            value = _outputs(value, target.elts)  # `_, h, c = lstm(x)`
        bind_target(target, value, lambda leaf, item: self._bind_name(leaf, item if plain or is_graph_value(item) else None, env))

    def _bind_name(self, target: ast.expr, value, env: GraphEnv) -> None:
        """A leaf of an assignment target: a name takes the value (None: something not followed, which
        hides a module name); what is stored on attributes and items is not followed here."""
        if isinstance(target, ast.Name):
            env[target.id] = UNKNOWN if value is None else value
            if isinstance(value, LayerInstance | Model) and value.var is None:
                value.var = target.id

    def _unrollable(self, loop: ast.For, scope: str, env: GraphEnv) -> list | None:
        """The items to unroll a loop over, for a loop that always runs to its end. Besides ``range``
        loops, only one that calls something (it may make or apply layers): a plain Python loop over
        a parameter is not worth computing the function's values. Plain values, or the layers,
        models or tensors of a list named here (``for block in blocks:``)."""
        if loop.orelse:
            return None
        kinds = {type(node) for stmt in loop.body for node in ast.walk(stmt)}
        over_range = isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range"
        if (ast.Call not in kinds and not over_range) or kinds & {ast.Break, ast.Continue, ast.Return}:
            return None
        over = loop.iter
        over_call = isinstance(over, ast.Call) and isinstance(over.func, ast.Name) and over.func.id in LOOP_BUILTINS | self.values.helper_names
        if not (over_call or isinstance(over, ast.Tuple | ast.List | ast.Name)):
            return None
        named = isinstance(over, ast.Name)  # only a name's value may be a list of graph values here: a list made here is plain
        frame = Frame(scope, env)
        value = self.case.raw(over, frame) if named else self._paired(over, frame) if over_call else self.case.plain(over, frame)
        if not isinstance(value, range | list | tuple) or isinstance(value, _DictValues) or not LIMITS.unrolls(len(value)):
            return None
        if all(map(is_plain, value)):
            return list(value)
        if named and isinstance(loop.target, ast.Name) and all(isinstance(item, LayerInstance | Model | Tensor) for item in value):
            return list(value)
        paired = not named and _names_only(loop.target) and all(isinstance(item, tuple) and all(map(_plain_or_graph, item)) for item in value)
        return list(value) if paired else None  # `for f, skip in zip(widths, reversed(skips)):`

    def _paired(self, over: ast.Call, frame: Frame):
        """``zip(widths, reversed(skips))``, ``enumerate(blocks)``: over lists a name holds (plain, or of
        graph values) and plain ones, the pairs the loop takes; else its plain value."""
        if not _pairing(over) or over.keywords:
            return self.case.plain(over, frame)
        lists = [self.case.raw(arg, frame) if isinstance(arg, ast.Name) else self._paired(arg, frame) if isinstance(arg, ast.Call) else self.case.plain(arg, frame) for arg in over.args]
        return python_builtin(over.func.id, lists)

    def _inline(self, function: ast.FunctionDef, call: ast.Call, scope: str, args: list | None, kwargs: dict | None) -> Value | None:
        """``block(x, 64)``: read the helper's body for this call, its parameters bound to the arguments."""
        inner_scope = f"{function.name}@{call.lineno}:{call.col_offset}<{scope}"
        self.values.bind_call(inner_scope, function, args, kwargs)
        self.inlining.append(function.name)
        self.entry_conditional[inner_scope] = self.conditional
        try:
            self._body(function.body, Frame(inner_scope, self.values.graph_values(inner_scope)))
        finally:
            self.inlining.pop()
        return self.graph.returns.get(inner_scope)

    def _arguments(self, call: ast.Call, scope: str, env: GraphEnv) -> tuple[list | None, dict | None]:
        """A call's arguments (``_call_values``); None, None when some are not known, so the parameters
        they bind are not known."""
        args, kwargs, known = self._call_values(call, scope, env)
        return (args, kwargs) if known else (None, None)

    def _call_values(self, call: ast.Call, scope: str, env: GraphEnv) -> tuple[list, dict, bool]:
        """A call's arguments, each evaluated once, in Python's order (``_argument``); ``*xs`` and ``**kw``
        unpack their plain lists and dicts; and whether all are known (``*xs`` not known stands as one
        UNKNOWN, ``**kw`` not known as none)."""
        args: list = []
        kwargs: dict = {}
        known = True
        for arg in call.args:
            if not isinstance(arg, ast.Starred):
                args.append(self._argument(arg, scope, env))
                continue
            value = self.case.plain(arg.value, Frame(scope, env))
            known = known and isinstance(value, tuple | list)
            args.extend(value if isinstance(value, tuple | list) else [UNKNOWN])
        for keyword in call.keywords:
            if keyword.arg is not None:
                kwargs[keyword.arg] = self._argument(keyword.value, scope, env)
                continue
            value = self.case.plain(keyword.value, Frame(scope, env))
            known = known and isinstance(value, dict)
            kwargs.update(value if isinstance(value, dict) else {})
        return args, kwargs, known

    def _argument(self, node: ast.expr, scope: str, env: GraphEnv) -> object:
        """An argument's one value: its graph value when it makes or names one (the layers it makes are
        made once, here), else its plain value."""
        raw = self.case.raw(node, Frame(scope, env))
        value = self.case.held(raw)
        return raw if value is None else value

    def _ref(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name) and func.id in self.layer_classes:
            return func.id
        return self.imports.canonical(func)

    def _value(self, node: ast.expr, scope: str, env: GraphEnv) -> Value | None:
        """An expression's graph value, evaluated by the interpreter with its graph case (``_GraphCase``)."""
        return self.case.value(node, Frame(scope, env))

    def _steady_list(self, node: ast.expr, env: GraphEnv) -> list | None:
        """The list or tuple of graph values a name holds, when no code changes it in place."""
        container = env.get(node.id) if isinstance(node, ast.Name) else None
        return container if isinstance(container, list) and not isinstance(container, _DictValues) else None

    def _tensor_expression(self, node: ast.Call | ast.Subscript, scope: str, env: GraphEnv) -> Tensor | None:
        """``ops.concatenate([a, b], axis=-1)``, ``tf.nn.relu(x)``, ``x[:, 0]``: a tensor without a layer,
        shaped later by evaluating the expression on its operands' shapes. Followed only when every
        call in it is such a function and its tensors are plain names (nothing in it makes a layer), and
        a subscript keeps the batch axis (``outputs[0]`` picks one of several outputs)."""
        if isinstance(node, ast.Subscript) and not _keeps_batch_axis(node.slice):
            return None
        node, applied = self._apply_arguments(node, scope, env)
        if node is None:
            return None
        calls = [inner for inner in ast.walk(node) if isinstance(inner, ast.Call)]
        if any(not (self._ref(call.func) or "").startswith(TENSOR_FUNCTION_PREFIXES) for call in calls):
            return None
        names = {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)}
        values = {name: env.get(name) for name in names}
        values.update(applied)
        if any(isinstance(value, LayerInstance | Model | list) for value in values.values()):
            return None
        operands = {name: value for name, value in values.items() if isinstance(value, Tensor)}
        if not operands:
            return None
        return Tensor(
            node=node,
            symbolic=any(t.symbolic for t in operands.values()),
            scope=scope,
            maybe=any(t.maybe for t in operands.values()),
            operands=operands,
        )

    def _apply_arguments(self, node: ast.expr, scope: str, env: GraphEnv) -> tuple[ast.expr | None, dict[str, Tensor]]:
        """``ops.relu(dense(x))``: an argument that calls something else than a tensor function is
        read as the graph reads it (the layer is applied here) and stands in the expression as a name."""
        if not isinstance(node, ast.Call):
            return node, {}
        applied: dict[str, Tensor] = {}

        def stand_in(arg: ast.expr) -> ast.expr | None:
            inner_calls = [inner for inner in ast.walk(arg) if isinstance(inner, ast.Call)]
            if all((self._ref(call.func) or "").startswith(TENSOR_FUNCTION_PREFIXES) for call in inner_calls):
                return arg
            value = self._value(arg, scope, env)
            if not isinstance(value, Tensor):
                return None
            name = f"_argument_{len(applied)}"
            applied[name] = value
            return ast.copy_location(ast.Name(name, ast.Load()), arg)

        args = [stand_in(arg) for arg in node.args]
        keywords = [ast.keyword(k.arg, stand_in(k.value)) for k in node.keywords]
        if any(arg is None for arg in args) or any(k.value is None for k in keywords):
            return None, {}
        return ast.copy_location(ast.Call(node.func, args, keywords), node), applied

    def _method(self, node: ast.Call, scope: str, env: GraphEnv) -> None:
        """``model.build(shape)``, ``model.add(layer)``, ``model.pop()``, ``layer.enable_lora(rank)``."""
        method = node.func.attr
        if method == "enable_lora":
            rank = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "rank"), None)
            self._set_later(node.func.value, "lora_rank", rank, scope, env)
            return None
        owner = self._value(node.func.value, scope, env)
        if isinstance(owner, Model | LayerInstance) and method == "build":
            owner.build = Setting(node if self.conditional == 0 else None, scope)
        elif isinstance(owner, Model) and owner.kind == "sequential" and method == "add" and node.args:
            self._add_to_sequential(owner, node.args[0], self._value(node.args[0], scope, env))
        elif isinstance(owner, Model) and owner.kind == "sequential" and method == "pop":
            if owner.layers and self.conditional == 0:
                owner.layers.pop()
            else:
                owner.opaque = True
        return None

    def _unmodelled_method(self, node: ast.Call, scope: str, env: GraphEnv) -> None:
        """``dense.quantize("int8")``: a method not known to keep the weights, on a layer or model
        followed here, makes its count unknown; a weight-changing one on anything else (``model.layers[1]``)
        makes every count of the module uncertain."""
        owner_node = node.func.value
        owner = env.get(owner_node.id) if isinstance(owner_node, ast.Name) else None
        if owner is None and node.func.attr in WEIGHT_CHANGING_METHODS:  # `seq.layers[0].quantize("int8")`: that layer, or its model
            owner, root = self._reached(owner_node, scope, env)
            owner = owner or root
        if isinstance(owner, LayerInstance | Model):
            owner.unmodelled.append(node)
        elif node.func.attr in WEIGHT_CHANGING_METHODS and not isinstance(owner, Tensor):
            self.graph.loose_weight_changes.append(node)

    @staticmethod
    def _proxy(model: Model) -> LayerInstance:
        if model.proxy is None:
            model.proxy = LayerInstance.standing_for(model)
        return model.proxy

    def _is_layer_class(self, ref: str) -> bool:
        if ref in self.layer_classes or is_preset_call(ref):  # `BertBackbone.from_preset(...)` makes a model
            return True
        if ref.startswith("keras.applications."):  # a whole model used as a layer (transfer learning)
            return ref.rsplit(".", 1)[1][:1].isupper()
        if ref.startswith("keras."):
            return ref.startswith("keras.layers.") and ref.rsplit(".", 1)[1][:1].isupper() and ref not in INPUT_NAMES
        return ref.rsplit(".", 1)[-1][:1].isupper() and self.is_library_layer(ref)

    def _instance(self, call: ast.Call, ref: str, scope: str, env: GraphEnv) -> LayerInstance | Model:
        if self.layer_classes.get(ref) == "model":
            model = Model(call, "subclass", scope, class_ref=ref)
            self.graph.models.append(model)
            return model
        wrapped = None
        if ref in ("keras.layers.TimeDistributed", "keras.layers.Bidirectional") and call.args:
            inner = self._value(call.args[0], scope, env)
            wrapped = inner if isinstance(inner, LayerInstance) else None
        instance = LayerInstance(call, ref, scope, wrapped=wrapped, uncertain=self.conditional > 0)
        # `Dense(x.shape[-1])`: the tensors its arguments name, as bound here (names get rebound later)
        instance.arg_tensors = {
            node.id: value for arg in [*call.args, *(k.value for k in call.keywords)]
            for node in ast.walk(arg) if isinstance(node, ast.Name) and isinstance(value := env.get(node.id), Tensor)
        }
        self.graph.instances.append(instance)
        return instance

    def _apply_layer(self, instance: LayerInstance, call: ast.Call, scope: str, args: list, kwargs: dict, known: bool) -> Tensor:
        """``lstm(x, initial_state=[h, c])`` on the values of its arguments (``_arguments``, in Python's
        order): its inputs; the tensors its other arguments give (``initial_state``, ``mask``) are on
        the model's paths too, and an argument that is neither a followed tensor nor plain data known
        here (``training=False``), or arguments not known (``*xs``), may hide one."""
        inputs, others = _layer_inputs(instance, args, kwargs)
        others += [] if known else [UNKNOWN]
        output = self._applied(instance, call, scope, [self.case.graph_value(value) for value in inputs])
        output.producer.keyword_tensors = [
            tensor for value in others for tensor in (_tensors(value) if is_graph_value(value) else [] if is_data(value) else [None])
        ]
        return output

    def _applied(self, instance: LayerInstance, call: ast.Call, scope: str, values: list[Value | None]) -> Tensor:
        """``instance`` applied by ``call`` to its evaluated inputs."""
        inputs: list[Tensor | list[Tensor | None] | None] = [
            [item if isinstance(item, Tensor) else None for item in value] if isinstance(value, list) else value if isinstance(value, Tensor) else None
            for value in values
        ]
        symbolic = any(_is_symbolic(item) for item in inputs)
        application = Application.of(instance, call, inputs, scope, self.conditional > 0, symbolic, len(self.graph.applications))
        instance.applications.append(application)
        self.graph.applications.append(application)
        return application.output

    def _sequential(self, call: ast.Call, scope: str, env: GraphEnv) -> Model:
        model = Model(call, "sequential", scope)
        self.graph.models.append(model)
        elements = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
        if isinstance(elements, ast.List | ast.Tuple):
            for element in elements.elts:
                if isinstance(element, ast.Starred):  # `*blocks`
                    self._add_all_to_sequential(model, element.value, scope, env)
                else:
                    self._add_to_sequential(model, element, self._value(element, scope, env))
        elif elements is not None and not (isinstance(elements, ast.Constant) and elements.value is None):
            self._add_all_to_sequential(model, elements, scope, env)  # `Sequential(stack)`
        return model

    def _add_all_to_sequential(self, model: Model, node: ast.expr, scope: str, env: GraphEnv) -> None:
        """The layers of a list named here, in order; a list not followed leaves the model's layers not known."""
        items = self._steady_list(node, env)
        if items is None:
            model.opaque = True
            return
        for item in items:
            self._add_to_sequential(model, node, item)

    def _add_to_sequential(self, model: Model, element: ast.expr, value: Value | None) -> None:
        """One element of a Sequential's layers (``element`` says where); one not followed (an unknown
        call, ``getattr(layers, kind)(7)``) leaves the model's layers not known."""
        if isinstance(value, Tensor) and value.input_call is not None and not model.layers:
            model.sequential_input = value.input_call
        elif isinstance(value, LayerInstance) and value.class_ref == "keras.layers.InputLayer" and not model.layers:
            model.sequential_input = value.call  # same `shape=` as keras.Input
        elif isinstance(value, Model):  # a model nested in a Sequential is one of its layers
            model.layers.append(self._proxy(value))
            model.opaque = model.opaque or self.conditional > 0
        elif isinstance(value, LayerInstance):
            value.in_sequential = True
            value.sequential_uses.append(element)
            model.layers.append(value)
            model.opaque = model.opaque or self.conditional > 0 or value.uncertain
        else:
            model.opaque = True

    def _functional(self, call: ast.Call, scope: str, env: GraphEnv) -> Model:
        """``keras.Model(inputs, outputs)`` on the values of its arguments (listed before the models they make)."""
        model = Model(call, "functional", scope)
        self.graph.models.append(model)
        args, kwargs, _ = self._call_values(call, scope, env)
        inputs = kwargs["inputs"] if "inputs" in kwargs else args[0] if args else None
        outputs = kwargs["outputs"] if "outputs" in kwargs else args[1] if len(args) > 1 else None
        model.inputs = [t for t in _tensors(self.case.graph_value(inputs)) if t is not None]
        model.outputs = _tensors(self.case.graph_value(outputs))
        model.layers, model.opaque = _layers_between(model.inputs, model.outputs)
        model.opaque = model.opaque or not model.outputs
        return model


class _GraphCase(Interpreter):
    """The interpreter as the graph reader runs it on module code and the module's functions: its one
    ``expr`` evaluates each expression once, on the scope's one environment of plain and graph values
    (``_Timeline.env``). Names, constants and containers are its own handlers'; its graph case is where
    a callee, an operand or a container is a graph value or a graph constructor: a call (``_graph_call``:
    a layer, model or input made, a layer or model applied, a tensor function, a module function
    inlined, a method of a layer or model), an operator on tensors (an operator layer), a conditional
    expression (decided by the reader's ``decide``), an item of a list of graph values picked by a plain
    index, a subscript of a tensor (a tensor expression). Everything else is plain (``plain``): the
    interpreter's own handlers, graph values read as not known (``scopes.plain``), and no graph case
    inside (a comprehension, an attribute, a comparison, a call of something not followed and its
    arguments: what a call inside makes is not on the graph)."""

    FOLLOWED = frozenset({ast.Name, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Starred, ast.Call, ast.BinOp, ast.IfExp, ast.Subscript})

    def __init__(self, reader: _ScopeReader) -> None:
        evaluator = reader.values.evaluator
        super().__init__(evaluator.module, None, evaluator.flavor)
        self.reader = weakref.proxy(reader)  # which holds it: a strong link would be a cycle
        self.frame: Frame | None = None  # the scope being read, for the graph case
        self.plain_depth = 0  # > 0: inside a plain expression, evaluated by the interpreter's own handlers
        self.graph_only: ast.expr | None = None  # the expression whose graph value only is asked for

    # -- entry points: what the graph reader asks ------------------------------------------------
    def raw(self, node: ast.expr, frame: Frame, graph_only: bool = False):
        """``node``'s one value in ``frame``: a graph value or a plain value (``graph_only``: a plain value
        is not asked for, so a plain expression is not evaluated: UNKNOWN)."""
        outer = self.frame, self.graph_only
        self.frame, self.graph_only = frame, node if graph_only else None
        try:
            return self.expr(node, frame.env.timeline.env)
        finally:
            self.frame, self.graph_only = outer

    def value(self, node: ast.expr, frame: Frame) -> Value | None:
        """``node``'s graph value in ``frame`` (None: it has none)."""
        return self.graph_value(self.raw(node, frame, graph_only=True))

    def plain(self, node: ast.expr, frame: Frame):
        """``node``'s plain value in ``frame``."""
        return self._plain(node, frame.env.timeline.env)

    @staticmethod
    def graph_value(value) -> Value | None:
        """A value as the graph reader reads it (``scopes.graph_view``; a dict's values as ``_DictValues``)."""
        if isinstance(value, dict):
            return _DictValues(graph_view(item) for item in value.values())
        return graph_view(value)

    @classmethod
    def held(cls, value) -> Value | None:
        """A value as a name holds it when it is a graph value (``graph_value``), else None."""
        value = cls.graph_value(value)
        return value if is_graph_value(value) else None

    # -- dispatch ------------------------------------------------------------------------------
    def expr(self, node: ast.expr | None, env: dict):
        if self.plain_depth:
            method = Interpreter.EXPRESSIONS.get(type(node))
            return method(self, node, env) if method else None if node is None else UNKNOWN
        if type(node) not in self.FOLLOWED:
            return self._plain_case(node, env)
        return super().expr(node, env)

    def _plain_case(self, node: ast.expr | None, env: dict):
        """A plain expression's value, unless only a graph value is asked for."""
        return UNKNOWN if node is not None and node is self.graph_only else self._plain(node, env)

    def _plain(self, node: ast.expr | None, env: dict):
        """The interpreter's own handlers, graph values read as not known; a tensor it computes is on no
        graph (``keras.ops.ones((2, 3)) / 2``), so it is not known here either."""
        self.plain_depth += 1
        try:
            value = self.expr(node, PlainView(env))
        finally:
            self.plain_depth -= 1
        return UNKNOWN if is_graph_value(value) else value

    def _run_plain(self, function: FunctionValue, args: list, kwargs: dict):
        self.plain_depth += 1
        try:
            return self.call_function(function, args, kwargs)
        finally:
            self.plain_depth -= 1

    # -- the graph case ------------------------------------------------------------------------
    def _expr_Call(self, node: ast.Call, env: dict):
        value = self._graph_call(node, env)
        if value is NOT_GRAPH:
            return self._plain_case(node, env)
        return UNKNOWN if value is None else value

    def _graph_call(self, node: ast.Call, env: dict):
        """What a call makes or applies on the graph (None: nothing followed); NOT_GRAPH: a plain call."""
        reader, (scope, graph_env) = self.reader, self.frame
        function = reader.functions.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if function is not None and function.name in reader.values.helper_names:  # `width(2)`: plain values in and out
            args, kwargs = reader._arguments(node, scope, graph_env)
            if args is None:
                return None
            if not any(is_graph_value(value) for value in [*args, *kwargs.values()]):
                return UNKNOWN if node is self.graph_only else self._run_plain(reader.values.helpers[id(function)], args, kwargs)
        else:
            args = kwargs = None
        ref = reader._ref(node.func)
        if ref in TENSOR_FROM_SHAPE:  # `np.zeros((1, 32))`: an array; `x_train.shape[1:]` reads its shape
            shape = self.expr(node.args[0], env) if node.args else None
            known = isinstance(shape, tuple | list) and all(as_int(dim) is not None for dim in shape)
            return Tensor(tuple(map(as_int, shape)) if known else None, node=node, symbolic=False, scope=scope, operands={})
        if ref is not None and ref.startswith(TENSOR_FUNCTION_PREFIXES) and not reader._is_layer_class(ref):
            return reader._tensor_expression(node, scope, graph_env) or NOT_GRAPH
        if ref in MERGE_FUNCTIONS and node.args:
            instance = LayerInstance(node, MERGE_FUNCTIONS[ref], scope, functional=True, uncertain=reader.conditional > 0)
            reader.graph.instances.append(instance)
            args = reader._call_values(node, scope, graph_env)[0]
            return reader._applied(instance, node, scope, [self.graph_value(args[0])])  # the list of tensors it merges
        if ref in INPUT_NAMES:
            return Tensor(node=node, symbolic=True, input_call=node, scope=scope)
        if ref in SEQUENTIAL:
            return reader._sequential(node, scope, graph_env)
        if ref in FUNCTIONAL:
            return reader._functional(node, scope, graph_env)
        if ref is not None and reader._is_layer_class(ref):
            return reader._instance(node, ref, scope, graph_env)
        if function is not None and reader.unread:
            reader.read_functions()
        if function is not None and not (node.args or node.keywords) and function.name not in reader.reused and function.name in reader.graph.returns:
            reader.reused.add(function.name)  # the first call takes what reading the function made
            return reader.graph.returns[function.name]
        if function is not None:  # each further call makes new layers
            if not LIMITS.inlines(function.name, reader.inlining):
                return None
            if args is None:
                args, kwargs = reader._arguments(node, scope, graph_env)
            return reader._inline(function, node, scope, args, kwargs)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("add", "build", "pop", "enable_lora"):
            return reader._method(node, scope, graph_env)
        if isinstance(node.func, ast.Attribute) and node.func.attr not in WEIGHT_KEEPING_METHODS:
            reader._unmodelled_method(node, scope, graph_env)
        callee = self.expr(node.func, env)
        if not isinstance(callee, LayerInstance | Model):
            return NOT_GRAPH
        args, kwargs, known = reader._call_values(node, scope, graph_env)  # once: what they make is made once
        if isinstance(callee, LayerInstance):
            return reader._apply_layer(callee, node, scope, args, kwargs, known)
        inputs = [self.graph_value(value) for value in args[:1]]
        callee.calls.append((node, [item if isinstance(item, Tensor) else None for item in inputs]))
        reader._proxy(callee)  # the model is a layer of the graph it is called in
        return reader._applied(callee.proxy, node, scope, inputs)

    def _expr_BinOp(self, node: ast.BinOp, env: dict):
        """``x + y`` on tensors: an element-wise op without weights, like the Add layer; ``x * 2.0``: the
        same tensor (same shape, no weights, same place in the graph). Another operator is plain, and so
        is one on plain operands (the interpreter's arithmetic, graph values read as not known)."""
        if type(node.op) not in OPERATOR_LAYERS:
            return self._plain_case(node, env)
        left, right = self.expr(node.left, env), self.expr(node.right, env)
        if not (isinstance(left, Tensor) or isinstance(right, Tensor)):
            return self._binop(node.op, plain(left), plain(right))
        for side, other in ((node.left, right), (node.right, left)):
            if isinstance(side, ast.Constant) and isinstance(side.value, int | float) and isinstance(other, Tensor):
                return other
        reader, (scope, _) = self.reader, self.frame
        instance = LayerInstance(node, OPERATOR_LAYERS[type(node.op)], scope, functional=True, uncertain=reader.conditional > 0)
        reader.graph.operator_layers.append(instance)
        return reader._applied(instance, node, scope, [[graph_view(left), graph_view(right)]])  # as `Add()([x, y])`, on the operands read once

    def _expr_IfExp(self, node: ast.IfExp, env: dict):
        """``layers.BatchNormalization() if use_bn else layers.Identity()``: the arm the reader's ``decide``
        takes; when that is not known, plain (both arms, when they give the same plain value)."""
        taken = self.reader.decide(node.test, self.frame)
        if taken is None:
            return self._plain_case(node, env)
        return self.expr(node.body if taken else node.orelse, env)

    def _expr_Subscript(self, node: ast.Subscript, env: dict):
        """``blocks[i](x)``, ``outputs[0]``: an item of a list or tuple of graph values a name holds, picked
        by a plain index (``i`` an unrolled loop's variable); ``x[:, 0]``: a tensor expression; else plain.
        Another container is not read here: an expression may call layers, which only its reading as a
        tensor expression decides."""
        if isinstance(node.value, ast.Name):
            container = self.expr(node.value, env)
            if isinstance(container, list | tuple) and not isinstance(container, _DictValues) and is_graph_value(container):
                index = as_int(self.expr(node.slice, env))
                item = subscript(container, index) if index is not None else None
                if isinstance(item, LayerInstance | Model | Tensor):  # an item that is no graph value is not known
                    return item
        value = self.reader._tensor_expression(node, *self.frame)
        return self._plain_case(node, env) if value is None else value


class _DictValues(list):
    """A dict's graph values, in order: its items are not picked by position."""


def _pairing(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PAIRING_BUILTINS


def _plain_or_graph(item) -> bool:
    return is_plain(item) or isinstance(item, LayerInstance | Model | Tensor)


def _names_only(target: ast.expr) -> bool:
    """A name, or a tuple or list of them (nested), without a starred one."""
    return isinstance(target, ast.Name) or (isinstance(target, ast.Tuple | ast.List) and all(map(_names_only, target.elts)))


def _set_inside(model: Model) -> bool:
    """Whether ``trainable`` was set on a layer or sub-model of the model: setting the model's then
    sets theirs in tf_keras, in Keras 3 only when the model's flag changes."""
    nested = [instance.model for instance in model.layers if instance.model is not None and instance.model.kind != "subclass"]
    return any(instance.trainable is not None for instance in model.layers) or any(sub.trainable is not None or _set_inside(sub) for sub in nested)


def _layer_inputs(instance: LayerInstance, args: list, kwargs: dict) -> tuple[list, list]:
    """The values of the tensors a layer is called on: positional, or by keyword (``inputs=x``; ``key=k``
    for attention); and the values of its other arguments."""
    names = ATTENTION_INPUTS.get(instance.class_ref)
    if names is None:
        if args or "inputs" not in kwargs:
            return args, list(kwargs.values())
        return [kwargs["inputs"]], [value for key, value in kwargs.items() if key != "inputs"]  # `layer(inputs=x)`
    by_keyword = names[len(args):]
    given = [*args, *(kwargs.get(name, _MISSING) for name in by_keyword)]
    while given and given[-1] is _MISSING:
        given.pop()
    return [None if value is _MISSING else value for value in given], [value for key, value in kwargs.items() if key not in by_keyword]


def _keeps_batch_axis(index: ast.expr) -> bool:
    first = index.elts[0] if isinstance(index, ast.Tuple) and index.elts else index
    is_full_slice = isinstance(first, ast.Slice) and first.lower is None and first.upper is None and first.step is None
    return is_full_slice or (isinstance(first, ast.Constant) and first.value is Ellipsis)


def _is_symbolic(item) -> bool:
    if isinstance(item, list):
        return any(_is_symbolic(element) for element in item)
    return isinstance(item, Tensor) and item.symbolic


def _outputs(output: Tensor, targets: list[ast.expr]) -> list[Tensor] | None:
    """The outputs of a layer that returns several (``return_state=True``), unpacked into ``targets``:
    each made by the same application, its shape not known (counts shape only the whole output)."""
    if any(isinstance(target, ast.Starred) for target in targets):
        return None
    return [Tensor(node=output.node, symbolic=output.symbolic, producer_link=output.producer_link, index=index, scope=output.scope) for index in range(len(targets))]


def _tensors(value: Value | None) -> list[Tensor | None]:
    """The tensors of an inputs/outputs argument; None marks an element that is not one."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list):
        return [item if isinstance(item, Tensor) else None for item in value]
    return [None]


def _layers_between(inputs: list[Tensor], outputs: list[Tensor | None]) -> tuple[list[LayerInstance], bool]:
    """The layer instances on the paths from outputs back to inputs, each once, in call order;
    and whether some path ends somewhere else than an ``Input`` (then the list may be short)."""
    found: dict[int, LayerInstance] = {}
    stack = list(outputs)
    visited: set[int] = {id(tensor) for tensor in inputs}  # the walk stops at the model's inputs
    opaque = False
    while stack:
        tensor = stack.pop()
        if tensor is None:
            opaque = True
            continue
        if id(tensor) in visited:
            continue
        if tensor.operands is not None:
            visited.add(id(tensor))
            stack.extend(tensor.operands.values())
            continue
        if tensor.producer is None:
            opaque = opaque or tensor.input_call is None
            continue
        visited.add(id(tensor))
        application = tensor.producer
        opaque = opaque or application.uncertain or application.instance.uncertain
        found.setdefault(id(application.instance), application.instance)
        for item in application.inputs:
            stack.extend(item if isinstance(item, list) else [item])
        stack.extend(application.keyword_tensors)
    return sorted(found.values(), key=_first_call_position), opaque


def _first_call_position(instance: LayerInstance) -> tuple[int, int, int]:
    """Where its first call ends: ``outer(inner(x))`` runs ``inner`` first, as Keras lists them;
    the passes of a loop, at one place, in the order they run."""
    return min((a.call.end_lineno or a.call.lineno, a.call.end_col_offset or 0, a.order) for a in instance.applications)
