"""The baseline of `benchmarks.gateway`: a bare FastAPI endpoint returning a constant, served by
the same uvicorn settings as the gateway (`python -m uvicorn benchmarks.bare_app:app`)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()

CONSTANT = {"batch_id": "bench", "status": "processing"}


@app.get("/constant")
async def constant() -> dict[str, str]:
    return CONSTANT
