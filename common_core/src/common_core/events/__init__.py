"""Event payload models (one per topic) and the envelope that carries them."""

from common_core.events.base import EssayTextRef, EventData
from common_core.events.batch_coordination import (
    BatchEssaysReady,
    BatchEssaysRegistered,
    BatchReadinessTimeout,
    EssayContentReady,
    EssayValidationFailed,
    ExcessContentProvisionedV1,
    FailedFile,
    ReadyEssay,
)
from common_core.events.cj_assessment import (
    BatchServiceCJAssessmentInitiateCommandDataV1,
    CJAssessmentCompletedV1,
    CJAssessmentFailedV1,
    CJEssayInput,
    CJRanking,
    ELSCJAssessmentRequestV1,
)
from common_core.events.envelope import EventEnvelope
from common_core.events.pipeline import (
    BatchPhaseStartedV1,
    BatchPipelineCompletedV1,
    BatchPipelineStartedV1,
    ClientBatchPipelineRequestV1,
    ELSBatchPhaseOutcomeV1,
    PhaseResult,
    PipelineRequestRejectedV1,
)
from common_core.events.spellcheck import (
    BatchServiceSpellcheckInitiateCommandDataV1,
    EssayLifecycleSpellcheckRequestV1,
    SpellcheckResultDataV1,
    SpellingCorrection,
)

__all__ = [
    "BatchEssaysReady",
    "BatchEssaysRegistered",
    "BatchPhaseStartedV1",
    "BatchPipelineCompletedV1",
    "BatchPipelineStartedV1",
    "BatchReadinessTimeout",
    "BatchServiceCJAssessmentInitiateCommandDataV1",
    "BatchServiceSpellcheckInitiateCommandDataV1",
    "CJAssessmentCompletedV1",
    "CJAssessmentFailedV1",
    "CJEssayInput",
    "CJRanking",
    "ClientBatchPipelineRequestV1",
    "ELSBatchPhaseOutcomeV1",
    "ELSCJAssessmentRequestV1",
    "EssayContentReady",
    "EssayLifecycleSpellcheckRequestV1",
    "EssayTextRef",
    "EssayValidationFailed",
    "EventData",
    "EventEnvelope",
    "ExcessContentProvisionedV1",
    "FailedFile",
    "PhaseResult",
    "PipelineRequestRejectedV1",
    "ReadyEssay",
    "SpellcheckResultDataV1",
    "SpellingCorrection",
]
