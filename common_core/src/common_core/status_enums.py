"""Status, phase, course and language enums shared by every service."""

from __future__ import annotations

from enum import StrEnum


class EssayStatus(StrEnum):
    """Per-essay state kept by the Essay Lifecycle Service."""

    AWAITING_CONTENT = "awaiting_content"
    CONTENT_FAILED = "content_failed"
    READY_FOR_PROCESSING = "ready_for_processing"
    AWAITING_SPELLCHECK = "awaiting_spellcheck"
    SPELLCHECKING_IN_PROGRESS = "spellchecking_in_progress"
    SPELLCHECKED_SUCCESS = "spellchecked_success"
    SPELLCHECK_FAILED = "spellcheck_failed"
    AWAITING_CJ_ASSESSMENT = "awaiting_cj_assessment"
    CJ_ASSESSMENT_IN_PROGRESS = "cj_assessment_in_progress"
    CJ_ASSESSMENT_SUCCESS = "cj_assessment_success"
    CJ_ASSESSMENT_FAILED = "cj_assessment_failed"
    ALL_PROCESSING_COMPLETED = "all_processing_completed"
    ESSAY_CRITICAL_FAILURE = "essay_critical_failure"


class BatchStatus(StrEnum):
    """Batch lifecycle state kept by the Batch Orchestrator Service."""

    AWAITING_CONTENT = "awaiting_content"
    READY_FOR_PIPELINE_EXECUTION = "ready_for_pipeline_execution"
    PROCESSING_PIPELINES = "processing_pipelines"
    COMPLETED_SUCCESSFULLY = "completed_successfully"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    FAILED = "failed"
    READINESS_TIMED_OUT = "readiness_timed_out"


class BatchClientStatus(StrEnum):
    """The few batch statuses a client sees (computed by RAS, passed through by the gateway)."""

    PENDING_CONTENT = "pending_content"
    READY = "ready"
    PROCESSING = "processing"
    COMPLETED_SUCCESSFULLY = "completed_successfully"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    FAILED = "failed"


class PhaseName(StrEnum):
    """Processing phases a pipeline is made of (ai_feedback and nlp are not in this release)."""

    SPELLCHECK = "spellcheck"
    CJ_ASSESSMENT = "cj_assessment"
    AI_FEEDBACK = "ai_feedback"
    NLP = "nlp"


class PipelineName(StrEnum):
    """Pipelines a client may request; BCS's `pipelines.yaml` defines how each one resolves
    into phases (the gateway refuses any other name at once)."""

    SPELLCHECK = "spellcheck"
    CJ_ASSESSMENT = "cj_assessment"


class PipelineExecutionStatus(StrEnum):
    """Status of one phase of a pipeline run (also used for a run's final status)."""

    REQUESTED = "requested"
    PENDING_DEPENDENCIES = "pending_dependencies"
    DISPATCH_INITIATED = "dispatch_initiated"
    IN_PROGRESS = "in_progress"
    COMPLETED_SUCCESSFULLY = "completed_successfully"
    COMPLETED_WITH_PARTIAL_SUCCESS = "completed_with_partial_success"
    FAILED = "failed"
    SKIPPED_PRUNED = "skipped_pruned"

    @property
    def is_terminal(self) -> bool:
        """True once the phase will not change any more."""
        return self in _TERMINAL_EXECUTION_STATUSES


_TERMINAL_EXECUTION_STATUSES = frozenset(
    {
        PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
        PipelineExecutionStatus.FAILED,
        PipelineExecutionStatus.SKIPPED_PRUNED,
    }
)


class OutcomeStatus(StrEnum):
    """Outcome of processing one essay in one phase."""

    SUCCESS = "success"
    FAILED = "failed"


class PipelineRejectionReason(StrEnum):
    """Why BOS refused a client pipeline request."""

    UNKNOWN_BATCH = "unknown_batch"
    NOT_OWNER = "not_owner"
    UNKNOWN_PIPELINE = "unknown_pipeline"
    ALREADY_RUNNING = "already_running"
    BATCH_FAILED = "batch_failed"


class Language(StrEnum):
    """Essay language (inferred from the course code)."""

    ENGLISH = "en"
    SWEDISH = "sv"


class CourseCode(StrEnum):
    """Courses HuleEdu knows: English 5-7 and Swedish 1-3."""

    ENG5 = "ENG5"
    ENG6 = "ENG6"
    ENG7 = "ENG7"
    SV1 = "SV1"
    SV2 = "SV2"
    SV3 = "SV3"

    @property
    def language(self) -> Language:
        """The essay language of the course: SV* -> sv, ENG* -> en."""
        return Language.SWEDISH if self.value.startswith("SV") else Language.ENGLISH
