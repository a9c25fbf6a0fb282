"""Each contract's JSON Schema must equal its committed snapshot.

When a test here fails, read the message: it quotes architecture.md's rule on when a snapshot
may be updated. To accept an intended change run
`.venv/bin/python -m common_core.schema_snapshots --update` and commit the snapshots with it.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from common_core.schema_snapshots import (
    CONTRACT_CHANGE_RULE,
    REGENERATE_COMMAND,
    contract_schemas,
    default_snapshot_dir,
    drifted_snapshots,
    main,
    render,
    stale_snapshots,
    write_snapshots,
)

SNAPSHOT_DIR = Path(__file__).parent / "schema_snapshots"
SCHEMAS = contract_schemas()


def _drift_message(name: str, expected: str, actual: str) -> str:
    diff = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "snapshot", "current model", lineterm=""
    )
    shown = "\n".join(list(diff)[:60])
    return (
        f"JSON Schema of contract {name} differs from its committed snapshot.\n"
        f"{CONTRACT_CHANGE_RULE}\nIf this change is intended and allowed, regenerate with: "
        f"{REGENERATE_COMMAND}\n{shown}"
    )


def test_snapshot_dir_is_the_committed_one() -> None:
    assert default_snapshot_dir() == SNAPSHOT_DIR.resolve()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_matches_snapshot(name: str) -> None:
    path = SNAPSHOT_DIR / name
    assert path.exists(), f"no snapshot for {name}; create it with: {REGENERATE_COMMAND}"
    expected = path.read_text(encoding="utf-8")
    actual = render(SCHEMAS[name])
    assert actual == expected, _drift_message(name, expected, actual)


def test_no_stale_snapshots() -> None:
    stale = stale_snapshots(SNAPSHOT_DIR)
    assert not stale, f"snapshots without a contract: {stale}. {CONTRACT_CHANGE_RULE}"


def test_every_event_topic_has_a_snapshot() -> None:
    event_snapshots = [name for name in SCHEMAS if name.startswith("event.")]
    assert len(event_snapshots) == 19


def test_drift_is_detected_and_update_repairs_it(tmp_path: Path) -> None:
    write_snapshots(tmp_path)
    assert drifted_snapshots(tmp_path) == []
    target = tmp_path / "event.huleedu.batch.phase.started.v1.json"
    schema = json.loads(target.read_text(encoding="utf-8"))
    schema["required"].remove("essay_count")
    target.write_text(render(schema), encoding="utf-8")
    (tmp_path / "event.huleedu.removed.v1.json").write_text("{}", encoding="utf-8")

    assert drifted_snapshots(tmp_path) == [target.name]
    assert stale_snapshots(tmp_path) == ["event.huleedu.removed.v1.json"]
    assert main(["--dir", str(tmp_path)]) == 1

    assert main(["--dir", str(tmp_path), "--update"]) == 0
    assert drifted_snapshots(tmp_path) == []
    assert stale_snapshots(tmp_path) == []
    assert main(["--dir", str(tmp_path)]) == 0
