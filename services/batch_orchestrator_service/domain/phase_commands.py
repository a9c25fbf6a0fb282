"""Which command starts each phase, and from which text its essays read.

Adding a phase is one `PHASE_COMMANDS` entry and one builder: the orchestration itself does
not name phases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from common_core.event_enums import ProcessingEvent
from common_core.events.base import EssayTextRef, EventData
from common_core.events.cj_assessment import BatchServiceCJAssessmentInitiateCommandDataV1
from common_core.events.spellcheck import BatchServiceSpellcheckInitiateCommandDataV1
from common_core.status_enums import Language, PhaseName


class TextSource(StrEnum):
    """Which text of an essay a phase reads when it is the first phase of a run."""

    UPLOADED = "uploaded"
    """The text extracted from the uploaded file (spellcheck corrects the original)."""
    LATEST = "latest"
    """The latest text an earlier phase produced, e.g. the corrected text of spellcheck."""


@dataclass(frozen=True)
class PhaseDispatch:
    """Everything a phase command may carry."""

    batch_id: str
    pipeline_run_id: str
    language: Language
    essay_instructions: str
    essays: tuple[EssayTextRef, ...]


CommandBuilder = Callable[[PhaseDispatch], EventData]


@dataclass(frozen=True)
class PhaseCommand:
    """How BOS starts one phase."""

    event: ProcessingEvent
    build: CommandBuilder
    text_source: TextSource


def spellcheck_command(dispatch: PhaseDispatch) -> BatchServiceSpellcheckInitiateCommandDataV1:
    return BatchServiceSpellcheckInitiateCommandDataV1(
        batch_id=dispatch.batch_id,
        pipeline_run_id=dispatch.pipeline_run_id,
        language=dispatch.language,
        essays=list(dispatch.essays),
    )


def cj_assessment_command(
    dispatch: PhaseDispatch,
) -> BatchServiceCJAssessmentInitiateCommandDataV1:
    return BatchServiceCJAssessmentInitiateCommandDataV1(
        batch_id=dispatch.batch_id,
        pipeline_run_id=dispatch.pipeline_run_id,
        language=dispatch.language,
        essay_instructions=dispatch.essay_instructions,
        essays=list(dispatch.essays),
    )


PHASE_COMMANDS: Mapping[PhaseName, PhaseCommand] = MappingProxyType(
    {
        PhaseName.SPELLCHECK: PhaseCommand(
            event=ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
            build=spellcheck_command,
            text_source=TextSource.UPLOADED,
        ),
        PhaseName.CJ_ASSESSMENT: PhaseCommand(
            event=ProcessingEvent.BATCH_CJ_ASSESSMENT_INITIATE_COMMAND,
            build=cj_assessment_command,
            text_source=TextSource.LATEST,
        ),
    }
)


def unsupported_phases(phases: tuple[PhaseName, ...]) -> list[PhaseName]:
    """The phases BOS has no command for (they cannot be run)."""
    return [phase for phase in phases if phase not in PHASE_COMMANDS]
