"""The intake part of the demo: the sample batches registered, uploaded and made ready.

Until the API gateway exists, the demo calls BOS and the File Service directly with the
stack's service credentials, exactly as the gateway will.
"""

from __future__ import annotations

from typing import Any

from common_core.event_enums import ProcessingEvent
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.sample_essays import SampleBatch, load_sample_batches
from scripts.stack_client import StackClient

DEMO_TEACHER = "demo-teacher"
READY = ProcessingEvent.BATCH_ESSAYS_READY


def essay_table(ready: dict[str, Any]) -> str:
    rows = [f"    {'file':<28} {'student':<20} {'essay id':<38} text"]
    for essay in sorted(ready["essays"], key=lambda e: e["original_file_name"]):
        rows.append(
            f"    {essay['original_file_name']:<28} {essay.get('student_name') or '-':<20} "
            f"{essay['essay_id']:<38} {essay['text_storage_id'][:16]}…"
        )
    for failed in ready["failed_files"]:
        rows.append(f"    {failed['original_file_name']:<28} rejected: {failed['reason_code']}")
    return "\n".join(rows)


async def run_batch(platform: Platform, client: StackClient, sample: SampleBatch) -> None:
    registered = await client.register_batch(
        DEMO_TEACHER, len(sample.essays), course_code=sample.course_code, instructions=sample.prompt
    )
    batch_id = registered["batch_id"]
    print(f"\n{sample.course_code}: registered batch {batch_id} ({len(sample.essays)} essays)")
    files = [(essay.file_name, essay.read_bytes()) for essay in sample.essays]
    async with BatchEventWatcher(platform.infra.kafka_bootstrap, [batch_id], [READY]) as events:
        response = await client.upload(batch_id, DEMO_TEACHER, files)
        body = response.json()
        print(f"  uploaded: {len(body['accepted'])} accepted, {len(body['rejected'])} rejected")
        ready = (await events.wait_for(READY, batch_id=batch_id, timeout_s=60))[0]["data"]
    status = await client.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])
    print(f"  BatchEssaysReady received; BOS says: {status['status']}")
    print(essay_table(ready))


async def run_intake_demo(platform: Platform) -> None:
    async with StackClient(platform) as client:
        for sample in load_sample_batches().values():
            await run_batch(platform, client, sample)
