"""`huleedu dlq list|replay` against BOS running as a process on the embedded platform."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest

from common_core.event_enums import ProcessingEvent, topic_name
from huleedu_service_libs.kafka import KafkaBus
from scripts.cli import main as huleedu
from scripts.launcher.platform import Platform

pytestmark = [pytest.mark.integration, pytest.mark.functional]

SERVICE = "batch_orchestrator_service"
OUTCOME_TOPIC = topic_name(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)


async def cli_result(
    platform: Platform, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """`huleedu dlq ARGS` for the test stack: exit code, stdout, stderr."""
    capsys.readouterr()
    stack = ["--profile", platform.profile, "--data-root", str(platform.dir.root.parent)]
    code = await asyncio.to_thread(huleedu, ["dlq", *args, *stack])
    out, err = capsys.readouterr()
    return code, out, err


async def run_cli(platform: Platform, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`huleedu dlq ARGS` for the test stack; its stdout (exit code 0 asserted)."""
    code, out, err = await cli_result(platform, capsys, *args)
    assert code == 0, err
    return out


async def lines_with(
    platform: Platform,
    capsys: pytest.CaptureFixture[str],
    key: str,
    *args: str,
    at_least: int = 1,
) -> list[str]:
    """The `dlq list` lines of letters keyed `key`, once there are `at_least` of them."""
    async with asyncio.timeout(30):
        while True:
            out = await run_cli(platform, capsys, "list", "--topic", OUTCOME_TOPIC, *args)
            found = [line for line in out.splitlines() if f"key={key} " in line]
            if len(found) >= at_least:
                return found
            await asyncio.sleep(0.2)


async def test_dlq_list_and_replay(
    platform: Platform, capsys: pytest.CaptureFixture[str], id_factory: Callable[[str], str]
) -> None:
    await platform.start_services([SERVICE])
    key = id_factory("batch")
    async with KafkaBus(
        platform.infra.kafka_bootstrap, client_id="dlq-cli", enable_idempotence=False
    ) as bus:
        await bus.publish_raw(OUTCOME_TOPIC, b"not an envelope", key=key.encode(), headers=[])

    [listed] = await lines_with(platform, capsys, key)
    assert "invalid_envelope EnvelopeValidationError" in listed
    match = re.match(r"#(\d+) ", listed)
    assert match is not None
    letter_id = match.group(1)

    replayed = await run_cli(platform, capsys, "replay", letter_id)

    assert f"replayed dead letter {letter_id} to {OUTCOME_TOPIC}" in replayed
    # Still invalid, so BOS dead-letters the replayed copy again: two letters, one replayed.
    found = await lines_with(platform, capsys, key, "--all", at_least=2)
    assert sum("replayed" in line for line in found) == 1
    assert any(line.startswith(f"#{letter_id} ") and "replayed" in line for line in found)
    code, _, err = await cli_result(platform, capsys, "replay", letter_id)
    assert code == 1
    assert "409" in err and "was replayed" in err
