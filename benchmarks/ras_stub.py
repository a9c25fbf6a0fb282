"""A minimal HTTP server answering RAS's batch-status shape, for `benchmarks.gateway` when the
real Result Aggregator cannot be started (`python -m benchmarks.ras_stub PORT USER_ID`)."""

from __future__ import annotations

import sys

from aiohttp import web


def build_app(user_id: str) -> web.Application:
    async def status(request: web.Request) -> web.Response:
        batch_id = request.match_info["batch_id"]
        view = {"batch_id": batch_id, "user_id": user_id, "status": "processing", "essays": []}
        return web.json_response(view)

    app = web.Application()
    app.router.add_get("/internal/v1/batches/{batch_id}/status", status)
    return app


if __name__ == "__main__":
    web.run_app(
        build_app(sys.argv[2]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        access_log=None,
        print=None,
    )
