"""The rule catalogue, one module per rule; codes are a contract (see docs/rules)."""

from __future__ import annotations

from .base import Context, Finding, Related, Rule, Severity
from .kl101_tensor_as_weight import TensorAsWeight
from .kl102_untracked_tf_variable import UntrackedTfVariable
from .kl103_state_created_in_call import StateCreatedInCall
from .kl104_hidden_from_tracking import HiddenFromTracking
from .kl105_private_weights_list import PrivateWeightsList
from .kl106_missing_super_init import MissingSuperInit
from .kl107_add_weight_positional_name import AddWeightPositionalName
from .kl108_timedistributed_needs_compute_output_shape import (
    TimeDistributedNeedsComputeOutputShape,
)
from .kl109_shared_layer_shape_mismatch import SharedLayerShapeMismatch
from .kl110_subclass_build_skips_super import SubclassBuildSkipsSuper
from .kl111_build_without_build_method import BuildWithoutBuildMethod
from .kl112_summary_before_build import SummaryBeforeBuild
from .kl113_trainable_after_compile import TrainableAfterCompile
from .kl201_weight_in_init import WeightInInit
from .kl202_unused_sublayer import UnusedSublayer
from .kl301_shared_layer import SharedLayer

RULES: tuple[Rule, ...] = (
    TensorAsWeight(),
    UntrackedTfVariable(),
    StateCreatedInCall(),
    HiddenFromTracking(),
    PrivateWeightsList(),
    MissingSuperInit(),
    AddWeightPositionalName(),
    TimeDistributedNeedsComputeOutputShape(),
    SharedLayerShapeMismatch(),
    SubclassBuildSkipsSuper(),
    BuildWithoutBuildMethod(),
    SummaryBeforeBuild(),
    TrainableAfterCompile(),
    WeightInInit(),
    UnusedSublayer(),
    SharedLayer(),
)
BY_CODE = {rule.code: rule for rule in RULES}

__all__ = ["BY_CODE", "RULES", "Context", "Finding", "Related", "Rule", "Severity"]
