"""`GET /internal/v1/dead-letters` and `POST /internal/v1/dead-letters/{id}/replay` (service
credentials required, as on every BOS route)."""

from __future__ import annotations

import base64
from typing import Any

from dishka import FromDishka
from quart import Blueprint, request
from quart_dishka import inject

from huleedu_service_libs.api_errors import ApiError, ErrorCode

from ..dead_letter_admin import (
    AlreadyReplayedError,
    DeadLetterAdmin,
    DeadLetterNotFoundError,
    NotReplayableError,
)
from ..implementations.dead_letters import StoredDeadLetter

MAX_LIMIT = 1000
PREVIEW_CHARS = 300

dead_letters_bp = Blueprint("bos_dead_letters", __name__)


@dead_letters_bp.get("/internal/v1/dead-letters")
@inject
async def list_dead_letters(admin: FromDishka[DeadLetterAdmin]) -> dict[str, Any]:
    args = request.args
    limit = _limit(args.get("limit", "100"))
    include_replayed = args.get("include_replayed", "false").lower() in {"1", "true", "yes"}
    letters = await admin.list_letters(
        topic=args.get("topic") or None, include_replayed=include_replayed, limit=limit
    )
    return {"dead_letters": [dead_letter_view(letter) for letter in letters]}


@dead_letters_bp.post("/internal/v1/dead-letters/<int:letter_id>/replay")
@inject
async def replay_dead_letter(letter_id: int, admin: FromDishka[DeadLetterAdmin]) -> dict[str, Any]:
    force = request.args.get("force", "false").lower() in {"1", "true", "yes"}
    try:
        replayed = await admin.replay(letter_id, force=force)
    except DeadLetterNotFoundError as exc:
        raise ApiError(404, ErrorCode.NOT_FOUND, str(exc), {"id": letter_id}) from exc
    except (AlreadyReplayedError, NotReplayableError) as exc:
        raise ApiError(409, ErrorCode.CONFLICT, str(exc), {"id": letter_id}) from exc
    return {
        "id": letter_id,
        "replayed_to": {
            "topic": replayed.topic,
            "partition": replayed.partition,
            "offset": replayed.offset,
        },
    }


def _limit(raw: str) -> int:
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, ErrorCode.BAD_REQUEST, f"limit must be an integer from 1 to {MAX_LIMIT}"
        )
    return limit


def dead_letter_view(letter: StoredDeadLetter) -> dict[str, Any]:
    text = letter.value.decode("utf-8", errors="replace")
    return {
        "id": letter.id,
        "consumer_group": letter.consumer_group,
        "source_topic": letter.source_topic,
        "source_partition": letter.source_partition,
        "source_offset": letter.source_offset,
        "key": letter.key.decode("utf-8", errors="replace") if letter.key is not None else None,
        "reason": letter.reason,
        "error_type": letter.error_type,
        "error_message": letter.error_message,
        "attempts": letter.attempts,
        "failed_at": letter.failed_at.isoformat(),
        "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
        "value_preview": text[:PREVIEW_CHARS],
        "value_base64": base64.b64encode(letter.value).decode("ascii"),
    }
