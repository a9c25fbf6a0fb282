"""``POST /v1/content`` and ``GET /v1/content/{storage_id}``."""

from __future__ import annotations

from dishka import FromDishka
from quart import Blueprint, Response, request
from quart_dishka import inject
from werkzeug.exceptions import RequestEntityTooLarge

from huleedu_service_libs.api_errors import ApiError, ErrorCode
from services.content_service.content_store import (
    ContentStore,
    ContentTooLargeError,
    EmptyContentError,
)

content_bp = Blueprint("content", __name__)


def _too_large(max_bytes: int, size: int | None = None) -> ApiError:
    details = {"max_bytes": max_bytes} if size is None else {"max_bytes": max_bytes, "size": size}
    return ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, "content exceeds the size limit", details)


async def _read_body(store: ContentStore) -> bytes:
    """The request body, refused as soon as it is known to exceed the limit: from its
    Content-Length before reading, or while reading (the app's MAX_CONTENT_LENGTH)."""
    if request.content_length is not None and request.content_length > store.max_bytes:
        raise _too_large(store.max_bytes, request.content_length)
    try:
        return await request.get_data(cache=False, as_text=False, parse_form_data=False)
    except RequestEntityTooLarge:
        raise _too_large(store.max_bytes) from None


@content_bp.post("/v1/content")
@inject
async def store_content(store: FromDishka[ContentStore]) -> tuple[dict[str, str], int]:
    data = await _read_body(store)
    try:
        storage_id = await store.store(data, request.headers.get("Content-Type"))
    except ContentTooLargeError as exc:
        raise _too_large(exc.limit, exc.size) from None
    except EmptyContentError:
        raise ApiError(400, ErrorCode.BAD_REQUEST, "the request body is empty") from None
    return {"storage_id": storage_id}, 201


@content_bp.get("/v1/content/<storage_id>")
@inject
async def fetch_content(storage_id: str, store: FromDishka[ContentStore]) -> Response:
    item = await store.fetch(storage_id)
    if item is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, "content not found", {"storage_id": storage_id})
    return Response(item.data, status=200, content_type=item.content_type)
