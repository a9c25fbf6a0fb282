"""The contract between the generic phase machinery and one phase.

A phase plugs in with one `PhaseHandler`: which command starts it, which result events finish
it, and how to turn those into the machinery's terms (a `PhaseCommand`, `PhaseResults`) and
back into the requests sent to the service that does the work. Handlers are pure: whatever
they need from the database (e.g. the spelling-error rates of an earlier phase) is loaded by
the machinery and passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from common_core.event_enums import ProcessingEvent
from common_core.events.base import EssayTextRef, EventData
from common_core.status_enums import Language, PhaseName
from services.essay_lifecycle_service.domain.essay_states import PHASES, PhaseStates
from services.essay_lifecycle_service.domain.phase_runs import EssayOutcome, RunKey


@dataclass(frozen=True, slots=True)
class PhaseCommand:
    """BOS's order to run a phase for some essays of a batch."""

    batch_id: str
    pipeline_run_id: str
    phase: PhaseName
    language: Language
    essays: tuple[EssayTextRef, ...]
    essay_instructions: str | None = None

    @property
    def key(self) -> RunKey:
        return RunKey(self.batch_id, self.pipeline_run_id, self.phase)


def distinct_essays(essays: Iterable[EssayTextRef]) -> tuple[EssayTextRef, ...]:
    """The essays in order, each id once (the first mention wins)."""
    first: dict[str, EssayTextRef] = {}
    for essay in essays:
        first.setdefault(essay.essay_id, essay)
    return tuple(first.values())


@dataclass(frozen=True, slots=True)
class PhaseResults:
    """Outcomes reported for essays of a run. With `rest_failed_with` the result covers the
    whole run (e.g. a batch-wide ranking): essays it does not name fail with that error."""

    batch_id: str
    pipeline_run_id: str
    phase: PhaseName
    outcomes: tuple[EssayOutcome, ...]
    rest_failed_with: str | None = None

    @property
    def key(self) -> RunKey:
        return RunKey(self.batch_id, self.pipeline_run_id, self.phase)


@dataclass(frozen=True, slots=True)
class OutgoingEvent:
    """An event a phase sends, with its deterministic id (a re-sent request keeps it)."""

    event: ProcessingEvent
    data: EventData
    event_id: UUID


PriorDetails = Mapping[str, Mapping[str, Any]]
"""essay_id -> the details of its latest successful outcome in an earlier phase."""


class PhaseHandler(Protocol):
    """One processing phase as the machinery sees it."""

    @property
    def states(self) -> PhaseStates: ...

    @property
    def command_event(self) -> ProcessingEvent: ...

    @property
    def result_events(self) -> tuple[ProcessingEvent, ...]: ...

    @property
    def reads_results_of(self) -> PhaseName | None:
        """The earlier phase whose outcome details `requests` needs, if any."""
        ...

    def command(self, data: Any) -> PhaseCommand: ...

    def results(self, data: Any) -> PhaseResults: ...

    def requests(
        self, command: PhaseCommand, essays: Sequence[EssayTextRef], prior: PriorDetails
    ) -> list[OutgoingEvent]:
        """The requests that start the work for `essays` (those that entered the phase)."""
        ...


class PhaseRegistry:
    """The phases ELS runs, found by name, by command event or by result event."""

    def __init__(self, handlers: Iterable[PhaseHandler]) -> None:
        self._by_phase: dict[PhaseName, PhaseHandler] = {}
        self._by_event: dict[ProcessingEvent, PhaseHandler] = {}
        for handler in handlers:
            self._add(handler)

    def _add(self, handler: PhaseHandler) -> None:
        phase = handler.states.phase
        if PHASES.get(phase) != handler.states:
            raise ValueError(f"phase {phase.value} has no PhaseStates entry in PHASES")
        if phase in self._by_phase:
            raise ValueError(f"phase {phase.value} is registered twice")
        self._by_phase[phase] = handler
        for event in (handler.command_event, *handler.result_events):
            if event in self._by_event:
                raise ValueError(f"event {event.value} belongs to two phases")
            self._by_event[event] = handler

    @property
    def phases(self) -> tuple[PhaseName, ...]:
        return tuple(self._by_phase)

    def handler(self, phase: PhaseName) -> PhaseHandler:
        return self._by_phase[phase]

    def for_event(self, event: ProcessingEvent) -> PhaseHandler:
        return self._by_event[event]

    def command_events(self) -> dict[ProcessingEvent, PhaseHandler]:
        return {h.command_event: h for h in self._by_phase.values()}

    def result_events(self) -> dict[ProcessingEvent, PhaseHandler]:
        return {e: h for h in self._by_phase.values() for e in h.result_events}
