"""The phases this ELS runs: adding a phase is one handler here and one `PhaseStates` entry."""

from __future__ import annotations

from services.essay_lifecycle_service.phases.base import PhaseRegistry
from services.essay_lifecycle_service.phases.cj_assessment import CJAssessmentPhase
from services.essay_lifecycle_service.phases.spellcheck import SpellcheckPhase


def default_phase_registry() -> PhaseRegistry:
    return PhaseRegistry([SpellcheckPhase(), CJAssessmentPhase()])
