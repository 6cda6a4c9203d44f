"""Regenerate tests/truth/counts.json: the parameter counts real Keras reports for the corpus.

Run from the repository root:

    uv run python tests/truth/gen_counts.py            # all entries, writes tests/truth/counts.json
    uv run python tests/truth/gen_counts.py --check    # recompute and diff against counts.json, write nothing

Runtime: about 15-20 s on a 2-vCPU CPU-only machine (one worker subprocess per flavor,
each pays the ~5 s TensorFlow import once; keras-hub models dominate the rest).

What is recorded, per entry:

* ``file``: the model file, relative to the repository root (``tests/truth/models/...``).
* ``target``: the ``keraslens count --target`` NAME. For ``kind`` ``model`` this is a module-level
  variable (its value after the module ran) or a function returning the model or layer; for
  ``layer-class`` it is a class defined in the file, constructed with ``args``/``kwargs`` and
  called once on ``keras.Input(shape=input_shape)`` (``input_shape`` has no batch dimension).
* ``flavor``: ``keras3`` (``import keras`` or ``tf.keras`` in TF 2.21) or ``tf_keras`` (Keras 2).
* ``trainable`` / ``non_trainable`` / ``total``: sizes of ``trainable_weights`` /
  ``non_trainable_weights`` (each variable once) and their sum, i.e. what ``model.summary()``
  prints before any training. ``total`` is cross-checked against ``count_params()``.
* ``group``: ``own-models`` (models written for this corpus), ``keras-hub`` (keras_hub.layers
  used in models, or as class targets), ``class-targets`` (custom layer classes with arguments and
  an input shape), ``edge-cases`` (sizes computed by loops, comprehensions, dict kwargs, an
  environment variable, getattr: ``unknown`` is acceptable there, a wrong exact number is not),
  ``adversarial`` (small programs written to break the analysis: globals, mutation, freezing
  through ``model.layers``, factories, decorators; same rule as edge-cases).

Each worker runs every target of its flavor in a subprocess of the current interpreter, so
Keras 3 and tf_keras never share a process. A target that fails to build is an error of the
corpus: the generator stops with the traceback instead of writing a partial file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flavor_worker import generate as run_corpus
from flavor_worker import generator_main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "counts.json"
MODELS = "tests/truth/models"

CORPUS: list[dict] = []


def models(file: str, *targets: str, group: str = "own-models", flavor: str = "keras3") -> None:
    for target in targets:
        CORPUS.append({"file": f"{MODELS}/{file}", "target": target, "kind": "model", "flavor": flavor, "group": group})


def layer_class(
    file: str,
    target: str,
    input_shape: list,
    args: list | None = None,
    kwargs: dict | None = None,
    flavor: str = "keras3",
    group: str = "class-targets",
) -> None:
    CORPUS.append(
        {
            "file": f"{MODELS}/{file}",
            "target": target,
            "kind": "layer-class",
            "args": list(args or []),
            "kwargs": dict(kwargs or {}),
            "input_shape": list(input_shape),
            "flavor": flavor,
            "group": group,
        }
    )


# --- own models -------------------------------------------------------------------------------
models("func_mlp.py", "model", "make_mlp", "per_step")
models("func_multi_input.py", "model", "two_towers", "towers")
models("func_shared.py", "siamese", "qa_model", "repeated")
models("func_residual.py", "dense_resnet", "make_small_resnet")
models("seq_input.py", "regressor", "legacy_style", "make_classifier", "classifier")
models("seq_add.py", "model", "build_tabular", "tabular")
models("cnn_image.py", "flat_cnn", "gap_cnn", "make_valid_padding_cnn")
models("text_rnn.py", "sentiment", "bi_model", "make_conv_text", "stacked")
models("time_distributed.py", "video_model", "per_step")
models("attention_block.py", "encoder", "cross_model", "pair_model")
models("custom_weights.py", "model", "stacked", "biased")
models("nested_custom.py", "ff_model", "make_encoder_model")
models("subclass_models.py", "net", "built", "wrapped", "make_tower")
models("frozen.py", "partly_frozen", "backbone", "fine_tuned", "make_frozen_embedding")
models("batchnorm.py", "mlp_bn", "conv_bn", "chan_bn")
models("autoencoder.py", "encoder", "decoder", "autoencoder")
models("tfkeras_style.py", "model_separate", "model_shared", "half_tracked", "seq")
models("reuse_and_loops.py", "seq_shared", "seq_builtin_twice", "blocks", "wide_blocks", "siamese_seq", "kwargs_embedding")
models("rebind_and_branches.py", "module_rebound", "make_rebound", "make_branches")
models("k2_models.py", "k2_custom", "k2_seq", "text", flavor="tf_keras")
models("k2_subclass.py", "net", "frozen", flavor="tf_keras")

# --- computed sizes and dynamic code: unknown is acceptable, a wrong exact number is not --------------
models(
    "edge_cases.py",
    "comprehension",
    "looped",
    "from_config",
    "from_env",
    "dynamic_class",
    "polynomial",
    "fixed_width",
    group="edge-cases",
)
models("rebind_and_branches.py", "make_unknown_branch", "make_unknown_loop", group="edge-cases")

# --- programs written to break the analysis (each once gave a wrong exact number) -------------------
ADVERSARIAL = {
    "c12_mha_kv": ("model",),
    "c20_global": ("build",),
    "c21_paths": ("build", "build_big"),
    "c32_seq_trainable": ("model",),
    "c34_dict_mutate": ("build",),
    "d06_enable_lora": ("model",),
    "d27_seq_pop": ("model",),
    "e01_for_layers_freeze": ("model",),
    "e02_get_layer_freeze": ("model",),
    "e05_branch_freeze": ("model",),
    "e06_helper_trainable_name": ("model",),
    "e08_seq_nested_model": ("model",),
    "e09_shared_across_submodels": ("model",),
    "e11_model_from_intermediate": ("model",),
    "e12_shadow_x": ("model",),
    "e13_noarg_factory_twice": ("model",),
    "e14_noarg_model_factory": ("model",),
    "e15_cached_factory": ("model",),
    "e16_match": ("build",),
    "e17_walrus_expr": ("model",),
    "e18_import_rebind": ("build",),
    "e20_broadcast_custom": ("model",),
    "f03_weight_trainable_attr": ("model",),
    "f10_subclass_model_build": ("model",),
    "f17_custom_expand": ("model",),
    "g04_redefined_function": ("model", "other"),
    "g05_decorator": ("model",),
    "g12_default_list_mutable": ("build",),
    "r07_frozen_nested_unfreeze": ("model",),
    "r18_model_trainable_kwarg": ("model",),
    "s15_setattr_loop": ("model",),
    "s17_setattr_const": ("model",),
    "t09_layer_apply_kw_inputs": ("model",),
    "u01_class_attr_override": ("model",),
    "u02_list_pop": ("model",),
    "u03_del_attr": ("model",),
    "u04_three_level_super": ("model",),
    "u05_subscript_unknown": ("model",),
    "u06_class_attr_patched": ("model",),
    "u07_list_remove_reverse": ("model",),
    "u08_tensor_slices": ("model",),
    "u09_ops_concat_axis": ("model",),
    "u10_ops_concat_default_axis": ("model",),
    "u11_multi_output_index": ("model",),
    "u12_last_step_stride": ("model",),
    "u13_helper_ops": ("model",),
    "u14_custom_layer_ops_concat": ("model",),
    "u15_ops_around_layer_call": ("model",),
    "u16_index_newaxis": ("model",),
    "u17_loop_enumerate": ("model",),
    "u18_loop_zip_unpack": ("model",),
    "u19_loop_over_parameter": ("model",),
    "u20_loop_reversed_sequential": ("model",),
    "u21_loop_starred_target": ("model",),
    "u22_loop_list_grows": ("model",),
    "u23_loop_global_changed": ("model",),
    "u24_sequential_input_shape_loop": ("model",),
    "u25_build_starred_shape": ("model",),
    "u26_call_reshape_transpose_mean": ("model",),
    "u27_functional_reduce_squeeze": ("model",),
    "u28_reshape_minus_one_batch": ("model",),
    "v01_loop_variable_reused": ("model",),
    "v02_layer_holds_sequential": ("model",),
    "v03_layer_holds_model": ("model",),
    "v04_layer_holds_application": ("model",),
    "v05_gqa_use_gate": ("model",),
    "v06_quantize_after_build": ("model",),
    "v07_sequential_unknown_layer": ("model",),
    "v08_dict_of_layers_fstring_keys": ("model",),
    "v09_dict_of_layers_unknown_keys": ("model",),
    "v10_unknown_branch_rebinds": ("model", "stacked"),
    "v11_helper_functions": ("model", "tricky"),
    "v12_sublayer_called_on_unknown_path": ("model",),
}
for case, targets in ADVERSARIAL.items():
    models(f"adversarial/{case}.py", *targets, group="adversarial")

# --- keras-hub layers in models -----------------------------------------------------------------
HUB = {"group": "keras-hub"}
models("hub_encoder.py", "small", "prenorm", "stacked", "make_wide_encoder", "shared_twice", "fnet_small", "make_fnet", **HUB)
models("hub_decoder.py", "decoder_only", "with_cross", "make_seq2seq", "prenorm_dec", **HUB)
models(
    "hub_embeddings.py",
    "position_model",
    "position_long",
    "tok_pos",
    "tok_pos_untied",
    "tied_lm",
    "untied_lm",
    "sine_model",
    "rope_model",
    **HUB,
)
models(
    "hub_heads.py",
    "self_attn",
    "cross_attn",
    "no_bias_attn",
    "mlm_untied",
    "make_tied_mlm",
    "alibi_model",
    "make_mini_bert",
    "make_mini_gpt",
    **HUB,
)
# keras_hub classes as class targets (imported names)
layer_class("hub_classes.py", "TransformerEncoder", [16, 32], kwargs={"intermediate_dim": 64, "num_heads": 2}, **HUB)
layer_class("hub_classes.py", "TransformerEncoder", [None, 96], args=[384, 6], kwargs={"normalize_first": True}, **HUB)
layer_class("hub_classes.py", "TransformerDecoder", [10, 64], args=[256, 8], **HUB)
layer_class("hub_classes.py", "FNetEncoder", [12, 40], args=[80], **HUB)
layer_class("hub_classes.py", "PositionEmbedding", [50, 24], kwargs={"sequence_length": 50}, **HUB)
layer_class("hub_classes.py", "RMSNormalization", [7, 48], args=[48], **HUB)

# --- custom layer classes with arguments and an input shape ---------------------------------------
layer_class("custom_weights.py", "Linear", [10], args=[5])
layer_class("custom_weights.py", "Linear", [7, 33], kwargs={"units": 7, "use_bias": False})
layer_class("custom_weights.py", "Linear", [16])  # default units=32
layer_class("custom_weights.py", "ScaleShift", [12])
layer_class("custom_weights.py", "ScaleShift", [5, 9])
layer_class("custom_weights.py", "RunningMean", [20], args=[6])
layer_class("custom_weights.py", "FixedInputLinear", [8], args=[8, 3])
layer_class("custom_weights.py", "PositionalBias", [6, 5])
layer_class("custom_weights.py", "Bilinear", [10], args=[4])
layer_class("custom_weights.py", "Bilinear", [10], kwargs={"units": 4, "rank": 2})
layer_class("nested_custom.py", "FeedForward", [24], args=[48])
layer_class("nested_custom.py", "FeedForward", [10, 16], kwargs={"hidden": 64, "dropout": 0.0})
layer_class("nested_custom.py", "MLPStack", [10], args=[[32, 16, 8]])
layer_class("nested_custom.py", "Encoder", [12, 32], kwargs={"depth": 2, "hidden": 64})
layer_class("nested_custom.py", "Encoder", [8], kwargs={"depth": 3, "hidden": 16})
layer_class("nested_custom.py", "GatedResidual", [20])
layer_class("class_layers.py", "TransformerBlock", [10, 32], args=[32, 2, 64])
layer_class("class_layers.py", "TransformerBlock", [20, 16], kwargs={"embed_dim": 16, "num_heads": 4, "ff_dim": 32, "rate": 0.0})
layer_class("class_layers.py", "ScaledDense", [10], args=[5])
layer_class("class_layers.py", "ScaledDense", [8], args=[4], kwargs={"use_bias": False})
layer_class("class_layers.py", "SqueezeExcite", [8, 8, 16])
layer_class("class_layers.py", "SqueezeExcite", [4, 4, 32], kwargs={"ratio": 8})
layer_class("class_layers.py", "HeadsDict", [12], args=[{"a": 3, "b": 5}])
layer_class("class_layers.py", "LowRankDense", [64], args=[32, 4])
layer_class("class_layers.py", "LowRankDense", [30], kwargs={"units": 10, "rank": 2, "use_bias": False})
layer_class("class_layers.py", "ConvBNReLU", [16, 16, 3], args=[8])
layer_class("class_layers.py", "ConvBNReLU", [8, 8, 4], args=[6], kwargs={"kernel_size": 1, "strides": 2})
layer_class("tfkeras_style.py", "CustomAttention", [100, 64], args=[32])
layer_class("tfkeras_style.py", "UntrackedVariable", [10])
layer_class("k2_models.py", "VariableLinear", [10], args=[5], flavor="tf_keras")
layer_class("k2_models.py", "AddWeightLinear", [6], args=[2], flavor="tf_keras")
layer_class("k2_subclass.py", "Block", [16], args=[8], flavor="tf_keras")


# --- worker ---------------------------------------------------------------------------------------
def _worker() -> None:
    """Read jobs (JSON list) on stdin, print one JSON list of results on stdout."""
    import importlib.util
    import warnings

    import numpy as np

    warnings.simplefilter("ignore")
    jobs = json.load(sys.stdin)
    flavor = jobs[0]["flavor"]
    if flavor == "tf_keras":
        import tf_keras as keras
    else:
        import keras
    modules: dict[str, object] = {}

    def load(rel: str):
        if rel not in modules:
            path = ROOT / rel
            name = "truth_" + path.stem
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            modules[rel] = module
        return modules[rel]

    def size(variables) -> int:
        seen, n = set(), 0
        for v in variables:
            if id(v) in seen:
                continue
            seen.add(id(v))
            n += int(np.prod(tuple(v.shape), dtype=np.int64))
        return n

    results = []
    for job in jobs:
        module = load(job["file"])
        obj = getattr(module, job["target"])
        if job["kind"] == "layer-class":
            obj = obj(*job["args"], **job["kwargs"])
            obj(keras.Input(shape=tuple(job["input_shape"])))
        elif callable(obj) and not isinstance(obj, keras.layers.Layer):
            obj = obj()
        if not isinstance(obj, keras.layers.Layer):
            raise TypeError(f"{job['file']}:{job['target']} is {type(obj).__name__}, not a layer or model")
        if not obj.built:
            raise RuntimeError(f"{job['file']}:{job['target']} is not built")
        trainable = size(obj.trainable_weights)
        non_trainable = size(obj.non_trainable_weights)
        total = obj.count_params()
        if total != trainable + non_trainable:
            raise RuntimeError(f"{job['file']}:{job['target']}: count_params {total} != {trainable} + {non_trainable}")
        results.append({**job, "trainable": trainable, "non_trainable": non_trainable, "total": total})
    versions = {"keras_flavor": flavor, "keras": keras.__version__}
    try:
        import tensorflow as tf

        versions["tensorflow"] = tf.__version__
    except ImportError:
        pass
    if flavor == "keras3":
        try:
            import keras_hub

            versions["keras_hub"] = keras_hub.__version__
        except ImportError:
            pass
    json.dump({"versions": versions, "results": results}, sys.stdout)


def generate() -> dict:
    return run_corpus(__file__, CORPUS, _key, drop_env=("KERASLENS_TRUTH_HIDDEN",))


def _key(e: dict) -> str:
    return json.dumps([e["file"], e["target"], e.get("args"), e.get("kwargs"), e.get("input_shape")], sort_keys=True)


def main() -> int:
    return generator_main(__doc__, OUT, generate, _worker, _key, "group", lambda e: (e["file"], e["target"], e.get("args"), e.get("kwargs"), e["total"]))


if __name__ == "__main__":
    sys.exit(main())
