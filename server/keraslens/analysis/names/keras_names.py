"""The one table of Keras names every stage shares: models, inputs, attention layers, and what
is known to create no weights (everything else that is not modelled makes a count uncertain).

Names are canonical (``names.imports``): ``tf.keras.Sequential`` is ``keras.Sequential``.
"""

from __future__ import annotations

# where a canonical name comes from something that is not the user's code (nor a library class keraslens reads)
NOT_USER_CODE = ("keras.", "tensorflow.", "numpy.", "builtins.")

SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
FUNCTIONAL = frozenset({"keras.Model", "keras.models.Model"})
INPUT_NAMES = frozenset({"keras.Input", "keras.layers.Input"})

# the tensors an attention layer is called on, by keyword (Keras 3.15 has GroupQueryAttention only)
ATTENTION_INPUTS = dict.fromkeys(["keras.layers.MultiHeadAttention", "keras.layers.GroupQueryAttention"], ("query", "value", "key"))
SINGLE_INPUT_ATTENTION = frozenset({"keras.layers.Attention", "keras.layers.AdditiveAttention"})

# callables in these namespaces compute values or configure weights; they never create weights
# (``tensorflow.Variable`` and the layer classes are recognised before this list is asked)
WEIGHT_FREE_PREFIXES = (
    "keras.ops.", "keras.activations.", "keras.initializers.", "keras.regularizers.", "keras.constraints.",
    "keras.random.", "keras.backend.", "keras.losses.", "keras.metrics.", "keras.utils.", "keras.config.",
    "keras.dtype_policies.", "keras.DTypePolicy",
    "keras.layers.concatenate", "keras.layers.add", "keras.layers.multiply", "keras.layers.average",
    "keras.layers.subtract", "keras.layers.maximum", "keras.layers.minimum", "keras.layers.dot",
    "tensorflow.nn.", "tensorflow.math.", "tensorflow.linalg.", "tensorflow.random.", "tensorflow.image.",
    "tensorflow.signal.", "tensorflow.strings.", "tensorflow.debugging.", "tensorflow.dtypes.", "tensorflow.",
    "numpy.", "math.", "builtins.", "functools.partial", "typing.",
)
NOT_WEIGHT_FREE = frozenset({"tensorflow.Variable", "tensorflow.Module", "tensorflow.keras"})
WEIGHT_FREE_TF_CLASSES = frozenset({"tensorflow.TensorShape", "tensorflow.TensorSpec", "tensorflow.GradientTape", "tensorflow.name_scope"})

# methods of a layer or model that leave its weights as they are; any other method called on a
# layer value (``quantize``, ``enable_lora``, ``add_weight`` from outside, ...) may change them
WEIGHT_KEEPING_METHODS = frozenset(
    {
        "__call__", "call", "compute_output_shape", "compute_output_spec", "compute_mask", "get_config", "get_build_config",
        "count_params", "summary", "get_weights", "set_weights", "load_weights", "save_weights", "save", "compile", "fit",
        "evaluate", "predict", "predict_on_batch", "train_on_batch", "test_on_batch", "get_layer", "to_json", "__repr__",
    }
)

# of the others, those known to change weights: called on a layer that is not followed
# (``model.layers[1].quantize("int8")``), any layer of the module may have changed
WEIGHT_CHANGING_METHODS = frozenset({"quantize", "enable_lora", "add_weight", "add_variable"})

# constructor arguments of built-in layers that change neither which weights they have nor their
# shapes; any other argument the layer table does not list makes the layer's count not exact
WEIGHT_NEUTRAL_ARGUMENTS = frozenset(
    {"name", "dtype", "trainable", "activation", "recurrent_activation", "activity_regularizer", "dropout", "recurrent_dropout",
     "seed", "input_shape", "input_dim", "input_length", "batch_size", "batch_input_shape", "autocast", "mask_zero", "sparse",
     "embeddings_initializer", "rate", "noise_shape", "axis_name"}
)
WEIGHT_NEUTRAL_SUFFIXES = ("_initializer", "_regularizer", "_constraint")


def is_weight_free(ref: str) -> bool:
    """Whether a call to the canonical name ``ref`` is known to create no weights."""
    if ref in NOT_WEIGHT_FREE or ref.startswith("tensorflow.keras."):
        return False
    if ref.startswith("tensorflow.") and ref.rsplit(".", 1)[-1][:1].isupper() and ref not in WEIGHT_FREE_TF_CLASSES:
        return False  # a TensorFlow class (``tf.Module``, ``tf.Variable``...) may hold variables
    return ref in INPUT_NAMES or ref.startswith(WEIGHT_FREE_PREFIXES)
