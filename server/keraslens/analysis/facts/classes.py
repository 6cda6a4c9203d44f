"""Per-class facts the rules and the counter need, gathered in one pass over each class.

For every Keras layer or model class: where weights are created (``add_weight``,
``tf.Variable``, ``keras.Variable``, raw tensors, ``tf.Module`` instances), where
sublayers are created, in which phase (``__init__`` / ``build`` / ``call``, helpers
inherit the phase of the method that calls them), where the result is stored, and what
``call()`` reads. Nothing here decides whether something is a bug: that is the rules' job.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Iterator
from itertools import chain
from dataclasses import dataclass, field
from enum import Enum

from ..names.bases import ExternalClass, resolve_base
from ..names.imports import Flavor, ImportMap, is_layer_base, is_model_base
from ..names.keras_names import NOT_USER_CODE
from ..source import SourceFile, nodes_under, walk, walk_statements


class Phase(str, Enum):
    INIT = "init"
    BUILD = "build"
    CALL = "call"
    OTHER = "other"


PHASE_OF_METHOD = {"__init__": Phase.INIT, "build": Phase.BUILD, "call": Phase.CALL}


class TargetKind(str, Enum):
    SELF_ATTR = "self_attr"  # self.x = ...
    SELF_CONTAINER = "self_container"  # self.x = [...], self.x.append(...), self.x[k] = ...
    LOCAL = "local"  # only ever bound to a local name
    PLAIN_OBJECT = "plain_object"  # other.x = ... where other is not the layer
    CLASS_ATTR = "class_attr"  # class body assignment
    NONE = "none"  # result discarded or passed on


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    attr: str | None = None  # the self attribute, for SELF_ATTR / SELF_CONTAINER / PLAIN_OBJECT holder


class WeightKind(str, Enum):
    ADD_WEIGHT = "add_weight"
    TF_VARIABLE = "tf_variable"
    KERAS_VARIABLE = "keras_variable"
    TENSOR = "tensor"
    TF_MODULE = "tf_module"


@dataclass(slots=True)
class WeightSite:
    kind: WeightKind
    creator: str  # canonical name of what was called
    call: ast.Call
    statement: ast.stmt
    method: str | None
    phases: frozenset[Phase]
    target: Target
    guarded: bool  # inside an ``if`` (lazy creation)

    def keyword(self, name: str) -> ast.expr | None:
        return next((k.value for k in self.call.keywords if k.arg == name), None)


@dataclass(slots=True)
class SublayerSite:
    class_ref: str  # canonical (keras.layers.Dense) or a class name of this file
    call: ast.Call
    statement: ast.stmt
    method: str | None
    phases: frozenset[Phase]
    target: Target
    guarded: bool


@dataclass(frozen=True, slots=True)
class SelfCall:
    """``self.x(...)`` in ``call()`` or a helper it calls."""

    attr: str
    call: ast.Call
    method: str
    branches: tuple[tuple[str, int], ...]  # (condition of an enclosing `if`, 1 when it holds / 0 when not)

    def excludes(self, other: SelfCall) -> bool:
        """Both cannot run in one pass: they need opposite values of one condition (two branches
        of one `if`, or `if x:` and a later `if not x:`)."""
        mine = dict(self.branches)
        return any(node in mine and mine[node] != branch for node, branch in other.branches)


@dataclass(slots=True)
class ClassFacts:
    name: str
    node: ast.ClassDef
    kind: str  # "layer" | "model"
    flavor: Flavor
    keras_bases: list[str]  # canonical Keras bases in the class header, or reached through a base from another file
    local_bases: list[str]  # bases that are layer classes of this file
    external_bases: list[ast.expr]  # bases imported from elsewhere (resolved lazily)
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)
    phases: dict[str, frozenset[Phase]] = field(default_factory=dict)
    weights: list[WeightSite] = field(default_factory=list)
    sublayers: list[SublayerSite] = field(default_factory=list)
    reads: dict[Phase, dict[str, ast.AST]] = field(default_factory=dict)  # phase -> self attribute -> first read
    private_list_uses: list[ast.Attribute] = field(default_factory=list)
    plain_holders: dict[str, ast.stmt] = field(default_factory=dict)  # self.x = SimpleNamespace() & co
    # self attributes handed to something else: an argument, another attribute, a container
    # (`self.enc_input = encoder.layers[0]`, `Head(self.proj)`, `self.blocks = [self.a]`)
    passed_on: set[str] = field(default_factory=set)
    dynamic_reads: bool = False  # getattr(self, name), vars(self), self.__dict__: any attribute may be read
    plain_objects: list[SublayerSite] = field(default_factory=list)  # instances of PLAIN_LAYER_HOLDERS classes
    self_calls: list[SelfCall] = field(default_factory=list)  # self.x(...) in the forward pass, in source order
    calls: list[ast.Call] = field(default_factory=list)  # every call in the class: its header, body and methods
    # results computed from these facts (a rule's findings in this class), kept with them: an
    # unchanged class of the next version reuses the facts, and with them these
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_init(self) -> bool:
        return "__init__" in self.methods

    def calls_super(self, method: str) -> bool:
        function = self.methods.get(method)
        return function is not None and any(_is_super_call(node, method) for node in walk(function))

    def reads_in(self, *phases: Phase) -> set[str]:
        return set().union(*(self.reads.get(phase, {}).keys() for phase in phases))

    def first_read(self, attr: str, phase: Phase) -> ast.AST | None:
        return self.reads.get(phase, {}).get(attr)

    def method_of_line(self, line: int) -> str | None:
        for name, function in self.methods.items():
            if function.lineno <= line <= (function.end_lineno or function.lineno):
                return name
        return None


# -- what a call creates -----------------------------------------------------------------

RANDOM_CREATORS = frozenset(
    {
        "tensorflow.random.normal", "tensorflow.random.uniform", "tensorflow.random.truncated_normal",
        "tensorflow.random.stateless_normal", "tensorflow.random.stateless_uniform",
        "keras.random.normal", "keras.random.uniform", "keras.random.truncated_normal",
        "numpy.random.randn", "numpy.random.rand", "numpy.random.normal", "numpy.random.uniform",
        "numpy.random.random", "numpy.random.standard_normal",
    }
)
FILL_CREATORS = frozenset(
    {
        "tensorflow.zeros", "tensorflow.ones", "tensorflow.fill", "tensorflow.constant",
        "tensorflow.convert_to_tensor",
        "keras.ops.zeros", "keras.ops.ones", "keras.ops.full", "keras.ops.convert_to_tensor",
        "numpy.zeros", "numpy.ones", "numpy.full", "numpy.array", "numpy.asarray",
    }
)
TENSOR_CREATORS = RANDOM_CREATORS | FILL_CREATORS
TF_VARIABLES = frozenset({"tensorflow.Variable"})
KERAS_VARIABLES = frozenset({"keras.Variable", "keras.backend.Variable"})
TF_MODULES = frozenset({"tensorflow.Module"})
PLAIN_HOLDERS = frozenset({"types.SimpleNamespace", "builtins.object", "object", "argparse.Namespace"})
NOT_SUBLAYERS = frozenset({"keras.layers.Layer", "keras.layers.InputSpec", "keras.layers.Input"})


def _is_super_call(node: ast.AST, method: str) -> bool:
    """``super().m(...)``, ``super(C, self).m(...)`` or ``Base.m(self, ...)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method):
        return False
    owner = node.func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return True
    return bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == "self"


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _self_root_attr(node: ast.AST) -> str | None:
    """``self.x`` in ``self.x``, ``self.x[k]``, ``self.x.y``: the attribute of self it hangs off."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        attr = _self_attr(node)
        if attr is not None:
            return attr
        node = node.value
    return None


# -- the module ----------------------------------------------------------------------------


@dataclass(slots=True)
class ModuleFacts:
    source: SourceFile
    imports: ImportMap
    flavor: Flavor
    classes: dict[str, ClassFacts]
    tf_module_classes: set[str]
    plain_layer_holders: set[str] = field(default_factory=set)  # plain classes of the file that store layers on self
    _subclasses: dict[str, list[ClassFacts]] | None = field(default=None, init=False, repr=False, compare=False)
    _file_wide: tuple[set[str], set[str]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def assigned_attributes(self) -> set[str]:
        """`.x` in any `<obj>.x.assign*(...)` of the file."""
        return self._file_wide_facts()[0]

    @property
    def numpy_generators(self) -> set[str]:
        """`rng` / `self.rng` bound to np.random.default_rng(...) anywhere in the file."""
        return self._file_wide_facts()[1]

    def _file_wide_facts(self) -> tuple[set[str], set[str]]:
        # found on first use, in one walk of the whole tree: most files never need them
        if self._file_wide is None:
            nodes = [node for node in walk(self.source.tree) if isinstance(node, ast.Call | ast.Assign)]
            self._file_wide = _assigned_attributes(nodes), _numpy_generators(nodes, self.imports)
        return self._file_wide

    def is_layer_class_ref(self, ref: str) -> bool:
        return ref in self.classes or is_layer_base(ref) or is_model_base(ref)

    def subclasses_of(self, name: str) -> Iterator[ClassFacts]:
        if self._subclasses is None:  # indexed on first use: rules ask once per class
            self._subclasses = {}
            for facts in self.classes.values():
                for base in dict.fromkeys(facts.local_bases):
                    self._subclasses.setdefault(base, []).append(facts)
        yield from self._subclasses.get(name, ())


def collect_module(source: SourceFile, flavor: Flavor, imports: ImportMap | None = None) -> ModuleFacts:
    imports = imports or ImportMap.from_module(source.tree)
    resolved: dict[int, ExternalClass | None] = {}

    def resolve(base: ast.expr) -> ExternalClass | None:
        if id(base) not in resolved:
            resolved[id(base)] = resolve_base(source, base)
        return resolved[id(base)]

    class_nodes = [node for node in walk_statements(source.tree) if isinstance(node, ast.ClassDef)]
    layer_like: dict[str, tuple[ast.ClassDef, str, list[str], list[str], list[ast.expr]]] = {}
    tf_modules: set[str] = set()
    # classes may subclass classes defined later in the walk order: iterate to a fixed point
    changed = True
    while changed:
        changed = False
        for node in class_nodes:
            if node.name in layer_like or node.name in tf_modules:
                continue
            classified = _classify(node, imports, layer_like, tf_modules, resolve)
            if classified == "tf_module":
                tf_modules.add(node.name)
                changed = True
            elif classified is not None:
                layer_like[node.name] = classified
                changed = True
    module = ModuleFacts(source, imports, flavor, {}, tf_modules)
    module.plain_layer_holders = _plain_layer_holders(class_nodes, imports, set(layer_like), tf_modules)
    # every class is known by name before any is walked: a class may create a later one
    for name, (node, kind, keras_bases, local_bases, external) in layer_like.items():
        module.classes[name] = ClassFacts(name, node, kind, flavor, keras_bases, local_bases, external)
    surroundings = _Surroundings(flavor, dict(imports.names), frozenset(module.classes), frozenset(tf_modules), frozenset(module.plain_layer_holders))
    with _previous_lock:
        previous = _previous.pop(source.path, {})
    collected: dict[int, _Collected] = {}
    for name, facts in list(module.classes.items()):
        before = previous.get(id(facts.node))
        if before is not None and before.still_holds(facts, surroundings, module):
            module.classes[name] = before.facts
            collected[id(facts.node)] = before
            continue
        collector = _ClassCollector(module, facts)
        collector.collect()
        generators = frozenset(module.numpy_generators) if collector.asked_generators else None
        collected[id(facts.node)] = _Collected(facts, surroundings, generators)
    with _previous_lock:
        _previous[source.path] = collected
        while len(_previous) > _previous_documents:
            del _previous[next(iter(_previous))]
    return module


# -- reuse between versions of a document -------------------------------------------------
# A keystroke re-parses only the top-level block it edited: every other class of the new
# version is the very same ``ast.ClassDef`` object as in the previous one. Its facts are
# reused when what the collection read from the rest of the file is unchanged too. Only the
# latest version of each document is kept, for at most ``_previous_documents`` documents;
# each entry holds its class node, so the node's id cannot be reused by another one.


@dataclass(frozen=True, slots=True)
class _Surroundings:
    """What collecting one class reads from the rest of the file (besides numpy generators)."""

    flavor: Flavor
    imports: dict[str, str]
    class_names: frozenset[str]
    tf_modules: frozenset[str]
    plain_layer_holders: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Collected:
    facts: ClassFacts
    surroundings: _Surroundings
    numpy_generators: frozenset[str] | None  # the file's generators, when the collection asked for them

    def still_holds(self, fresh: ClassFacts, surroundings: _Surroundings, module: ModuleFacts) -> bool:
        old = self.facts
        return (
            old.node is fresh.node
            and (old.kind, old.keras_bases, old.local_bases, old.external_bases) == (fresh.kind, fresh.keras_bases, fresh.local_bases, fresh.external_bases)
            and self.surroundings == surroundings
            and (self.numpy_generators is None or self.numpy_generators == module.numpy_generators)
        )


_previous: dict[str, dict[int, _Collected]] = {}  # path -> id(class node) -> facts of its latest version
_previous_documents = 64
_previous_lock = threading.Lock()


def keep_documents(count: int) -> None:
    """Keep the per-class facts of at most ``count`` documents for reuse."""
    global _previous_documents
    with _previous_lock:
        _previous_documents = max(1, count)
        while len(_previous) > _previous_documents:
            del _previous[next(iter(_previous))]


NUMPY_GENERATORS = frozenset({"numpy.random.default_rng", "numpy.random.RandomState", "numpy.random.Generator"})
# methods of a NumPy Generator / RandomState that draw a fresh random array
NUMPY_DRAWS = frozenset({"normal", "uniform", "standard_normal", "random", "random_sample", "randn", "rand", "truncated_normal"})


def _numpy_generators(nodes: list[ast.AST], imports: ImportMap) -> set[str]:
    """Names (``rng``) and self attributes (``self.rng``) bound to a NumPy random generator in ``nodes``."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and imports.canonical(node.value.func) in NUMPY_GENERATORS:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.add(target.id)
                elif (attr := _self_attr(target)) is not None:
                    found.add(f"self.{attr}")
    return found


def _plain_layer_holders(class_nodes, imports: ImportMap, layer_classes: set[str], tf_modules: set[str]) -> set[str]:
    """Classes that are neither layers nor ``tf.Module``s but store a layer or a variable on
    ``self``: Keras does not look inside their instances."""
    held = {*layer_classes}
    found: set[str] = set()
    for node in class_nodes:
        if node.name in layer_classes or node.name in tf_modules:
            continue
        if any(not (isinstance(base, ast.Name) and base.id == "object") for base in node.bases):
            continue  # a base from elsewhere may be a layer or a tf.Module after all
        for stmt in walk(node):
            if isinstance(stmt, ast.Assign) and any(_self_root_attr(t) for t in stmt.targets):
                refs = (imports.canonical(call.func) or getattr(call.func, "id", None) for call, _ in _creation_calls(stmt.value))
                if any(ref and (ref in held or _is_keras_layer_class(ref) or ref in TF_VARIABLES | KERAS_VARIABLES) for ref in refs):
                    found.add(node.name)
                    break
    return found


ASSIGN_METHODS = re.compile(r"^(assign(_add|_sub)?|scatter_\w+)$")


def _assigned_attributes(nodes: list[ast.AST]) -> set[str]:
    """Attributes that receive a variable update somewhere in ``nodes`` (``self.table.assign(...)``,
    ``layer.count.assign_add(1)``): such a variable holds state, not a constant."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and ASSIGN_METHODS.match(node.func.attr):
            receiver = node.func.value
            while isinstance(receiver, ast.Subscript):
                receiver = receiver.value
            if isinstance(receiver, ast.Attribute):
                found.add(receiver.attr)
    return found


def _classify(node, imports, known, tf_modules, resolve):
    keras_bases: list[str] = []
    local_bases: list[str] = []
    external: list[ast.expr] = []
    kind = None
    for base in node.bases:
        canonical = imports.canonical(base)
        if isinstance(base, ast.Name) and base.id in known:
            local_bases.append(base.id)
            kind = kind or known[base.id][1]
        elif isinstance(base, ast.Name) and base.id in tf_modules or canonical in TF_MODULES:
            return "tf_module"
        elif canonical and is_model_base(canonical):
            keras_bases.append(canonical)
            kind = "model"
        elif canonical and is_layer_base(canonical):
            keras_bases.append(canonical)
            kind = kind or "layer"
        elif canonical and not canonical.startswith(NOT_USER_CODE):
            external.append(base)
    if kind is None and external:
        # only a base from another file can make this a layer: ask jedi (costly, so only now)
        for info in filter(None, map(resolve, external)):
            if info.kind == "tf_module":
                return "tf_module"
            if info.kind is not None:
                kind = "model" if "model" in (kind, info.kind) else kind or info.kind
                keras_bases.extend(info.keras_bases)
    if kind is None:
        return None
    return node, kind, keras_bases, local_bases, external


class _ClassCollector:
    """Walks one class: methods, their phases, creation sites and self-attribute reads."""

    def __init__(self, module: ModuleFacts, facts: ClassFacts) -> None:
        self.module = module
        self.facts = facts
        self.asked_generators = False  # whether the facts depend on the file's numpy generators

    def collect(self) -> None:
        facts = self.facts
        for stmt in facts.node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                facts.methods[stmt.name] = stmt  # type: ignore[assignment]
            elif isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                self._collect_creations(stmt.value, stmt, None, frozenset({Phase.OTHER}), Target(TargetKind.CLASS_ATTR), False)
        # each method is walked once; the passes below read its nodes (in walk order) from the list
        nodes = {name: nodes_under(function) for name, function in facts.methods.items()}
        calls = {name: [node for node in function_nodes if isinstance(node, ast.Call)] for name, function_nodes in nodes.items()}
        walked = {id(function) for function in facts.methods.values()}
        rest = [child for child in ast.iter_child_nodes(facts.node) if id(child) not in walked]  # a method defined twice too
        facts.calls = [*chain.from_iterable(calls.values()), *(node for root in rest for node in walk(root) if isinstance(node, ast.Call))]
        facts.phases = self._method_phases(calls)
        for name, function in facts.methods.items():
            self._collect_method(name, function, facts.phases.get(name, frozenset({Phase.OTHER})))
            facts.passed_on |= _passed_on(nodes[name])
            if Phase.CALL in facts.phases.get(name, frozenset()):
                facts.self_calls.extend(_self_calls(name, function.body, ()))
            facts.dynamic_reads = facts.dynamic_reads or _reads_dynamically(nodes[name])

    def _method_phases(self, calls: dict[str, list[ast.Call]]) -> dict[str, frozenset[Phase]]:
        called_by: dict[str, set[str]] = {name: set() for name in self.facts.methods}
        for name, function_calls in calls.items():
            for node in function_calls:
                if (callee := _self_attr(node.func)) in called_by and callee != name:
                    called_by[callee].add(name)
        phases: dict[str, set[Phase]] = {name: {PHASE_OF_METHOD[name]} if name in PHASE_OF_METHOD else set() for name in called_by}
        for _ in range(len(phases)):
            for name, callers in called_by.items():
                if name not in PHASE_OF_METHOD:
                    for caller in callers:
                        phases[name] |= phases[caller]
        return {name: frozenset(found or {Phase.OTHER}) for name, found in phases.items()}

    def _collect_method(self, name: str, function: ast.FunctionDef, phases: frozenset[Phase]) -> None:
        facts = self.facts
        locals_to_sites: dict[str, list[WeightSite | SublayerSite]] = {}
        for stmt, guarded in _statements(function.body):
            for node in walk(stmt, stop=(ast.stmt, ast.excepthandler)):  # not into nested blocks
                attr = _self_attr(node)
                if attr is not None and isinstance(node.ctx, ast.Load):
                    self._note_read(attr, node, phases)
                if isinstance(node, ast.Attribute) and node.attr in ("_trainable_weights", "_non_trainable_weights"):
                    facts.private_list_uses.append(node)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
                    # `Dense(5)(x)`: a layer made and applied at once, never stored
                    self._collect_creations(node.func, stmt, name, phases, Target(TargetKind.NONE), guarded)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args:
                    if isinstance(node.args[0], ast.Name) and node.args[0].id == "self" and len(node.args) > 1:
                        if isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                            self._note_read(node.args[1].value, node, phases)
            target, value = _assignment(stmt)
            if value is None:
                continue
            resolved = self._target_of(target, stmt, locals_to_sites)
            if resolved is None:
                continue
            created = self._collect_creations(value, stmt, name, phases, resolved, guarded)
            if resolved.kind is TargetKind.LOCAL and isinstance(target, ast.Name):
                locals_to_sites.setdefault(target.id, []).extend(created)
            elif resolved.kind is TargetKind.LOCAL and _list_append_owner(stmt) is not None:
                locals_to_sites.setdefault(_list_append_owner(stmt), []).extend(created)

    def _note_read(self, attr: str, node: ast.AST, phases: frozenset[Phase]) -> None:
        for phase in phases:
            self.facts.reads.setdefault(phase, {}).setdefault(attr, node)

    def _target_of(self, target, stmt, locals_to_sites) -> Target | None:
        """Where a value ends up; also promotes earlier locals that now reach ``self``."""
        if target is None:
            return Target(TargetKind.NONE)
        attr = _self_attr(target)
        if attr is not None:
            self._note_plain_holder(attr, stmt)
            promoted = Target(TargetKind.SELF_ATTR, attr)
        elif (root := _self_root_attr(target)) is not None:
            holder = self.facts.plain_holders.get(root)
            promoted = Target(TargetKind.PLAIN_OBJECT, root) if holder is not None and isinstance(target, ast.Attribute) else Target(TargetKind.SELF_CONTAINER, root)
        elif isinstance(target, ast.Name):
            promoted = Target(TargetKind.LOCAL, target.id)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            promoted = Target(TargetKind.PLAIN_OBJECT)
        else:
            return Target(TargetKind.NONE)
        if promoted.kind in (TargetKind.SELF_ATTR, TargetKind.SELF_CONTAINER, TargetKind.PLAIN_OBJECT):
            value = _assignment(stmt)[1]
            for node in ast.walk(value) if value is not None else ():
                if isinstance(node, ast.Name) and node.id in locals_to_sites:
                    kind = promoted.kind
                    if kind is TargetKind.SELF_ATTR and not isinstance(value, ast.Name):
                        kind = TargetKind.SELF_CONTAINER
                    for site in locals_to_sites[node.id]:
                        site.target = Target(kind, promoted.attr)
        return promoted

    def _canonical(self, func: ast.expr) -> str | None:
        ref = self.module.imports.canonical(func)
        if ref is None and isinstance(func, ast.Name):
            return "builtins.object" if func.id == "object" else func.id
        return ref

    def _note_plain_holder(self, attr: str, stmt: ast.stmt) -> None:
        value = _assignment(stmt)[1]
        if isinstance(value, ast.Call) and self._canonical(value.func) in PLAIN_HOLDERS:
            self.facts.plain_holders[attr] = stmt

    def _collect_creations(self, value, stmt, method, phases, target, guarded) -> list[WeightSite | SublayerSite]:
        """Creation calls in ``value`` that land in ``target`` (containers count as the container)."""
        created: list[WeightSite | SublayerSite] = []
        for call, depth in _creation_calls(value):
            site_target = target
            if depth > 0 and target.kind is TargetKind.SELF_ATTR:
                site_target = Target(TargetKind.SELF_CONTAINER, target.attr)
            if self._canonical(call.func) in PLAIN_HOLDERS:
                # SimpleNamespace(layer=Dense(3)): what the holder gets is hidden from tracking
                hidden = Target(TargetKind.PLAIN_OBJECT, target.attr)
                for argument in [*call.args, *(k.value for k in call.keywords)]:
                    created += self._collect_creations(argument, stmt, method, phases, hidden, guarded)
                continue
            if self._canonical(call.func) in self.module.plain_layer_holders:
                self.facts.plain_objects.append(SublayerSite(self._canonical(call.func), call, stmt, method, phases, site_target, guarded))
                continue
            site = self._site_for(call, stmt, method, phases, site_target, guarded)
            if site is not None:
                created.append(site)
                (self.facts.weights if isinstance(site, WeightSite) else self.facts.sublayers).append(site)
        return created

    def _site_for(self, call, stmt, method, phases, target, guarded) -> WeightSite | SublayerSite | None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "add_weight":
            return WeightSite(WeightKind.ADD_WEIGHT, "add_weight", call, stmt, method, phases, target, guarded)
        if isinstance(func, ast.Attribute) and func.attr == "astype" and isinstance(func.value, ast.Call):
            # np.random.randn(...).astype("float32"): still the same fresh array
            inner = self._site_for(func.value, stmt, method, phases, target, guarded)
            if isinstance(inner, WeightSite) and inner.kind is WeightKind.TENSOR:
                return WeightSite(WeightKind.TENSOR, f"{inner.creator}(...).astype", call, stmt, method, phases, target, guarded)
            return None
        if isinstance(func, ast.Attribute) and func.attr in NUMPY_DRAWS and self._is_numpy_generator(func.value):
            return WeightSite(WeightKind.TENSOR, f"numpy.random.Generator.{func.attr}", call, stmt, method, phases, target, guarded)
        ref = self._canonical(func)
        if ref is None:
            return None
        kind = _weight_kind(ref, self.module.tf_module_classes)
        if kind is not None:
            return WeightSite(kind, ref, call, stmt, method, phases, target, guarded)
        if ref not in NOT_SUBLAYERS and (ref in self.module.classes or _is_keras_layer_class(ref)):
            return SublayerSite(ref, call, stmt, method, phases, target, guarded)
        return None


    def _is_numpy_generator(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Call):
            return self.module.imports.canonical(node.func) in NUMPY_GENERATORS
        name = node.id if isinstance(node, ast.Name) else f"self.{attr}" if (attr := _self_attr(node)) else None
        self.asked_generators = self.asked_generators or name is not None
        return name is not None and name in self.module.numpy_generators


def _is_keras_layer_class(ref: str) -> bool:
    if ref in ("keras.Sequential", "keras.Model", "keras.models.Sequential", "keras.models.Model"):
        return True
    return ref.startswith("keras.layers.") and ref.rsplit(".", 1)[1][:1].isupper()


def _weight_kind(ref: str, tf_module_classes: set[str]) -> WeightKind | None:
    if ref in TENSOR_CREATORS:
        return WeightKind.TENSOR
    if ref in TF_VARIABLES:
        return WeightKind.TF_VARIABLE
    if ref in KERAS_VARIABLES:
        return WeightKind.KERAS_VARIABLE
    if ref in TF_MODULES or ref in tf_module_classes:
        return WeightKind.TF_MODULE
    return None


def _creation_calls(value: ast.expr, depth: int = 0) -> Iterator[tuple[ast.Call, int]]:
    """Calls whose *result* is the value or an element of it (not calls nested in arguments)."""
    if isinstance(value, ast.Call):
        yield value, depth
        # Sequential([...]) / Bidirectional(LSTM()) hold their arguments: those are not separate state of ours
    elif isinstance(value, ast.List | ast.Tuple | ast.Set):
        for element in value.elts:
            yield from _creation_calls(element, depth + 1)
    elif isinstance(value, ast.Dict):
        for element in value.values:
            yield from _creation_calls(element, depth + 1)
    elif isinstance(value, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        yield from _creation_calls(value.elt, depth + 1)
    elif isinstance(value, ast.DictComp):
        yield from _creation_calls(value.value, depth + 1)
    elif isinstance(value, ast.IfExp):
        yield from _creation_calls(value.body, depth)
        yield from _creation_calls(value.orelse, depth)


def _assignment(stmt: ast.stmt) -> tuple[ast.expr | None, ast.expr | None]:
    """(target, value) for the statement forms that store a created object."""
    if isinstance(stmt, ast.Assign):
        return stmt.targets[0], stmt.value
    if isinstance(stmt, ast.AnnAssign | ast.AugAssign) and stmt.value is not None:
        return stmt.target, stmt.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert", "add") and call.args:
            return func.value, call.args[-1]
        if isinstance(func, ast.Name) and func.id == "setattr" and len(call.args) == 3:
            if isinstance(call.args[0], ast.Name) and call.args[0].id == "self":
                return ast.Attribute(value=call.args[0], attr="<dynamic>", ctx=ast.Store()), call.args[2]
        return None, call
    if isinstance(stmt, ast.Return) and stmt.value is not None:
        return None, stmt.value
    return None, None


def _self_calls(method: str, body: list[ast.stmt], branches: tuple) -> Iterator[SelfCall]:
    """``self.x(...)`` calls of a method body with the ``if`` branches around each."""
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for node in sorted(walk(stmt, stop=(ast.stmt, ast.excepthandler)), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            if isinstance(node, ast.Call) and (attr := _self_attr(node.func)) is not None:
                yield SelfCall(attr, node, method, branches)
        if isinstance(stmt, ast.If):
            condition, holds = _condition(stmt.test)
            yield from _self_calls(method, stmt.body, (*branches, (condition, holds)))
            yield from _self_calls(method, stmt.orelse, (*branches, (condition, 1 - holds)))
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _self_calls(method, getattr(stmt, name, None) or [], branches)
        for handler in getattr(stmt, "handlers", None) or []:
            yield from _self_calls(method, handler.body, branches)


def _condition(test: ast.expr) -> tuple[str, int]:
    """``x`` -> ("x", 1); ``not x`` -> ("x", 0)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        condition, holds = _condition(test.operand)
        return condition, 1 - holds
    return ast.dump(test), 1


def repeated_self_calls(facts: ClassFacts) -> dict[str, list[SelfCall]]:
    """Sublayers of ``self`` called more than once in one run of a method of the forward pass:
    attr -> its calls (the first, then each later one that can run in the same pass as the
    first). Calls in two methods are not compared: which of them runs may depend on a mode."""
    sublayers = {site.target.attr for site in facts.sublayers if site.target.kind is TargetKind.SELF_ATTR}
    by_method: dict[tuple[str, str], list[SelfCall]] = {}
    for call in facts.self_calls:
        if call.attr in sublayers:
            by_method.setdefault((call.attr, call.method), []).append(call)
    repeated: dict[str, list[SelfCall]] = {}
    for (attr, _), calls in by_method.items():
        first, *later = calls
        together = [call for call in later if not call.excludes(first)]
        if together and attr not in repeated:
            repeated[attr] = [first, *together]
    return repeated


def _passed_on(nodes: list[ast.AST]) -> set[str]:
    """Self attributes (or locals stored in them) given to a call, stored under another name or
    put in a container, in a method's ``nodes``; ``self.x.build(...)`` or ``self.x = x`` do not pass ``x`` on."""
    aliases: dict[str, str] = {}  # local name <-> self attribute, either direction of `self.x = x`
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if (attr := _self_attr(target)) is not None and isinstance(value, ast.Name):
                aliases[value.id] = attr
            elif isinstance(target, ast.Name) and (attr := _self_attr(value)) is not None:
                aliases[target.id] = attr
    passed: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Call):
            values = [*node.args, *(k.value for k in node.keywords)]
            passed.update(filter(None, (_held_attr(v, aliases) for value in values for v in _elements(value))))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            own = _held_attr(target, aliases)
            passed.update(attr for v in _elements(node.value) if (attr := _held_attr(v, aliases)) not in (None, own))
    return passed


def _elements(value: ast.expr) -> Iterator[ast.expr]:
    """The value itself, or each element of a literal container (nested ones too)."""
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        for element in value.elts:
            yield from _elements(element.value if isinstance(element, ast.Starred) else element)
    elif isinstance(value, ast.Dict):
        for element in value.values:
            yield from _elements(element)
    else:
        yield value


def _held_attr(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``self.x``, ``self.x[0]``, ``self.x.layers[0]`` or a local alias of ``self.x``: ``x``."""
    if (attr := _self_root_attr(node)) is not None:
        return attr
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return aliases.get(node.id) if isinstance(node, ast.Name) else None


def _reads_dynamically(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            is_self = isinstance(first, ast.Name) and first.id == "self"
            if is_self and node.func.id == "vars":
                return True
            if is_self and node.func.id == "getattr" and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant):
                return True
        if isinstance(node, ast.Attribute) and node.attr == "__dict__" and _self_attr(node) is not None:
            return True
    return False


def _list_append_owner(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return func.value.id
    return None


def _statements(body: list[ast.stmt], guarded: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement of a function body, nested blocks and closures included, not nested classes."""
    for stmt in body:
        yield stmt, guarded
        if isinstance(stmt, ast.ClassDef):
            continue
        inner_guard = guarded or isinstance(stmt, ast.If | ast.Try)
        for name in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(stmt, name, None)
            if block:
                yield from _statements(block, inner_guard)


def shape_argument(call: ast.Call, flavor: Flavor) -> ast.expr | None:
    """The ``shape`` of an ``add_weight`` call in either Keras's positional convention."""
    for keyword in call.keywords:
        if keyword.arg == "shape":
            return keyword.value
    index = 1 if flavor is Flavor.KERAS2 or (call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)) else 0
    return call.args[index] if len(call.args) > index else None
