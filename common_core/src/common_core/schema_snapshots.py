"""Committed JSON-Schema snapshots of the wire contracts, and the tool that refreshes them.

    .venv/bin/python -m common_core.schema_snapshots            # check, exit 1 on drift
    .venv/bin/python -m common_core.schema_snapshots --update   # rewrite the snapshots

The snapshot test in common_core/tests fails whenever a contract's schema drifts from its
snapshot; see `CONTRACT_CHANGE_RULE` for when a snapshot may be updated.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common_core.error_models import ErrorResponse
from common_core.event_enums import topic_name
from common_core.event_registry import EVENT_MODELS
from common_core.events.envelope import EventEnvelope
from common_core.notifications import NOTIFICATION_DATA_MODELS, UserNotification
from common_core.pipeline_models import ProcessingPipelineState

CONTRACT_CHANGE_RULE = (
    "Contract rule (architecture.md): until the Client interface issue is resolved, a contract "
    "may change only with its JSON-Schema snapshot updated in the same commit and every "
    "producer and consumer following; after that only compatible changes (e.g. a new optional "
    "field), or a new version (new model and topic ...v2)."
)
REGENERATE_COMMAND = ".venv/bin/python -m common_core.schema_snapshots --update"


def default_snapshot_dir() -> Path:
    """common_core/tests/schema_snapshots of the source tree."""
    return Path(__file__).resolve().parents[2] / "tests" / "schema_snapshots"


def contract_schemas() -> dict[str, dict[str, Any]]:
    """Snapshot file name -> JSON Schema of every wire contract."""
    schemas: dict[str, dict[str, Any]] = {
        f"event.{topic_name(event)}.json": model.model_json_schema()
        for event, model in EVENT_MODELS.items()
    }
    schemas["envelope.json"] = EventEnvelope[dict[str, Any]].model_json_schema()
    schemas["notification.json"] = UserNotification.model_json_schema()
    for name, data_model in NOTIFICATION_DATA_MODELS.items():
        schemas[f"notification.{name.value}.json"] = data_model.model_json_schema()
    schemas["http.error_response.json"] = ErrorResponse.model_json_schema()
    schemas["pipeline_state.json"] = ProcessingPipelineState.model_json_schema()
    return schemas


def render(schema: dict[str, Any]) -> str:
    """The committed text form of a schema (stable key order)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale_snapshots(directory: Path) -> list[str]:
    """Snapshot files with no matching contract (a contract was removed or renamed)."""
    expected = contract_schemas().keys()
    return sorted(p.name for p in directory.glob("*.json") if p.name not in expected)


def drifted_snapshots(directory: Path) -> list[str]:
    """Contracts whose snapshot is missing or differs from the current schema."""
    drifted = []
    for name, schema in contract_schemas().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != render(schema):
            drifted.append(name)
    return drifted


def write_snapshots(directory: Path) -> list[str]:
    """Rewrite every snapshot, delete stale ones; returns the names that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = [*drifted_snapshots(directory), *stale_snapshots(directory)]
    for name in stale_snapshots(directory):
        (directory / name).unlink()
    for name, schema in contract_schemas().items():
        (directory / name).write_text(render(schema), encoding="utf-8")
    return sorted(changed)


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or update the snapshots; exit status 1 when a check finds drift."""
    parser = argparse.ArgumentParser(prog="python -m common_core.schema_snapshots")
    parser.add_argument("--update", action="store_true", help="rewrite the snapshots")
    parser.add_argument("--dir", type=Path, default=default_snapshot_dir(), help="snapshot dir")
    args = parser.parse_args(argv)
    if args.update:
        changed = write_snapshots(args.dir)
        print(f"updated {len(changed)} snapshot(s) in {args.dir}: {', '.join(changed) or '-'}")
        return 0
    problems = [*drifted_snapshots(args.dir), *stale_snapshots(args.dir)]
    if problems:
        print(f"schema drift in {', '.join(problems)}\n{CONTRACT_CHANGE_RULE}")
        print(f"Regenerate with: {REGENERATE_COMMAND}")
        return 1
    print(f"all {len(contract_schemas())} snapshots match")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
