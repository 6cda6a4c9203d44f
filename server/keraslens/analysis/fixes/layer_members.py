"""What a ``keras.layers.Layer`` already has: the members of ``Layer`` and of a fresh instance in
Keras 3.15 and tf_keras 2.21 (dunders aside). A plain class that defines or assigns one of
these names cannot simply become a Layer (``self.name = ...`` raises in tf_keras, ``self._layers``
is Keras's own list). ``tests/fixes/test_layer_members.py`` checks the list against real Keras.
"""

LAYER_MEMBERS = frozenset(
    """
    _TF_MODULE_IGNORED_PROPERTIES _activity_regularizer _add_trackable _add_trackable_child
    _add_variable_with_custom_getter _allow_non_tensor_positional_args _api_export_path _api_export_symbol_id
    _assert_input_compatibility _auto_config _auto_get_config _auto_track_sub_layers _autocast _autographed_call
    _awq_call _build_at_init _build_by_run_for_kwargs _build_by_run_for_single_pos_arg _build_input_shape
    _build_shapes_dict _call_context_args _call_has_context_arg _call_has_mask_arg _call_has_training_arg
    _call_signature _call_spec _callable_losses _called _captured_weight_regularizer _cast_single_input
    _check_load_own_variables _check_quantize_args _check_super_called _checkpoint_adapter
    _checkpoint_dependencies _clear_losses _compute_dtype _compute_dtype_object _convert_input_args
    _convert_tracked_collections _copy_trackable_to_cpu _dedup_weights _default_save_signature
    _deferred_dependencies _delete_tracking _deserialization_dependencies _deserialize_from_proto _dtype
    _dtype_policy _dynamic _eager_losses _expects_context_arg _expects_mask_arg _expects_training_arg
    _export_to_saved_model_graph _flatten _flatten_layers _flatten_modules _float8_call
    _functional_construction_call _gather_children_attribute _gather_saveables_for_checkpoint _get_call_context
    _get_cell_name _get_existing_metric _get_input_masks _get_node_attribute_at_index _get_own_losses
    _get_propagated_call_context_arguments _get_regularization_losses _get_save_spec _get_trainable_state
    _get_unnested_name_scope _gptq_call _handle_activity_regularization _handle_deferred_dependencies
    _handle_weight_regularization _inbound_nodes _inbound_nodes_value _infer_output_signature _init_call_fn_args
    _init_set_name _initial_weights _initialize_tracker _input_spec _instrument_layer_creation
    _instrumented_keras_api _instrumented_keras_layer_class _instrumented_keras_model_class _int4_call _int8_call
    _is_layer _keras_api_names _keras_api_names_v1 _keras_tensor_symbolic_call _layers _lock _lock_state
    _lookup_dependency _loss_ids _losses _losses_override _maybe_build _maybe_cast_inputs _maybe_create_attribute
    _maybe_initialize_trackable _maybe_reset_call_context _metrics _metrics_lock _must_restore_from_config _name
    _name_based_attribute_restore _name_based_restores _name_scope _name_scope_on_declaration _no_dependency
    _non_trainable_variables _non_trainable_weights _not_implemented_error _obj_reference_counts
    _obj_reference_counts_dict _obj_type _object_identifier _open_name_scope _outbound_nodes _outbound_nodes_value
    _parent_path _path _post_build _post_track_variable _post_untrack_variable _preload_simple_restoration
    _preserve_input_structure_in_config _quantization_mode_error _register_call_context_args _remat_mode
    _resolve_and_populate_arg _restore_from_tensors _saved_model_arg_spec _saved_model_inputs_spec
    _seed_generators _self_setattr_tracking _self_tracked_trackables _serialize_to_proto _serialize_to_tensors
    _set_connectivity_metadata _set_dtype_policy _set_mask_keras_history_checked _set_mask_metadata _set_save_spec
    _set_trainable_state _setattr_hook _setattr_tracking _should_cast_single_input _should_use_autograph _stateful
    _supports_masking _tf_api_names _tf_api_names_v1 _thread_local _track_trackable _track_variable
    _track_variables _trackable_children _trackable_saved_model_saver _tracked _tracker _tracking_metadata
    _trainable _trainable_variables _trainable_weights _unconditional_checkpoint_dependencies
    _unconditional_dependency_names _unpickle_model _untrack_variable _update_trackables _update_uid _updates
    _use_input_spec_as_call_signature activity_regularizer add_loss add_metric add_update add_variable add_weight
    autocast build build_from_config built call call_signature_parameters compute_dtype compute_mask
    compute_output_shape compute_output_signature compute_output_spec count_params dtype dtype_policy dynamic
    finalize_state from_config get_build_config get_config get_input_at get_input_mask_at get_input_shape_at
    get_output_at get_output_mask_at get_output_shape_at get_weights inbound_nodes input input_dtype input_mask
    input_shape input_spec load_own_variables losses metrics metrics_variables name name_scope
    non_trainable_variables non_trainable_weights outbound_nodes output output_mask output_shape path
    quantization_mode quantize quantized_build quantized_call rematerialized_call save_own_variables set_weights
    stateful stateless_call submodules supports_jit supports_masking symbolic_call trainable trainable_variables
    trainable_weights updates variable_dtype variables weights with_name_scope
    """.split()
)
