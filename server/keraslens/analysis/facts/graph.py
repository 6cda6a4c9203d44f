"""The functional side of a module, as data: layer instances, where they are called, and models.

``interpretation.graph_reader`` builds it by reading the module's code; ``counts`` shapes it.

The links back (a tensor to the application that made it, an application to its layer, a
model's stand-in layer to the model) are weak: the graph owns every node, and a graph of the
previous version is freed the moment it is dropped, not by a full garbage collection, which the
language server runs rarely (its documents' trees are large to rescan).
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field


MODULE_SCOPE = "<module>"


def _weak(target) -> weakref.ref | None:
    return None if target is None else weakref.ref(target)


def _strong(link: weakref.ref | None):
    return None if link is None else link()


@dataclass(eq=False, slots=True, weakref_slot=True)
class LayerInstance:
    call: ast.Call
    class_ref: str  # canonical Keras name, or a class name of this file
    scope: str
    var: str | None = None
    wrapped: LayerInstance | None = None  # TimeDistributed(X) / Bidirectional(X)
    applications: list[Application] = field(default_factory=list)
    in_sequential: bool = False
    sequential_uses: list[ast.expr] = field(default_factory=list)  # its elements in Sequential([...]) / .add()
    trainable: Setting | None = None  # the last `layer.trainable = ...`
    lora_rank: Setting | None = None  # `layer.enable_lora(rank)`
    functional: bool = False  # `layers.concatenate([a, b])`: made and applied by one call
    uncertain: bool = False  # made in a loop or a branch: how many, or whether at all, is not known
    model_link: weakref.ref | None = None  # a model called like a layer: this instance stands for it (``model``)
    arg_tensors: dict[str, Tensor] = field(default_factory=dict)  # tensors named in its arguments
    unmodelled: list[ast.Call] = field(default_factory=list)  # methods called on it that may change its weights
    build: Setting | None = None  # the last `layer.build(shape)` (value: the call)

    @property
    def label(self) -> str:
        return self.var or self.class_ref.rsplit(".", 1)[-1]

    @property
    def model(self) -> Model | None:
        return _strong(self.model_link)

    @classmethod
    def standing_for(cls, model: Model) -> LayerInstance:
        """The layer a model is where it is called like one."""
        return cls(model.call, model.class_ref or "keras.Model", model.scope, model.var, model_link=_weak(model))


@dataclass(eq=False, slots=True)
class Tensor:
    """The one tensor value. What the interpreter computes with is its ``shape`` (batch axis
    included; None: rank not known). A tensor of the module's graph also says where it comes from
    (``node``, ``producer``...); its shape is found later, by ``counts``, from those."""

    shape: tuple | None = None
    node: ast.AST | None = None
    symbolic: bool = False  # comes from keras.Input: calling a layer on it builds a graph
    input_call: ast.Call | None = None  # set for keras.Input(...)
    producer_link: weakref.ref | None = None  # the application that made it (``producer``)
    index: int | None = None  # element of a multi-output result
    scope: str = MODULE_SCOPE  # where an Input was made (its shape may use the function's values)
    maybe: bool = False  # bound in a branch or loop: it may be another tensor, its shape is not known
    operands: dict[str, Tensor] | None = None  # `ops.relu(x)`, `x[:, 0]`: the tensors the expression reads, by name

    @property
    def producer(self) -> Application | None:
        return _strong(self.producer_link)


@dataclass(eq=False, slots=True, weakref_slot=True)
class Application:
    instance_link: weakref.ref  # the layer applied (``instance``)
    call: ast.Call
    inputs: list[Tensor | list[Tensor | None] | None]
    scope: str
    output: Tensor | None = None
    uncertain: bool = False  # applied in a loop or a branch
    order: int = 0  # applications made before it: the order the code runs them (a loop's passes share `call`)
    keyword_tensors: list[Tensor | None] = field(default_factory=list)  # `initial_state=[h, c]`, `mask=m`; None: one not followed

    @classmethod
    def of(cls, instance: LayerInstance, call: ast.Call, inputs: list, scope: str, uncertain: bool, symbolic: bool, order: int) -> Application:
        """``instance`` applied at ``call``; its output tensor links back to it."""
        application = cls(weakref.ref(instance), call, inputs, scope, uncertain=uncertain, order=order)
        application.output = Tensor(node=call, symbolic=symbolic, producer_link=weakref.ref(application))
        return application

    @property
    def instance(self) -> LayerInstance:
        return self.instance_link()


@dataclass(eq=False, slots=True, weakref_slot=True)
class Model:
    call: ast.Call
    kind: str  # "sequential" | "functional" | "subclass"
    scope: str
    var: str | None = None
    layers: list[LayerInstance] = field(default_factory=list)
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)
    class_ref: str | None = None
    sequential_input: ast.Call | None = None  # keras.Input inside Sequential([...])
    calls: list[tuple[ast.Call, list[Tensor | None]]] = field(default_factory=list)  # model(x) call sites
    build: Setting | None = None  # the last `model.build(shape)` (value: the call)
    trainable: Setting | None = None  # the last `model.trainable = ...`
    mixed_trainable: list[ast.AST] = field(default_factory=list)  # `trainable` set on it and on layers in it: what trains depends on the order and the Keras version
    opaque: bool = False  # its graph passes through something not followed (a loop, a helper)
    proxy: LayerInstance | None = None  # stands for the model where it is called like a layer
    unmodelled: list[ast.Call] = field(default_factory=list)  # methods called on it that may change its weights


Value = LayerInstance | Tensor | Model | list


@dataclass(frozen=True, slots=True)
class Setting:
    """A value set on a layer or model after it is made, read where it is set (``value`` None:
    set on some path only, so not known)."""

    value: ast.expr | None
    scope: str

@dataclass(slots=True)
class ModuleGraph:
    instances: list[LayerInstance] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    operator_layers: list[LayerInstance] = field(default_factory=list)  # `x + y` on tensors: Add and the like, not listed as instances
    bindings: dict[str, Mapping[str, Value]] = field(default_factory=dict)  # module or function read on its own -> name -> last graph value (None: not one): the scope's environment, as graph values
    returns: dict[str, Value | None] = field(default_factory=dict)  # function -> value it returns (None: not known)
    loose_changes: list[ast.AST] = field(default_factory=list)  # `.trainable = ` / `enable_lora` on layers not followed
    loose_weight_changes: list[ast.Call] = field(default_factory=list)  # `quantize` and the like on layers not followed

    def lookup(self, name: str) -> Value | None:
        """A module-level variable's last value, or what a function returns."""
        found = self.bindings.get(MODULE_SCOPE, {}).get(name)
        return found if found is not None else self.returns.get(name)
