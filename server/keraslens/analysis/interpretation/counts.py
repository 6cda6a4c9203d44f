"""Parameter counts from source: per layer instance, per class (symbolic), per model.

Built-in layers come from the formula table (``builtins``); the file's own classes are
run by the ``interpret`` abstract interpreter; models add their layers, each instance
once. Every number carries a status: ``exact`` only when nothing was guessed.
"""

from __future__ import annotations

import ast
import math
import re
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..facts.classes import ModuleFacts, Phase, WeightKind
from ..facts.graph import (
    MODULE_SCOPE,
    Application,
    LayerInstance,
    Model,
    ModuleGraph,
    Setting,
)
from ..facts.library import layer_class_home
from ..names.imports import Flavor
from ..names.keras_names import ATTENTION_INPUTS, SEQUENTIAL, WEIGHT_NEUTRAL_ARGUMENTS, WEIGHT_NEUTRAL_SUFFIXES, is_weight_free
from ..source import SourceFile, Span, names_under, per_node, walk
from . import applications, presets, quantize
from . import layer_table as builtin_layers
from .count_model import (
    ClassReport,
    Count,
    CountReport,
    LayerRow,
    ModelReport,
    Status,
    WeightRow,
)
from .interpreter import (
    Interpreter,
    Uncertain,
    collect_variables,
    sequential_layers,
    table_output,
)
from .limits import LIMITS
from .reach import given_name
from .scopes import ScopeValues
from .shapes import build_input
from .summary import UNKNOWN_DTYPE, all_frozen, module_policy, names_itself_only, policy_of, session_names, sets_weight_dtype, sizes_of, typed_params
from .symbolic import Expr
from .values import UNKNOWN, LayerValue, SymbolicShape, Tensor, as_int, truth, value_key

WRAPPERS = ("keras.layers.TimeDistributed", "keras.layers.Bidirectional")


@dataclass(slots=True)
class Weight:
    name: str
    shape: tuple | None  # None: not known
    trainable: bool | None
    dtype: str | None = None  # set on the weight itself (an int8 kernel, a layer's `dtype=`); None: the policy's
    _size: object = field(default=UNKNOWN, init=False, repr=False, compare=False)  # ``size``, once asked

    @property
    def size(self):
        """Product of the dims: Expr (symbolic or constant) or None; worked out once (the class's
        count and each of its weight rows read it), as a weight is not changed once made."""
        if self._size is UNKNOWN:
            self._size = self._product()
        return self._size

    def _product(self):
        if self.shape is None:
            return None
        if all(type(dim) is int for dim in self.shape):  # the common case, without symbolic products
            return Expr.const(math.prod(self.shape))
        total = None
        for dim in self.shape:  # an Expr among them: their product is one
            if isinstance(dim, bool) or not (isinstance(dim, int | Expr)):
                return None
            total = dim if total is None else total * dim
        return total

    @property
    def params(self) -> int | None:
        """The size when it is a number (no ``Expr`` made for the common all-int shape); else None."""
        if self.shape is not None and all(type(dim) is int for dim in self.shape):
            return math.prod(self.shape)
        size = self.size
        return size.value if size is not None and size.is_const else None


@dataclass(slots=True)
class LayerCount:
    weights: list[Weight] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    output: object = None  # Tensor or None
    _count: Count | None = field(default=None, init=False, repr=False, compare=False)

    def count(self) -> Count:
        """Worked out once: a layer's count is read by its class, its models and its site, and a
        ``LayerCount`` is not changed once made."""
        if self._count is None:
            self._count = self._counted()
        return self._count

    def _counted(self) -> Count:
        trainable = non_trainable = unsure_params = 0
        unknown: list[str] = []
        unsure: list[str] = []  # sized, but whether they train is not known
        for weight in self.weights:
            params = weight.params
            if params is None:
                unknown.append(weight.name)
            elif weight.trainable is None:
                unsure.append(weight.name)
                unsure_params += params
            elif weight.trainable:
                trainable += params
            else:
                non_trainable += params
        if not unknown and not unsure and not self.doubts:
            return Count(Status.EXACT, trainable, non_trainable, typed=typed_params(self.weights))
        reasons = [f"unknown size of {', '.join(unknown)}"] if unknown else []
        reasons += [f"whether {', '.join(unsure)} train is not known"] if unsure else []
        reasons += self.doubts
        if len(unknown) == len(self.weights) and self.weights or (self.doubts and not self.weights):
            return Count(Status.UNKNOWN, reason="; ".join(reasons))
        whole = trainable + non_trainable + unsure_params if unsure else None
        return Count(Status.PARTIAL, trainable, non_trainable, "; ".join(reasons), whole, typed_params(self.weights))


def _short(ref: str) -> str:
    return ref.rsplit(".", 1)[-1]


def _class_label(instance: LayerInstance) -> str:
    """The class ``model.summary()`` names for a layer; a Sequential or functional model used as a
    layer is a ``Sequential`` or a ``Functional``, in both flavours."""
    model = instance.model
    if model is not None and model.kind in ("sequential", "functional") and model.class_ref is None:
        return "Sequential" if model.kind == "sequential" else "Functional"
    return _short(instance.class_ref)


class Counter:
    """Counts layer values of one module; results cached per layer value."""

    def __init__(self, module: ModuleFacts, flavor: Flavor, module_values: Mapping[str, object] | None = None) -> None:
        """``module_values``: the plain values of the module's names its layer methods read."""
        self.module = module
        self.flavor = flavor
        self.module_values = module_values
        self._cache: dict[int, tuple[LayerValue, LayerCount]] = {}
        self._others: dict[int, tuple[ModuleFacts, Counter]] = {}  # modules are kept alive with their counter
        self._builtins: dict[tuple, LayerCount] = {}  # ``builtin`` by its plain arguments
        self._made_whole: dict[str, tuple[bool, bool]] = {}  # ``made_whole`` by class name

    def layer(self, layer: LayerValue) -> LayerCount:
        key = id(layer)
        cached = self._cache.get(key)
        if cached is None or cached[0] is not layer:  # the layer is kept alive, so its id is not reused
            self._cache[key] = (layer, LayerCount(doubts=["recursive layer structure"]))  # guards cycles
            counted = _frozen(self._typed(layer, self._layer(layer)), self._trainable_of(layer))
            changes = list(layer.changes)  # a method not modelled may have added, removed or moved any weight
            if layer.maybe_unbuilt and (counted.weights or counted.doubts):  # a weightless one is the same unbuilt
                changes.append("it is first called or built on a path that may not run, so it may have no weights")
            if changes:
                counted = LayerCount(doubts=changes, output=counted.output)
            self._cache[key] = (layer, counted)
        return self._cache[key][1]

    def _typed(self, layer: LayerValue, counted: LayerCount) -> LayerCount:
        """The weights' own dtypes: those ``quantize`` gives, and a layer's ``dtype=`` policy."""
        if layer.quantized:
            spec = builtin_layers.lookup(layer.ref)
            bound = spec.bind(layer.args, layer.kwargs) if spec is not None else {}
            result = quantize.quantized_weights(layer.ref, bound, counted.weights, layer.quantized) if not counted.doubts else "its float weights are not known"
            if isinstance(result, str):
                return LayerCount(doubts=[*counted.doubts, result], output=counted.output)
            counted = LayerCount([Weight(w.name, w.shape, w.trainable, w.dtype) for w in result], counted.doubts, counted.output)
        home = self.class_counter(layer.ref)
        own = _own_dtype(layer) if home is None else _custom_dtype(layer, home)
        if own is None:
            return counted
        return LayerCount([Weight(w.name, w.shape, w.trainable, w.dtype or own) for w in counted.weights], counted.doubts, counted.output)

    @staticmethod
    def _trainable_of(layer: LayerValue):
        """What freezes a layer as a whole: ``trainable`` set once it is made, else, for a built-in
        layer, the one it is made with (a class's own count applies what its constructor hands to
        Keras: in Keras 3 that leaves the layers it holds trainable inside a model)."""
        if layer.trainable_later is not None:
            return layer.trainable_later
        return layer.kwargs.get("trainable", True) if builtin_layers.lookup(layer.ref) is not None else True

    def _layer(self, layer: LayerValue) -> LayerCount:
        if presets.is_preset_call(layer.ref):
            return _preset(layer)
        application = applications.application_name(layer.ref)
        if application is not None:  # measured sizes; no input shape needed
            return _application(application, layer, self.flavor)
        spec = builtin_layers.lookup(layer.ref)
        if spec is not None and spec.weightless and not spec.wrapper:
            return LayerCount()  # no weights, whatever it is called on
        home = self.class_counter(layer.ref) if spec is None else None
        made = _made_as(home[0].module, home[1]) if home is not None else None
        if made is not None and functional_class(*made):  # built when made, whatever it is called on later
            counter = home[0] if made[0] is home[0].module else Counter(made[0], self.flavor)
            return counter.functional(made[1], layer.args, layer.kwargs)
        if not layer.input_shapes:
            return LayerCount(doubts=[f"`{layer.attr or _short(layer.ref)}` is never called or built here, so its input shape is unknown"])
        input_shape = layer.input_shapes[0]
        if layer.ref in WRAPPERS:
            return self._wrapper(layer, input_shape)
        if layer.ref in SEQUENTIAL:
            return self._sequential(layer, input_shape)
        home = self.class_counter(layer.ref)
        if home is not None:
            counter, name = home
            return counter.custom(name, layer.args, layer.kwargs, input_shape, layer.extra_shapes[0] if layer.extra_shapes else (), layer.build_keywords)
        return self.builtin(layer.ref, layer.args, layer.kwargs, input_shape)

    def class_counter(self, ref: str) -> tuple[Counter, str] | None:
        """The counter for the module defining the layer class ``ref`` (this one, or another file)."""
        found = layer_class_home(ref, self.module)
        if found is None:
            return None
        module, name = found
        if module is self.module:
            return self, name
        if id(module) not in self._others:
            self._others[id(module)] = (module, Counter(module, self.flavor))
        return self._others[id(module)][1], name

    def builtin(self, ref: str, args: list, kwargs: dict, input_shape) -> LayerCount:
        """A built-in layer's weights from the layer table: the same for the same plain arguments and
        input shape (every ``Dense(64)`` on the same input), so worked out once for them."""
        key = value_key((ref, args, kwargs, input_shape))
        if key is None:
            return self._builtin(ref, args, kwargs, input_shape)
        if key not in self._builtins:
            self._builtins[key] = self._builtin(ref, args, kwargs, input_shape)
        return self._builtins[key]

    def _builtin(self, ref: str, args: list, kwargs: dict, input_shape) -> LayerCount:
        spec = builtin_layers.lookup(ref)
        if spec is None:
            return LayerCount(doubts=[f"`{_short(ref)}` is not a layer keraslens knows"])
        unmodelled = [name for name in kwargs if name not in spec.params and name not in spec.defaults and name not in spec.also and not _weight_neutral(name)]
        if len(args) > len(spec.params) or unmodelled:
            given = ", ".join(f"`{name}`" for name in unmodelled) or "a positional argument"
            return LayerCount(doubts=[f"`{_short(ref)}`: {given} is not modelled; it may change the weights"])
        result = spec.weights(spec.bind(args, kwargs), input_shape, self.flavor.value)
        if isinstance(result, builtin_layers.Unknown):
            return LayerCount(doubts=[f"`{_short(ref)}`: {result.reason}"])
        return LayerCount([Weight(w.name, _dims(w.shape), w.trainable) for w in result])

    def _wrapper(self, layer: LayerValue, input_shape) -> LayerCount:
        inner = layer.wrapped
        if inner is None:
            return LayerCount(doubts=["the wrapped layer is not known"])
        if layer.ref == "keras.layers.TimeDistributed":
            if not isinstance(input_shape, tuple) or len(input_shape) < 3:
                return LayerCount(doubts=["TimeDistributed input rank is unknown"])
            if not inner.input_shapes:  # its application recorded the per-step shape already
                inner.input_shapes.append((input_shape[0], *input_shape[2:]))
            counted = self.layer(inner)
            return LayerCount([Weight(f"{_short(inner.ref).lower()}/{w.name}", w.shape, w.trainable, w.dtype) for w in counted.weights], counted.doubts)
        backward = layer.kwargs.get("backward_layer", layer.args[3] if len(layer.args) > 3 else None)
        if backward is not None and not isinstance(backward, LayerValue):
            return LayerCount(doubts=["the backward layer is not known"])
        weights, doubts = [], []
        for direction, part in (("forward", inner), ("backward", backward or inner)):
            if not part.input_shapes:
                part.input_shapes.append(input_shape)
            counted = self.layer(part)
            weights += [Weight(f"{direction}/{w.name}", w.shape, w.trainable, w.dtype) for w in counted.weights]
            doubts += counted.doubts
        return LayerCount(weights, doubts)

    def _sequential(self, layer: LayerValue, input_shape) -> LayerCount:
        sublayers = sequential_layers(layer)
        if sublayers is None:
            return LayerCount(doubts=[f"the layers of `{layer.attr or 'Sequential'}` are not known"])
        weights, doubts, output = [], [], Tensor(input_shape)
        for sublayer in sublayers:
            output = self.output_of(sublayer, [output])
            self._add_sublayer(sublayer, weights, doubts)
        return LayerCount(weights, doubts, output)

    def made_whole(self, class_name: str) -> tuple[bool, bool]:
        """Whether a class of this module is a functional model (``functional_class``) and whether it
        is a ``Sequential`` (``sequential_class``): read from the module's own classes, once per class."""
        found = self._made_whole.get(class_name)
        if found is None:
            found = self._made_whole[class_name] = (functional_class(self.module, class_name), sequential_class(self.module, class_name))
        return found

    def custom(self, class_name: str, args: list, kwargs: dict, input_shape, extra_shapes: list | tuple = (), keywords: dict | None = None) -> LayerCount:
        functional, sequential = self.made_whole(class_name)
        if functional:  # built when made: the input does not change its weights
            return self.functional(class_name, args, kwargs)
        if sequential:
            return LayerCount(doubts=[_SEQUENTIAL_SUBCLASS])
        interpreter = Interpreter(self.module, class_name, self.flavor, module_values=self.module_values)
        try:
            output = interpreter.run(args, kwargs, input_shape, extra_shapes, keywords)
        except Uncertain as exc:
            return LayerCount(doubts=[str(exc)])
        except RecursionError:
            return LayerCount(doubts=["the code is too deeply nested to follow"])
        weights = [Weight(w.name, _dims(w.shape), _bool(w.trainable)) for w in interpreter.outcome.weights]
        weights += [Weight(w.name, _dims(w.shape), _bool(w.trainable)) for w in collect_variables(interpreter.attrs)]
        doubts = list(interpreter.outcome.doubts)
        doubts += [f"line {call.lineno}: `{ast.unparse(call.func)}(...)` was not followed" for call in interpreter.unfollowed_sites()]
        if interpreter.functional_init is not None:  # given inputs and outputs in a way `functional_class` does not see
            doubts.append("the constructor builds a functional model in a way that is not followed")
        base = interpreter.builtin_base
        if base is not None and base.input_shapes:
            counted = self.builtin(base.ref, base.args, base.kwargs, base.input_shapes[0])
            weights = counted.weights + weights
            doubts += counted.doubts
        weights = _frozen_weights(weights, interpreter.init_trainable)
        sublayers: list[Weight] = []
        for sub in interpreter.tracked_sublayers():
            self._add_sublayer(sub, sublayers, doubts)
        weights += _frozen_weights(sublayers, _sublayers_given(interpreter.init_trainable, self.flavor))
        doubts += _unplain_bases(self.module, class_name)
        counted = LayerCount(weights, doubts, output if isinstance(output, Tensor) else None)
        return _frozen(counted, interpreter.attrs.get("trainable", True))

    def functional(self, class_name: str, args: list, kwargs: dict) -> LayerCount:
        """A Model class whose constructor builds a functional model (``super().__init__(inputs=...,
        outputs=...)``, as keras-hub backbones do): its weights once constructed. Keras tracks the
        layers kept on ``self`` once built, and the layers between the inputs and the outputs: a
        layer kept nowhere counts when the outputs, followed back through the layer calls, reach
        it; where they cannot be followed, it is a doubt. An argument not known may be a layer it keeps."""
        unknown = [f"#{index + 1}" for index, value in enumerate(args) if not (_plain(value) or isinstance(value, LayerValue))]
        unknown += [f"`{name}`" for name, value in kwargs.items() if not (_plain(value) or isinstance(value, LayerValue))]
        interpreter = Interpreter(self.module, class_name, self.flavor, module_values=self.module_values)
        interpreter.symbolic = True
        try:
            interpreter.construct(args, kwargs)
        except Uncertain as exc:
            return LayerCount(doubts=[str(exc)])
        except RecursionError:
            return LayerCount(doubts=["the code is too deeply nested to follow"])
        weights = [Weight(w.name, _dims(w.shape), _bool(w.trainable)) for w in [*interpreter.outcome.weights, *collect_variables(interpreter.attrs)]]
        doubts = [f"the argument {name} is not known; it may be a layer the model keeps" for name in unknown]
        doubts += interpreter.outcome.doubts
        doubts += [f"line {call.lineno}: `{ast.unparse(call.func)}(...)` was not followed" for call in interpreter.unfollowed_sites()]
        if interpreter.functional_init is not True:
            doubts.append("the constructor may not build the functional model on every path")
        doubts += [
            f"`{layer.attr or _short(layer.ref)}` is first called on a path that may not run"
            for layer in interpreter.built_on_some_path.values() if self.layer(layer).weights or self.layer(layer).doubts
        ]
        tracked = interpreter.tracked_sublayers()
        kept = {id(sub) for sub in tracked}
        loose = [layer for layer in interpreter.created_layers if id(layer) not in kept and layer.input_shapes]
        path = interpreter.functional_path() if loose else set()
        if path is None:
            doubts.append(f"`{_short(loose[0].ref)}` (line {loose[0].node.lineno}) is kept nowhere on the model; whether it is on the path from the inputs to the outputs is not followed")
        for sub in loose if path is not None else []:
            if id(sub) in path:  # a layer kept nowhere else is the model's when it is on the path
                self._add_sublayer(sub, weights, doubts, _short(sub.ref).lower())
        for sub in tracked:
            if sub.input_shapes:
                self._add_sublayer(sub, weights, doubts)
            elif not _unbuilt_when_made(self, sub):
                doubts.append(f"`{sub.attr or _short(sub.ref)}` is never called in the constructor; it may have weights already")
        doubts += _unplain_bases(self.module, class_name)
        doubts += [f"its own `{method}()` may build more layers when it runs" for method in ("build", "call") if _has_method(self.module, class_name, method)]
        return _frozen(LayerCount(weights, doubts), interpreter.attrs.get("trainable", True))

    def _add_sublayer(self, sub: LayerValue, weights: list[Weight], doubts: list[str], prefix: str | None = None) -> None:
        """A sublayer's weights, named under ``prefix`` (else the attribute holding it, else its class), and its doubts."""
        counted = self.layer(sub)
        prefix = prefix or sub.attr or _short(sub.ref).lower()
        weights += [Weight(f"{prefix}/{w.name}", w.shape, w.trainable, w.dtype) for w in counted.weights]
        doubts += counted.doubts

    def output_of(self, layer: LayerValue, inputs: list) -> Tensor:
        """The output of calling ``layer`` on tensors (shapes recorded on the layer)."""
        shapes = [[i.shape for i in t] if isinstance(t, list) else t.shape if isinstance(t, Tensor) else None for t in inputs] or [None]  # a list input: its shapes
        layer.input_shapes.append(shapes[0])
        layer.extra_shapes.append(shapes[1:])  # a layer class may take several tensors
        home = self.class_counter(layer.ref)
        if home is not None:
            counter, name = home
            counted = self.layer(layer) if len(layer.input_shapes) == 1 else counter.custom(name, layer.args, layer.kwargs, layer.input_shapes[-1], layer.extra_shapes[-1])
            return counted.output or Tensor(None)
        if layer.ref in WRAPPERS:
            return self._wrapper_output(layer, shapes[0])
        if applications.application_name(layer.ref) is not None:
            return self.layer(layer).output or Tensor(None)
        if layer.ref == "keras.layers.Lambda":
            return self.lambda_output(layer, inputs[0] if inputs else None)
        spec = builtin_layers.lookup(layer.ref)
        return table_output(layer.ref, layer.args, layer.kwargs, [shapes[0]] if spec is not None and spec.multi_input else shapes[0])

    def takes_lists(self, layer: LayerValue) -> bool:
        """Whether a layer's output is worked out from what it is called with as given (a list as a
        list): a class of the program's, or a ``Lambda``'s function."""
        return layer.ref == "keras.layers.Lambda" or self.class_counter(layer.ref) is not None

    def lambda_output(self, layer: LayerValue, given) -> Tensor:
        """``Lambda(lambda t: ops.abs(t[0] - t[1]))``: Keras shapes its output by calling the function on
        what it is given (a tensor, or a list of them); so does this, for a lambda of one parameter."""
        function = layer.node.args[0] if isinstance(layer.node, ast.Call) and layer.node.args else None
        if not isinstance(function, ast.Lambda) or "output_shape" in layer.kwargs or given is None:
            return Tensor(None)
        params = function.args
        if len(params.args) != 1 or params.posonlyargs or params.kwonlyargs or params.vararg or params.kwarg or params.defaults:
            return Tensor(None)
        interpreter = Interpreter(self.module, None, self.flavor, module_values=self.module_values)
        try:
            value = interpreter.expr(function.body, ChainMap({params.args[0].arg: given}, interpreter.module_values))
        except Uncertain:
            return Tensor(None)
        return Tensor(value.shape) if isinstance(value, Tensor) else Tensor(None)

    def _wrapper_output(self, layer: LayerValue, shape) -> Tensor:
        inner = layer.wrapped
        if inner is None or not isinstance(shape, tuple):
            return Tensor(None)
        if layer.ref == "keras.layers.TimeDistributed" and len(shape) >= 3:
            out = self.output_of(inner, [Tensor((shape[0], *shape[2:]))])  # the wrapped layer sees one step
            return Tensor((shape[0], shape[1], *out.shape[1:])) if out.shape else Tensor(None)
        backward = layer.kwargs.get("backward_layer")
        for part in (inner, backward) if isinstance(backward, LayerValue) else (inner,):
            part.input_shapes.append(shape)
        return table_output(layer.ref, [inner], layer.kwargs, shape)


_MODEL_BASES = frozenset({"keras.Model", "keras.models.Model", "keras.layers.Layer", "keras.Layer"})


def functional_class(module: ModuleFacts, name: str) -> bool:
    """Whether the class's constructor (or a base's of its file) hands inputs and outputs to
    ``Model.__init__``: ``super().__init__(inputs=..., outputs=...)`` or ``keras.Model.__init__(self, ...)``."""
    hierarchy = _hierarchy(module, name)
    if not any({"keras.Model", "keras.models.Model"} & set(facts.keras_bases) for facts in hierarchy):
        return False
    return any(_hands_inputs_and_outputs(facts.methods.get("__init__")) for facts in hierarchy)


def sequential_class(module: ModuleFacts, name: str) -> bool:
    """Whether the class (or a base of its file) derives from ``Sequential``."""
    return any(SEQUENTIAL & set(facts.keras_bases) for facts in _hierarchy(module, name))


_SEQUENTIAL_SUBCLASS = "a subclass of `Sequential` is not followed: its layers are the ones its constructor hands to or adds to `Sequential`"


@per_node
def _hands_inputs_and_outputs(init: ast.FunctionDef | None) -> bool:
    """Whether a constructor calls an ``__init__`` with two arguments or ``inputs=``/``outputs=``
    (once per constructor: every count of an instance asks)."""
    if init is None:
        return False
    for node in walk(init):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            given = [arg for arg in node.args if not (isinstance(arg, ast.Name) and arg.id == "self")]
            if len(given) + len({"inputs", "outputs"} & {k.arg for k in node.keywords}) >= 2:
                return True
    return False


def _made_as(module: ModuleFacts, name: str) -> tuple[ModuleFacts, str]:
    """The class a class is constructed as: itself, or, for one that adds nothing to being made,
    built or called (no such method, no weights or layers, one base from another file, as
    ``XLMRobertaBackbone(RobertaBackbone)``), the class it derives from."""
    facts = module.classes[name]
    if facts.methods.keys() & {"__init__", "build", "call"} or facts.local_bases or len(facts.external_bases) != 1 or _makes_state(module, facts):
        return module, name
    ref = module.imports.canonical(facts.external_bases[0])
    found = layer_class_home(ref, module) if ref else None
    return (module, name) if found is None else _made_as(*found)


def _unplain_bases(module: ModuleFacts, name: str) -> list[str]:
    """Why the bases from other files of a class may make weights of their own: a base that
    cannot be found, or one that makes weights or layers, or derives from more than a plain
    ``Model`` or ``Layer``. Empty: they add nothing."""
    doubts: list[str] = []
    for facts in _hierarchy(module, name):
        for base in facts.external_bases:
            ref = module.imports.canonical(base)
            found = layer_class_home(ref, module) if ref else None
            if found is None:
                doubts.append(f"the base class `{ast.unparse(base)}` is not found; it may create weights")
                continue
            home, base_name = found
            chain = _hierarchy(home, base_name)
            if any(_makes_state(home, f) or not set(f.keras_bases) <= _MODEL_BASES for f in chain):
                doubts.append(f"the base class `{ast.unparse(base)}` may create weights")
            else:
                doubts += _unplain_bases(home, base_name)
    return doubts


def _makes_state(module: ModuleFacts, facts) -> bool:
    """Whether a method of the class makes weights or layers, or one that runs when the model is
    made, built or called stores on ``self`` what a call not known to be weight-free returns (an
    object that may hold weights)."""
    if facts.sublayers or any(site.kind is not WeightKind.TENSOR for site in facts.weights):
        return True
    for method, function in facts.methods.items():
        if facts.phases.get(method, frozenset()) <= {Phase.OTHER}:  # `summary()`, `get_config()`...
            continue
        for node in walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and any(_on_self(target) for target in node.targets):
                ref = module.imports.canonical(node.value.func)
                if isinstance(node.value.func, ast.Name) and node.value.func.id in _PLAIN_BUILTINS:
                    continue
                if ref is None or not is_weight_free(ref):
                    return True
    return False


_PLAIN_BUILTINS = frozenset({"set", "dict", "list", "tuple", "int", "float", "str", "bool", "len", "min", "max", "abs", "round"})


def _on_self(target: ast.expr) -> bool:
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"


def _weight_neutral(argument: str) -> bool:
    return argument in WEIGHT_NEUTRAL_ARGUMENTS or argument.endswith(WEIGHT_NEUTRAL_SUFFIXES)


def _application(name: str, layer: LayerValue, flavor: Flavor) -> LayerCount:
    counted = applications.application_count(name, layer.args, layer.kwargs, flavor.value)
    if isinstance(counted, builtin_layers.Unknown):
        return LayerCount(doubts=[f"`{name}`: {counted.reason}"])
    weights = [Weight("trainable weights", (counted.trainable,), True), Weight("non-trainable weights", (counted.non_trainable,), False)]
    return LayerCount(weights, output=Tensor(counted.output_shape) if counted.output_shape else None)


def _own_dtype(layer: LayerValue) -> str | None:
    """The variable dtype of a built-in layer made with ``dtype=``: None when not given."""
    if layer.kwargs.get("dtype") is None:
        return None
    policy = _own_policy(layer)
    return policy.variable if policy is not None else UNKNOWN_DTYPE


def _own_policy(layer: LayerValue):
    """The policy ``dtype=`` names (a string, ``keras.DTypePolicy("...")``); None when not given or not known."""
    given = layer.kwargs.get("dtype")
    if isinstance(given, str):
        return policy_of(ast.Constant(given))
    keyword = next((k.value for k in layer.node.keywords if k.arg == "dtype"), None) if isinstance(layer.node, ast.Call) else None
    return policy_of(keyword) if given is not None else None


def _custom_dtype(layer: LayerValue, home: tuple[Counter, str]) -> str | None:
    """A class of the user's given ``dtype=``, or choosing dtypes in its own ``add_weight`` calls: which
    of its weights take it is not followed, so their sizes are not known."""
    counter, name = home
    return UNKNOWN_DTYPE if "dtype" in layer.kwargs or sets_weight_dtype(counter.module.classes[name]) else None


def _preset(layer: LayerValue) -> LayerCount:
    """``BertBackbone.from_preset("bert_tiny_en_uncased")``: the count keras-hub's preset metadata gives,
    labelled so; not counted from code, so which of its weights train is not known."""
    name = presets.preset_name(layer.args, layer.kwargs)
    if not isinstance(name, str):
        return LayerCount(doubts=["the preset's name is not known"])
    counted = presets.preset_count(layer.ref.removesuffix(".from_preset"), name)
    if isinstance(counted, builtin_layers.Unknown):
        return LayerCount(doubts=[counted.reason])
    doubts = [f"{counted.params:,} params of preset `{name}` are from the {counted.source}, not counted from code"]
    if not counted.whole:
        doubts.append(f"the task's layers on top of its `{counted.owner}` are not counted")
    return LayerCount([Weight(f"the weights of `{name}`", (counted.params,), None)], doubts)


def _sublayers_given(trainable, flavor: Flavor):
    """What ``trainable`` given to Keras' own ``__init__`` of a layer class does to the layers it
    holds: tf_keras freezes them; Keras 3 leaves them trainable as layers of a model holding it,
    but counts none as trainable in the layer (or model) itself, so which, here, is not known."""
    return trainable if trainable is True or flavor is Flavor.KERAS2 else UNKNOWN


def _frozen(counted: LayerCount, trainable) -> LayerCount:
    """``trainable=False`` on a layer makes all of its weights non-trainable; a value not
    known leaves each weight's side unknown, not its size."""
    if trainable is True:
        return counted
    return LayerCount(_frozen_weights(counted.weights, trainable), counted.doubts, counted.output)


def _frozen_weights(weights: list[Weight], trainable) -> list[Weight]:
    """The weights as ``_frozen`` leaves them (the same list when ``trainable`` is True)."""
    if trainable is True:
        return weights
    return [Weight(w.name, w.shape, False if trainable is False else None, w.dtype) for w in weights]


def _dims(shape) -> tuple | None:
    if not isinstance(shape, tuple | list):
        return None
    dims = []
    for dim in shape:
        if isinstance(dim, Expr):
            dims.append(dim.value if dim.is_const else dim)
        elif isinstance(dim, int) and not isinstance(dim, bool):
            dims.append(dim)
        else:
            return None
    return tuple(dims)


def _bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


# -- the module: graph shapes, models, reports --------------------------------------------------


class ModuleCounts:
    """Evaluates the module's functional code: layer values, tensor shapes, model rows."""

    def __init__(self, source: SourceFile, module: ModuleFacts, graph: ModuleGraph, flavor: Flavor, scopes: ScopeValues) -> None:
        self.source = source
        self.module = module
        self.graph = graph
        self.counter = Counter(module, flavor, scopes.constants)
        self.scopes = scopes  # filled by the graph reader's walk
        self._sequential_outputs: dict[int, tuple | None] = {}
        self.layer_outputs: dict[int, tuple | None] = {}  # id(LayerInstance) -> its (last) output shape, for summaries
        self.layers: dict[int, LayerValue] = {}
        self.shapes: dict[int, tuple | None] = {}
        self.output_parts: dict[int, list] = {}  # id(Application) -> the shape of each tensor a layer returning several gave
        self.application_inputs: dict[int, list] = {}
        self._names: dict[str, dict[str, list[ast.Name]]] = {}
        self._spans: dict[int, tuple[ast.AST, Span]] = {}  # ``span`` by node: a layer's call is the span of its site, its row in each model and its class's list
        self._names_read_for: dict[frozenset[str], set[int]] = {}
        self._instances: dict[str, list[LayerInstance]] | None = None  # by class: indexed on first need
        self._functions: dict[str, list[ast.FunctionDef]] | None = None  # top-level functions by name
        made = [instance.call.lineno for instance in graph.instances if isinstance(instance.call, ast.Call)]
        self.policy = module_policy(source, min(made, default=None))
        self._session_names: dict[int, str] | None = None
        self._model_quantize = self._whole_model_quantize()
        for application in graph.applications:
            self._apply(application)
        for instance in graph.instances:
            self._build(instance)
        for model in graph.models:
            if model.kind == "sequential":
                self._run_sequential(model)

    def _arguments(self, instance: LayerInstance) -> tuple[list | None, dict | None]:
        if not isinstance(instance.call, ast.Call):
            return [], {}  # `x + y`
        return self.scopes.evaluator._arguments(instance.call, self.env(instance.scope, instance.call, instance.arg_tensors))

    def env(self, scope: str, at: ast.AST, tensors: dict[str, Tensor]) -> ChainMap:
        """What the interpreter reads at ``at``: the scope's plain values there, and the graph's
        tensors named there (which the plain values do not follow) as the shapes found for them."""
        env = self.scopes.env(scope, at)
        env.update({name: Tensor(self.tensor_shape(tensor)) for name, tensor in tensors.items()})
        return env

    def value_of(self, instance: LayerInstance) -> LayerValue:
        key = id(instance)
        if key not in self.layers:
            args, kwargs = self._arguments(instance)
            if instance.functional:  # `concatenate([a, b], axis=1)`: the first argument is the input
                args = (args or [])[1:]
            if args is not None and kwargs is not None and isinstance(instance.call, ast.Call):
                args, kwargs = self._held_functional(instance, args, kwargs)
            layer = LayerValue(instance.class_ref, args or [], kwargs or {}, instance.call, instance.var)
            frozen = instance.trainable if instance.model is None else instance.model.trainable
            if frozen is not None:
                layer.trainable_later = self.setting(frozen)
            if instance.lora_rank is not None:  # `layer.enable_lora(4)`: as if made with `lora_rank=4`
                layer.kwargs["lora_rank"] = self.setting(instance.lora_rank)
            self._quantize(instance, layer)
            layer.changes += [_unmodelled_reason(call) for call in instance.unmodelled if not quantize.is_quantize(call) and not _builds_as_used(instance, call)]
            if instance.wrapped is not None:
                layer.wrapped = self.value_of(instance.wrapped)
                layer.args = [layer.wrapped, *layer.args[1:]]
            self.layers[key] = layer
        return self.layers[key]

    def _held_functional(self, instance: LayerInstance, args: list, kwargs: dict) -> tuple[list, dict]:
        """Arguments naming a model built when constructed (a keras-hub backbone given to a task),
        bound once: that model, as a copy its new holder may call without changing the original."""
        call = instance.call

        def held(node: ast.expr, value):
            if not isinstance(node, ast.Name):
                return value
            bound = self.graph.bindings.get(instance.scope, {}).get(node.id) or self.graph.bindings.get(MODULE_SCOPE, {}).get(node.id)
            if not isinstance(bound, LayerInstance) or bound is instance:
                return value
            home = self.counter.class_counter(bound.class_ref)
            stores = [name for name in self.names_in(_function(bound.scope)).get(node.id, []) if isinstance(name.ctx, ast.Store)]
            if home is None or not functional_class(home[0].module, home[1]) or len(stores) != 1:
                return value
            original = self.value_of(bound)
            return LayerValue(original.ref, original.args, original.kwargs, original.node, original.attr)

        if len(args) == len(call.args) and not any(isinstance(arg, ast.Starred) for arg in call.args):
            args = [held(node, value) for node, value in zip(call.args, args, strict=True)]
        kwargs = {**kwargs, **{k.arg: held(k.value, kwargs[k.arg]) for k in call.keywords if k.arg in kwargs}}
        return args, kwargs

    def keras_name(self, instance: LayerInstance) -> str | None:
        """The name ``model.summary()`` prints for a layer: where the file's layers are all followed,
        Keras's automatic one too; else only a ``name=`` given."""
        if self._session_names is None:
            subclassed = any(model.kind == "subclass" for model in self.graph.models)  # its layers are made in its __init__
            self._session_names = {} if subclassed else session_names(self.graph.instances, self.source.text, self._named_alone)
        return self._session_names.get(id(instance)) or given_name(instance)

    def _named_alone(self, ref: str) -> bool:
        """A layer whose making takes one automatic name: a built-in one, or a class of this file that makes nothing else."""
        facts = self.module.classes.get(ref)
        if facts is None:
            return _numbered_by_keras(ref)
        return not facts.external_bases and all(self._named_alone(base) for base in facts.local_bases) and names_itself_only(facts)

    def _whole_model_quantize(self) -> dict[int, list[tuple[ast.Call, int | None, bool]]]:
        """``model.quantize(...)``, for each layer of the model: (call, the line the model is built from, True)."""
        found: dict[int, list] = {}
        for model in self.graph.models:
            calls = [call for call in model.unmodelled if quantize.is_quantize(call)] if model.kind != "subclass" else []
            built = model.kind == "functional" or model.sequential_input is not None
            for call in calls:
                for leaf in dict.fromkeys(self._leaves(model)):
                    found.setdefault(id(leaf), []).append((call, model.call.lineno if built and model.scope == MODULE_SCOPE else None, True))
        return found

    def _quantize(self, instance: LayerInstance, layer: LayerValue) -> None:
        """The ``quantize`` calls on a layer and on the models it is in: modelled, or a reason why not."""
        calls = [(call, self._built_at(instance), False) for call in instance.unmodelled if quantize.is_quantize(call)]
        calls += self._model_quantize.get(id(instance), [])
        given = _own_policy(layer)
        compute = given.compute if given is not None else (self.policy.compute if "dtype" not in layer.kwargs else None)
        for call, built_at, whole_model in calls:
            plan = quantize.planned(call, self.source.tree, built_at, whole_model, compute, self.counter.flavor)
            (layer.quantized if isinstance(plan, quantize.Quantization) else layer.changes).append(plan)

    def _built_at(self, instance: LayerInstance) -> int | None:
        """The first line from which a layer made at module level is built: its first call, or the
        Sequential with an ``Input`` it is made in."""
        if instance.scope != MODULE_SCOPE or instance.uncertain:
            return None
        lines = [a.call.lineno for a in instance.applications if a.scope == MODULE_SCOPE and not a.uncertain]
        lines += [m.call.lineno for m in self.graph.models if m.sequential_input is not None and m.scope == MODULE_SCOPE and instance in m.layers]
        return min(lines, default=None)

    def setting(self, setting: Setting):
        """A value set on a layer or model after it is made, read where it is set."""
        return UNKNOWN if setting.value is None else self.scopes.value(setting.value, setting.scope)

    def settled(self, count: Count) -> Count:
        """``layer.trainable = False`` or ``enable_lora`` on a layer not followed (``model.layers[1]``,
        a loop variable) may change any count of the module: the total stays, the split does not."""
        if self.graph.loose_weight_changes:
            lines = ", ".join(str(node.lineno) for node in self.graph.loose_weight_changes)
            return Count(Status.UNKNOWN, reason=f"line {lines}: a method that changes weights is called on layers not followed")
        if not self.graph.loose_changes or count.status is Status.UNKNOWN:
            return count
        lines = ", ".join(str(node.lineno) for node in self.graph.loose_changes)
        reason = f"line {lines}: `trainable` or LoRA is set on layers not followed, so which weights train is not known"
        return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, reason])), count.total, count.typed)

    def tensor_shape(self, tensor: Tensor | None):
        if tensor is None or tensor.maybe:
            return None
        if tensor.input_call is not None:
            return self._input_shape(tensor.input_call, tensor.scope)
        if tensor.index is not None:  # `out, h, c = lstm(x)`
            parts = self.output_parts.get(id(tensor.producer), ())
            return parts[tensor.index] if tensor.index < len(parts) else None
        if tensor.operands is not None and id(tensor) not in self.shapes:
            self.shapes[id(tensor)] = self._expression_shape(tensor)
        return self.shapes.get(id(tensor))

    def _expression_shape(self, tensor: Tensor):
        """``ops.relu(x)``, ``x[:, 0]``: the expression evaluated with its operands' shapes."""
        try:
            value = self.scopes.evaluator.expr(tensor.node, self.env(tensor.scope, tensor.node, tensor.operands))
        except Uncertain:
            return None
        return value.shape if isinstance(value, Tensor) else None

    def _input_shape(self, call: ast.Call, scope: str):
        args, kwargs = self.scopes.arguments(call, scope)
        shape = kwargs.get("shape", args[0] if args else None) if args is not None else None
        batch = kwargs.get("batch_size") if kwargs else None
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, tuple | list) or not all(d is None or as_int(d) is not None for d in shape):
            return None
        return (as_int(batch) if batch is not None else None, *(as_int(d) if d is not None else None for d in shape))

    def _apply(self, application: Application) -> None:
        instance = application.instance
        layer = self.value_of(instance)
        inputs = []
        for item in application.inputs:
            if isinstance(item, list):
                inputs.append([Tensor(self.tensor_shape(t)) for t in item])
            else:
                inputs.append(Tensor(self.tensor_shape(item)))
        self.application_inputs[id(application)] = inputs
        if instance.model is not None and instance.model.kind != "subclass":
            given = inputs[0].shape if inputs and isinstance(inputs[0], Tensor) else None
            output = Tensor(self._model_output(instance.model, given))
        elif layer.ref in ATTENTION_INPUTS and len(inputs) >= 2:
            output = self._output_multi(layer, inputs)
        elif inputs and isinstance(inputs[0], list) and not self.counter.takes_lists(layer):
            output = self._output_multi(layer, inputs[0])
        else:
            output = self.counter.output_of(layer, inputs if self.counter.takes_lists(layer) else [item for item in inputs if isinstance(item, Tensor)][:1])
        if application.output is not None:
            self.shapes[id(application.output)] = output.shape
        spec = builtin_layers.lookup(layer.ref)
        parts = spec.output_parts(spec.bind(layer.args, layer.kwargs), inputs[0].shape) if spec is not None and len(inputs) == 1 and isinstance(inputs[0], Tensor) else None
        if parts is not None:
            self.output_parts[id(application)] = parts
        self.layer_outputs[id(instance)] = output.shape

    def _build(self, instance: LayerInstance) -> None:
        """``layer.build(shape)`` on a layer never called: its weights are made for that shape."""
        if instance.build is None or instance.applications or instance.in_sequential or instance.model is not None:
            return
        shapes = self.build_shape(instance.build, instance.class_ref)
        if shapes is not None:
            self.value_of(instance).input_shapes.append(shapes)

    def build_shape(self, build: Setting, ref: str = ""):
        """The shape (or, for attention, the shapes) a ``build(...)`` call gives; None: not known."""
        if build.value is None:  # built on some path only
            return None
        args, kwargs = self.scopes.arguments(build.value, build.scope)
        return build_input(ref, args, kwargs, self.counter.flavor is Flavor.KERAS3)

    def _output_multi(self, layer: LayerValue, tensors: list) -> Tensor:
        shapes = [t.shape for t in tensors]
        layer.input_shapes.append(shapes)
        return table_output(layer.ref, layer.args, layer.kwargs, shapes)

    def _model_output(self, model: Model, given=None):
        """The output shape of a Sequential or single-output functional model (``given``: the
        input shape where it is called, which a Sequential without an input of its own takes)."""
        if model.kind == "sequential":
            return self._run_sequential(model, given)
        return self.tensor_shape(model.outputs[0]) if len(model.outputs) == 1 else None

    def _run_sequential(self, model: Model, given=None):
        if id(model) in self._sequential_outputs:
            return self._sequential_outputs[id(model)]
        shape = self._input_shape(model.sequential_input, model.scope) if model.sequential_input is not None else self._declared_input(model)
        layers = model.layers
        if len(set(map(id, layers))) < len(layers) and self.counter.flavor is not Flavor.KERAS3:
            if shape is not None or model.sequential_input is not None:
                return None  # how tf_keras builds a repeated layer after an input is not followed
            layers = list(dict.fromkeys(layers))  # tf_keras builds one without an input from its layers, each once
        if shape is None and model.build is not None:  # `model.build((None, 32))`
            shape = self.build_shape(model.build)
        if shape is None and given is None:
            return None  # it may still be built where it is nested in another model
        shape = shape if shape is not None else given
        for instance in layers:
            if instance.model is not None and instance.model.kind != "subclass":
                shape = self._model_output(instance.model, shape)
            else:
                layer = self.value_of(instance)
                shape = (self.counter.output_of(layer, [Tensor(shape)]) if shape is not None else Tensor(None)).shape
            self.layer_outputs[id(instance)] = shape
        self._sequential_outputs[id(model)] = shape
        return shape

    def _declared_input(self, model: Model):
        if not model.layers:
            return None
        layer = self.value_of(model.layers[0])
        declared = layer.kwargs.get("input_shape")
        if isinstance(declared, tuple | list) and all(d is None or as_int(d) is not None for d in declared):
            return (None, *declared)
        if layer.ref == "keras.layers.Embedding":  # its `input_dim` is the vocabulary size
            length = layer.kwargs.get("input_length")
            return (None, as_int(length)) if length is not None and as_int(length) is not None else None
        input_dim = as_int(layer.kwargs.get("input_dim"))  # Keras 2: `input_dim=n` means `input_shape=(n,)`
        return (None, input_dim) if input_dim is not None else None

    def span(self, node: ast.AST) -> Span:
        """``source.span`` of a node of the file, made once."""
        found = self._spans.get(id(node))
        if found is None or found[0] is not node:  # kept with its node, so its id is not reused
            found = self._spans[id(node)] = (node, self.source.span(node))
        return found[1]

    def instances_of(self, class_ref: str) -> list[LayerInstance]:
        """The graph's instances of one layer class (indexed once: a module has many classes)."""
        if self._instances is None:
            self._instances = {}
            for instance in self.graph.instances:
                self._instances.setdefault(instance.class_ref, []).append(instance)
        return self._instances.get(class_ref, [])

    def names_in(self, function: str) -> dict[str, list[ast.Name]]:
        """The ``Name`` nodes of a top-level function, or, for the module, of everything outside
        classes (a class's methods have names of their own), by name; indexed on first use."""
        if function not in self._names:
            body = self.source.tree.body
            if function == MODULE_SCOPE:
                statements = [s for s in body if not isinstance(s, ast.ClassDef)]
            else:
                if self._functions is None:
                    self._functions = {}
                    for s in body:
                        if isinstance(s, ast.FunctionDef):
                            self._functions.setdefault(s.name, []).append(s)
                statements = self._functions.get(function, [])
            self._names[function] = names_under(statements)
        return self._names[function]

    def names_read_for(self, attributes: frozenset[str]) -> set[int]:
        """The ``Name`` nodes (by id) read for one of ``attributes`` (``model.summary``); one walk per file."""
        if attributes not in self._names_read_for:
            self._names_read_for[attributes] = {
                id(node.value) for node in walk(self.source.tree)
                if isinstance(node, ast.Attribute) and node.attr in attributes and isinstance(node.value, ast.Name)
            }
        return self._names_read_for[attributes]

    # -- reports ---------------------------------------------------------------------------------
    def instance_count(self, instance: LayerInstance) -> Count:
        if instance.model is not None and instance.model.kind != "subclass":
            return self._nested_model_count(instance.model)
        return self.counter.layer(self.value_of(instance)).count()

    def model_rows(self, model: Model) -> tuple[list[LayerRow], Count]:
        rows: list[LayerRow] = []
        occurrences = {id(instance): model.layers.count(instance) for instance in model.layers}
        for instance in dict.fromkeys(model.layers):  # a layer listed twice has one set of weights
            count = self.row_count(instance)  # made or used only on some path: not even a lower bound may include it
            shared = max(len(instance.applications), occurrences[id(instance)]) > 1
            rows.append(LayerRow(instance.label, _class_label(instance), count, self.span(instance.call), shared, self.layer_outputs.get(id(instance)), self.keras_name(instance)))
        count = _sum([row.count for row in rows])
        leaves = self._leaves(model)
        if len(set(map(id, leaves))) < len(leaves):  # a layer shared by sub-models has one set of weights
            count = self._shared_leaves(model, leaves)
        count = _unless_changed(model, count)
        if model.opaque and count.status is not Status.UNKNOWN:
            count = Count(Status.PARTIAL, count.trainable, count.non_trainable, "; ".join(filter(None, [count.reason, "part of the model's graph was not followed"])), count.whole, count.typed)
        return rows, self._model_frozen(model, count)

    def _leaves(self, model: Model) -> list[LayerInstance]:
        """The layers of a model with its sub-models opened, each sub-model once."""
        leaves = []
        for instance in dict.fromkeys(model.layers):
            nested = instance.model is not None and instance.model.kind != "subclass"
            leaves += self._leaves(instance.model) if nested else [instance]
        return leaves

    def _shared_leaves(self, model: Model, leaves: list[LayerInstance]) -> Count:
        count = _sum([self.row_count(leaf) for leaf in dict.fromkeys(leaves)])
        frozen = any(self._trainable(sub) is not True for sub in self._submodels(model))
        if frozen and count.total is not None:  # where a frozen sub-model shares a layer, its side is not known
            return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, "a layer is shared by sub-models that are frozen"])), count.total, count.typed)
        return count

    def row_count(self, instance: LayerInstance) -> Count:
        if instance.uncertain or (instance.applications and all(a.uncertain for a in instance.applications)):
            return Count(Status.UNKNOWN, reason=f"`{instance.label}` is made or used in a branch or loop")
        return self.instance_count(instance)

    def _submodels(self, model: Model) -> list[Model]:
        nested = [i.model for i in model.layers if i.model is not None and i.model.kind != "subclass"]
        return nested + [deeper for sub in nested for deeper in self._submodels(sub)]

    def _nested_model_count(self, model: Model) -> Count:
        """A model inside another: Keras 3 does not pass ``trainable=False`` given to a model's
        constructor on to its layers, so the outer model counts them by their own flags."""
        count = self.model_rows(model)[1]
        _, kwargs = self.scopes.arguments(model.call, model.scope)
        if model.trainable is None and (kwargs or {}).get("trainable", True) is not True and count.total is not None:
            reason = "a model made with `trainable=False` inside another: which of its weights the outer model trains is not known"
            return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, reason])), count.total, count.typed)
        return _mixed_trainable(model, count)

    def _trainable(self, model: Model):
        _, kwargs = self.scopes.arguments(model.call, model.scope)
        trainable = (kwargs or {}).get("trainable", True)
        return self.setting(model.trainable) if model.trainable is not None else trainable

    def _model_frozen(self, model: Model, count: Count) -> Count:
        trainable = self._trainable(model)
        if trainable is True and model.mixed_trainable:
            return _mixed_trainable(model, count)
        if trainable is True or count.status is Status.UNKNOWN:
            return count
        if trainable is False and count.total is not None:
            return Count(count.status, 0, count.total, count.reason, typed=all_frozen(count.typed))
        return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, "whether the model is trainable is not known"])), count.total, count.typed)


def _mixed_trainable(model: Model, count: Count) -> Count:
    """``trainable`` set on a model and on layers in it: a frozen model trains nothing itself, but
    which layers train otherwise, and in the models holding it, depends on the order (Keras 3 sets
    its layers' flags only when the model's changes) and the version (tf_keras always sets them)."""
    if not model.mixed_trainable or count.status is Status.UNKNOWN or count.total is None:
        return count
    lines = ", ".join(dict.fromkeys(str(node.lineno) for node in model.mixed_trainable))
    reason = f"line {lines}: `trainable` is set on a model and on layers in it, so which of them train depends on the order and the Keras version"
    return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, reason])), count.total, count.typed)


def _numbered_by_keras(ref: str) -> bool:
    """A built-in layer that makes no layers of its own with automatic names (wrappers copy theirs)."""
    spec = builtin_layers.lookup(ref)
    return ref.startswith("keras.layers.") and spec is not None and not spec.wrapper


def _unless_changed(model: Model, count: Count) -> Count:
    """A model on which a method not modelled is called (``model.quantize("int8")``): not known."""
    calls = [call for call in model.unmodelled if model.kind == "subclass" or not quantize.is_quantize(call)]  # else on its layers
    if not calls:
        return count
    return Count(Status.UNKNOWN, reason="; ".join(_unmodelled_reason(call) for call in calls))


def _builds_as_used(instance: LayerInstance, call: ast.Call) -> bool:
    """``norm.adapt(data)``: a Normalization builds on the data's shape, which keeps the same axes as
    the inputs it then takes (the batch is never one of them), so its weights are those of its use."""
    return call.func.attr == "adapt" and instance.class_ref == "keras.layers.Normalization"


def _unmodelled_reason(call: ast.Call) -> str:
    return f"line {call.lineno}: `{ast.unparse(call.func)}(...)` is not modelled; it may change the weights"


def _sum(counts: list[Count]) -> Count:
    if not counts:
        return Count(Status.UNKNOWN, reason="no layers found")
    trainable = sum(c.trainable or 0 for c in counts)
    non_trainable = sum(c.non_trainable or 0 for c in counts)
    reasons = [c.reason for c in counts if c.status is not Status.EXACT and c.reason]
    typed = tuple(entry for c in counts if c.status is not Status.UNKNOWN for entry in c.typed)
    if all(c.status is Status.EXACT for c in counts):
        return Count(Status.EXACT, trainable, non_trainable, typed=typed)
    if all(c.status is Status.UNKNOWN for c in counts):
        return Count(Status.UNKNOWN, reason="; ".join(reasons))
    whole = sum(c.total or 0 for c in counts if c.status is not Status.UNKNOWN) if any(c.whole is not None for c in counts) else None
    return Count(Status.PARTIAL, trainable, non_trainable, "; ".join(reasons), whole, typed)


# -- what the views show ------------------------------------------------------------------------------


def count_report(analysis) -> CountReport:
    """Counts for everything in an analysed file (``engine.Analysis``); cached on it."""
    if "report" not in analysis.memo:
        counts = module_counts(analysis)
        analysis.memo["report"] = _build_report(analysis.source, analysis.module, analysis.graph, analysis.flavor.flavor, counts)
    return analysis.memo["report"]


def branch_decider(source: SourceFile, module: ModuleFacts, flavor: Flavor, scopes: ScopeValues):
    """For ``build_graph``: which way an ``if`` in model-building code goes, when its test has a
    certain value there: plain values, and the shapes of tensors made so far."""

    def decide(test: ast.expr, scope: str, graph: ModuleGraph) -> bool | None:
        mentioned = {node.id for node in ast.walk(test) if isinstance(node, ast.Name)}
        names = scopes.graph_values(scope)
        tensors = {name: value for name in mentioned if isinstance(value := names.get(name), Tensor)}
        if tensors:
            env = ModuleCounts(source, module, graph, flavor, scopes).env(scope, test, tensors)  # the graph read up to this test
        else:
            env = scopes.env(scope, test)
        return truth(scopes.evaluator.expr(test, env))

    return decide


def module_counts(analysis) -> ModuleCounts:
    """For an ``engine.Analysis`` or a rule ``Context``: both carry the same memo."""
    if "counts" not in analysis.memo:
        flavor = getattr(analysis.flavor, "flavor", analysis.flavor)
        analysis.memo["counts"] = ModuleCounts(analysis.source, analysis.module, analysis.graph, flavor, analysis.memo["scopes"])
    return analysis.memo["counts"]


def _build_report(source: SourceFile, module: ModuleFacts, graph: ModuleGraph, flavor: Flavor, counts: ModuleCounts) -> CountReport:
    report = CountReport()
    for name, facts in module.classes.items():
        report.classes[name] = class_report(source, module, flavor, name, counts)
    for model in graph.models:
        report.models.append(model_report(source, counts, model))
    mentions = _layer_mentions(counts)
    for instance in graph.instances:
        count = counts.settled(counts.instance_count(instance))
        formula = _input_formula(counts, instance) if count.status is Status.UNKNOWN else None
        uses = (*mentions.get(id(instance), ()), *(source.span(a.call) for a in instance.applications))
        row = LayerRow(instance.label, _short(instance.class_ref), count, counts.span(instance.call), len(instance.applications) > 1,
                       counts.layer_outputs.get(id(instance)), given_name(instance), uses, formula)
        report.sites.append(row)
    return report


def _layer_mentions(counts: ModuleCounts) -> dict[int, list[Span]]:
    """Where each layer's variable is used: a use belongs to the last instance bound to that
    name, in that function, at or before its line."""
    bound: dict[tuple[str, str], list[LayerInstance]] = {}
    for instance in counts.graph.instances:
        if instance.var and isinstance(instance.call, ast.Call):
            bound.setdefault((_function(instance.scope), instance.var), []).append(instance)
    found: dict[int, list[Span]] = {}
    for (function, var), instances in bound.items():
        instances.sort(key=lambda i: i.call.lineno)
        for node in counts.names_in(function).get(var, []):
            for owner in reversed(instances):
                if owner.call.lineno <= node.lineno:
                    found.setdefault(id(owner), []).append(counts.source.span(node))
                    break
    return found


def _input_formula(counts: ModuleCounts, instance: LayerInstance) -> str | None:
    """``in*8 + 8``: the params of a layer not called yet, in terms of its input size."""
    layer = counts.value_of(instance)
    home = counts.counter.class_counter(layer.ref)
    if home is None or layer.wrapped is not None:
        return None
    counter, name = home
    counted = counter.custom(name, list(layer.args), dict(layer.kwargs), SymbolicShape())
    sizes = [w.size for w in counted.weights]
    return str(sum(sizes, Expr.const(0))) if counted.weights and None not in sizes else None


def class_report(source: SourceFile, module: ModuleFacts, flavor: Flavor, name: str, counts: ModuleCounts) -> ClassReport:
    facts = module.classes[name]
    line = facts.node.lineno
    col = source.char_col(line, facts.node.col_offset) + len("class ")
    report = ClassReport(name, _span(line, col, col + len(name)))
    symbolic = counts.counter.custom(name, [], symbolic_kwargs(facts), SymbolicShape())
    total = Expr.const(0)
    for weight in symbolic.weights:
        size = weight.size
        report.weights.append(WeightRow(weight.name, shape_text(weight.shape), bool(weight.trainable), size.value if isinstance(size, Expr) and size.is_const else None, str(size) if size is not None else None))
        total = total + size if size is not None and total is not None else None
    report.formula = str(total) if total is not None and symbolic.weights else None
    report.count = symbolic.count()
    for instance in counts.instances_of(name):
        report.instantiations.append(LayerRow(instance.label, name, counts.settled(counts.instance_count(instance)), counts.span(instance.call), len(instance.applications) > 1))
    return report


def symbolic_kwargs(facts) -> dict:
    """Constructor parameters become symbols, except flags and strings, which keep defaults."""
    init = facts.methods.get("__init__")
    if init is None:
        return {}
    params = [*init.args.posonlyargs, *init.args.args][1:]
    defaults = dict(zip([p.arg for p in params][len(params) - len(init.args.defaults):], init.args.defaults))
    defaults.update({p.arg: d for p, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None})
    symbols = {}
    for param in [*params, *init.args.kwonlyargs]:
        default = defaults.get(param.arg)
        is_int_default = isinstance(default, ast.Constant) and type(default.value) is int
        if default is None or is_int_default:
            symbols[param.arg] = Expr.sym(param.arg)
    return symbols


def model_report(source: SourceFile, counts: ModuleCounts, model: Model) -> ModelReport:
    name = model.var or model.scope
    report = ModelReport(name, model.kind, source.span(model.call))
    if model.kind == "subclass":
        count, rows = _subclass_model(counts, model)
        count = _unless_changed(model, count)
    else:
        rows, count = counts.model_rows(model)
    report.rows = [row if (settled := counts.settled(row.count)) is row.count else replace(row, count=settled) for row in rows]  # most stay as they are
    report.count = counts.settled(count)
    report.sizes = sizes_of(report.count, counts.policy)
    report.mentions = _mentions(counts, model)
    return report


def _subclass_model(counts: ModuleCounts, model: Model) -> tuple[Count, list[LayerRow]]:
    functional, sequential = counts.counter.made_whole(model.class_ref)
    if functional:  # built when constructed, whatever is done with it later
        args, kwargs = counts.scopes.arguments(model.call, model.scope)
        if args is None or kwargs is None:
            return Count(Status.UNKNOWN, reason="the model's constructor arguments are not known"), []
        return counts._model_frozen(model, counts.counter.functional(model.class_ref, args, kwargs).count()), []
    if sequential:
        return Count(Status.UNKNOWN, reason=_SEQUENTIAL_SUBCLASS), []
    count, rows = _called_or_built(counts, model)
    return _set_after(counts, model, count), rows


def _called_or_built(counts: ModuleCounts, model: Model) -> tuple[Count, list[LayerRow]]:
    hierarchy = _hierarchy(counts.module, model.class_ref)
    if not any("call" in f.methods or f.external_bases for f in hierarchy):  # it cannot be called: it has what it is made with
        return _composed(counts, model), []
    if model.calls:  # on a graph tensor, or an array (`np.zeros((1, 32))`, `tf.zeros`, `keras.random.normal`, `ops.ones`)
        shape = counts.tensor_shape(model.calls[0][1][0]) if model.calls[0][1] else None
    elif model.build is not None and (counts.counter.flavor is Flavor.KERAS3 or _has_method(counts.module, model.class_ref, "build")):
        return _built_not_called(counts, model), []
    else:  # tf_keras: `build(shape)` calls the model on a placeholder of that shape
        shape = counts.build_shape(model.build) if model.build is not None else None
    if shape is None:
        return Count(Status.UNKNOWN, reason="the model is never called on a known input or built with a shape"), []
    args, kwargs = counts.scopes.arguments(model.call, model.scope)
    counted = counts.counter.custom(model.class_ref, args or [], kwargs or {}, shape)
    return counted.count(), []


def _set_after(counts: ModuleCounts, model: Model, count: Count) -> Count:
    """``model.trainable = ...`` on a Model subclass once made, else ``trainable=`` given to its
    constructor: ``False`` freezes every weight of the model itself; ``True`` set later unfreezes
    the layers its constructor froze in tf_keras but not in Keras 3, so a split with frozen
    weights is then not known."""
    if count.status is Status.UNKNOWN:
        return count
    trainable = counts._trainable(model)
    if trainable is False:
        return counts._model_frozen(model, count)
    if model.trainable is None or (trainable is True and not count.non_trainable):
        return count
    if trainable is True:
        reason = "`trainable = True` is set on the model, which may make the layers it holds trainable again"
    else:  # `model.bn.trainable = False`, `model.layers[1].trainable = False`: on the model as a whole
        reason = "`trainable` is set on the model or on layers in it in a way not followed, so which weights train is not known"
    return Count(Status.PARTIAL, None, None, "; ".join(filter(None, [count.reason, reason])), count.total, count.typed)


def _function(scope: str) -> str:
    """The top-level function (or the module) of a scope: an inlined call or a loop pass is read in it."""
    return scope.partition("@")[0].partition("#")[0]


# uses of a model that neither call nor build it
_NOT_BUILDING = frozenset({"build", "summary", "compile", "count_params", "trainable_weights", "non_trainable_weights", "weights", "name"})
# built-in layers that may make their weights when constructed (``Embedding(weights=...)``, adapted statistics)
_BUILT_WHEN_MADE = frozenset({"keras.layers.Normalization", "keras.layers.StringLookup", "keras.layers.IntegerLookup", "keras.layers.TextVectorization"})


def _built_not_called(counts: ModuleCounts, model: Model) -> Count:
    """``model.build(shape)`` on a Model subclass never called. Keras 3 runs the class's own
    ``build()`` if it has one; without one it builds nothing (with a warning): the model has the
    weights made when it was constructed, none for layers it would build on a call."""
    if model.build.value is None or not _used_only_to_build(counts, model):
        return Count(Status.UNKNOWN, reason="the model is never called on a known input, and it is built on some path only or used in ways not followed")
    if _has_method(counts.module, model.class_ref, "build"):  # its layers that build() builds, and no others
        shape = counts.build_shape(model.build)
        return _constructed(counts, model, shape) if shape is not None else Count(Status.UNKNOWN, reason="the shape the model is built with is not known")
    count = _constructed(counts, model)
    if count.status is not Status.EXACT:
        return count
    why = "Keras 3: `build(shape)` on a Model subclass without a `build()` method builds none of its layers (with a warning)"
    if count.total == 0:
        why += "; call the model on an input instead"
    else:
        why += ": the count is what its constructor made"
    return Count(Status.EXACT, count.trainable, count.non_trainable, why)


def _composed(counts: ModuleCounts, model: Model) -> Count:
    """A Model subclass without ``call()`` (VAE, GAN: it holds models built already and trains them in
    ``train_step``): its weights are the ones made when it is constructed."""
    return counts._model_frozen(model, _constructed(counts, model))


def _constructed(counts: ModuleCounts, model: Model, build_shape=None) -> Count:
    """The weights a Model subclass has once constructed (and, given ``build_shape``, built by its own
    ``build()``, not called): its own ``add_weight``s, the layers built so far, and the functional or
    Sequential models of this file it is given (built already); other built-in layers have none
    until they are called or built."""
    facts = _hierarchy(counts.module, model.class_ref)
    arguments = _construction_arguments(counts, model)
    if arguments is None or any(f.external_bases for f in facts):
        return Count(Status.UNKNOWN, reason="the model's constructor or its arguments are not followed")
    args, kwargs, given = arguments
    interpreter = Interpreter(counts.module, model.class_ref, counts.counter.flavor, module_values=counts.counter.module_values)
    try:
        interpreter.construct(args, kwargs)
        if build_shape is not None:
            interpreter.build(build_shape)
    except (Uncertain, RecursionError) as exc:
        return Count(Status.UNKNOWN, reason=str(exc) or "the model's constructor is too deeply nested to follow")
    if interpreter.functional_init is not None:  # given inputs and outputs in a way `functional_class` does not see
        return Count(Status.UNKNOWN, reason="the constructor builds a functional model in a way that is not followed")
    own = [Weight(w.name, _dims(w.shape), _bool(w.trainable)) for w in [*interpreter.outcome.weights, *collect_variables(interpreter.attrs)]]
    doubts = [*interpreter.outcome.doubts, *(f"line {call.lineno}: `{ast.unparse(call.func)}(...)` was not followed" for call in interpreter.unfollowed_sites())]
    held: dict[int, Model] = {}
    built: list[Count] = []
    for sublayer in interpreter.tracked_sublayers():
        if id(sublayer) in given:
            held.setdefault(id(given[id(sublayer)]), given[id(sublayer)])
        elif sublayer.input_shapes:
            built.append(counts.counter.layer(sublayer).count())
        elif not _unbuilt_when_made(counts.counter, sublayer):
            doubts.append(f"`{sublayer.attr or _short(sublayer.ref)}` may have weights already when the model is made")
    return _sum([LayerCount(own, doubts).count(), *built, *(counts._nested_model_count(sub) for sub in held.values())])


def _construction_arguments(counts: ModuleCounts, model: Model) -> tuple[list, dict, dict[int, Model]] | None:
    """The constructor's arguments, where a name bound once to a functional or Sequential model of this
    file stands for it (a layer value the counter looks up in ``given``); None: not known."""
    call = model.call
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords):
        return None
    args, kwargs = counts.scopes.arguments(call, model.scope)
    if args is None or kwargs is None:
        return None
    given: dict[int, Model] = {}

    def stand_in(node: ast.expr, value):
        held = _graph_model(counts, node, model.scope)
        if held is None:
            return value if _plain(value) else UNKNOWN  # a value not known may be a layer it keeps
        placeholder = LayerValue(held.class_ref or "keras.Model", [], {}, held.call, held.var)
        given[id(placeholder)] = held
        return placeholder

    args = [stand_in(node, value) for node, value in zip(call.args, args, strict=True)]
    kwargs = {k.arg: stand_in(k.value, kwargs[k.arg]) for k in call.keywords}
    return None if any(value is UNKNOWN for value in [*args, *kwargs.values()]) else (args, kwargs, given)


def _plain(value) -> bool:
    """A number, string, flag or None, or a tuple or list of them: nothing that holds weights."""
    if isinstance(value, tuple | list):
        return all(map(_plain, value))
    return value is None or isinstance(value, bool | int | float | str)


def _graph_model(counts: ModuleCounts, node: ast.expr, scope: str) -> Model | None:
    """The functional or Sequential model a name is bound to, when it is bound once in its function."""
    if not isinstance(node, ast.Name):
        return None
    bound = counts.graph.bindings.get(scope, {})
    value = bound[node.id] if node.id in bound else counts.graph.bindings.get(MODULE_SCOPE, {}).get(node.id)
    if not isinstance(value, Model) or value.kind == "subclass":
        return None
    stores = [name for name in counts.names_in(_function(value.scope)).get(node.id, []) if isinstance(name.ctx, ast.Store)]
    return value if len(stores) == 1 else None


def _unbuilt_when_made(counter: Counter, layer: LayerValue, depth: int = 0) -> bool:
    """A layer that has no weights until it is called or built: a built-in one, or a class whose
    constructor, followed, creates no weight and holds only such layers."""
    if "weights" in layer.kwargs or layer.ref in _BUILT_WHEN_MADE or layer.ref in SEQUENTIAL:
        return False
    home = counter.class_counter(layer.ref)
    if home is not None:
        return LIMITS.enters_call(depth) and _constructs_no_weights(*home, layer, depth)
    spec = builtin_layers.lookup(layer.ref)
    return spec is not None and (layer.wrapped is None or _unbuilt_when_made(counter, layer.wrapped, depth))


def _constructs_no_weights(counter: Counter, name: str, layer: LayerValue, depth: int) -> bool:
    interpreter = Interpreter(counter.module, name, counter.flavor, module_values=counter.module_values)
    try:
        interpreter.construct(list(layer.args), dict(layer.kwargs))
    except (Uncertain, RecursionError):
        return False
    if interpreter.outcome.weights or interpreter.outcome.doubts or collect_variables(interpreter.attrs) or interpreter.unfollowed_sites():
        return False
    inner = [*interpreter.tracked_sublayers(), *filter(None, [interpreter.builtin_base])]
    return all(_unbuilt_when_made(counter, sub, depth + 1) for sub in inner)


def _used_only_to_build(counts: ModuleCounts, model: Model) -> bool:
    """Whether every use of the model's variable is ``model.build(...)``, ``model.summary()`` and the
    like: nothing that calls, fits or passes the model on, which would build its layers."""
    if not model.var:
        return False
    harmless = counts.names_read_for(_NOT_BUILDING)
    return all(id(node) in harmless or isinstance(node.ctx, ast.Store) for node in counts.names_in(_function(model.scope)).get(model.var, []))


def _hierarchy(module: ModuleFacts, name: str) -> list:
    """The class and its bases of this file."""
    facts = module.classes.get(name)
    return [] if facts is None else [facts, *(base for local in facts.local_bases for base in _hierarchy(module, local))]


def _has_method(module: ModuleFacts, name: str, method: str) -> bool:
    return any(method in facts.methods for facts in _hierarchy(module, name))


def _mentions(counts: ModuleCounts, model: Model) -> list[Span]:
    if not model.var:
        return []
    function = _function(model.scope)
    return [_with_summary_call(counts.source, counts.source.span(node)) for node in counts.names_in(function).get(model.var, [])]


_SUMMARY_CALL = re.compile(r"\.\s*(?:summary|count_params)\s*\([^()]*\)")


def _with_summary_call(source: SourceFile, span: Span) -> Span:
    """``model`` in ``model.summary()`` / ``model.count_params()``: the whole call, so a hover
    on ``summary`` shows the summary too."""
    match = _SUMMARY_CALL.match(source.line_text(span.end_line), span.end_col)
    return Span(span.line, span.col, span.end_line, match.end()) if match else span


def shape_text(shape) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _span(line: int, col: int, end_col: int) -> Span:
    return Span(line, col, line, end_col)
